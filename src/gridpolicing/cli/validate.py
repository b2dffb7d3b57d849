"""``gridpolicing validate PATH...``: check policy files; every problem with line and column."""

from __future__ import annotations

from pathlib import Path

import click

from gridpolicing import __version__
from gridpolicing.cli._common import echo_json, lang_option, registry
from gridpolicing.cli.frame import Frames
from gridpolicing.errors import PolicyError, Problem
from gridpolicing.i18n import translator
from gridpolicing.policy.loader import load_policy
from gridpolicing.testing.annotations import from_problem, github, sarif

__all__ = ["command", "policy_files"]


def policy_files(paths: tuple[str, ...]) -> list[Path]:
    """Files named, and the ``*.yaml`` files directly inside named directories, sorted; policy
    tests (``*.test.yaml``) beside the policies are left to ``gridpolicing test``."""
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(sorted(f for f in path.glob("*.yaml") if not f.name.endswith(".test.yaml")))
        else:
            out.append(path)
    return out


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for machines, sarif for code scanning, github for "
    "annotations in GitHub Actions (docs/ci.md)",
)
@click.option(
    "--policy-path",
    "policy_path",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A directory where extends may find a parent policy (repeatable)",
)
@lang_option
def command(paths: tuple[str, ...], fmt: str, policy_path: tuple[str, ...], lang: str) -> int:
    """Validate policy files (and the policies they extend).

    Directories are searched for *.yaml files (policy tests, *.test.yaml, are skipped).
    Templates (policies whose parameters are left for an extending policy) are valid on their
    own. A parent named by extends is found beside the
    file, in a --policy-path directory, or bundled; never elsewhere. Exit 0 when every file is
    valid, else 1.
    """
    reg = registry()
    results: list[tuple[Path, list[Problem]]] = []
    for path in policy_files(paths):
        try:
            load_policy(path, registry=reg, allow_template=True, policy_path=policy_path)
            results.append((path, []))
        except PolicyError as exc:
            results.append((path, list(exc.problems)))
    bad = sum(1 for _, problems in results if problems)
    if fmt in ("sarif", "github"):
        found = [from_problem("invalid-policy", p) for _, problems in results for p in problems]
        click.echo(sarif(found, __version__) if fmt == "sarif" else github(found))
    elif fmt == "json":
        echo_json(
            {
                "valid": bad == 0,
                "files": [
                    {
                        "file": str(path),
                        "valid": not problems,
                        "problems": [
                            {
                                "file": p.file,
                                "line": p.line,
                                "column": p.column,
                                "path": p.path,
                                "message": p.message,
                            }
                            for p in problems
                        ],
                    }
                    for path, problems in results
                ],
            }
        )
    else:
        _ = translator(lang)
        frames = Frames()
        for path, problems in results:
            if problems:
                for p in problems:
                    click.echo(str(p), err=True)
                    for line in frames.of(p):
                        click.echo(line, err=True)
            else:
                click.echo(_("{file}: ok", file=path))
        click.echo(_("{n} file(s) checked, {bad} invalid", n=len(results), bad=bad), err=bad > 0)
    if not results:
        _ = translator(lang)
        click.echo(_("no policy files found"), err=True)
        return 1
    return 1 if bad else 0
