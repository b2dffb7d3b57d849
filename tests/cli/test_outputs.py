"""Every command that writes a file creates the folders it needs, or exits 2 saying why.

A CI job writes ``build/report.json`` or ``out/junit.xml`` into folders that do not exist yet;
``mkdir -p`` first is what every user would otherwise have to remember. Where a folder cannot
be made (a file stands in its place), the answer is one line naming the option, exit 2, never
a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gridpolicing.cli.main import main
from tests.cli.test_environment import DATA, POLICY

CLAUSE_TEST = Path(__file__).parents[1] / "policies" / "clauses" / "attendance.test.yaml"


def _evaluate(tmp: Path, out: Path) -> list[str]:
    (tmp / "p.yaml").write_text(POLICY, encoding="utf-8")
    (tmp / "d.yaml").write_text(DATA, encoding="utf-8")
    policy, data = str(tmp / "p.yaml"), str(tmp / "d.yaml")
    return ["evaluate", "--policy", policy, "--data", data, "--period", "2022-W10", "-o", str(out)]


def _watch(tmp: Path, out: Path) -> list[str]:
    (tmp / "p.yaml").write_text(POLICY, encoding="utf-8")
    (tmp / "d.yaml").write_text(DATA, encoding="utf-8")
    (tmp / "events.jsonl").write_text('{"type": "clock", "now": "2022-03-08T09:00"}\n', "utf-8")
    return [
        *("watch", "--policy", str(tmp / "p.yaml"), "--data", str(tmp / "d.yaml")),
        *("--events", str(tmp / "events.jsonl"), "--checkpoint", str(out)),
    ]


COMMANDS: dict[str, tuple[Callable[[Path, Path], list[str]], str]] = {
    "evaluate -o": (_evaluate, "--output"),
    "render -o": (lambda _t, out: ["render", "chengdu-xinjin-2022", "-o", str(out)], "--output"),
    "test --junit": (lambda _t, out: ["test", str(CLAUSE_TEST), "--junit", str(out)], "--junit"),
    "watch --checkpoint": (_watch, "--checkpoint"),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_missing_output_folder_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    args, _ = COMMANDS[name]
    out = tmp_path / "no" / "such" / "folder" / "out.file"
    assert main(args(tmp_path, out)) == 0, capsys.readouterr().err
    assert out.is_file()
    assert out.stat().st_size > 0


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_file_in_the_way_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    args, option = COMMANDS[name]
    (tmp_path / "taken").write_text("not a folder", encoding="utf-8")
    out = tmp_path / "taken" / "out.file"
    assert main(args(tmp_path, out)) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"gridpolicing: {option} {out}: {tmp_path / 'taken'} is a file, not a folder"
    ]


@pytest.mark.parametrize("command", ["schema", "synth"])
def test_commands_writing_folders_create_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    out = tmp_path / "no" / "such" / "folder"
    if command == "schema":
        args = ["schema", "--out", str(out)]
    else:
        args = ["synth", "xinjin-2022", "--out", str(out), "--activities", "2000"]
    assert main(args) == 0, capsys.readouterr().err
    assert any(out.iterdir())
