"""checklist: every listed facility item present at the latest check up to the bucket's end."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from gridpolicing.rules.checklist import KIND, ChecklistRule
from tests.helpers import run_rule, statuses

ITEMS = ["群众接待室", "矛盾纠纷调处室", "视频监控室"]

BASE: dict[str, list[dict[str, Any]]] = {
    "units": [{"id": "o1", "type": "office"}],
}

RULE: dict[str, Any] = {
    "kind": "checklist",
    "subject": {"units": {"type": "office"}},
    "items": ITEMS,
}


def _check(cid: str, item: str, present: bool = True, day: str = "2022-05-01") -> dict[str, Any]:
    return {"id": cid, "unit": "o1", "item": item, "present": present, "checked_on": day}


def _spec(**extra: Any) -> ChecklistRule:
    return ChecklistRule.model_validate(
        {
            "id": "r",
            **RULE,
            "title": {"zh": "t", "en": "t"},
            "severity": "minor",
            "citation": {"source": "s", "quote": "测试"},
            **extra,
        }
    )


def test_all_items_present_passes(tmp_path: Path) -> None:
    tables = {**BASE, "checklists": [_check(f"k{i}", item) for i, item in enumerate(ITEMS)]}
    found = run_rule(tmp_path, RULE, tables, "2022")
    assert statuses(found) == {("o1", "2022"): "pass"}
    assert (found[0].measured, found[0].required) == (3, 3)
    assert found[0].evidence == ("k0", "k1", "k2")
    assert found[0].detail is None


def test_one_missing_item_fails(tmp_path: Path) -> None:
    tables = {
        **BASE,
        "checklists": [
            _check("k0", ITEMS[0]),
            _check("k1", ITEMS[1], present=False),
            _check("k2", ITEMS[2]),
        ],
    }
    found = run_rule(tmp_path, RULE, tables, "2022")
    assert statuses(found) == {("o1", "2022"): "fail"}
    assert found[0].measured == 2
    assert found[0].detail == "missing: 矛盾纠纷调处室"
    text = KIND.describe(_spec(), found[0])
    assert "2 of 3 items present; missing: 矛盾纠纷调处室" in text.en
    assert "缺少:矛盾纠纷调处室" in text.zh


def test_unchecked_item_fails_as_not_checked(tmp_path: Path) -> None:
    tables = {
        **BASE,
        "checklists": [
            _check("k0", ITEMS[0]),
            _check("k1", ITEMS[1], present=False),
            _check("k9", "其他设施"),
        ],
    }
    found = run_rule(tmp_path, RULE, tables, "2022")
    assert statuses(found) == {("o1", "2022"): "fail"}
    assert found[0].detail == "missing: 矛盾纠纷调处室; not checked: 视频监控室"
    assert found[0].evidence == ("k0", "k1")  # the unlisted item is not used
    assert "未检查:视频监控室" in KIND.describe(_spec(), found[0]).zh


def test_latest_check_up_to_the_bucket_end_wins(tmp_path: Path) -> None:
    tables = {
        **BASE,
        "checklists": [
            *[_check(f"k{i}", item, day="2021-03-01") for i, item in enumerate(ITEMS)],
            _check("late", ITEMS[2], present=False, day="2022-06-30"),  # after the quarter ends
            _check("gone", ITEMS[0], present=False, day="2022-02-01"),
            _check("back", ITEMS[0], present=True, day="2022-03-01"),
        ],
    }
    found = run_rule(tmp_path, {**RULE, "period": "quarter"}, tables, "2022-H1")
    assert statuses(found) == {("o1", "2022-Q1"): "pass", ("o1", "2022-Q2"): "fail"}
    assert found[0].evidence == ("back", "k1", "k2")
    assert found[1].detail == "missing: 视频监控室"


def test_an_absent_item_must_be_checked_and_found_gone(tmp_path: Path) -> None:
    rule = {**RULE, "items": ["社区综治中心标牌"], "absent_items": ["社区综治办标牌"]}
    new_sign = _check("k0", "社区综治中心标牌")
    taken_down = {**BASE, "checklists": [new_sign, _check("k1", "社区综治办标牌", present=False)]}
    found = run_rule(tmp_path, rule, taken_down, "2022")
    assert statuses(found) == {("o1", "2022"): "pass"}
    assert (found[0].measured, found[0].required) == (2, 2)
    still_up = {**BASE, "checklists": [new_sign, _check("k1", "社区综治办标牌")]}
    found = run_rule(tmp_path, rule, still_up, "2022")
    assert (found[0].status.value, found[0].detail) == ("fail", "still present: 社区综治办标牌")
    assert "应撤除而仍在:社区综治办标牌" in KIND.describe(_spec(**rule), found[0]).zh
    never_checked = run_rule(tmp_path, rule, {**BASE, "checklists": [new_sign]}, "2022")
    assert never_checked[0].detail == "not checked: 社区综治办标牌"


def test_an_item_is_either_present_or_absent() -> None:
    with pytest.raises(ValidationError, match="both present and absent"):
        _spec(absent_items=[ITEMS[0]])
    with pytest.raises(ValidationError, match="expected items, absent_items"):
        _spec(items=[])


def test_items_must_be_distinct() -> None:
    with pytest.raises(ValidationError, match="distinct"):
        _spec(items=["a", "a"])
    with pytest.raises(ValidationError, match="must be units"):
        _spec(subject={"people": {"roles": ["community_officer"]}})


@settings(max_examples=20, deadline=None)
@given(states=st.lists(st.sampled_from([True, False, None]), min_size=3, max_size=3))
def test_passes_only_when_every_item_is_present(states: list[bool | None]) -> None:
    checks = [
        _check(f"k{i}", item, present=bool(s))
        for i, (item, s) in enumerate(zip(ITEMS, states, strict=True))
        if s is not None
    ]
    with tempfile.TemporaryDirectory() as tmp:
        found = run_rule(Path(tmp), RULE, {**BASE, "checklists": checks}, "2022")
    assert found[0].measured == sum(s is True for s in states)
    expected = "pass" if all(s is True for s in states) else "fail"
    assert statuses(found) == {("o1", "2022"): expected}
