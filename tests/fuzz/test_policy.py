"""Fuzz the policy loader: mutated bundled policies and random YAML load or fail cleanly, quickly.

Every target writes its input to a file and loads it the way the command line does. The only
acceptable outcomes are a policy or a :class:`GridPolicingError` (a ``PolicyError`` naming the
problems); any other exception, or a load slower than :data:`SLOW`, is a defect.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing import GridPolicingError, Registry, load_policy
from gridpolicing.policy.resources import bundled_dir
from gridpolicing.testing import run_test_file
from tests.fuzz.budget import FUZZ

REGISTRY = Registry.from_entry_points()
POLICIES = bundled_dir("policies")
SEEDS = {
    name: (POLICIES / f"{name}.yaml").read_text(encoding="utf-8")
    for name in ("nanjing-2016", "baseline-community-policing")
}
TEST_SEED = (POLICIES / "tests" / "nanjing-2016.test.yaml").read_text(encoding="utf-8")
SLOW = 10.0  # seconds; the largest bundled policy loads in well under one

# Values that once crashed, hung or passed vacuously, and their relatives.
HOSTILE = [
    ".inf",
    "-.inf",
    ".nan",
    "1e309",
    "-1e309",
    "9" * 5000,
    str(2**63),
    str(-(2**63) - 1),
    "0",
    "-1",
    "true",
    "yes",
    "010",
    "0x10",
    "1:30",
    "~",
    '""',
    '"\\x01"',
    '"\\ud800"',
    "!!python/object/apply:os.system [echo]",
    "!!binary aGk=",
    "!custom x",
    "&a [*a]",
    "*nowhere",
    "&b x",
    "<<: {a: 1}",
    "[" * 200 + "]" * 200,
    "{" * 100 + "}" * 100,
    "? [a, !!python/name:os.system b]\n: 1",
    "{values: {2016-01-01: 0}}",
    "{values: {2016-01-01: .nan}}",
    "{param: nowhere}",
    "../../../../etc/passwd",
    "/etc/passwd",
    "a" * 5000,
    "sub/" * 2000 + "x",
]
BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def _load(path: Path, raw: bytes) -> None:
    path.write_bytes(raw)
    started = time.perf_counter()
    with contextlib.suppress(GridPolicingError):
        load_policy(path, registry=REGISTRY, allow_template=True)
    elapsed = time.perf_counter() - started
    assert elapsed < SLOW, f"loading took {elapsed:.1f} s"


@st.composite
def _line_mutation(draw: st.DrawFn, text: str) -> str:
    """A bundled policy with a few lines replaced, duplicated, removed or re-indented."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["value", "dup", "drop", "indent", "dedent", "anchor"]))
        line = lines[i]
        if action == "value" and ":" in line:
            key = line.split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(HOSTILE))}"
        elif action == "dup":
            lines.insert(i, line)
        elif action == "drop":
            del lines[i]
        elif action == "indent":
            lines[i] = " " * draw(st.integers(1, 6)) + line
        elif action == "dedent":
            lines[i] = line.lstrip()
        elif action == "anchor" and ":" in line:
            key, value = line.split(":", 1)
            lines[i] = f"{key}: &anc{i}{value}" if value.strip() else line
            j = draw(st.integers(0, len(lines) - 1))
            if ":" in lines[j]:
                lines[j] = f"{lines[j].split(':', 1)[0]}: *anc{i}"
        if not lines:
            break
    return "\n".join(lines) + "\n"


@FUZZ
@given(data=st.data(), seed=st.sampled_from(sorted(SEEDS)))
def test_fuzz_policy_line_mutations(tmp_path: Path, data: st.DataObject, seed: str) -> None:
    """Hostile values, aliases and indentation in a bundled policy."""
    text = data.draw(_line_mutation(SEEDS[seed]))
    _load(tmp_path / "p.yaml", text.encode("utf-8"))


@FUZZ
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 8), st.binary(max_size=8)), min_size=1, max_size=6
    ),
)
def test_fuzz_policy_byte_mutations(
    tmp_path: Path, seed: str, edits: list[tuple[float, int, bytes]]
) -> None:
    """Bytes of a bundled policy overwritten, removed or inserted (invalid UTF-8 included)."""
    raw = bytearray(SEEDS[seed].encode("utf-8"))
    for where, cut, insert in edits:
        at = int(where * len(raw))
        raw[at : at + cut] = insert
    _load(tmp_path / "p.yaml", bytes(raw))


@FUZZ
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    where=st.floats(0, 1),
    payload=st.sampled_from([BOMB, "k: " + "[" * 5000 + "]" * 5000, "k: " + "- " * 300 + "x"]),
)
def test_fuzz_policy_with_bombs_inside(
    tmp_path: Path, seed: str, where: float, payload: str
) -> None:
    """An alias bomb or deep nesting spliced into a bundled policy at a line boundary."""
    lines = SEEDS[seed].splitlines()
    at = int(where * len(lines))
    text = "\n".join([*lines[:at], *payload.splitlines(), *lines[at:]]) + "\n"
    _load(tmp_path / "p.yaml", text.encode("utf-8"))


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["rules", "extends", "kind", "id", "sources", "parameters", "assessment"])
)
_DOCS = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=30,
)


@FUZZ
@given(doc=_DOCS)
def test_fuzz_policy_random_documents(tmp_path: Path, doc: object) -> None:
    """Random YAML documents (any shape, any scalar)."""
    _load(tmp_path / "p.yaml", yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"))


@FUZZ
@given(text=st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>?#'\"\n ,%@`abc01.~")), max_size=200))
def test_fuzz_policy_random_yaml_syntax(tmp_path: Path, text: str) -> None:
    """Text made of YAML's indicator characters."""
    _load(tmp_path / "p.yaml", text.encode("utf-8"))


@FUZZ
@given(data=st.data())
def test_fuzz_policy_test_files(tmp_path: Path, data: st.DataObject) -> None:
    """A mutated policy-test file is read and checked, and never raises (no case is run)."""
    text = data.draw(_line_mutation(TEST_SEED))
    path = tmp_path / "tests" / "x.test.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text.replace("policy: ../", f"policy: {POLICIES}/"), encoding="utf-8")
    started = time.perf_counter()
    result = run_test_file(
        path, REGISTRY, name_filter="\0no case has this name", policy_path=[POLICIES]
    )
    assert time.perf_counter() - started < SLOW
    assert result.cases == ()
