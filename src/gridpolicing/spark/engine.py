"""Evaluate a policy on a partitioned dataset with Apache Spark: the same engine on every partition.

How a run goes (docs/scale-out.md):

1. The partitions are listed (:mod:`gridpolicing.spark.layout`) and handed to Spark as a small
   table, one row per partition, spread one per task.
2. Each task loads its partition with :func:`gridpolicing.load_dataset` and evaluates it with
   :func:`gridpolicing.engine.evaluate.evaluate_part`, the single-machine engine, inside
   ``mapInArrow``; it returns the findings as Arrow rows and, in one more row, what it found
   apart from them (counts, rejected records, scores before ranking...), pickled.
3. Spark orders all findings (a distributed sort); the driver combines the partitions' parts
   with :func:`gridpolicing.engine.parts.combine`, the step every single-machine evaluation ends
   with too: ranks and grades across the province, roll-ups, and sums of the counts.

So no rule has a second implementation, and the report is the one a single machine gives on the
same data. A bucket that starts before the period is judged only when the data reaches back to
its first day; partitions first judge by their own first day, and any partition whose judgement
would change with the province's first day is evaluated again with it.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pyarrow as pa

from gridpolicing.engine.evidence import EVIDENCE_MODES, Evidence
from gridpolicing.engine.parts import FINDINGS_ORDER, Part, combine
from gridpolicing.engine.periods import DateRange, parse_range
from gridpolicing.engine.window import window_for
from gridpolicing.errors import DatasetError, GridPolicingError, Problem, UsageError
from gridpolicing.io.dataset import DatasetSummary
from gridpolicing.io.dataset_schema import DEFAULT_MAX_ACTIVITY_HOURS, DEFAULT_TIMEZONE
from gridpolicing.spark.layout import Partition, partitions

if TYPE_CHECKING:
    import datetime as dt

    from pyspark.sql import DataFrame, SparkSession

    from gridpolicing.policy.document import Policy
    from gridpolicing.report.report import Report

__all__ = ["evaluate", "session"]

FINDINGS_SCHEMA: Final = pa.schema(
    [
        ("rule_index", pa.int32()),
        ("subject_type", pa.string()),
        ("subject_id", pa.string()),
        ("bucket", pa.string()),
        ("bucket_start", pa.date32()),
        ("bucket_end", pa.date32()),
        ("status", pa.string()),
        ("measured", pa.float64()),
        ("required", pa.float64()),
        ("evidence", pa.list_(pa.string())),
        ("detail", pa.string()),
    ]
)
"""The findings table of a Report (the columns engine/evaluate.py selects)."""
_LOG_CONFIG: Final = Path(__file__).with_name("log4j2.properties")
UNIQUE_ACROSS: Final = ("units", "people", "assignments")
"""Tables whose ids are checked across partitions (each partition's loader checks its own)."""
_SHOWN: Final = 20
_MASTER: Final = re.compile(
    r"^(local(\[(\*|\d+)(,\d+)?\])?|local-cluster\[\d+,\d+,\d+\]|yarn|"
    r"(spark|k8s|mesos)://\S+)$"
)
_ROWS: Final = pa.schema([*FINDINGS_SCHEMA, ("part", pa.int32()), ("payload", pa.binary())])
_SPARK_ROWS: Final = (
    "rule_index int, subject_type string, subject_id string, bucket string, "
    "bucket_start date, bucket_end date, status string, measured double, required double, "
    "evidence array<string>, detail string, part int, payload binary"
)


def session(master: str = "local[*]", app: str = "gridpolicing") -> SparkSession:
    """A Spark session for evaluations: ``master`` as ``spark-submit --master`` takes it.

    Its Python workers run this interpreter (``PYSPARK_PYTHON``, unless already set), so they
    import the same gridpolicing. A caller with a cluster builds its own session instead.
    """
    from pyspark.sql import SparkSession

    if not _MASTER.match(master):
        raise UsageError(
            f"unknown Spark master {master!r}; expected local, local[N], local[*], "
            "spark://HOST:PORT, yarn, k8s://URL or mesos://URL"
        )
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no guessing the host's address
    quiet = f"-Dlog4j2.configurationFile=file:{_LOG_CONFIG}"
    spark = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.driver.extraJavaOptions", quiet)
        .config("spark.executor.extraJavaOptions", quiet)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def evaluate(
    policy: Policy,
    source: str,
    period: str | DateRange,
    *,
    spark: SparkSession | None = None,
    evidence: Evidence = "failing",
    label: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    max_activity_hours: float = DEFAULT_MAX_ACTIVITY_HOURS,
) -> Report:
    """Evaluate ``policy`` on the partitioned dataset at ``source`` (a folder or URI) with Spark.

    The Report equals :func:`gridpolicing.evaluate` on ``load_dataset(source)`` byte for byte
    (``to_json``) when no record references another partition; a record that does is rejected
    by its partition's loader and listed in the report. ``spark`` defaults to :func:`session`.
    The other arguments are those of :func:`gridpolicing.evaluate` and
    :func:`gridpolicing.load_dataset`.
    """
    if evidence not in EVIDENCE_MODES:
        raise UsageError(f"evidence must be one of {', '.join(EVIDENCE_MODES)}, not {evidence!r}")
    rng = parse_range(period) if isinstance(period, str) else period
    _check_partition_local(policy)
    spark = spark if spark is not None else session()
    found = partitions(source)
    job = _Job(policy, rng, evidence, timezone, max_activity_hours, source)
    rows = _run(spark, job, found, None)
    parts = _parts(rows, found)
    redo = _to_redo(policy, rng, parts)
    if redo is not None:
        first_day, again = redo
        old = rows
        rows = _run(spark, job, [found[i] for i in again], (first_day,), keep=old)
        parts = _parts(rows, found)  # the new rows computed, the others read from the old
        old.unpersist()
    order = [_asc(c) for c in FINDINGS_ORDER]
    findings = rows.where("payload IS NULL").drop("part", "payload").orderBy(*order).toArrow()
    rows.unpersist()
    dataset = DatasetSummary.of(
        source,
        [p.counts for p in parts],
        [r for p in parts for r in p.rejected],
        label,
    )
    table = findings.select(FINDINGS_SCHEMA.names).cast(FINDINGS_SCHEMA)
    return combine(policy, parts, rng, dataset=dataset, evidence=evidence, findings=table)


def _check_partition_local(policy: Policy) -> None:
    """Refuse a policy with a rule whose kind says it reads beyond its subjects' own trees
    (``reads_across_subjects``): judged one partition at a time it would differ from the whole."""
    problems = []
    for rule in policy.rules:
        check = getattr(policy.registry[rule.kind], "reads_across_subjects", None)
        why = check(rule) if check is not None else None
        if why:
            problems.append(f"rule {rule.id}: {why}")
    if problems:
        raise UsageError(
            "the Spark engine judges each partition apart, and these rules read beyond one: "
            + "; ".join(problems)
            + " (relate them to their subjects, e.g. count within: descendant)"
        )


@dataclasses.dataclass(frozen=True)
class _Job:
    """What every task needs: pickled once with the task function."""

    policy: Policy
    rng: DateRange
    evidence: Evidence
    timezone: str
    max_activity_hours: float
    source: str

    def __call__(
        self, batches: Iterable[pa.RecordBatch], data_from: tuple[dt.date | None] | None
    ) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for row in batch.to_pylist():
                yield from self.partition(row["index"], row["path"], data_from)

    def partition(
        self, index: int, path: str, data_from: tuple[dt.date | None] | None
    ) -> Iterator[pa.RecordBatch]:
        from gridpolicing.engine.evaluate import evaluate_part
        from gridpolicing.io.readers import load_dataset

        try:
            with _local(path) as (local, rename):
                dataset = load_dataset(
                    local,
                    vocabulary=self.policy.vocabulary,
                    timezone=self.timezone,
                    max_activity_hours=self.max_activity_hours,
                )
                _task_threads(dataset)
                part = evaluate_part(
                    self.policy, dataset, self.rng, evidence=self.evidence, data_from=data_from
                )
                rejected = tuple(dataclasses.replace(r, file=rename(r.file)) for r in part.rejected)
        except GridPolicingError as exc:
            # Raised on the driver, as it would be by a single-machine run.
            yield _payload_row(index, exc)
            return
        for batch in part.findings.cast(FINDINGS_SCHEMA).to_batches(max_chunksize=65536):
            n = batch.num_rows
            yield pa.RecordBatch.from_arrays(
                [*batch.columns, pa.array([index] * n, pa.int32()), pa.nulls(n, pa.binary())],
                schema=_ROWS,
            )
        light = dataclasses.replace(
            part,
            findings=part.findings.slice(0, 0),
            assessment=dataclasses.replace(part.assessment, finished=None),
            rejected=rejected,
        )
        yield _payload_row(index, (light, _unique_ids(dataset)))


def _unique_ids(dataset: Any) -> dict[str, list[str]]:
    """The ids of the tables whose records are subjects or define them (:data:`UNIQUE_ACROSS`):
    the driver checks they are unique across partitions."""
    con = dataset.cursor()
    try:
        return {
            t: [r[0] for r in con.execute(f'SELECT id FROM "{t}"').fetchall()]
            for t in UNIQUE_ACROSS
        }
    finally:
        con.close()


def _check_unique(found: list[Partition], ids: list[dict[str, list[str]]]) -> None:
    """Refuse ids of :data:`UNIQUE_ACROSS` that two partitions both hold: one machine would
    reject the later records, and a bureau copied twice would count every finding twice."""
    seen: dict[tuple[str, str], int] = {}
    problems = []
    for part, tables in zip(found, ids, strict=True):
        for table, values in tables.items():
            for value in values:
                first = seen.setdefault((table, value), part.index)
                if first != part.index:
                    other = found[first].path.rsplit("/", 1)[-1]
                    problems.append(
                        Problem(
                            part.path,
                            None,
                            None,
                            "",
                            f"{table} id {value!r} is also in {other}: ids must be unique "
                            "across partitions",
                        )
                    )
    if problems:
        shown = problems[:_SHOWN]
        if len(problems) > _SHOWN:
            more = f"and {len(problems) - _SHOWN:,} more ids held by two partitions"
            shown.append(Problem(found[0].path.rsplit("/", 1)[0], None, None, "", more))
        raise DatasetError(shown)


def _task_threads(dataset: Any) -> None:
    """Let DuckDB use the cores Spark gave this task (``spark.task.cpus``), not every core of
    the machine: the executor runs as many tasks at once as it has cores."""
    from pyspark import TaskContext

    task = TaskContext.get()
    if task is not None:
        con = dataset.cursor()
        con.execute(f"SET threads = {max(1, int(task.cpus()))}")
        con.close()


def _payload_row(index: int, value: object) -> pa.RecordBatch:
    cols = [pa.nulls(1, f.type) for f in FINDINGS_SCHEMA]
    blob = pa.array([pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)], pa.binary())
    return pa.RecordBatch.from_arrays([*cols, pa.array([index], pa.int32()), blob], schema=_ROWS)


