"""The text encoding of a CSV file: UTF-8 as it is, anything else copied to UTF-8 for DuckDB.

DuckDB reads only UTF-8, and many offices save CSV as GBK (Excel and WPS on a Chinese Windows).
``auto`` takes a file that is valid UTF-8 (with or without a byte-order mark) as it is, a file
starting with a UTF-16 byte-order mark (as Excel and WPS save "Unicode" text) as UTF-16, and
any other as GB18030 (a superset of GBK and GB2312); an explicit encoding is any name Python's
codecs know.
A file in another encoding is decoded in chunks into a temporary UTF-8 copy: a newline stays a
newline, so the copy's lines are the file's, and messages name the original file. Any codec's
error is the file's error, at its line where the codec tells the byte.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Final

from gridpolicing.errors import DatasetError, UsageError
from gridpolicing.io.documents import error

__all__ = [
    "AUTO",
    "FALLBACK",
    "check_encoding",
    "first_bad_byte",
    "is_utf8",
    "not_of",
    "utf8_copy",
    "utf16_bom",
]

AUTO: Final = "auto"
FALLBACK: Final = "gb18030"
"""What ``auto`` reads a file that is not UTF-8 as: GB18030, whose two-byte part is GBK."""
_CHUNK: Final = 1 << 20
# Neither byte pair can start UTF-8 or GB18030 text (0xff is no lead byte of either), so a file
# starting so is UTF-16 and nothing else ``auto`` reads.
_UTF16_BOMS: Final = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def check_encoding(encoding: str) -> str:
    """``encoding`` as given, if it is ``auto`` or a codec Python knows; else UsageError."""
    if encoding == AUTO:
        return encoding
    try:
        # base64, rot13 ... are codecs too, but not of text: bytes.decode refuses them so.
        known = getattr(codecs.lookup(encoding), "_is_text_encoding", True)
    except (LookupError, TypeError):
        known = False
    if not known:
        raise UsageError(
            f"unknown encoding {encoding!r}; expected auto or a codec name such as utf-8, "
            "gbk or gb18030"
        )
    return encoding


def is_utf8(encoding: str) -> bool:
    """The codec reads files as DuckDB does (UTF-8, a byte-order mark allowed)."""
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


def utf16_bom(path: Path) -> bool:
    """The file starts with a UTF-16 byte-order mark (as Excel and WPS save "Unicode" text)."""
    try:
        with path.open("rb") as f:
            return f.read(2) in _UTF16_BOMS
    except OSError:
        return False  # reading the file again names the failure, with the file


def first_bad_byte(path: Path, encoding: str) -> tuple[int | None, str] | None:
    """(line, description) of the first byte of ``path`` that is not ``encoding``; None if
    every byte is. The line is None where the codec does not say where it failed."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    newlines = 0
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            try:
                newlines += decoder.decode(chunk).count("\n")
            except UnicodeError as exc:
                return _where(exc, encoding, newlines)
        try:
            decoder.decode(b"", final=True)
        except UnicodeError as exc:
            return _where(exc, encoding, newlines)
    return None


def utf8_copy(path: Path, file: str, encoding: str, into: Path, given: str | None = None) -> Path:
    """A UTF-8 copy of ``path`` read as ``encoding``, in the folder ``into``, line for line.

    ``file`` names the file in the error raised where a byte is not of the encoding, which
    names the encoding as the caller ``given`` it (``auto``), by default ``encoding``.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    copy = into / f"{len(list(into.iterdir()))}.csv"
    newlines = 0
    try:
        with path.open("rb") as src, copy.open("w", encoding="utf-8", newline="") as dst:
            for chunk in iter(lambda: src.read(_CHUNK), b""):
                text = decoder.decode(chunk)
                newlines += text.count("\n")
                dst.write(text)
            dst.write(decoder.decode(b"", final=True))
    except UnicodeError as exc:
        # Any codec's error, not only UnicodeDecodeError: utf-16 without a byte-order mark and
        # idna raise the base class, with no position.
        line, what = _where(exc, encoding, newlines)
        raise not_of(file, line, what, given or encoding) from None
    except OSError as exc:
        raise error(file, f"cannot read the file: {exc.strerror or exc}") from None
    return copy


def not_of(file: str, line: int | None, what: str, encoding: str) -> DatasetError:
    """The error of a file with a byte at ``line`` that ``encoding`` (or auto) does not read;
    ``line`` None names the file alone."""
    if encoding == AUTO:
        message = (
            f"neither UTF-8 nor GB18030 (GBK) text: {what}; give the file's encoding "
            "(encoding=, --encoding)"
        )
    else:
        message = f"not {encoding} text: {what}; check the file's encoding (encoding=, --encoding)"
    return error(file, message, line)


def _where(exc: UnicodeError, encoding: str, newlines: int) -> tuple[int | None, str]:
    """The line of the first byte ``exc`` found wrong, and that byte; the line is None, and the
    codec's own words the description, where ``exc`` does not say which byte of the chunk."""
    if isinstance(exc, UnicodeDecodeError) and isinstance(exc.object, bytes):
        bad = exc.object
        if 0 <= exc.start < len(bad):
            what = f"byte 0x{bad[exc.start]:02x}"
            try:
                before = bad[: exc.start].decode(encoding, errors="replace").count("\n")
            except UnicodeError:
                # idna and punycode ignore errors= and fail again: the byte, but not its line.
                return None, what
            return newlines + before + 1, what
    return None, str(exc)
