"""Write docs/images/report-zh.png: the top of a bundled example's HTML report at 1280 px.

Run with the project's virtualenv after ``sh scripts/ensure-chromium.sh``::

    .venv/bin/python scripts/report-screenshot.py

The page is the xinxiang-2016 example's 2017 report in Chinese, opened from a file:// URL in
Debian's headless Chromium (Playwright, the test extra), cut to its first 1,400 pixels and
reduced to a 64-colour palette so the PNG stays small.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from gridpolicing import evaluate, examples, load_dataset, load_policy

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images" / "report-zh.png"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    """Render, shoot and write the PNG."""
    policy = load_policy("xinxiang-gaoxin-2016")
    with load_dataset(examples.path("xinxiang-2016"), vocabulary=policy.vocabulary) as data:
        report = evaluate(policy, data, "2017")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_file = Path(tmp) / "report.html"
        page_file.write_text(report.to_html(lang="zh"), encoding="utf-8")
        context = p.chromium.launch_persistent_context(
            str(Path(tmp) / "profile"),
            executable_path="/usr/bin/chromium",
            headless=True,
            args=FLAGS,
            offline=True,
            viewport={"width": 1280, "height": 1400},
        )
        page = context.new_page()
        page.goto(page_file.as_uri(), wait_until="load")
        png = page.screenshot(full_page=False)
        context.close()
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    image.save(OUT, optimize=True)
    print(f"{OUT.relative_to(ROOT)}: {image.width}x{image.height}, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
