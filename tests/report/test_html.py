"""The HTML report's page: the same bytes every time, escaped data, collapsed long lists."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from gridpolicing import examples
from gridpolicing.engine.evaluate import evaluate
from gridpolicing.errors import UsageError
from gridpolicing.io import load_dataset
from gridpolicing.policy.loader import load_policy
from gridpolicing.report import html
from gridpolicing.report.report import Report
from tests.report.conftest import example_report


def test_the_same_report_gives_the_same_bytes(xinjin: Report) -> None:
    again = example_report("xinjin-2022", "chengdu-xinjin-2022", "2022-03")
    assert xinjin.to_html() == again.to_html()
    assert xinjin.to_html(lang="en") == again.to_html(lang="en")
    assert xinjin.to_html() != xinjin.to_html(lang="en")


def test_zh_by_default_and_one_page_with_nothing_to_fetch(xinjin: Report) -> None:
    page = xinjin.to_html()
    assert '<html lang="zh-CN">' in page
    assert "<h2>概要</h2>" in page
    # self-contained: inline CSS, no script, no link, no image or font from elsewhere
    assert "<script" not in page
    assert "<link" not in page
    assert not re.search(r"(src|href)=", page)
    assert "url(" not in page
    assert "@media print" in page


def test_an_unknown_language_is_a_usage_error(xinjin: Report) -> None:
    with pytest.raises(UsageError, match="lang must be one of zh, en"):
        xinjin.to_html(lang="fr")


def test_names_from_the_data_are_escaped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(examples.path("xinjin-2022"), data)
    people = data / "people.csv"
    text = people.read_text(encoding="utf-8")
    assert "民警vc07" in text
    people.write_text(text.replace("民警vc07", "<script>alert(1)</script>"), encoding="utf-8")
    policy = load_policy("chengdu-xinjin-2022")
    report = evaluate(policy, load_dataset(data, vocabulary=policy.vocabulary), "2022-03")
    page = report.to_html()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; (xj-vc07)" in page
    assert "<script" not in page


def test_long_lists_are_cut_with_a_count_of_the_rest(
    xinxiang: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html, "ROWS_SHOWN", 5)
    page = xinxiang.to_html()
    start = '<details class="rule-failures sev-major" data-rule="urban-auxiliary-ratio"'
    group = page[page.index(start) :]
    group = group[: group.index("</details>")]
    assert group.count("<tr><td>城中社区 (c02)</td>") == 5
    assert "另有 7 条未列出,完整清单见 Excel 或 JSON 报告" in group
    # a group of more than 20 failures starts collapsed; this one (12) is open
    assert group.startswith(start + " open>")


@pytest.mark.parametrize("name", examples.names())
def test_every_bundled_example_renders_in_both_languages(name: str, tmp_path: Path) -> None:
    scenario = yaml.safe_load((examples.path(name).parent / "scenario.yaml").read_text("utf-8"))
    report = example_report(name, scenario["policy"], str(scenario["period"]))
    for lang in ("zh", "en"):
        page = report.to_html(lang=lang)
        assert page.count("<details") == page.count("</details>")
        report.to_xlsx(tmp_path / f"{lang}.xlsx", lang=lang)
    if report.skipped:  # a rule without findings is named, not taken for a pass
        page = report.to_html()
        assert 'id="without-findings"' in page
        assert all(f"<code>{s.rule}</code>" in page for s in report.skipped)


def test_findings_without_a_known_unit_are_listed_as_such() -> None:
    report = example_report("xinjin-2022", "chengdu-xinjin-2022", "2022-03")
    report.subjects = {}  # a Report built without names (by hand, or by an older engine)
    page = report.to_html()
    units = page[page.index('<details open id="units">') :]
    units = units[: units.index("</details>")]
    assert units.count("<tr class=") == 1
    assert "(无所属单位)" in units
    assert "(无所属派出所)" in units
    assert "民警vc07 (xj-vc07)" not in page
    assert "xj-vc07" in page  # still the id
