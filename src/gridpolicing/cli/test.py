"""``gridpolicing test [PATH...]``: run policy tests (``*.test.yaml``)."""

from __future__ import annotations

from pathlib import Path

import click

from gridpolicing import __version__
from gridpolicing.cli._common import echo_json, lang_option, registry, write_output
from gridpolicing.cli.progress import display, progress_option, quiet_option, wanted
from gridpolicing.errors import PolicyError, Problem
from gridpolicing.i18n import translator
from gridpolicing.policy.loader import load_policy
from gridpolicing.progress import report as report_progress
from gridpolicing.testing import find_test_files, run_test_file
from gridpolicing.testing.annotations import Annotation, from_problem, github, sarif
from gridpolicing.testing.junit import junit_xml
from gridpolicing.testing.runner import TEST_SUFFIX, FileResult

__all__ = ["command"]


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("-k", "name_filter", default=None, help="Run only cases whose name contains this")
@click.option(
    "--junit",
    "junit_file",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write JUnit XML here (for CI systems)",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for machines, sarif for code scanning, github for "
    "annotations in GitHub Actions (docs/ci.md)",
)
@click.option("--allow-empty", is_flag=True, help="Exit 0 even when no test case ran")
@click.option(
    "--policy-path",
    "policy_path",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A directory where a test's policy and extends may find policies (repeatable)",
)
@progress_option
@quiet_option
@lang_option
def command(
    paths: tuple[str, ...],
    name_filter: str | None,
    junit_file: str | None,
    fmt: str,
    allow_empty: bool,
    policy_path: tuple[str, ...],
    progress: bool | None,
    quiet: bool,
    lang: str,
) -> int:
    """Run the policy tests found in PATHS (default: policies/).

    \b
    A test file (NAME.test.yaml) names a policy, shared base_data and cases; each case gives
    data, a period and the expected findings. Every rule of the policy must have at least one
    expected pass and one expected fail. A policy file directly in a PATH that no test file
    exercises (itself, or through a policy extending it) fails too.
    A test's policy (and what it extends) is found beside the file, in a directory given as a
    PATH or --policy-path, or bundled; never elsewhere.
    Exit 0 when all pass, 1 when any fails (or nothing ran, unless --allow-empty).
    """
    reg = registry()
    roots = paths or ("policies",)
    files = find_test_files(roots)
    search = [*policy_path, *(p for p in roots if Path(p).is_dir())]
    results = []
    with display(wanted(progress, quiet), "test") as shown:
        for done, file in enumerate(files, 1):
            results.append(run_test_file(file, reg, name_filter, search))
            report_progress(shown, "files", done, len(files))
    exercised = {f for r in results for f in r.policy_files}
    untested: list[Problem] = []
    for root in roots:
        root_path = Path(root)
        for pf in sorted(root_path.glob("*.yaml")) if root_path.is_dir() else []:
            if pf.name.endswith(TEST_SUFFIX) or str(pf.resolve()) in exercised:
                continue
            try:
                policy = load_policy(pf, registry=reg, allow_template=True, policy_path=search)
            except PolicyError as exc:
                untested.extend(exc.problems)
                continue
            message = f"policy {policy.id} is not exercised by any test file"
            untested.append(Problem(str(pf), None, None, "", message))
    n_cases = sum(len(r.cases) for r in results)
    n_failed = sum(1 for r in results for c in r.cases if not c.passed)
    n_problems = sum(len(r.problems) for r in results) + len(untested)
    if junit_file:
        write_output(junit_file, junit_xml(results).encode("utf-8"), "--junit")
    if fmt in ("sarif", "github"):
        found = _annotations(results, untested)
        click.echo(sarif(found, __version__) if fmt == "sarif" else github(found))
    elif fmt == "json":
        echo_json(
            {
                "passed": n_cases - n_failed,
                "failed": n_failed,
                "problems": [
                    str(p) for p in [*untested, *(p for r in results for p in r.problems)]
                ],
                "files": [
                    {
                        "file": r.file,
                        "policy": r.policy,
                        "problems": [str(p) for p in r.problems],
                        "cases": [
                            {
                                "name": c.name,
                                "passed": c.passed,
                                "failures": list(c.failures),
                                "line": c.line,
                                "seconds": round(c.seconds, 3),
                            }
                            for c in r.cases
                        ],
                    }
                    for r in results
                ],
            }
        )
    else:
        _ = translator(lang)
        for r in results:
            mark = _("ok") if r.passed else _("FAILED")
            line = _("{file} ({policy}): {n} case(s)", file=r.file, policy=r.policy, n=len(r.cases))
            click.echo(f"{line} {mark}")
            for p in r.problems:
                click.echo("  " + _("problem: {problem}", problem=p), err=True)
            for c in r.cases:
                if not c.passed:
                    click.echo("  " + _("FAILED {case}", case=c.name), err=True)
                    for f in c.failures:
                        click.echo(f"    {f}", err=True)
        for u in untested:
            click.echo(_("problem: {problem}", problem=u), err=True)
        summary = _("{passed} passed, {failed} failed", passed=n_cases - n_failed, failed=n_failed)
        if n_problems:
            summary += _(" ({n} file problem(s))", n=n_problems)
        click.echo(summary)
    if n_failed or n_problems:
        return 1
    if n_cases == 0 and not allow_empty:
        _ = translator(lang)
        click.echo(_("no test case ran"), err=True)
        return 1
    return 0


def _annotations(results: list[FileResult], untested: list[Problem]) -> list[Annotation]:
    """Each file problem, and each failed case at its line, in file order."""
    out = [from_problem("test-problem", p) for p in untested]
    for r in results:
        out.extend(from_problem("test-problem", p) for p in r.problems)
        out.extend(
            Annotation("test-failed", r.file, c.line, None, f"{c.name}: " + "; ".join(c.failures))
            for c in r.cases
            if not c.passed
        )
    return out
