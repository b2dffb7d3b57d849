"""``gridpolicing evaluate``: evaluate a policy on a dataset over a period."""

from __future__ import annotations

import io
import sys

import click
from rich.console import Console

from gridpolicing.cli._common import encoding_option, registry
from gridpolicing.engine.evaluate import evaluate
from gridpolicing.engine.evidence import EVIDENCE_MODES, Evidence
from gridpolicing.engine.periods import PERIOD_FORMS
from gridpolicing.errors import UsageError
from gridpolicing.io import load_dataset
from gridpolicing.policy.document import Policy
from gridpolicing.policy.loader import load_policy
from gridpolicing.report.report import Report
from gridpolicing.report.table import print_report

__all__ = ["command"]

_SEVERITIES = ("critical", "major", "minor")


@click.command("evaluate")
@click.option(
    "--policy",
    "policy_ref",
    required=True,
    metavar="ID|FILE",
    help="A bundled policy id (e.g. chengdu-xindu-2022) or a policy file",
)
@click.option(
    "--data",
    required=True,
    metavar="PATH|URI",
    help="A dataset: one YAML/JSON file, a workbook (.xlsx, .xls, .ods: a sheet per table), "
    "or a directory of CSV/Parquet tables (or of "
    "bureau=<B>/ partitions, each such a directory); with --engine spark, such a folder of "
    "partitions or its URI (docs/scale-out.md)",
)
@encoding_option
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="duckdb: this machine; spark: Apache Spark over a partitioned dataset (the spark extra)",
)
@click.option(
    "--spark-master",
    default=None,
    metavar="URL",
    help="With --engine spark: the Spark master, as spark-submit --master takes it "
    "[default: local[*]]",
)
@click.option(
    "--data-label",
    metavar="TEXT",
    help="The dataset's name in the report (default: the file or folder name)",
)
@click.option("--period", required=True, help=f"The period to evaluate: {PERIOD_FORMS}")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="en",
    show_default=True,
    help="Language of the table's messages (JSON carries both)",
)
@click.option(
    "--fail-on",
    type=click.Choice([*_SEVERITIES, "none"]),
    default="none",
    show_default=True,
    help="Exit 1 when a rule of this severity or worse fails",
)
@click.option(
    "--evidence",
    type=click.Choice(EVIDENCE_MODES),
    default="failing",
    show_default=True,
    help="Which findings list the ids of their records: the failing ones, or all (slower)",
)
@click.option(
    "--strict-period",
    is_flag=True,
    help="Exit 1 when the period holds no activity record or no assignment in force",
)
@click.option(
    "--allow-rejected",
    is_flag=True,
    help="Exit 0 even when input records were rejected (they are still listed)",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report here instead of stdout",
)
@click.option(
    "--policy-path",
    "policy_path",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A directory where extends may find a parent policy (repeatable)",
)
def command(
    policy_ref: str,
    data: str,
    encoding: str,
    engine: str,
    spark_master: str | None,
    policy_path: tuple[str, ...],
    data_label: str | None,
    period: str,
    fmt: str,
    lang: str,
    fail_on: str,
    evidence: str,
    strict_period: bool,
    allow_rejected: bool,
    output: str | None,
) -> int:
    """Evaluate a policy against a deployment dataset for an explicit period.

    Rejected input records are listed on stderr (and in the JSON report) and make the exit code
    1 unless --allow-rejected; the remaining records are evaluated. A period that holds no
    activity record or no assignment in force is warned about on stderr (and in the report);
    --strict-period makes that exit 1.
    """
    if spark_master is not None and engine != "spark":
        raise UsageError("--spark-master is for --engine spark; add --engine spark or drop it")
    if engine == "spark" and encoding != "auto":
        # Spark reads partitioned Parquet, which has no text encoding: the option would do nothing.
        raise UsageError("--encoding is for CSV files, which --engine spark does not read")
    policy = load_policy(policy_ref, registry=registry(), policy_path=policy_path)
    mode: Evidence = "all" if evidence == "all" else "failing"
    if engine == "spark":
        report = _spark(policy, data, period, mode, data_label, spark_master or "local[*]")
    else:
        dataset = load_dataset(
            data, label=data_label, vocabulary=policy.vocabulary, encoding=encoding
        )
        report = evaluate(policy, dataset, period, evidence=mode)
    rejected = report.dataset.rejected
    if fmt == "json":
        _emit(report.to_json(), output)
        for r in rejected:
            click.echo(f"rejected: {r}", err=True)
    elif output:
        buffer = io.StringIO()
        print_report(report, Console(file=buffer, width=120, color_system=None), lang=lang)
        _emit(buffer.getvalue(), output)
    else:
        print_report(report, Console(), lang=lang)
    for w in report.period_warnings:
        click.echo(f"warning: {w.message.get(lang)}", err=True)
    code = 0
    if rejected and not allow_rejected:
        code = 1
    if report.period_warnings and strict_period:
        code = 1
    worst = report.worst_failed_severity()
    failing = fail_on != "none" and worst is not None
    if failing and _SEVERITIES.index(str(worst)) <= _SEVERITIES.index(fail_on):
        code = 1
    return code


def _spark(
    policy: Policy, data: str, period: str, evidence: Evidence, label: str | None, master: str
) -> Report:
    """Evaluate with the Spark engine, or say how to install it."""
    try:
        from gridpolicing.spark import evaluate as spark_evaluate
        from gridpolicing.spark import session
    except ImportError as exc:
        raise UsageError(
            f"--engine spark needs PySpark ({exc}): pip install 'gridpolicing[spark]', "
            "and a Java runtime (17 or newer)"
        ) from None
    return spark_evaluate(
        policy, data, period, spark=session(master), evidence=evidence, label=label
    )


def _emit(text: str, output: str | None) -> None:
    """Write ``text`` as UTF-8 bytes to ``output`` or stdout.

    Bytes, not text: no locale encoding or newline translation between the report and the file,
    so its bytes are the same on every machine.
    """
    data = text.encode("utf-8")
    if output is None:
        stdout = getattr(sys.stdout, "buffer", None)
        if stdout is None:  # a caller replaced sys.stdout with a text-only stream
            sys.stdout.write(text)
            return
        sys.stdout.flush()
        stdout.write(data)
        stdout.flush()
        return
    # A missing folder or a full disk is an OSError: cli/main.py turns it into one line, exit 1.
    with open(output, "wb") as fh:
        fh.write(data)
