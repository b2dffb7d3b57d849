"""The cells of an ``.xlsx``/``.xlsm`` workbook that calamine reads as empty but are not.

python-calamine gives an error cell (``#N/A``, ``#REF!``, ``#DIV/0!`` ...) and a formula cell
with no computed value (as openpyxl writes formulas) as an empty cell, so a field's default
would apply: a VLOOKUP that failed would read as "0 households visited". This module reads the
sheets' XML a second time, only where it holds an error or a formula at all, and names those
cells, so that :mod:`.excel` rejects their records instead.

Other workbook formats (``.xls``, ``.xlsb``, ``.ods``) are binary or laid out otherwise; their
error cells still read as empty (docs/limits.md says so).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import Final
from xml.etree import ElementTree as ET

__all__ = ["Unread", "unread_cells"]

Unread = dict[tuple[int, int], str]
"""(0-based row, 0-based column) of a cell calamine reads as empty -> why it holds no value."""

_MAIN: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELS: Final = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# Only a sheet whose XML has an error cell or a formula is parsed: most have neither.
_SUSPECT: Final = re.compile(rb'\st="e"|<(?:\w+:)?f[\s>/]')
_REF: Final = re.compile(r"([A-Z]+)([0-9]+)")
NO_VALUE: Final = "a formula with no computed value; open and save the workbook in Excel or WPS"


def unread_cells(data: bytes) -> dict[str, Unread]:
    """Sheet name -> its error cells and formulas without a value; empty for other formats."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            names = set(book.namelist())
            if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
                return {}
            out: dict[str, Unread] = {}
            for sheet, part in _sheet_parts(book):
                if part not in names:
                    continue
                xml = book.read(part)
                if _SUSPECT.search(xml):
                    found = dict(_unread(xml))
                    if found:
                        out[sheet] = found
            return out
    except (zipfile.BadZipFile, ET.ParseError, KeyError, OSError, EOFError):
        # calamine read the workbook, so what it read stands; an unreadable part is its word.
        return {}


def _sheet_parts(book: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """(sheet name, the zip member of its XML) of each sheet of the workbook."""
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in ET.fromstring(book.read("xl/_rels/workbook.xml.rels")).iter(_RELS)
    }
    for sheet in ET.fromstring(book.read("xl/workbook.xml")).iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_REL_ID))
        if target:
            # A target is relative to xl/ ("worksheets/sheet1.xml") or absolute ("/xl/...").
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            yield sheet.get("name", ""), posixpath.normpath(part)


def _unread(xml: bytes) -> Iterator[tuple[tuple[int, int], str]]:
    """The error cells and formulas without a value of one sheet's XML."""
    row, col = -1, -1
    for event, elem in ET.iterparse(io.BytesIO(xml), events=("start", "end")):
        if event == "start":
            if elem.tag == f"{_MAIN}row":
                # A row or cell may leave out its reference: it is then the one after the last.
                number = elem.get("r")
                row, col = (int(number) - 1 if number else row + 1), -1
            continue
        if elem.tag != f"{_MAIN}c":
            if elem.tag == f"{_MAIN}row":
                elem.clear()  # a sheet's XML may be large: keep none of it once read
            continue
        ref = _REF.fullmatch(elem.get("r", ""))
        if ref:
            row, col = int(ref[2]) - 1, _column(ref[1])
        else:
            col += 1
        value = elem.find(f"{_MAIN}v")
        text = value.text if value is not None else None
        if elem.get("t") == "e":
            yield (row, col), f"the cell holds the Excel error {text or '#VALUE!'}"
        elif elem.find(f"{_MAIN}f") is not None and not text and elem.get("t") != "str":
            # A formula's text result may be empty (t="str"); a number's never is.
            yield (row, col), NO_VALUE


def _column(letters: str) -> int:
    """The 0-based column of ``letters``: A is 0, AA is 26."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1
