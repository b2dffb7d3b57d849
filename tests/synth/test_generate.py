"""generate(): determinism, published totals, options and errors; truth.json; the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from gridpolicing import UsageError
from gridpolicing.cli.synth import command
from gridpolicing.model.tables import TABLES
from gridpolicing.synth import DEFAULT_SEED, PROFILES, Truth, generate
from gridpolicing.synth.profiles.xindu import PUBLISHED


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_same_arguments_same_bytes(tmp_path: Path, fmt: str) -> None:
    args = {"violation_rate": 0.2, "period": "2022-03-01..2022-04-30", "table_format": fmt}
    generate("xinjin-2022", 0.2, 7, tmp_path / "a", **args)  # type: ignore[arg-type]
    generate("xinjin-2022", 0.2, 7, tmp_path / "b", **args)  # type: ignore[arg-type]
    generate("xinjin-2022", 0.2, 8, tmp_path / "c", **args)  # type: ignore[arg-type]
    a, b, c = (_files(tmp_path / x) for x in "abc")
    assert a == b
    assert a[f"activities.{fmt}"] != c[f"activities.{fmt}"]
    assert set(a) == {f"{t}.{fmt}" for t in TABLES} | {"truth.json"}


@pytest.fixture(scope="module")
def xindu(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("xindu")
    return out, generate("xindu-2022", 1.0, DEFAULT_SEED, out)


def test_xindu_reproduces_the_published_totals(xindu: tuple[Path, Truth]) -> None:
    out, truth = xindu
    assert truth.violations  # the default rate breaks rules, and the totals still hold
    con = duckdb.connect()
    acts = f"read_parquet('{out / 'activities.parquet'}')"
    [(suggestions, services, inspections, rectified)] = con.execute(
        f"""SELECT sum(quantity) FILTER (WHERE kind = 'suggestion_collection'),
                   sum(services_done),
                   count(*) FILTER (WHERE kind IN ('safety_inspection', 'fire_safety')),
                   sum(hazards_rectified)
            FROM {acts}"""
    ).fetchall()
    disputes = dict(
        con.execute(
            f"SELECT subkind, sum(quantity) FROM {acts} WHERE kind = 'mediation' GROUP BY ALL"
        ).fetchall()
    )
    [(yard,)] = con.execute(
        f"SELECT count(*) FROM read_parquet('{out / 'meetings.parquet'}') "
        "WHERE kind = 'yard_meeting'"
    ).fetchall()
    assert suggestions == PUBLISHED["suggestions"] == 521
    assert disputes == {"neighbour": 89, "family": 101, "labour": 16}
    assert yard == PUBLISHED["yard_meetings"] == 435
    assert inspections == 6852
    assert rectified == 1517
    assert services == 498


def test_xindu_structure(xindu: tuple[Path, Truth]) -> None:
    out, _ = xindu
    con = duckdb.connect()
    roles = dict(
        con.execute(
            "SELECT role, count(DISTINCT person) FROM "
            f"read_parquet('{out / 'assignments.parquet'}') WHERE start <= DATE '2022-01-15' "
            "AND coalesce(\"end\", DATE '2022-01-15') >= DATE '2022-01-15' "
            "AND role IN ('community_officer', 'dispatched_officer') GROUP BY ALL"
        ).fetchall()
    )
    assert roles == {"community_officer": 126, "dispatched_officer": 54}
    [(villages,)] = con.execute(
        f"SELECT count(*) FROM read_parquet('{out / 'units.parquet'}') WHERE type = 'locality'"
    ).fetchall()
    assert villages == 180


def test_truth_json_round_trip(xindu: tuple[Path, Truth]) -> None:
    out, truth = xindu
    again = Truth.read(out / "truth.json")
    assert again == truth
    data = json.loads((out / "truth.json").read_text("utf-8"))
    assert data["format"] == "gridpolicing.synth.truth/1"
    assert data["period"] == "2022"
    v = data["violations"][0]
    assert set(v) == {"rule", "subject_type", "subject", "bucket", "injection", "how"}


def test_activities_target(tmp_path: Path) -> None:
    truth = generate("nanjing-2016", 0.1, 1, tmp_path, period="2017-03", activities=20_000)
    assert 19_000 <= truth.counts["activities"] <= 21_000


def test_per_rule_rates(tmp_path: Path) -> None:
    truth = generate(
        "xinjin-2022", 0.2, 1, tmp_path, period="2022-04", violation_rate={"visit-log-photo": 1.0}
    )
    assert {v.rule for v in truth.violations} == {"visit-log-photo"}
    assert truth.rates == {"visit-log-photo": 1.0}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"profile": "nowhere"}, "unknown profile"),
        ({"scale": 0}, "scale"),
        ({"violation_rate": 1.5}, "between 0 and 1"),
        ({"violation_rate": {"no-such-rule": 0.5}}, "no rule no-such-rule"),
        ({"period": "2021-12-01..2022-01-31"}, "one calendar year"),
        ({"activities": -1}, "activities"),
    ],
)
def test_bad_arguments(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"profile": "xinjin-2022", "scale": 0.1, "out": tmp_path}
    args.update(kwargs)
    with pytest.raises(UsageError, match=message):
        generate(**args)  # type: ignore[arg-type]


def test_profiles_name_their_policies() -> None:
    assert {p.policy for p in PROFILES.values()} == {
        "chengdu-xindu-2022",
        "chengdu-xinjin-2022",
        "xinxiang-gaoxin-2016",
        "nanjing-2016",
    }


def test_cli(tmp_path: Path) -> None:
    out = tmp_path / "data"
    result = CliRunner().invoke(
        command,
        [
            "nanjing-2016",
            "--out",
            str(out),
            "--scale",
            "0.1",
            "--seed",
            "3",
            "--period",
            "2017-10",
            "--format",
            "csv",
            "--violation-rate",
            "0.1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "activities" in result.output
    assert "--period 2017-10" in result.output
    truth = Truth.read(out / "truth.json")
    assert truth.table_format == "csv"
    assert (out / "activities.csv").exists()
