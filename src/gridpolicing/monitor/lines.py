"""JSON lines in: bounded reading and one decoder from a line's bytes to an event.

``gridpolicing watch`` reads its input with :func:`read_lines` (no line is held beyond
:data:`~gridpolicing.monitor.bounds.MAX_LINE_BYTES`, however long it runs) and turns each line
into an event with :func:`decode_line`, which checks, in order: the size, UTF-8, the nesting
depth (before parsing: Python's JSON parser recurses, and a line nested 1,000 deep
exhausts its stack), JSON itself, and then every field
(:func:`~gridpolicing.monitor.events.parse_event`). Anything wrong is an
:class:`~gridpolicing.monitor.bounds.EventError` saying what; nothing else escapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import accumulate
from typing import BinaryIO, Final

from gridpolicing.monitor.bounds import MAX_DEPTH, MAX_LINE_BYTES, EventError, show
from gridpolicing.monitor.events import Event, parse_event

__all__ = ["decode_line", "read_lines", "too_deep"]

_STRING: Final = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET: Final = re.compile(rb"[\[\]{}]")
_STEP: Final = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def read_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)`` for each line of ``stream``, counted from 1, without the line
    break; ``None`` for a line longer than :data:`MAX_LINE_BYTES` (the rest of it is read and
    dropped in pieces, never held whole)."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 2)  # room for "\r\n"
        if not raw:
            return
        number += 1
        if raw.endswith(b"\n") or len(raw) <= MAX_LINE_BYTES:
            line = raw.rstrip(b"\r\n")
            if number == 1 and line.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark
                line = line[3:]
            yield number, None if len(line) > MAX_LINE_BYTES else line
            continue
        while raw and not raw.endswith(b"\n"):
            raw = stream.readline(MAX_LINE_BYTES)
        yield number, None


def decode_line(line: bytes | str) -> Event:
    """The event one JSON line describes; raises :class:`EventError` saying what is wrong."""
    if isinstance(line, str):
        try:
            line = line.encode("utf-8")
        except UnicodeEncodeError:
            raise EventError("not valid Unicode (a lone surrogate)") from None
    if len(line) > MAX_LINE_BYTES:
        raise EventError(f"longer than {MAX_LINE_BYTES:,} bytes ({len(line):,})")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EventError(
            f"not valid UTF-8 (byte 0x{line[exc.start]:02x} at position {exc.start + 1})"
        ) from None
    depth = too_deep(line)
    if depth is not None:
        raise EventError(f"nested {depth:,} deep (at most {MAX_DEPTH})")
    try:
        data = json.loads(text)
    except ValueError as exc:  # JSONDecodeError, or an integer of more than 4,300 digits
        raise EventError(f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise EventError(f"an event is a JSON object, not {show(data)}")
    return parse_event(data)


def too_deep(line: bytes) -> int | None:
    """How deep arrays and objects nest in ``line`` when that is more than :data:`MAX_DEPTH`
    (brackets inside strings do not count), else None."""
    if line.count(b"[") + line.count(b"{") <= MAX_DEPTH:
        return None  # the common case, without a scan: too few brackets to nest that deep
    brackets = _BRACKET.findall(_STRING.sub(b"", line))
    depth = max(accumulate(_STEP[b[0]] for b in brackets), default=0)
    return depth if depth > MAX_DEPTH else None
