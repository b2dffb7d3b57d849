"""The names and places the report keeps for its findings' subjects (report/subjects.py)."""

from __future__ import annotations

import json

from gridpolicing.report.report import Report
from gridpolicing.report.subjects import SubjectInfo


def test_a_unit_is_named_and_placed_under_its_station(xinxiang: Report) -> None:
    assert xinxiang.subjects[("unit", "c02")] == SubjectInfo(
        "城中社区", "c02", "城中社区", "locality", "gx-station", "高新派出所"
    )
    # a unit above the stations has none: the report files it under "(no station)"
    assert xinxiang.subjects[("unit", "nh-bureau")] == SubjectInfo(
        "新乡市公安局南环分局", "nh-bureau", "新乡市公安局南环分局", "bureau", None, ""
    )


def test_a_person_counts_for_the_unit_of_their_assignment_not_their_home_unit(
    xinxiang: Report,
) -> None:
    # vc3 (刘建国) belongs to the crime squad (home_unit dept-crime) and is assigned to 李庄村
    assert xinxiang.subjects[("person", "vc3")] == SubjectInfo(
        "刘建国", "v10", "李庄村", "locality", "gx-station", "高新派出所"
    )


def test_every_subject_of_a_finding_is_known(xinjin: Report, xinxiang: Report) -> None:
    for report in (xinjin, xinxiang):
        t = report.findings_table
        subjects = set(
            zip(
                t.column("subject_type").to_pylist(),
                t.column("subject_id").to_pylist(),
                strict=True,
            )
        )
        assert subjects == set(report.subjects)


def test_the_json_report_does_not_carry_them(xinjin: Report) -> None:
    data = json.loads(xinjin.to_json())
    assert data["format"] == "gridpolicing.report/1"
    assert set(data["findings"][0]["subject"]) == {"type", "id"}
