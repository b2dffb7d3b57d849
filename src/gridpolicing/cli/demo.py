"""``gridpolicing demo``: evaluate the bundled scenarios and print their summaries."""

from __future__ import annotations

from pathlib import Path

import click
import yaml
from rich.console import Console
from rich.markup import escape

from gridpolicing.cli._common import lang_option, registry
from gridpolicing.engine.evaluate import evaluate
from gridpolicing.errors import UsageError
from gridpolicing.i18n import translator
from gridpolicing.io import load_dataset
from gridpolicing.policy.loader import load_policy
from gridpolicing.policy.resources import bundled_dir
from gridpolicing.report.table import print_report

__all__ = ["command", "scenarios"]


def scenarios() -> list[tuple[Path, dict[str, str]]]:
    """Each bundled scenario folder with its ``scenario.yaml`` (policy, data, period, title and
    expect, in English, with ``title_zh`` and ``expect_zh`` in Chinese)."""
    root = bundled_dir("examples")
    out = []
    for path in sorted(root.glob("*/scenario.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append((path.parent, {k: str(v) for k, v in spec.items()}))
    return out


@click.command("demo")
@lang_option
@click.option("--scenario", "only", default=None, help="Run only this scenario (folder name)")
def command(lang: str, only: str | None) -> int:
    """Evaluate each bundled scenario (examples/*/scenario.yaml) and print its report."""
    console = Console()
    found = [(d, s) for d, s in scenarios() if only is None or d.name == only]
    if not found:
        raise UsageError(f"no scenario {only!r}" if only else "no bundled scenarios found")
    _ = translator(lang)
    reg = registry()
    for folder, spec in found:
        title = spec.get(f"title_{lang}") or spec.get("title", "")
        console.rule(f"[bold]{folder.name}[/bold]: {escape(title)}")
        local = folder / spec["policy"]
        policy = load_policy(local if local.is_file() else spec["policy"], registry=reg)
        dataset = load_dataset(folder / spec["data"])
        report = evaluate(policy, dataset, spec["period"])
        print_report(report, console, lang=lang, limit=10)
        expect = spec.get(f"expect_{lang}") or spec.get("expect")
        if expect:
            expected = _("expected: {what}", what=expect)
            console.print(f"[dim]{escape(expected)}[/dim]")
    return 0
