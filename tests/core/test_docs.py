"""The Expressions section of the docs lists exactly the functions and limits of the code."""

from __future__ import annotations

import re
from pathlib import Path

from gridpolicing.core import FUNCTIONS, MAX_BRACKETS, MAX_DEPTH, MAX_LENGTH

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_allowed_function_is_documented_in_zh_and_en() -> None:
    text = (DOCS / "policy-language.md").read_text("utf-8")
    for f in FUNCTIONS:
        assert f"| `{f.signature}` | {f.zh} | {f.en} |" in text, f.name
    section = text.split("## Expressions", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `(\w+)\(", section, re.M)
    assert listed == [f.name for f in FUNCTIONS]


def test_the_documented_limits_are_the_enforced_ones() -> None:
    for name in ("policy-language.md", "limits.md"):
        text = " ".join((DOCS / name).read_text("utf-8").split())
        assert f"{MAX_LENGTH} characters" in text, name
        assert f"nested more than {MAX_BRACKETS} deep" in text or (
            f"nested at most {MAX_BRACKETS} deep" in text
        ), name
        assert f"{MAX_DEPTH} levels deep" in text, name
