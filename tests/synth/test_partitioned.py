"""generate_partitioned(): a province of bureaus, loaded as one, evaluates as each bureau does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from gridpolicing import UsageError, evaluate, load_dataset, load_policy
from gridpolicing.cli.main import cli
from gridpolicing.errors import DatasetError
from gridpolicing.model.tables import TABLES
from gridpolicing.synth import Truth, generate, generate_partitioned
from tests.synth.oracle import check, failing

ARGS: dict[str, Any] = {"scale": 0.2, "seed": 7, "violation_rate": 0.2, "period": "2022-03"}
BUREAUS = ["B0001", "B0002", "B0003"]


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Truth]]:
    out = tmp_path_factory.mktemp("province")
    return out, generate_partitioned("xinjin-2022", out, bureaus=3, activities=3000, **ARGS)


def _findings(data: Path, truth: Truth) -> set[str]:
    policy = load_policy(truth.policy)
    dataset = load_dataset(data, vocabulary=policy.vocabulary)
    assert dataset.rejected == ()
    rules = [r.id for r in policy.rules]
    report = evaluate(policy, dataset, truth.period)
    return {
        json.dumps({**row, "rule_index": rules[row["rule_index"]]}, sort_keys=True, default=str)
        for row in report.findings_table.to_pylist()
    }


def test_the_layout(province: tuple[Path, list[Truth]]) -> None:
    out, truths = province
    layout = json.loads((out / "layout.json").read_text("utf-8"))
    assert layout == {
        "format": "gridpolicing.partitioned/1",
        "partition_by": "bureau",
        "partitions": BUREAUS,
    }
    for b, truth in zip(BUREAUS, truths, strict=True):
        folder = out / f"bureau={b}"
        assert Truth.read(folder / "truth.json") == truth
        assert (folder / "activities" / "year=2022" / "part-0.parquet").is_file()
        assert not (folder / "activities.parquet").exists()
        assert {p.name for p in folder.glob("*.parquet")} == {
            f"{t}.parquet" for t in TABLES if t != "activities"
        }
        assert all(v.subject.startswith(f"{b}-") for v in truth.violations)
    # Each bureau is its own world: its seed is the seed plus its index.
    assert [t.seed for t in truths] == [7, 8, 9]
    assert len({t.expected() for t in truths}) == 3


def test_ids_are_unique_and_every_reference_stays_in_its_bureau(
    province: tuple[Path, list[Truth]],
) -> None:
    out, _ = province
    con = duckdb.connect()
    for table, spec in TABLES.items():
        parts = f"'{out}/bureau=*/{table}.parquet'"
        if table == "activities":
            parts = f"'{out}/bureau=*/activities/**/*.parquet'"
        rows = f"read_parquet({parts}, filename = true, hive_partitioning = false)"
        own = "regexp_extract(filename, 'bureau=(B[0-9]+)', 1) || '-'"
        [(n, distinct, foreign)] = con.execute(
            f"SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE NOT starts_with(id, "
            f"{own})) FROM {rows}"
        ).fetchall()
        assert (distinct, foreign) == (n, 0), table
        for col in spec.references:
            (c,) = (c for c in TABLES[table].model.model_fields if c == col)
            values = f"unnest({c})" if c == "attendees" else f'"{c}"'
            [(bad,)] = con.execute(
                f"SELECT count(*) FROM (SELECT {values} AS v, {own} AS p FROM {rows}) "
                "WHERE v IS NOT NULL AND NOT starts_with(v, p)"
            ).fetchall()
            assert bad == 0, (table, col)


def test_the_union_evaluates_as_the_bureaus_do(
    province: tuple[Path, list[Truth]],
) -> None:
    out, truths = province
    each = set().union(*(_findings(out / f"bureau={b}", truths[0]) for b in BUREAUS))
    assert each
    assert _findings(out, truths[0]) == each


def test_every_bureaus_truth_is_matched_by_evaluating_the_province(
    province: tuple[Path, list[Truth]],
) -> None:
    out, truths = province
    found = failing(out, truths[0])
    assert found == set().union(*(t.expected() for t in truths))
    for b, truth in zip(BUREAUS, truths, strict=True):
        check(out / f"bureau={b}", truth)
        assert {f for f in found if f[1].startswith(f"{b}-")} == truth.expected()


def test_the_first_bureau_is_the_plain_world_prefixed(
    province: tuple[Path, list[Truth]], tmp_path: Path
) -> None:
    out, truths = province
    plain = generate("xinjin-2022", out=tmp_path, activities=3000, **ARGS)
    assert plain.expected() == {
        (r, s.removeprefix("B0001-"), b) for r, s, b in truths[0].expected()
    }
    con = duckdb.connect()
    [(differ,)] = con.execute(
        f"SELECT count(*) FROM (SELECT * REPLACE (substr(id, 7) AS id, substr(person, 7) AS "
        f"person, substr(unit, 7) AS unit) FROM read_parquet('{out}/bureau=B0001/activities/"
        "*/*.parquet', hive_partitioning = false) "
        f"EXCEPT ALL SELECT * FROM '{tmp_path}/activities.parquet')"
    ).fetchall()
    assert differ == 0
    assert truths[0].counts == plain.counts


def test_same_arguments_same_bytes_and_stale_bureaus_go(tmp_path: Path) -> None:
    def files(folder: Path) -> dict[str, bytes]:
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    generate_partitioned("xinjin-2022", tmp_path / "a", bureaus=2, **ARGS)
    generate_partitioned("xinjin-2022", tmp_path / "b", bureaus=3, **ARGS)
    generate_partitioned("xinjin-2022", tmp_path / "b", bureaus=2, **ARGS)
    assert files(tmp_path / "a") == files(tmp_path / "b")


def test_a_run_stopped_half_way_leaves_a_province_the_loader_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second bureau fails while it is written: the first is in place, the second only in
    its hidden folder, and layout.json lists both, so loading names the missing bureau."""
    import gridpolicing.synth.partitioned as partitioned

    real = partitioned.write_world
    calls = []

    def stops(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) == 2:
            Path(args[2], "units.parquet").parent.mkdir(parents=True, exist_ok=True)
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(partitioned, "write_world", stops)
    with pytest.raises(KeyboardInterrupt):
        generate_partitioned("xinjin-2022", tmp_path, bureaus=3, **ARGS)
    assert (tmp_path / "bureau=B0001").is_dir()
    assert not (tmp_path / "bureau=B0002").exists()
    with pytest.raises(DatasetError, match="bureau=B0002"):
        load_dataset(tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bureaus": 0}, "bureaus must be between 1 and 9999"),
        ({"bureaus": 2, "seed": 2**63 - 1}, "seed + bureaus - 1 must be at most"),
        ({"bureaus": 2, "scale": 0}, "scale must be positive"),
    ],
)
def test_bad_arguments(tmp_path: Path, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("+", r"\+")):
        generate_partitioned("xinjin-2022", tmp_path, **kwargs)


def test_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "prov"
    args = ["synth", "xinjin-2022", "--out", str(out), "--scale", "0.2", "--period", "2022-03"]
    result = runner.invoke(cli, [*args, "--bureaus", "2", "--activities", "1000"])
    assert result.exit_code == 0, result.output
    assert "2 bureaus" in result.output
    assert json.loads((out / "layout.json").read_text("utf-8"))["partitions"] == BUREAUS[:2]
    truth = Truth.read(out / "bureau=B0002" / "truth.json")
    assert truth.counts["activities"] == pytest.approx(1000, rel=0.5)
    result = runner.invoke(cli, [*args, "--bureaus", "2", "--format", "csv"])
    assert result.exit_code == 2
    assert "--bureaus writes Parquet" in result.output
    help_text = runner.invoke(cli, ["synth", "--help"]).output
    assert "per bureau" in help_text
