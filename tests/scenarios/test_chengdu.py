"""The Chengdu example scenarios: Xinjin's 村村有警 and Xindu before and after its 2022 reform."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

import gridpolicing
from gridpolicing import Report, Status

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
XINJIN = EXAMPLES / "xinjin-2022"
BEFORE = EXAMPLES / "xindu-2022-before"
AFTER = EXAMPLES / "xindu-2022-after"
# The Xindu rules whose subjects are the dispatched officers (none before the reform).
DISPATCHED_RULES = {
    "one-year-term",
    "village-police-posts",
    "six-roles",
    "village-council",
    "dispute-screening",
    "publicity",
    "safety-inspections",
    "patrol-organisation",
    "household-visits",
}


def _spec(folder: Path) -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    return spec


def _run(folder: Path) -> Report:
    spec = _spec(folder)
    policy = gridpolicing.load_policy(spec["policy"])
    data = gridpolicing.load_dataset(folder / spec["data"])
    assert data.rejected == ()
    return gridpolicing.evaluate(policy, data, str(spec["period"]))


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    path = folder / _spec(folder)["data"] / f"{table}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _failed(report: Report) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for f in report.failures():
        out[f.rule].add(f.subject_id)
    return dict(out)


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def xinjin() -> Report:
    return _run(XINJIN)


@pytest.fixture(scope="module")
def before() -> Report:
    return _run(BEFORE)


@pytest.fixture(scope="module")
def after() -> Report:
    return _run(AFTER)


@pytest.mark.parametrize(
    ("folder", "policy", "period"),
    [
        (XINJIN, "chengdu-xinjin-2022", "2022-03"),
        (BEFORE, "chengdu-xindu-2022", "2022-01"),
        (AFTER, "chengdu-xindu-2022", "2022-04"),
    ],
)
def test_scenario_files_are_complete(folder: Path, policy: str, period: str) -> None:
    spec = _spec(folder)
    assert {"title", "policy", "data", "period", "expect"} <= set(spec)
    assert spec["policy"] == policy
    assert str(spec["period"]) == period
    assert "\n" not in str(spec["expect"]).strip()
    assert (folder / "generate.py").is_file()


# --- Xinjin ----------------------------------------------------------------------------------


def test_xinjin_data_has_the_articles_numbers() -> None:
    units = {u["id"]: u for u in _rows(XINJIN, "units")}
    people = {p["id"]: p for p in _rows(XINJIN, "people")}
    villages = [u for u in units.values() if u["type"] == "locality"]
    assert len(villages) == 81
    kinds = Counter((a["role"], a["concurrent"]) for a in _rows(XINJIN, "assignments"))
    assert kinds == {
        ("community_officer", "false"): 34,
        ("community_officer", "true"): 15,
        ("village_contact_officer", "true"): 32,
        ("auxiliary", ""): 81,
    }
    for a in _rows(XINJIN, "assignments"):
        person = people[a["person"]]
        if a["role"] == "village_contact_officer":
            assert units[person["home_unit"]]["type"] == "department"
            assert person["party_member"] == "true"
        if a["role"] == "community_officer" and a["concurrent"] == "true":
            assert person["party_member"] == "true"


def test_xinjin_every_village_has_an_officer(xinjin: Report) -> None:
    coverage = [f for f in xinjin.findings if f.rule == "village-has-officer"]
    assert len(coverage) == 81
    assert {f.status for f in coverage} == {Status.passed}
    assert {f.measured for f in coverage} == {1}
    auxiliaries = [f for f in xinjin.findings if f.rule == "auxiliary-per-village"]
    assert len(auxiliaries) == 81
    assert {f.status for f in auxiliaries} == {Status.passed}


def test_xinjin_only_the_documented_lapse_fails(xinjin: Report) -> None:
    assert _failed(xinjin) == {"visit-households-service": {"xj-vc07"}}
    (lapse,) = xinjin.failures()
    assert lapse.measured == 1
    assert "households 4<5" in (lapse.detail or "")
    assert {s.rule for s in xinjin.skipped} == {"half-year-summary"}
    weekly = [f for f in xinjin.findings if f.rule == "weekly-day-in-village"]
    assert {f.bucket for f in weekly} == {"2022-W10", "2022-W11", "2022-W12"}
    assert len(weekly) == 32 * 3


# --- Xindu -----------------------------------------------------------------------------------


def _unassigned_villages(folder: Path) -> set[str]:
    villages = {u["id"] for u in _rows(folder, "units") if u["type"] == "locality"}
    return villages - {a["unit"] for a in _rows(folder, "assignments")}


def test_xindu_before_coverage_fails_on_exactly_the_54(before: Report) -> None:
    coverage = [f for f in before.findings if f.rule == "full-coverage"]
    assert len(coverage) == 180
    failing = {f.subject_id for f in coverage if f.status is Status.failed}
    assert len(failing) == 54
    assert failing == _unassigned_villages(BEFORE)
    assert all(f.measured == 0 for f in coverage if f.status is Status.failed)


def test_xindu_before_has_the_published_126_officers_one_to_a_village() -> None:
    # 仅有126名基层社区民警; 180 - 54 = 126: no officer with two villages, none without one
    people = _rows(BEFORE, "people")
    assert len(people) == 126
    assignments = _rows(BEFORE, "assignments")
    assert {a["role"] for a in assignments} == {"community_officer"}
    villages = {u["id"] for u in _rows(BEFORE, "units") if u["type"] == "locality"}
    assert len(villages) == 180
    load = Counter(a["person"] for a in assignments)
    assert set(load) == {p["id"] for p in people}
    assert set(load.values()) == {1}
    assert {a["unit"] for a in assignments} <= villages
    assert len({a["unit"] for a in assignments}) == 126


def test_xindu_before_only_the_54_fail(before: Report) -> None:
    gaps = _unassigned_villages(BEFORE)
    assert len(gaps) == 54
    assert _failed(before) == {"full-coverage": gaps, "one-officer-one-village": gaps}
    one_to_one = [f for f in before.findings if f.rule == "one-officer-one-village"]
    assert Counter(f.status for f in one_to_one) == {Status.passed: 126, Status.failed: 54}
    # No dispatched officer yet: the rules about them and the monthly scheme have no subjects.
    assert {s.rule for s in before.skipped} == DISPATCHED_RULES
    assert before.assessment.scores == ()


def test_xindu_after_coverage_passes_everywhere(after: Report, before: Report) -> None:
    coverage = [f for f in after.findings if f.rule == "full-coverage"]
    assert len(coverage) == 180
    assert {f.subject_id for f in coverage if f.status is Status.failed} == set()
    assert _unassigned_villages(AFTER) == set()
    # the 54 dispatched officers went one-to-one to the villages that had none
    dispatched = [a for a in _rows(AFTER, "assignments") if a["role"] == "dispatched_officer"]
    assert len(dispatched) == 54
    assert len({a["person"] for a in dispatched}) == 54
    before_gaps = {f.subject_id for f in before.failures() if f.rule == "full-coverage"}
    assert {a["unit"] for a in dispatched} == before_gaps


def test_xindu_after_no_village_and_no_rule_fails(after: Report) -> None:
    # 180 officers for 180 villages, one to one: the published end state, 0 failing
    assert _failed(after) == {}
    one_to_one = [f for f in after.findings if f.rule == "one-officer-one-village"]
    assert len(one_to_one) == 180
    assert {(f.status, f.measured) for f in one_to_one} == {(Status.passed, 1)}
    assert not after.skipped
    for rule in sorted(DISPATCHED_RULES):
        found = [f for f in after.findings if f.rule == rule]
        assert len(found) == 54, rule
        assert {f.status for f in found} == {Status.passed}, rule


def test_xindu_after_ranks_only_the_dispatched_officers_ties_shared(after: Report) -> None:
    scores = [s for s in after.assessment.scores if s.scheme == "monthly"]
    dispatched = {p["id"] for p in _rows(AFTER, "people") if p["id"].startswith("xd-dp")}
    assert {s.subject_id for s in scores} == dispatched
    assert {s.role for s in scores} == {"dispatched_officer"}
    # evaluations 40, six role items kept (+30) and 2, 3 or 4 check-ins (+10, +15, +20), 18
    # officers each: equal totals share a rank, the next rank skips (1, 19, 37)
    by_total = Counter((s.total, s.rank, s.rank_shared_by) for s in scores)
    assert by_total == {(90, 1, 18): 18, (85, 19, 18): 18, (80, 37, 18): 18}


def test_xindu_after_ranks_do_not_depend_on_ids(tmp_path: Path, after: Report) -> None:
    # The ids reversed (xd-dp01 <-> xd-dp54, and so on) in every table: each officer, known by
    # name, keeps his total and rank.
    def swap(m: re.Match[str]) -> str:
        return f"xd-dp{55 - int(m.group(1)):02d}"

    for table in (AFTER / "data").glob("*.csv"):
        text = re.sub(r"xd-dp(\d\d)", swap, table.read_text(encoding="utf-8"))
        (tmp_path / table.name).write_text(text, encoding="utf-8")
    policy = gridpolicing.load_policy("chengdu-xindu-2022")
    renamed = gridpolicing.evaluate(policy, gridpolicing.load_dataset(tmp_path), "2022-04")
    names = {p["id"]: p["name"] for p in _rows(AFTER, "people")}

    def by_name(report: Report, swapped: bool) -> dict[str, tuple[float, int | None]]:
        out = {}
        for s in report.assessment.scores:
            pid = re.sub(r"xd-dp(\d\d)", swap, s.subject_id) if swapped else s.subject_id
            out[names[pid]] = (s.total, s.rank)
        return out

    assert by_name(renamed, swapped=True) == by_name(after, swapped=False)


def test_xindu_the_other_ranking_reading_ranks_community_officers_by_nothing(
    tmp_path: Path,
) -> None:
    # The reading not taken: captains and community officers in the scheme, whose only item
    # they could score on is check-ins. With none logged, all 126 tie on 0 points: a
    # "ranking" that says nothing, which the policy's not_encoded entry declines to publish.
    other = tmp_path / "other-reading.yaml"
    other.write_text(
        "id: xindu-other-reading\n"
        "extends: chengdu-xindu-2022\n"
        "jurisdiction: 成都市新都区\n"
        "title: {zh: 另一种读法, en: The other reading}\n"
        "assessment:\n"
        "  schemes:\n"
        "    - id: monthly\n"
        "      subject: {people: {roles: [policing_captain, community_officer,"
        " dispatched_officer]}}\n"
        "      ranking: {scope: all, by_role: true}\n",
        encoding="utf-8",
    )
    policy = gridpolicing.load_policy(other)
    report = gridpolicing.evaluate(policy, gridpolicing.load_dataset(AFTER / "data"), "2022-04")
    officers = [s for s in report.assessment.scores if s.role == "community_officer"]
    assert len(officers) == 126
    assert {(s.total, s.rank, s.rank_shared_by) for s in officers} == {(0, 1, 126)}


# --- the committed data is what the generators write ----------------------------------------


def _same_tree(a: Path, b: Path) -> None:
    names = sorted(p.name for p in a.glob("*.csv"))
    assert names == sorted(p.name for p in b.glob("*.csv"))
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_xinjin_data_is_what_generate_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    module = _load("xinjin_generate", XINJIN / "generate.py")
    monkeypatch.setattr(module, "OUT", tmp_path)
    module.main()
    _same_tree(tmp_path, XINJIN / "data")


@pytest.mark.parametrize(("folder", "after_reform"), [(BEFORE, False), (AFTER, True)])
def test_xindu_data_is_what_generate_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: Path, after_reform: bool
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    module = _load("xindu_generate", BEFORE / "generate.py")
    module.write(tmp_path, module.build(after=after_reform))
    _same_tree(tmp_path, folder / "data")
