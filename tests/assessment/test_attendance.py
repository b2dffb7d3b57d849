"""Attendance: records derived from the duty roster and the sign-ins, counted by rules and items."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gridpolicing import Policy, evaluate, load_dataset, load_policy
from gridpolicing.engine.attendance import build_attendance
from tests.assessment.test_groups import doc_block, doc_table

MARCH = dt.date(2022, 3, 1)


def _policy(tmp: Path, doc: dict[str, Any]) -> Policy:
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return load_policy(path)


def _load(tmp: Path, tables: dict[str, Any], policy: Policy | None = None) -> Any:
    path = tmp / "data.yaml"
    path.write_text(yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), "utf-8")
    data = load_dataset(path, vocabulary=policy.vocabulary if policy else None)
    assert not data.rejected, [str(r) for r in data.rejected]
    return data


def _at(day: int, hhmm: str) -> str:
    return f"2022-03-{day:02d} {hhmm}"


def auxiliaries(people: list[str]) -> dict[str, Any]:
    """Community c1 and the auxiliaries ``people`` assigned there, no roster yet."""
    return {
        "units": [{"id": "c1", "type": "locality", "category": "urban_community"}],
        "people": [{"id": p} for p in people],
        "assignments": [
            {"id": f"a-{p}", "person": p, "unit": "c1", "role": "auxiliary", "start": "2021-01-01"}
            for p in people
        ],
        "duty_roster": [],
        "sign_ins": [],
    }


def shift(tables: dict[str, Any], person: str, day: int, **extra: Any) -> str:
    """Add a 08:00-17:00 shift of ``person`` on ``day`` March 2022; its id."""
    sid = f"{person}-r{day}"
    tables["duty_roster"].append(
        {"id": sid, "person": person, "unit": "c1", "start": _at(day, "08:00"),
         "end": _at(day, "17:00"), **extra}
    )  # fmt: skip
    return sid


def sign(tables: dict[str, Any], person: str, day: int, kind: str, hhmm: str, **extra: Any) -> None:
    """Add a sign-in (``kind`` in/out) of ``person`` at ``hhmm`` on ``day`` March 2022."""
    n = len(tables["sign_ins"])
    tables["sign_ins"].append(
        {"id": f"s{n}", "person": person, "kind": kind, "at": _at(day, hhmm), **extra}
    )


def _records(data: Any) -> set[tuple[str, str, float | None]]:
    con = data.cursor()
    build_attendance(con, "_t_att", "_t_days", MARCH, dt.date(2022, 3, 31))
    rows = con.execute("SELECT id, person, minutes FROM _t_att").fetchall()
    return {(r[0], r[1], r[2]) for r in rows}


def test_each_kind_is_derived_from_the_roster_and_the_sign_ins(tmp_path: Path) -> None:
    t = auxiliaries(["p1", "p2", "p3", "p4"])
    shift(t, "p1", 1)  # 40 minutes late, left an hour early
    sign(t, "p1", 1, "in", "08:40")
    sign(t, "p1", 1, "out", "16:00")
    shift(t, "p2", 1)  # no sign-in at all: absent
    shift(t, "p2", 2, leave=True, leave_approved=True)  # approved leave, no sign-in
    shift(t, "p2", 3, leave=True)  # leave not approved, no sign-in: absent
    shift(t, "p3", 1, swapped_with="p4")  # p4 works it without approval, signs in only
    sign(t, "p4", 1, "in", "07:50")
    shift(t, "p3", 2)  # p3 signed in by p1 (代签), signs out themself
    sign(t, "p3", 2, "in", "07:58", by="p1")
    sign(t, "p3", 2, "out", "17:00")
    found = _records(_load(tmp_path, t))
    assert found == {
        ("p1-r1:present", "p1", None),
        ("p1-r1:late", "p1", 40.0),
        ("p1-r1:early_leave", "p1", 60.0),
        ("p2-r1:absent", "p2", None),
        ("p2-r2:on_leave", "p2", None),
        ("p2-r3:absent", "p2", None),
        ("p3-r1:unapproved_swap", "p3", None),
        ("p3-r1:present", "p4", None),
        ("p3-r1:missed_sign_in", "p4", None),
        # the sign-in made by p1 is not p3's own: only a sign-out, so a missed sign-in
        ("p3-r2:missed_sign_in", "p3", None),
        ("s3:signer", "p1", None),
        ("s3:signed_for", "p3", None),
    }


def test_a_sign_in_goes_to_the_nearest_shift_of_a_night_and_a_day(tmp_path: Path) -> None:
    t = auxiliaries(["p1"])
    t["duty_roster"].append(
        {"id": "night", "person": "p1", "start": _at(1, "20:00"), "end": _at(2, "08:00")}
    )
    t["duty_roster"].append(
        {"id": "day", "person": "p1", "start": _at(2, "09:00"), "end": _at(2, "17:00")}
    )
    sign(t, "p1", 1, "in", "19:50")
    sign(t, "p1", 2, "out", "08:05")  # 55 minutes before the day shift: the night's sign-out
    sign(t, "p1", 2, "in", "09:10")
    sign(t, "p1", 2, "out", "17:00")
    found = _records(_load(tmp_path, t))
    assert found == {
        ("night:present", "p1", None),
        ("day:present", "p1", None),
        ("day:late", "p1", 10.0),
    }


def _full_attendance_policy(tmp: Path) -> Policy:
    return _policy(tmp, doc_block("attendance-example"))


def test_a_person_off_the_roster_is_insufficient_data_never_full_attendance(
    tmp_path: Path,
) -> None:
    policy = _full_attendance_policy(tmp_path)
    t = auxiliaries(["on", "off"])
    shift(t, "on", 1)
    sign(t, "on", 1, "in", "07:55")
    sign(t, "on", 1, "out", "17:05")
    report = evaluate(policy, _load(tmp_path, t, policy), "2022-03")
    status = {f.subject_id: (f.status.value, f.measured) for f in report.findings}
    assert status == {"on": ("pass", 0.0), "off": ("insufficient_data", None)}
    [off] = [s for s in report.assessment.scores if s.subject_id == "off"]
    [absent] = [i for i in off.items if i.item == "absent"]
    assert absent.points == 0
    assert "cannot be judged" in absent.explanation.en


def test_a_unit_without_shifts_is_insufficient_data(tmp_path: Path) -> None:
    from tests.helpers import make_policy

    rule = {
        "id": "no-absence",
        "kind": "measure",
        "subject": {"units": {"type": "locality"}},
        "period": "month",
        "measure": {"count": {"records": {"attendance": ["absent"]}}},
        "at_most": 0,
    }
    policy = make_policy(tmp_path, [rule])
    t = auxiliaries(["p1", "p2"])
    t["units"].append({"id": "c2", "type": "locality", "category": "urban_community"})
    shift(t, "p1", 1)  # absent, at c1
    t["duty_roster"].append(  # no unit: counted where p2 is assigned that day (c1)
        {"id": "nu", "person": "p2", "start": _at(2, "08:00"), "end": _at(2, "17:00")}
    )
    report = evaluate(policy, _load(tmp_path, t), "2022-03")
    status = {f.subject_id: (f.status.value, f.measured) for f in report.findings}
    assert status == {"c1": ("fail", 2.0), "c2": ("insufficient_data", None)}


def test_the_documented_attendance_example_gives_the_documented_table(tmp_path: Path) -> None:
    policy = _full_attendance_policy(tmp_path)
    rows = doc_table("rostered auxiliary")
    t = auxiliaries([r[0] for r in rows])
    for r in rows:
        pid, shifts, absent, early = r[0], int(r[1]), int(r[2]), int(r[3])
        for day in range(1, shifts + 1):
            shift(t, pid, day)
            if day <= absent:
                continue
            sign(t, pid, day, "in", "07:55")
            sign(t, pid, day, "out", "16:00" if day <= absent + early else "17:05")
    report = evaluate(policy, _load(tmp_path, t, policy), "2022-03")
    status = {f.subject_id: f.status.value for f in report.findings}
    scores = {s.subject_id: s for s in report.assessment.scores}
    for r in rows:
        items = {i.item: i.points for i in scores[r[0]].items}
        got = (status[r[0]], items["absent"], items["early-leave"], items["full"])
        assert got == (r[4], float(r[5]), float(r[6]), float(r[7])), r
        assert scores[r[0]].total == float(r[8]), r


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(-120, 120), min_size=1, max_size=4),
    st.lists(st.integers(-120, 120), min_size=1, max_size=4),
)
def test_lateness_and_early_leave_follow_the_first_in_and_the_last_out(
    ins: list[int], outs: list[int]
) -> None:
    """Sign-ins up to 2 hours either side of 08:00 and sign-outs either side of 17:00: late by
    the first sign-in's minutes after 08:00, early by the last sign-out's before 17:00."""
    t = auxiliaries(["p"])
    shift(t, "p", 1)
    start, end = dt.datetime(2022, 3, 1, 8), dt.datetime(2022, 3, 1, 17)
    for m in ins:
        sign(t, "p", 1, "in", (start + dt.timedelta(minutes=m)).strftime("%H:%M"))
    for m in outs:
        sign(t, "p", 1, "out", (end + dt.timedelta(minutes=m)).strftime("%H:%M"))
    with tempfile.TemporaryDirectory() as tmp:
        found = {kind: minutes for (rid, _, minutes) in _records(_load(Path(tmp), t))
                 for kind in [rid.split(":")[1]]}  # fmt: skip
    first, last = min(ins), max(outs)
    assert ("late" in found) == (first > 0)
    assert ("early_leave" in found) == (last < 0)
    if first > 0:
        assert found["late"] == first
    if last < 0:
        assert found["early_leave"] == -last
    assert "present" in found
    assert "absent" not in found
    assert "missed_sign_in" not in found


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.sampled_from(["on_time", "early", "absent"]), min_size=0, max_size=4),
    st.lists(st.sampled_from(["early", "absent"]), min_size=1, max_size=3),
)
def test_more_attendance_violations_never_raise_a_score(base: list[str], worse: list[str]) -> None:
    """Two auxiliaries with the same shifts, one with more broken ones: never a higher total."""
    with tempfile.TemporaryDirectory() as tmp:
        policy = _full_attendance_policy(Path(tmp))
        t = auxiliaries(["few", "many"])
        for pid, shifts in (("few", [*base, *["on_time"] * len(worse)]), ("many", base + worse)):
            for day, how in enumerate(shifts, start=1):
                shift(t, pid, day)
                if how != "absent":
                    sign(t, pid, day, "in", "07:55")
                    sign(t, pid, day, "out", "16:00" if how == "early" else "17:05")
        report = evaluate(policy, _load(Path(tmp), t, policy), "2022-03")
    totals = {s.subject_id: s.total for s in report.assessment.scores}
    assert totals["many"] < totals["few"]
