"""What a YAML slip most likely was, in words an author typing Chinese can act on.

PyYAML reports where its parser gave up, which is often a line after the slip and in words
about tokens (``could not find expected ':'``). The slips authors make when typing YAML beside
Chinese text are few: a full-width colon ``：`` (or ``－``, ``，``) typed by the input method,
a tab or an ideographic space ``\\u3000`` in the indentation, and a line indented differently from
its siblings. :func:`syntax_hint` finds them in the text up to the error and says what to type
instead; :func:`key_hint` explains a key that parsed but holds such a character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, final

__all__ = ["Hint", "key_hint", "syntax_hint"]

# Full-width forms an input method types in place of YAML's ASCII punctuation.
_FULL_WIDTH: Final = {
    "：": ":",
    "－": "-",
    "，": ",",
    "［": "[",
    "］": "]",
    "｛": "{",
    "｝": "}",
    "＃": "#",
}
_NAMES: Final = {
    "：": "full-width colon",
    "－": "full-width hyphen",
    "，": "full-width comma",
    "［": "full-width bracket",
    "］": "full-width bracket",
    "｛": "full-width brace",
    "｝": "full-width brace",
    "＃": "full-width number sign",
}
_IDEOGRAPHIC_SPACE: Final = "\u3000"
# PyYAML's words for a line that is not where the structure above it expects it.
_INDENTATION: Final = (
    "expected <block end>",
    "mapping values are not allowed here",
    "did not find expected key",
    "did not find expected '-' indicator",
)
_KEY_START: Final = re.compile(r"^(\s*)(-\s+)?")


@final
@dataclass(frozen=True, slots=True)
class Hint:
    """A likelier place (1-based line and column) and what to do there."""

    line: int
    column: int
    message: str


def syntax_hint(text: str, line: int | None, problem: str) -> Hint | None:
    """The slip behind PyYAML's ``problem`` at ``line`` (1-based), or None if none is seen.

    Lines up to and including ``line`` are searched for a tab or an ideographic space in the
    indentation and for a full-width punctuation mark where YAML's own is expected; the first
    one is the slip (the parser stops after it). Otherwise an indentation problem is explained
    by the indentation of the line and the ones above it.
    """
    lines = text.splitlines()
    last = min(line or len(lines), len(lines))
    for number in range(1, last + 1):
        found = _slip(lines[number - 1])
        if found is not None:
            column, message = found
            return Hint(number, column, message)
    if line is not None and 1 <= line <= len(lines) and problem.startswith(_INDENTATION):
        return _indentation(lines, line)
    return None


def key_hint(key: str) -> str | None:
    """Why a key no model knows may be a slip (a full-width colon in it, say), or None."""
    if key.startswith(_IDEOGRAPHIC_SPACE):
        return _space_message()
    for char, ascii_form in _FULL_WIDTH.items():
        if char in key:
            return _punctuation_message(char, ascii_form)
    return None


def _slip(text: str) -> tuple[int, str] | None:
    """The column and explanation of a slip on one line, or None."""
    indent = len(text) - len(text.lstrip(" \t\u3000"))
    for i, char in enumerate(text[:indent]):
        if char == "\t":
            return i + 1, "a tab in the indentation; YAML indents with spaces only: type spaces"
        if char == _IDEOGRAPHIC_SPACE:
            return i + 1, _space_message()
    body = _code(text)
    start = _KEY_START.match(body)
    head = start.end() if start else 0
    if body[head : head + 1] == "－" and body[head + 1 : head + 2] in (" ", "\u3000", ""):
        return head + 1, _punctuation_message("－", "-")
    # A full-width colon where the key ends: the line has no ASCII colon before it.
    colon = body.find("：", head)
    if colon >= 0 and ":" not in body[head:colon] and not body[head:colon].startswith(("'", '"')):
        return colon + 1, _punctuation_message("：", ":")
    return None


def _code(text: str) -> str:
    """``text`` with quoted strings blanked and a comment cut (same length where kept)."""
    out = []
    quote = ""
    for i, char in enumerate(text):
        if quote:
            out.append(" ")
            if char == quote:
                quote = ""
            continue
        if char in "'\"" and (i == 0 or text[i - 1] in " \t[{,:-"):
            quote = char
            out.append(char)
            continue
        if char == "#" and (i == 0 or text[i - 1] in " \t"):
            break
        out.append(char)
    return "".join(out)


def _indentation(lines: list[str], line: int) -> Hint:
    """The columns keys and items start at above ``line``, beside the line's own."""
    here = lines[line - 1]
    indent = len(here) - len(here.lstrip(" "))
    levels: set[int] = set()
    for text in lines[: line - 1]:
        body = text.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        levels.add(len(text) - len(body))
        item = _KEY_START.match(text)
        if item is not None and item.group(2):  # "- key: ..." starts a key after the dash
            levels.add(item.end())
    ordered = [str(n) for n in sorted(levels)]
    seen = " or ".join([", ".join(ordered[:-1]), ordered[-1]] if len(ordered) > 1 else ordered)
    message = (
        f"this line is indented {indent} space{'s' if indent != 1 else ''}, and the keys and "
        f"'-' items above it start after {seen or '0'} spaces: the keys of one mapping, and "
        "the items of one list, start in the same column (a key of a '-' item lines up with "
        "the key after the '-')"
    )
    return Hint(line, indent + 1, message)


def _punctuation_message(char: str, ascii_form: str) -> str:
    name = _NAMES[char]
    after = " followed by a space" if ascii_form in ":-," else ""
    return (
        f"a {name} '{char}' (U+{ord(char):04X}) where YAML expects '{ascii_form}'{after}: "
        "switch the input method to half-width (半角) and type it again; full-width marks "
        "belong inside quoted text only"
    )


def _space_message() -> str:
    return (
        "an ideographic space (全角空格, U+3000) in the indentation; YAML indents with ASCII "
        "spaces only: switch the input method to half-width (半角) and type spaces"
    )
