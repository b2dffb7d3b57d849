"""``gridpolicing evaluate``: evaluate a policy on a dataset over a period."""

from __future__ import annotations

import io
import sys
from contextlib import nullcontext

import click
from rich.console import Console

from gridpolicing.cli._common import (
    encoding_option,
    lang_option,
    output_folder,
    registry,
    write_output,
)
from gridpolicing.cli.progress import display, progress_option, quiet_option, wanted
from gridpolicing.engine.evaluate import evaluate
from gridpolicing.engine.evidence import EVIDENCE_MODES, Evidence
from gridpolicing.engine.periods import PERIOD_FORMS
from gridpolicing.errors import UsageError
from gridpolicing.i18n import translator
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
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "html", "xlsx"]),
    default="table",
    show_default=True,
    help="table (terminal), json, html (one page, works offline) or xlsx (needs -o)",
)
@lang_option
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="On the terminal: the most severe failures shown, and the rows of each ranking "
    "(its top and its bottom)",
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
@progress_option
@quiet_option
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
    limit: int,
    fail_on: str,
    evidence: str,
    strict_period: bool,
    allow_rejected: bool,
    output: str | None,
    progress: bool | None,
    quiet: bool,
) -> int:
    """Evaluate a policy against a deployment dataset for an explicit period.

    Rejected input records are listed (on stderr with --format json, html or xlsx; in the table,
    the first --limit of them, with --format table; all of them in the JSON report) and make the
    exit code 1 unless --allow-rejected; the remaining records are evaluated. A period that holds no
    activity record or no assignment in force is warned about on stderr (and in the report);
    --strict-period makes that exit 1.
    """
    if spark_master is not None and engine != "spark":
        raise UsageError("--spark-master is for --engine spark; add --engine spark or drop it")
    _ = translator(lang)
    if fmt == "xlsx" and output is None:
        raise UsageError("--format xlsx writes a workbook: give the file with -o FILE.xlsx")
    if engine == "spark" and encoding != "auto":
        # Spark reads partitioned Parquet, which has no text encoding: the option would do nothing.
        raise UsageError("--encoding is for CSV files, which --engine spark does not read")
    policy = load_policy(policy_ref, registry=registry(), policy_path=policy_path)
    mode: Evidence = "all" if evidence == "all" else "failing"
    if engine == "spark":
        report = _spark(policy, data, period, mode, data_label, spark_master or "local[*]")
    else:
        with display(wanted(progress, quiet), "evaluate") as shown:
            with shown.phase(_("reading {data}", data=data)) if shown else nullcontext():
                dataset = load_dataset(
                    data, label=data_label, vocabulary=policy.vocabulary, encoding=encoding
                )
            report = evaluate(policy, dataset, period, evidence=mode, progress=shown)
    rejected = report.dataset.rejected
    if fmt in ("json", "html", "xlsx"):
        if fmt == "json":
            _emit(report.to_json(), output)
        elif fmt == "html":
            _emit(report.to_html(lang=lang), output)
        elif output is not None:  # xlsx: refused above without -o
            output_folder(output, "--output")
            report.to_xlsx(output, lang=lang)
        for r in rejected:
            click.echo(_("rejected: {record}", record=r), err=True)
    elif output:
        buffer = io.StringIO()
        console = Console(file=buffer, width=120, color_system=None)
        print_report(report, console, lang=lang, limit=limit)
        _emit(buffer.getvalue(), output)
    else:
        print_report(report, Console(), lang=lang, limit=limit)
    for w in report.period_warnings:  # never quieted: a period without data is no pass
        click.echo(_("warning: {message}", message=w.message.get(lang)), err=True)
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
    write_output(output, data)