class _local:
    """The partition as a local folder: itself, or a copy of a remote one in a temporary folder
    (with a function naming a copied file by its remote path, for rejected records)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> tuple[str, Any]:
        if "://" not in self.path:
            return self.path, lambda f: f
        import pyarrow.fs as pafs

        self.tmp = tempfile.TemporaryDirectory(prefix="gridpolicing-part-")
        local = os.path.join(self.tmp.name, os.path.basename(self.path.rstrip("/")))
        pafs.copy_files(self.path, local)
        return local, lambda f: self.path + f[len(local) :] if f.startswith(local) else f

    def __exit__(self, *exc: object) -> None:
        if self.tmp is not None:
            self.tmp.cleanup()


def _run(
    spark: SparkSession,
    job: _Job,
    todo: list[Partition],
    data_from: tuple[dt.date | None] | None,
    *,
    keep: DataFrame | None = None,
) -> DataFrame:
    """Evaluate ``todo`` partitions, one per task; with ``keep``, the rows of the partitions not
    in ``todo`` are taken from it (a second run of a few partitions)."""
    from pyspark import StorageLevel

    described = [(p.index, p.path) for p in todo]
    tasks = spark.sparkContext.parallelize(described, max(1, len(described)))
    table = spark.createDataFrame(tasks, "index int, path string")
    rows = table.mapInArrow(lambda it: job(it, data_from), _SPARK_ROWS)
    if keep is not None:
        redone = [p.index for p in todo]
        rows = keep.where(~keep.part.isin(redone)).unionByName(rows)
    return rows.persist(StorageLevel.MEMORY_AND_DISK)


def _parts(rows: DataFrame, found: list[Partition]) -> list[Part]:
    """The partitions' parts in partition order; a partition's error is raised here, and ids
    held by two partitions."""
    got = rows.where("payload IS NOT NULL").select("part", "payload").collect()
    out: list[tuple[int, tuple[Part, dict[str, list[str]]]]] = []
    for part_index, blob in got:
        value = pickle.loads(blob)  # written by this run's own tasks
        if isinstance(value, GridPolicingError):
            raise value
        out.append((part_index, value))
    ordered = [v for _, v in sorted(out, key=lambda x: x[0])]
    _check_unique(found, [ids for _, ids in ordered])
    return [p for p, _ in ordered]


def _to_redo(
    policy: Policy, rng: DateRange, parts: list[Part]
) -> tuple[dt.date | None, list[int]] | None:
    """The province's first day and the partitions to evaluate again with it, or None.

    A partition judged a bucket starting before the period only if its own records reach back
    to the bucket's first day (engine/window.py). With the province's earlier first day a bucket
    starting in between is judged too; such partitions are evaluated again.
    """
    window = window_for(policy, rng)
    if window.reads_from >= rng.start:
        return None  # no bucket starts before the period: the first day is never asked
    days = [p.data_from for p in parts if p.data_from is not None]
    first = min(days) if days else None
    if first is None:
        return None
    starts = {
        b.start
        for period in _periods(policy)
        for b in window.rule_buckets(period)
        if b.start < rng.start
    }
    again = [
        i
        for i, p in enumerate(parts)
        if p.data_from != first
        and any(first <= s and (p.data_from is None or s < p.data_from) for s in starts)
    ]
    return (first, again) if again else None


def _periods(policy: Policy) -> set[Any]:
    from gridpolicing.policy.models import Period

    # Every period a rule may judge by (a rule's own may be any), and the schemes' periods.
    found: set[Any] = set(Period)
    if policy.assessment is not None:
        found |= {s.period for s in policy.assessment.schemes}
    return found


def _asc(column: str) -> Any:
    from pyspark.sql import functions as F

    return F.col(column).asc_nulls_last()
