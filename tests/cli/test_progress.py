"""Long runs say how far they are: the library through a callback, the CLI on a terminal only.

The library never draws (a platform embedding it decides what to show); the command line draws
on stderr when it is a terminal and no CI job's, or when asked with --progress, and never with
--no-progress or --quiet, so piped and CI output stays the report alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gridpolicing import evaluate, examples, load_dataset, load_policy
from gridpolicing.cli import progress as cli_progress
from gridpolicing.cli.main import main
from gridpolicing.synth import generate, generate_partitioned

Calls = list[tuple[str, int, int]]


def _recorder() -> tuple[Calls, object]:
    calls: Calls = []

    def record(step: str, done: int, total: int) -> None:
        calls.append((step, done, total))

    return calls, record


def _counts_up(calls: Calls, step: str, total: int) -> None:
    mine = [(d, t) for s, d, t in calls if s == step]
    assert [d for d, _ in mine] == list(range(1, total + 1))
    assert {t for _, t in mine} == {total}


def test_evaluate_tells_each_rule_and_the_assessment() -> None:
    policy = load_policy("chengdu-xinjin-2022")
    calls, record = _recorder()
    with load_dataset(examples.path("xinjin-2022")) as data:
        report = evaluate(policy, data, "2022-03", progress=record)  # type: ignore[arg-type]
        quiet = evaluate(policy, data, "2022-03")
    _counts_up(calls, "rules", len(policy.rules) + 1)
    assert report.to_json() == quiet.to_json()  # telling changes nothing


def test_synth_tells_its_steps_and_bureaus(tmp_path: Path) -> None:
    calls, record = _recorder()
    generate("xinjin-2022", out=tmp_path / "one", activities=1000, progress=record)  # type: ignore[arg-type]
    _counts_up(calls, "steps", 4)
    calls.clear()
    generate_partitioned(
        "xinjin-2022",
        tmp_path / "prov",
        bureaus=2,
        activities=500,
        progress=record,  # type: ignore[arg-type]
    )
    _counts_up(calls, "bureaus", 2)


ARGS = ["evaluate", "--policy", "chengdu-xinjin-2022", "--period", "2022-03", "--format", "json"]


def test_the_display_is_drawn_on_stderr_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    data = str(examples.path("xinjin-2022"))
    assert main([*ARGS, "--data", data]) == 0
    plain = capsys.readouterr()
    assert plain.err == ""  # not a terminal: nothing drawn
    assert main([*ARGS, "--data", data, "--progress"]) == 0
    shown = capsys.readouterr()
    assert shown.out == plain.out  # the report is the same bytes
    assert "evaluate: rules" in shown.err
    assert main([*ARGS, "--data", data, "--progress", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("tty", "ci", "term", "flag", "quiet", "drawn"),
    [
        (True, "", "xterm", None, False, True),
        (True, "true", "xterm", None, False, False),  # a CI job's terminal
        (True, "", "dumb", None, False, False),
        (False, "", "xterm", None, False, False),  # piped
        (False, "", "xterm", True, False, True),  # --progress
        (True, "", "xterm", False, False, False),  # --no-progress
        (True, "", "xterm", True, True, False),  # --quiet wins
    ],
)
def test_when_the_display_is_drawn(
    monkeypatch: pytest.MonkeyPatch,
    tty: bool,
    ci: str,
    term: str,
    flag: bool | None,
    quiet: bool,
    drawn: bool,
) -> None:
    monkeypatch.setattr(cli_progress.sys.stderr, "isatty", lambda: tty)
    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("TERM", term)
    assert (cli_progress.wanted(flag, quiet) is not False) == drawn


def test_synth_quiet_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x"
    args = ["synth", "xinjin-2022", "--out", str(out), "--activities", "1000", "--quiet"]
    assert main(args) == 0
    assert capsys.readouterr() == ("", "")
    assert (out / "truth.json").is_file()
