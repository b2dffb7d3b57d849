"""YAML slips of authors typing beside Chinese text are named at their own line, in words.

Full-width punctuation typed by the input method, tabs and ideographic spaces in the indentation
and a line out of step with its siblings: each gets a message saying what to type, at the line
and column of the slip (not where PyYAML gave up), and ``validate`` shows the line under it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing.cli.main import main
from gridpolicing.errors import PolicyError
from gridpolicing.policy.loader import load_policy
from gridpolicing.policy.yaml_hints import syntax_hint
from gridpolicing.policy.yamlsrc import parse_yaml

HEAD = "id: x\njurisdiction: 某地\n"
CASES = {
    "full-width colon after a key": (
        HEAD + "title：\n  zh: 中\n",
        3,
        6,
        "a full-width colon '：' (U+FF1A) where YAML expects ':' followed by a space",
    ),
    "full-width colon in a list item": (
        HEAD + "rules:\n  - id： a\n    kind: b\n",
        4,
        7,
        "a full-width colon '：' (U+FF1A)",
    ),
    "full-width hyphen as a list dash": (
        HEAD + "rules:\n  － id: a\n    kind: b\n",
        4,
        3,
        "a full-width hyphen '－' (U+FF0D) where YAML expects '-' followed by a space",
    ),
    "tab in the indentation": (
        HEAD + "rules:\n\t- id: a\n",
        4,
        1,
        "a tab in the indentation; YAML indents with spaces only",
    ),
    "key out of step with its list item": (
        HEAD + "rules:\n  - id: a\n  kind: b\n",
        5,
        3,
        "this line is indented 2 spaces, and the keys and '-' items above it start after "
        "0, 2 or 4 spaces",
    ),
    "key out of step with its mapping": (
        HEAD + "title:\n  zh: a\n en: b\n",
        5,
        2,
        "this line is indented 1 space, and the keys and '-' items above it start after 0 or 2",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_slip_is_named_at_its_line(name: str) -> None:
    text, line, column, words = CASES[name]
    source, [problem] = parse_yaml(text, "p.yaml")
    assert source is None
    assert (problem.line, problem.column) == (line, column)
    assert problem.message.startswith(f"malformed YAML: {words}")
    assert "(YAML says: " in problem.message  # the parser's own words are kept


def test_a_full_width_colon_inside_a_flow_key_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(HEAD + "title: {zh： 中, en: y}\nsources: []\nrules: []\n", "utf-8")
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    [problem] = [p for p in raised.value.problems if "unknown key" in p.message]
    assert problem.message.startswith("unknown key 'zh： 中': a full-width colon '：'")


def test_an_ideographic_space_in_the_indentation_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(HEAD + "title: {zh: 中, en: y}\nsources: []\nrules:\n\u3000- id: a\n", "utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "an ideographic space (全角空格, U+3000) in the indentation" in err
    assert "    6 | ␣- id: a\n      | ^\n" in err


def test_the_code_frame_puts_the_caret_under_the_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("id: x\njurisdiction: 某地\n标题：\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    at = next(i for i, line in enumerate(err) if line.startswith(f"{path}:3:3: "))
    # 标题 is two characters four cells wide: the caret stands under the colon after them
    assert err[at + 1 : at + 3] == ["    3 | 标题：", "      |     ^"]


_KEY = st.from_regex(r"[a-z_]{1,12}", fullmatch=True)
_CJK = st.text(st.sampled_from("第三条社区民警每周不少于小时：，、"), min_size=1, max_size=20)


@given(_KEY, _CJK)
def test_full_width_marks_in_a_value_are_never_blamed(key: str, value: str) -> None:
    for text in (f"{key}: {value}\n", f"{key}: '{value}'\n", f"- {key}: {value}  # 注：\n"):
        # a value may hold any full-width mark; the slip search stops at the ASCII colon
        assert syntax_hint(text + "oops: [\n", 1, "did not find expected ',' or ']'") is None
