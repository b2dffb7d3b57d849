"""The HTML report of bundled examples in a real Chromium: offline, no console error, the
expected figures, the chart's bars, and screenshots at phone and desktop widths."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from gridpolicing import examples
from gridpolicing.engine.evaluate import evaluate
from gridpolicing.io import load_dataset
from gridpolicing.policy.loader import load_policy
from gridpolicing.report.report import Report


def _report(example: str, policy: str, period: str) -> Report:
    p = load_policy(policy)
    return evaluate(p, load_dataset(examples.path(example), vocabulary=p.vocabulary), period)


@pytest.fixture(scope="module")
def xinjin() -> Report:
    return _report("xinjin-2022", "chengdu-xinjin-2022", "2022-03")


@pytest.fixture(scope="module")
def xinxiang() -> Report:
    return _report("xinxiang-2016", "xinxiang-gaoxin-2016", "2017")


@dataclass
class Loaded:
    """A page opened from a file:// URL, with what it logged and asked for."""

    page: Any
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(chromium: Any, tmp_path: Path) -> Iterator[Any]:
    pages: list[Any] = []

    def load(report: Report, *, lang: str = "zh", width: int = 1280) -> Loaded:
        path = tmp_path / f"report-{lang}-{len(pages)}.html"
        path.write_text(report.to_html(lang=lang), encoding="utf-8")
        page = chromium.new_page()
        pages.append(page)
        page.set_viewport_size({"width": width, "height": 900})
        loaded = Loaded(page)
        page.on(
            "console",
            lambda m: (
                loaded.problems.append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda e: loaded.problems.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: loaded.problems.append(f"failed: {r.url}"))
        page.on("request", lambda r: loaded.requests.append(r.url))
        page.goto(path.as_uri(), wait_until="load")
        return loaded

    yield load
    for page in pages:
        page.close()


def test_page_loads_offline_without_console_errors(open_page: Any, xinjin: Report) -> None:
    loaded = open_page(xinjin)
    assert loaded.problems == []
    # the one file and nothing else: no font, script or image is fetched
    assert len(loaded.requests) == 1
    assert loaded.requests[0].startswith("file://")
    assert loaded.page.evaluate("document.scripts.length") == 0


def test_page_shows_the_reports_figures(open_page: Any, xinjin: Report) -> None:
    page = open_page(xinjin).page
    data = json.loads(xinjin.to_json())
    summary = data["summary"]
    assert page.inner_text("#n-fail") == str(summary["by_status"]["fail"]) == "1"
    assert page.inner_text("#n-findings") == str(summary["findings"])
    # the failure, grouped by rule: its title, the clause verbatim, the officer by name
    group = page.locator('details.rule-failures[data-rule="visit-households-service"]')
    text = group.inner_text()
    rule = next(r for r in data["rules"] if r["id"] == "visit-households-service")
    assert rule["title"]["zh"] in text
    assert rule["citation"]["quote"] in text
    assert "民警vc07 (xj-vc07)" in text
    assert "1 次走访(按日计)未达每次走访要求" in text
    # grouped by unit too, under the officer's station
    assert "示例派出所" in page.locator("details.unit-failures").first.inner_text()


def test_rankings_show_names_ranks_and_ties(open_page: Any, xinjin: Report) -> None:
    page = open_page(xinjin).page
    tables = page.locator('details.ranking[data-scheme="monthly"]')
    rows = tables.locator("tbody tr")
    # text, not inner text: most groups are collapsed (<details>), so not rendered
    cells = [rows.nth(i).locator("td").all_text_contents() for i in range(rows.count())]
    by_id = {c[2]: c for c in cells}
    results = json.loads(xinjin.to_json())["assessment"]["schemes"][0]["results"]
    assert len(cells) == len(results)
    # the one officer alone at rank 4, with name and station; the others share rank 1
    assert by_id["xj-vc07"][:3] == ["4", "民警vc07", "xj-vc07"]
    assert by_id["xj-vc07"][3].startswith("示例派出所")
    assert by_id["xj-ax01"][:2] == ["并列1", "辅警01"]
    assert tables.locator("td.rank.tie").count() == len(cells) - 1


def test_english_page(open_page: Any, xinjin: Report) -> None:
    loaded = open_page(xinjin, lang="en")
    assert loaded.problems == []
    assert loaded.page.locator("html").get_attribute("lang") == "en"
    assert "Failures by rule" in loaded.page.inner_text("#failures")
    assert "=1" in loaded.page.inner_text("#rankings")


def test_chart_has_a_bar_per_rule_and_month(open_page: Any, xinxiang: Report) -> None:
    page = open_page(xinxiang).page
    bars = page.locator("#chart svg rect.bar")
    # urban-auxiliary-ratio fails for c02 in each of the 12 months, the contact officer's
    # days once in August
    assert bars.count() == 13
    assert page.locator('#chart g[data-rule="urban-auxiliary-ratio"] rect.bar').count() == 12
    august = page.locator('#chart g[data-rule="contact-officer-monthly-days"] rect.bar')
    assert august.get_attribute("data-month") == "2017-08"
    assert page.inner_text("#n-fail") == "13"


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshot_at_phone_and_desktop_width(
    open_page: Any, xinxiang: Report, width: int
) -> None:
    loaded = open_page(xinxiang, width=width)
    page = loaded.page
    assert loaded.problems == []
    # nothing wider than the screen: wide tables and the chart scroll inside their box
    assert page.evaluate("document.documentElement.scrollWidth") == width
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("L")
    assert shot.width == width
    assert shot.height > 900
    # not blank: a good share of the pixels are ink (text, bars, borders), not background
    histogram = shot.histogram()
    ink = sum(histogram[:200]) / (shot.width * shot.height)
    assert ink > 0.01


def test_printing_opens_the_collapsed_lists(open_page: Any, xinxiang: Report) -> None:
    page = open_page(xinxiang).page
    units = page.locator("#units table")  # 61 units: collapsed on screen
    assert not units.is_visible()
    page.emulate_media(media="print")
    assert units.is_visible()
    assert page.locator("#units tbody tr").first.is_visible()
