"""The Spark engine on local[2]: the same report as one machine, byte for byte, on a province.

The province is three synthetic Xinxiang bureaus (``generate_partitioned``): its station
ranking and the bureau-wide counts cross partitions, and its weekly rules ask for the days
before the period, where a partition's own first day is not the province's.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from click.testing import CliRunner

from gridpolicing import evaluate, load_dataset, load_policy
from gridpolicing.cli.main import cli, main
from gridpolicing.errors import DatasetError, UsageError
from gridpolicing.spark import evaluate as spark_evaluate
from gridpolicing.spark import partitions
from gridpolicing.synth import generate_partitioned

# PySpark's py4j leaves sockets to the garbage collector; they are its own, not ours.
pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

POLICY = "xinxiang-gaoxin-2016"
PERIOD = "2017"


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("province")
    generate_partitioned("xinxiang-2016", out, bureaus=3, scale=0.3, activities=20_000)
    return out


@pytest.fixture
def copy(province: Path, tmp_path: Path) -> Path:
    """A copy of the province a test may change."""
    target = tmp_path / "province"
    shutil.copytree(province, target)
    return target


def _single(path: Path) -> Any:
    policy = load_policy(POLICY)
    return evaluate(policy, load_dataset(path, vocabulary=policy.vocabulary), PERIOD)


def test_report_is_byte_identical_to_one_machine(spark: Any, province: Path) -> None:
    report = spark_evaluate(load_policy(POLICY), str(province), PERIOD, spark=spark)
    single = _single(province)
    assert report.to_json() == single.to_json()
    assert report.summary()["by_status"]["fail"] > 0
    # Stations are ranked among the province's, not among their own bureau's.
    alone = _single(province / "bureau=B0001")
    among = max(s.ranked_among or 0 for s in report.assessment.scores)
    assert among > max(s.ranked_among or 0 for s in alone.assessment.scores) > 0
    assert report.dataset.counts["activities"].used == single.dataset.counts["activities"].used


def test_a_partition_with_earlier_records_makes_the_others_judge_that_week(
    spark: Any, copy: Path
) -> None:
    """2017 starts on a Sunday: week 2016-W52 is judged only when the data reaches 2016-12-26.
    One bureau's record on that day makes the province's data reach it, so the other bureaus
    are judged for that week too, as one machine judges them."""
    acts = sorted((copy / "bureau=B0001" / "activities").rglob("*.parquet"))[0]
    early = copy / "bureau=B0001" / "activities" / "year=2016" / "part-0.parquet"
    early.parent.mkdir(parents=True)
    duckdb.execute(
        f"""COPY (SELECT * REPLACE (id || '-early' AS id,
                                    TIMESTAMP '2016-12-26 09:00:00' AS start,
                                    TIMESTAMP '2016-12-26 10:00:00' AS "end")
                  FROM read_parquet('{acts}', hive_partitioning = false) LIMIT 1)
            TO '{early}' (FORMAT parquet)"""
    )
    report = spark_evaluate(load_policy(POLICY), str(copy), PERIOD, spark=spark)
    assert report.to_json() == _single(copy).to_json()
    judged = {f.subject_id.split("-")[0] for f in report.findings if f.bucket == "2016-W52"}
    assert {"B0002", "B0003"} <= judged


def test_a_record_referencing_another_partition_is_rejected_not_dropped(
    spark: Any, copy: Path
) -> None:
    assignments = copy / "bureau=B0002" / "assignments.parquet"
    [(unit,)] = duckdb.execute(
        f"SELECT min(unit) FROM read_parquet('{copy / 'bureau=B0001' / 'assignments.parquet'}', "
        "hive_partitioning = false)"
    ).fetchall()
    changed = copy / "changed.parquet"
    duckdb.execute(
        f"""COPY (SELECT * REPLACE (CASE WHEN row_number() OVER () = 1 THEN '{unit}'
                                         ELSE unit END AS unit)
                  FROM read_parquet('{assignments}', hive_partitioning = false))
            TO '{changed}' (FORMAT parquet)"""
    )
    changed.replace(assignments)
    report = spark_evaluate(load_policy(POLICY), str(copy), PERIOD, spark=spark)
    flagged = [r for r in report.dataset.rejected if r.table == "assignments"]
    assert [(report.dataset.relative_file(r.file), r.row, r.field) for r in flagged] == [
        ("bureau=B0002/assignments.parquet", 1, "unit")
    ]
    assert "unknown units id" in flagged[0].message
    assert report.to_dict()["dataset"]["rejected"][0]["file"] == "bureau=B0002/assignments.parquet"
    # One machine holds the whole province, so the reference resolves there.
    assert not [r for r in _single(copy).dataset.rejected if r.table == "assignments"]


def test_an_unreadable_partition_is_a_dataset_error_naming_its_file(spark: Any, copy: Path) -> None:
    (copy / "bureau=B0003" / "units.parquet").write_bytes(b"not parquet")
    with pytest.raises(DatasetError) as caught:
        spark_evaluate(load_policy(POLICY), str(copy), PERIOD, spark=spark)
    [problem] = caught.value.problems
    assert problem.file.endswith("bureau=B0003/units.parquet")
    assert "Parquet" in problem.message


def test_cli_engine_spark_writes_the_same_report(
    spark: Any, province: Path, tmp_path: Path
) -> None:
    outs = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.json"
        args = ["evaluate", "--policy", POLICY, "--data", str(province), "--period", PERIOD]
        args += ["--engine", engine, "--format", "json"]
        args += ["--spark-master", "local[2]"] if engine == "spark" else []
        result = CliRunner().invoke(cli, [*args, "-o", str(out)])
        assert result.exit_code == 0, result.output
        outs[engine] = out.read_bytes()
    assert outs["spark"] == outs["duckdb"]


def test_partitions_follow_layout_json(province: Path) -> None:
    found = partitions(str(province))
    assert [(p.key, p.value) for p in found] == [
        ("bureau", "B0001"),
        ("bureau", "B0002"),
        ("bureau", "B0003"),
    ]
    assert found[1].path == f"{province}/bureau=B0002"


def test_a_folder_without_partitions_is_refused(tmp_path: Path) -> None:
    (tmp_path / "units.parquet").write_bytes(b"")
    with pytest.raises(DatasetError, match="no partition folder"):
        partitions(str(tmp_path))


def test_layout_json_listing_a_missing_partition_is_refused(copy: Path) -> None:
    shutil.rmtree(copy / "bureau=B0002")
    with pytest.raises(DatasetError, match="no folder"):
        partitions(str(copy))


def test_a_rule_reading_the_whole_dataset_is_refused(tmp_path: Path, province: Path) -> None:
    """A count of units anywhere in the dataset would count only a partition's units."""
    rule = {
        "id": "six-offices",
        "kind": "count",
        "title": {"zh": "建6个警务室", "en": "Six offices"},
        "severity": "major",
        "subject": {"units": {"type": "bureau"}},
        "period": "month",
        "what": "offices",
        "min_count": 6,
        "citation": {"source": "s", "quote": "建6个警务室"},
    }
    doc = {
        "id": "whole-dataset",
        "jurisdiction": "test",
        "title": {"zh": "测试", "en": "test"},
        "sources": [{"id": "s", "title": "test", "issuer": "test"}],
        "rules": [rule],
    }
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(UsageError, match=r"six-offices: it counts units anywhere .*within: any"):
        spark_evaluate(load_policy(path), str(province), PERIOD)
    rule["within"] = "descendant"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    load_policy(path)  # and the same rule relating offices to the bureau is accepted


