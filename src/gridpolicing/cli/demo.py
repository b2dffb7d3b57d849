"""``gridpolicing demo``: evaluate the bundled scenarios and print their summaries."""

from __future__ import annotations

from pathlib import Path

import click
import yaml
from rich.console import Console

from gridpolicing.cli._common import registry
from gridpolicing.engine.evaluate import evaluate
from gridpolicing.errors import UsageError
from gridpolicing.io import load_dataset
from gridpolicing.policy.loader import load_policy
from gridpolicing.policy.resources import bundled_dir
from gridpolicing.report.table import print_report

__all__ = ["command", "scenarios"]


def scenarios() -> list[tuple[Path, dict[str, str]]]:
    """Each bundled scenario folder with its ``scenario.yaml`` (policy, data, period, title)."""
    root = bundled_dir("examples")
    out = []
    for path in sorted(root.glob("*/scenario.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append((path.parent, {k: str(v) for k, v in spec.items()}))
    return out


@click.command("demo")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="en", show_default=True)
@click.option("--scenario", "only", default=None, help="Run only this scenario (folder name)")
def command(lang: str, only: str | None) -> int:
    """Evaluate each bundled scenario (examples/*/scenario.yaml) and print its report."""
    console = Console()
    found = [(d, s) for d, s in scenarios() if only is None or d.name == only]
    if not found:
        raise UsageError(f"no scenario {only!r}" if only else "no bundled scenarios found")
    reg = registry()
    for folder, spec in found:
        console.rule(f"[bold]{folder.name}[/bold]: {spec.get('title', '')}")
        local = folder / spec["policy"]
        policy = load_policy(local if local.is_file() else spec["policy"], registry=reg)
        dataset = load_dataset(folder / spec["data"])
        report = evaluate(policy, dataset, spec["period"])
        print_report(report, console, lang=lang, limit=10)
        expect = spec.get("expect")
        if expect:
            console.print(f"[dim]expected: {expect}[/dim]")
    return 0
