"""``gridpolicing explain``: why one officer or one village passed or failed, in words."""

from __future__ import annotations

import click

from gridpolicing.cli._common import echo_json, lang_option, registry
from gridpolicing.engine.evaluate import evaluate
from gridpolicing.errors import UsageError
from gridpolicing.io import load_dataset
from gridpolicing.io.dataset import Dataset
from gridpolicing.policy.loader import load_policy
from gridpolicing.report.explain import explain, to_text

__all__ = ["command"]


@click.command("explain")
@click.option("--policy", "policy_ref", required=True, metavar="ID|FILE", help="A policy")
@click.option("--data", required=True, metavar="PATH", help="The dataset (as evaluate reads it)")
@click.option("--period", required=True, help="As evaluate takes it: 2022, 2022-03, 2022-W05 ...")
@click.option("--subject", required=True, metavar="ID", help="The id of a unit or a person")
@click.option("--rule", "rule_id", default=None, metavar="ID", help="Only this rule's findings")
@lang_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
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
    period: str,
    subject: str,
    rule_id: str | None,
    lang: str,
    fmt: str,
    policy_path: tuple[str, ...],
) -> int:
    """Explain each finding of one SUBJECT: the clause, what was measured from which records
    (date, unit, hours), what was required and how far a failure is from passing.

    The whole policy is evaluated as evaluate does, listing the records of every finding;
    exit 0 whatever the findings say (evaluate --fail-on is the check).
    """
    policy = load_policy(policy_ref, registry=registry(), policy_path=policy_path)
    if rule_id is not None and rule_id not in {r.id for r in policy.rules}:
        known = ", ".join(r.id for r in policy.rules)
        raise UsageError(f"--rule: policy {policy.id} has no rule {rule_id!r}; its rules: {known}")
    with load_dataset(data, vocabulary=policy.vocabulary) as dataset:
        name = _name(dataset, subject)
        report = evaluate(policy, dataset, period, evidence="all")
        explained = explain(report, dataset, subject, rule=rule_id)
    if fmt == "json":
        echo_json(
            {
                "subject": {"id": subject, "name": name},
                "period": report.range.label,
                "findings": [e.to_dict() for e in explained],
            }
        )
    else:
        click.echo(to_text(explained, subject, name, lang), nl=False)
    return 0


def _name(dataset: Dataset, subject: str) -> str | None:
    """The subject's name; a usage error when the dataset has no unit or person of that id."""
    con = dataset.cursor()
    try:
        for table in ("units", "people"):
            row = con.execute(f"SELECT name FROM {table} WHERE id = ?", [subject]).fetchone()
            if row is not None:
                return None if row[0] is None else str(row[0])
    finally:
        con.close()
    raise UsageError(f"--subject: the dataset has no unit or person {subject!r}")