def test_a_bureau_copied_twice_is_refused_not_counted_twice(spark: Any, copy: Path) -> None:
    """One machine rejects the copy's records as duplicate ids; the Spark run must not
    count them again, so it refuses the province, naming the copy and the original."""
    shutil.copytree(copy / "bureau=B0001", copy / "bureau=B0009")
    (copy / "layout.json").unlink()
    with pytest.raises(DatasetError) as caught:
        spark_evaluate(load_policy(POLICY), str(copy), PERIOD, spark=spark)
    problems = caught.value.problems
    held = [p for p in problems if "is also in" in p.message]
    assert held
    assert all(p.file.endswith("bureau=B0009") for p in held)
    assert "is also in bureau=B0001: ids must be unique across partitions" in held[0].message
    assert any("more ids held by two partitions" in p.message for p in problems)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("table beside", "units"),
        ("csv partition", "CSV"),
        ("missing", "no such file or directory"),
    ],
)
def test_layout_defects_are_refused_as_the_loader_refuses_them(
    copy: Path, change: str, message: str
) -> None:
    source = copy
    if change == "table beside":
        shutil.copy(copy / "bureau=B0001" / "units.parquet", copy / "units.parquet")
    elif change == "csv partition":
        duckdb.execute(
            f"COPY (SELECT * FROM read_parquet('{copy / 'bureau=B0002' / 'units.parquet'}', "
            f"hive_partitioning = false)) TO '{copy / 'bureau=B0002' / 'units.csv'}'"
        )
        (copy / "bureau=B0002" / "units.parquet").unlink()
    else:
        source = copy / "nowhere"
    with pytest.raises(DatasetError) as spark_error:
        partitions(str(source))
    with pytest.raises(DatasetError) as loader_error:
        load_dataset(source)
    assert message in str(spark_error.value)
    assert spark_error.value.problems == loader_error.value.problems or change == "missing"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--engine", "spark", "--spark-master", "lokal[2]"], "unknown Spark master 'lokal[2]'"),
        (["--spark-master", "local[2]"], "--spark-master is for --engine spark"),
    ],
)
def test_spark_master_misuse_is_a_usage_error(
    province: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    args = ["evaluate", "--policy", POLICY, "--data", str(province), "--period", PERIOD]
    assert main([*args, *options]) == 2
    assert message in capsys.readouterr().err
