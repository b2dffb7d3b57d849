"""The attendance tables (duty_roster, sign_ins) and incidents' unit and resolved, in every form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from gridpolicing import load_dataset
from gridpolicing.engine.attendance import build_attendance
from tests.helpers import make_dataset

DOC = Path(__file__).resolve().parents[2] / "docs" / "dataset-format.md"


def _doc_csv(header: str) -> str:
    """The CSV block of docs/dataset-format.md whose header starts with ``header``."""
    lines = DOC.read_text("utf-8").splitlines()
    (start,) = [i for i, line in enumerate(lines) if line.startswith(header)]
    assert lines[start - 1] == "```"
    end = lines.index("```", start)
    return "\n".join(lines[start:end]) + "\n"


def _write_example(tmp: Path) -> None:
    (tmp / "units.csv").write_text("id,type\nc1,locality\n", "utf-8")
    (tmp / "people.csv").write_text("id\nx1\nx2\nx3\n", "utf-8")
    (tmp / "duty_roster.csv").write_text(_doc_csv("id,person,unit,shift,start,end"), "utf-8")
    (tmp / "sign_ins.csv").write_text(_doc_csv("id,person,kind,at,by"), "utf-8")


def test_the_documented_csv_example_loads_and_gives_its_records(tmp_path: Path) -> None:
    _write_example(tmp_path)
    data = load_dataset(tmp_path)
    assert not data.rejected, [str(r) for r in data.rejected]
    con = data.cursor()
    build_attendance(con, "_a", "_d", dt.date(2022, 3, 1), dt.date(2022, 3, 31))
    found = sorted(con.execute("SELECT id, person, minutes FROM _a").fetchall())
    assert found == [
        ("r1:late", "x1", 10.0),
        ("r1:present", "x1", None),
        ("r2:on_leave", "x1", None),
        # x3 works x2's night shift (approved); the sign-out x2 made for x3 is not x3's own
        ("r3:missed_sign_in", "x3", None),
        ("r3:present", "x3", None),
        ("s4:signed_for", "x3", None),
        ("s4:signer", "x2", None),
    ]


def test_the_same_tables_load_from_parquet(tmp_path: Path) -> None:
    csv_dir, pq_dir = tmp_path / "csv", tmp_path / "pq"
    csv_dir.mkdir()
    pq_dir.mkdir()
    _write_example(csv_dir)
    from_csv = load_dataset(csv_dir)
    for name in ("units", "people", "duty_roster", "sign_ins"):
        pq.write_table(from_csv.table(name), pq_dir / f"{name}.parquet")
    from_parquet = load_dataset(pq_dir)
    assert not from_parquet.rejected
    for name in ("duty_roster", "sign_ins"):
        assert from_parquet.table(name).equals(from_csv.table(name))
    assert isinstance(from_csv.table("sign_ins").schema.field("at").type, pa.TimestampType)


def test_bad_attendance_rows_are_rejected_naming_row_and_field(tmp_path: Path) -> None:
    data = make_dataset(
        tmp_path,
        {
            "units": [{"id": "c1", "type": "locality"}],
            "people": [{"id": "x1"}],
            "duty_roster": [
                {"id": "r1", "person": "x1", "start": "2022-03-01 08:00",
                 "end": "2022-03-01 07:00"},
                {"id": "r2", "person": "x1", "start": "2022-03-01 08:00",
                 "end": "2022-03-01 17:00", "swapped_with": "nobody"},
            ],
            "sign_ins": [
                {"id": "s1", "person": "x1", "kind": "enter", "at": "2022-03-01 08:00"},
                {"id": "s2", "person": "x1", "kind": "in", "at": "2022-03-01 08:00", "by": "ghost"},
            ],
            "incidents": [{"id": "k1", "kind": "partial_conduct", "date": "2022-03-01"}],
        },
    )  # fmt: skip
    got = {(r.table, r.record_id, r.field) for r in data.rejected}
    assert got == {
        ("duty_roster", "r1", "end"),
        ("duty_roster", "r2", "swapped_with"),
        ("sign_ins", "s1", "kind"),
        ("sign_ins", "s2", "by"),
        ("incidents", "k1", "person"),
    }
    assert all(r.row is not None for r in data.rejected)
