"""Debian's headless Chromium driven by Playwright, for the HTML report, or a skip without it.

Playwright is told to use /usr/bin/chromium and never downloads a browser of its own. The flags
keep Chromium off the (closed) network, which otherwise makes it slow to start; the profile is
a fresh folder. ``make test-browser`` installs Chromium (scripts/ensure-chromium.sh) and sets
GRIDPOLICING_REQUIRE_BROWSER=1, so a missing browser fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

CHROMIUM: Final = "/usr/bin/chromium"
FLAGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A browser context of Chromium with a fresh profile."""
    required = bool(os.environ.get("GRIDPOLICING_REQUIRE_BROWSER"))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            raise
        pytest.skip("Playwright is not installed (pip install -e '.[test]')")
    if not (Path(CHROMIUM).is_file() or shutil.which("chromium")):
        if required:
            pytest.fail(f"no Chromium at {CHROMIUM}: run sh scripts/ensure-chromium.sh")
        pytest.skip(f"no Chromium at {CHROMIUM} (sh scripts/ensure-chromium.sh installs it)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=list(FLAGS),
            offline=True,
        )
        try:
            yield context
        finally:
            context.close()
