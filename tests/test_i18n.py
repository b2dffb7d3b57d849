"""Chinese first: every command speaks zh, from a catalogue that matches the code.

The catalogue (src/gridpolicing/i18n/zh.po) holds a Chinese text for every text the code marks,
no text no code uses, and the same ``{placeholders}`` on both sides. Each command run with
``--lang zh`` prints none of the catalogue's English words; and zh is the default.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from pathlib import Path

import pytest

from gridpolicing import examples
from gridpolicing.cli.main import main
from gridpolicing.i18n import catalogue, translator
from gridpolicing.i18n.extract import marked

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_marked_text_is_translated_and_nothing_else_is_kept() -> None:
    texts, known = marked(), catalogue()
    assert sorted(texts - set(known)) == []  # python -m gridpolicing.i18n prints them
    assert sorted(set(known) - texts) == []  # stale: no code shows them any more
    for en, zh in known.items():
        assert _fields(en) == _fields(zh), en
        assert CJK.search(zh), en


def test_a_text_missing_from_the_catalogue_stays_english() -> None:
    _ = translator("zh")
    assert _("rule") == "规则"
    assert _("not in the catalogue {x}", x=1) == "not in the catalogue 1"
    assert translator("en")("rule") == "rule"


# The English words a command in zh must not print: every catalogue text of at least one word
# of three letters, its {fields} as wildcards, matched as whole words (ids such as
# weekly-hours-in-community are not words of the output's language).
def _english_patterns() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for en in catalogue():
        parts = re.split(r"\{[^}]*\}", en.strip(" .()"))
        words = [p.strip() for p in parts if re.search("[A-Za-z]{3}", p)]
        for w in words:
            out.append((w, re.compile(r"(?<![\w./-])" + re.escape(w) + r"(?![\w/-])")))
    return out


def _xinxiang(tmp_path: Path) -> list[str]:
    return ["--policy", "xinxiang-gaoxin-2016", "--data", str(examples.path("xinxiang-2016"))]


def _broken(tmp_path: Path) -> list[str]:
    bad = tmp_path / "p.yaml"
    bad.write_text("id: x\ntitle：\n", encoding="utf-8")
    good = ROOT / "policies" / "nanjing-2016.yaml"
    return [str(good), str(bad)]


def _clause_tests(tmp_path: Path) -> list[str]:
    import shutil

    clauses = ROOT / "tests" / "policies" / "clauses"
    for name in ("attendance.yaml", "attendance.test.yaml"):
        shutil.copy(clauses / name, tmp_path / name)
    return [str(tmp_path)]


def _events(tmp_path: Path) -> list[str]:
    events = tmp_path / "events.jsonl"
    events.write_text('{"type": "clock", "now": "2022-03-08T09:00"}\nnot json\n', "utf-8")
    data = str(examples.path("xinjin-2022"))
    return ["--policy", "chengdu-xinjin-2022", "--data", data, "--events", str(events)]


COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "evaluate": lambda t: ["evaluate", *_xinxiang(t), "--period", "2017-08", "--fail-on", "none"],
    "explain": lambda t: ["explain", *_xinxiang(t), "--period", "2017-08", "--subject", "vc3"],
    "validate": lambda t: ["validate", *_broken(t)],
    "test": lambda t: ["test", *_clause_tests(t)],
    "render": lambda t: ["render", "nanjing-2016"],
    "synth": lambda t: ["synth", "xinjin-2022", "--out", str(t / "s"), "--activities", "500"],
    "schema": lambda t: ["schema", "--out", str(t / "schemas")],
    "demo": lambda t: ["demo", "--scenario", "nanjing-2016"],
    "watch": lambda t: ["watch", *_events(t)],
}


# What of an output is the command's own words, where the rest is content in the language it
# was written in: a policy's English notes and requirement keys (render), a problem's detail
# (validate, watch; see docs/limits.md).
_PROBLEM = re.compile(r"^\S+:\d+(:\d+)?: .*$|^ +\d+ \| .*$|^ +\| +\^$", re.M)
LABELS: dict[str, Callable[[str], str]] = {
    "render": lambda text: "\n".join(
        [line for line in text.splitlines() if line.startswith("#")]
        + re.findall(r"\*\*([^*]+)\*\*", text)
    ),
    "validate": lambda text: _PROBLEM.sub("", text),
    "watch": lambda text: re.sub(r"第 \d+ 行:.*;已跳过", "", text),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_in_zh_prints_no_english_label(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    main([*COMMANDS[name](tmp_path), "--lang", "zh"])
    out, err = capsys.readouterr()
    shown = LABELS.get(name, lambda text: text)(out + err)
    assert "Traceback" not in shown
    found = {
        w: shown[m.start() - 40 : m.end() + 40]
        for w, p in _english_patterns()
        if (m := p.search(shown))
    }
    assert found == {}
    if name not in ("schema", "watch"):  # these print paths and JSON alerts only
        assert CJK.search(shown)


def test_zh_is_the_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv("GRIDPOLICING_LANG")
    assert main(["validate", str(ROOT / "policies" / "nanjing-2016.yaml")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "检查了 1 个文件,0 个有问题"
    monkeypatch.setenv("GRIDPOLICING_LANG", "en")
    assert main(["validate", str(ROOT / "policies" / "nanjing-2016.yaml")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 file(s) checked, 0 invalid"
