"""The bounded YAML layer: hostile documents are refused early, at a line and column."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing.policy.yamlsrc import POLICY_LIMITS, Limits, parse_yaml, read_yaml_file

# The 307-byte "billion laughs": 9 levels of 9 aliases, a billion strings once expanded.
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def messages(text: str, limits: Limits = POLICY_LIMITS) -> list[str]:
    source, problems = parse_yaml(text, "p.yaml", limits)
    assert source is None
    return [str(p) for p in problems]


def test_alias_bomb_is_refused_at_once() -> None:
    started = time.perf_counter()
    [msg] = messages(BOMB)
    assert time.perf_counter() - started < 1
    assert msg.startswith("p.yaml:")
    assert "too large: more than 100,000 values once aliases are expanded" in msg


def test_many_aliases_are_refused() -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 1001) + "]\n"
    [msg] = messages(text)
    assert "more than 1,000 aliases" in msg


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 500 + "]" * 500,
        "".join("  " * i + f"k{i}:\n" for i in range(500)) + "  " * 500 + "v",
    ],
)
def test_deep_nesting_is_refused(text: str) -> None:
    [msg] = messages(text)
    assert "too deep: nested more than 64 levels" in msg
    assert msg.startswith("p.yaml:")


def test_nesting_within_the_limit_is_read() -> None:
    source, problems = parse_yaml("a: " + "[" * 60 + "]" * 60, "p.yaml")
    assert source is not None
    assert not problems


def test_alias_depth_counts_where_it_is_used() -> None:
    inner = "[" * 40 + "]" * 40
    text = f"a: &a {inner}\nb: {'[' * 30}*a{']' * 30}\n"
    [msg] = messages(text)
    assert "p.yaml:2:" in msg
    assert "too deep" in msg


def test_self_referencing_alias_is_refused() -> None:
    [msg] = messages("a: &x [1, *x]\n")
    assert msg == "p.yaml:1:11: alias *x refers to the node that contains it"


def test_a_tag_inside_a_complex_key_is_refused() -> None:
    [msg] = messages("? [a, !!python/name:os.system b]\n: 1\n")
    assert msg == "p.yaml:1:3: a key must be a plain name"


def test_a_tag_on_a_key_is_refused() -> None:
    [msg] = messages("!!python/name:os.system k: 1\n")
    assert "tag tag:yaml.org,2002:python/name:os.system is not allowed" in msg


def test_yaml_1_1_typing_surprises_are_gone() -> None:
    text = "a: 010\nb: 1:30\nc: yes\nd: off\ne: 0x10\nf: 1_000\ng: 1e5\nh: 2016-01-01\n010: k\n"
    source, problems = parse_yaml(text, "p.yaml")
    assert source is not None
    assert not problems
    assert source.data == {
        "a": "010",
        "b": "1:30",
        "c": "yes",
        "d": "off",
        "e": "0x10",
        "f": "1_000",
        "g": 100000.0,
        "h": "2016-01-01",
        "010": "k",
    }


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (".inf", "not a finite number"),
        ("-.Inf", "not a finite number"),
        (".nan", "not a finite number"),
        ("1e309", "out of range for a number"),
        ("9" * 5000, "(5000 characters) is out of range"),
        ("9223372036854775808", "out of range; integers must be between"),
        ("-9223372036854775809", "out of range; integers must be between"),
        ("!!int 010", "'010' is not a decimal integer"),
        ("!!bool yes", "'yes' is not a boolean"),
    ],
)
def test_numbers_that_cannot_reach_sql_are_refused(value: str, words: str) -> None:
    [msg] = messages(f"a: {value}\n")
    assert msg.startswith("p.yaml:1:4: a: ")
    assert words in msg


def test_int64_bounds_are_accepted() -> None:
    source, _ = parse_yaml("a: 9223372036854775807\nb: -9223372036854775808\n", "p.yaml")
    assert source is not None
    assert source.data == {"a": 2**63 - 1, "b": -(2**63)}


def test_a_large_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:  # sparse: 100 MB without writing 100 MB
        fh.truncate(100 * 1024 * 1024)
    started = time.perf_counter()
    source, [problem] = read_yaml_file(path, "big.yaml")
    assert source is None
    assert time.perf_counter() - started < 1
    assert str(problem) == "big.yaml: file too large: 104,857,600 bytes; the limit is 1,048,576"


def test_a_file_not_in_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("id: x\ntitle: 测试\n".encode("gbk"))
    source, [problem] = read_yaml_file(path, "gbk.yaml")
    assert source is None
    assert str(problem).startswith("gbk.yaml:2:8: not UTF-8 (byte 0x")


def test_a_control_character_has_a_position() -> None:
    [msg] = messages("a: b\nc: \x01\n")
    assert msg == "p.yaml:2:4: malformed YAML: special characters are not allowed"


def test_a_file_that_grows_after_its_size_is_read_is_still_bounded() -> None:
    zero = Path("/dev/zero")  # stat() says 0 bytes; reading never ends
    if not zero.exists():
        pytest.skip("no /dev/zero")
    source, [problem] = read_yaml_file(zero, "zero.yaml")
    assert source is None
    assert str(problem) == "zero.yaml: file too large: more than 1,048,576 bytes"


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_every_int64_reads_as_itself(n: int) -> None:
    source, _ = parse_yaml(f"a: {n}\n", "p.yaml")
    assert source is not None
    assert source.data == {"a": n}


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=4))
def test_a_number_with_leading_zeros_is_text_as_written(n: int, zeros: int) -> None:
    text = "0" * zeros + str(n)
    source, _ = parse_yaml(f"a: {text}\n", "p.yaml")
    assert source is not None
    assert source.data == {"a": text}


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_reads_as_itself(x: float) -> None:
    source, _ = parse_yaml(f"a: {x!r}\n", "p.yaml")
    assert source is not None
    assert source.data == {"a": x}
