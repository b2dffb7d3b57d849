"""Stage a CSV file: a fixed dialect read by DuckDB, in any encoding Python's codecs know.

A file that is not UTF-8 is first copied to UTF-8 (:mod:`.encoding`) with its lines kept, so
rows and messages name the original file's lines. A line with too many or too few fields rejects
only itself; any other defect of the file is the file's error, at its line.
"""

from __future__ import annotations

import csv
import re
import tempfile
from array import array
from pathlib import Path
from typing import Final

import duckdb
import pyarrow as pa

from gridpolicing.errors import DatasetError, Problem
from gridpolicing.io.dataset_schema import ATTRIBUTE_PREFIX, columns, takes_attributes
from gridpolicing.io.documents import error, quote
from gridpolicing.io.encoding import (
    AUTO,
    FALLBACK,
    first_bad_byte,
    is_utf8,
    not_of,
    utf8_copy,
    utf16_bom,
)
from gridpolicing.io.expressions import sql_id as _sql_id
from gridpolicing.io.expressions import sql_str as _sql_str
from gridpolicing.io.validate import Staged
from gridpolicing.model import TABLES

__all__ = ["CsvStaging", "check_columns"]

# DuckDB's names for a CSV line whose fields do not match the header: that line is rejected.
_RAGGED: Final = frozenset({"MISSING COLUMNS", "TOO MANY COLUMNS"})


class _NotUtf8(Exception):
    """The file read as UTF-8 is not: auto reads it as GB18030 instead."""


class CsvStaging:
    """The CSV part of the stager: ``con``, ``created`` and ``encoding`` are the stager's."""

    con: duckdb.DuckDBPyConnection
    created: list[str]
    encoding: str
    """``auto`` or a codec name (checked by the caller)."""
    _copies: tempfile.TemporaryDirectory[str] | None = None

    def close_copies(self) -> None:
        """Remove the UTF-8 copies of files in other encodings (once nothing reads them)."""
        if self._copies is not None:
            self._copies.cleanup()
            self._copies = None

    def _csv(self, table: str, path: Path) -> Staged | None:
        """Stage ``path``, read in the stager's encoding (see :mod:`.encoding`)."""
        file = str(path)
        if self.encoding != AUTO and not is_utf8(self.encoding):
            return self._csv_utf8(table, self._copy(path, file, self.encoding), file)
        if self.encoding == AUTO and utf16_bom(path):
            return self._csv_utf8(table, self._copy(path, file, "utf-16", "utf-16"), file)
        try:
            return self._csv_utf8(table, path, file)
        except _NotUtf8:
            if self.encoding != AUTO:
                line, what = first_bad_byte(path, "utf-8") or (None, "")
                raise not_of(file, line or 1, what, self.encoding) from None
        return self._csv_utf8(table, self._copy(path, file, FALLBACK), file)

    def _copy(self, path: Path, file: str, encoding: str, given: str | None = None) -> Path:
        """A UTF-8 copy of ``path``; its errors name the encoding as ``given`` (the stager's)."""
        if self._copies is None:
            self._copies = tempfile.TemporaryDirectory(prefix="gridpolicing-csv-")
        into = Path(self._copies.name)
        return utf8_copy(path, file, encoding, into, given or self.encoding)

    def _not_utf8(self, path: Path) -> bool:
        """The file has a byte that is not UTF-8 (only asked once DuckDB failed to read it)."""
        return first_bad_byte(path, "utf-8") is not None

    def _csv_utf8(self, table: str, path: Path, file: str) -> Staged | None:
        """Stage the UTF-8 file ``path``; ``file`` is how messages name it (its original)."""
        header = _csv_header(path, file)
        if header is None:
            return None
        check_columns(file, 1, table, header)
        struct = "{" + ", ".join(f"{_sql_str(h)}: 'VARCHAR'" for h in header) + "}"
        # A fixed dialect, not DuckDB's sniffer: its guesses turn a bad row into a vague error.
        source = (
            f"read_csv({_sql_str(str(path))}, header = true, auto_detect = false, "
            f"columns = {struct}, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, encoding = 'utf-8')"
        )
        # Counting every column reads every value, so a malformed file (or one that is not UTF-8)
        # fails here, as a copy of it would; count(*) alone would skip checking the values.
        every = ", ".join(f"count({_sql_id(h)})" for h in header)
        try:
            count = self.con.execute(f"SELECT count(*), {every} FROM {source}").fetchall()[0][0]
        except duckdb.Error as exc:
            if self._not_utf8(path):
                raise _NotUtf8 from None
            # Lines with too many or too few fields reject only themselves (the slow path);
            # anything else wrong with the file is still the file's error.
            self._check_only_ragged(file, source[:-1], exc)
            return self._ragged_csv(table, path, file, header, source[:-1])
        lines = _record_lines(path, int(count), len(header))
        scan = f"_scan_{table}"
        self.con.execute(f"CREATE TEMP VIEW {scan} AS SELECT * FROM {source}")
        self.created.append(f"VIEW {scan}")
        name = f"_stage_{table}"

        def stage() -> None:
            # Only for a table with rejected records: a copy, to number its records.
            raw = f"_raw_{table}"
            try:
                self.con.execute(f"CREATE TEMP TABLE {raw} AS SELECT * FROM {scan}")
            except duckdb.Error as exc:  # the file changed since it was counted
                raise _csv_error(file, exc) from None
            self.created.append(f"TABLE {raw}")
            if lines is None:
                select = f"SELECT rowid AS _key, rowid + 2 AS _row, * FROM {raw}"
            else:
                self.con.register("_arrow_lines", pa.table({"line": pa.array(lines, pa.int64())}))
                self.con.execute(
                    f"CREATE TEMP TABLE {raw}_at AS SELECT l.line AS _row, r.* "
                    f"FROM {raw} r POSITIONAL JOIN _arrow_lines l"
                )
                self.con.unregister("_arrow_lines")
                self.created.append(f"TABLE {raw}_at")
                select = f"SELECT rowid AS _key, * FROM {raw}_at"
            self.con.execute(f"CREATE TEMP VIEW {name} AS {select}")
            self.created.append(f"VIEW {name}")

        # A clean table is read from the file once more, never copied: see Staged.scan.
        return Staged(table, file, name, scan=scan, stage=stage)

    def _check_only_ragged(self, file: str, source: str, exc: duckdb.Error) -> None:
        """Return if every defect of the CSV file is a line of the wrong width; else raise.

        ``source`` is the strict ``read_csv(...`` call without its closing parenthesis.
        """
        try:
            self.con.execute(
                f"SELECT count(*) FROM {source}, ignore_errors = true, store_rejects = true, "
                "rejects_table = '_csv_rejects', rejects_scan = '_csv_scans')"
            ).fetchall()
            found = self.con.execute(
                "SELECT line, error_type, error_message FROM _csv_rejects ORDER BY line"
            ).fetchall()
        except duckdb.Error:
            raise _csv_error(file, exc) from None
        finally:
            self.con.execute("DROP TABLE IF EXISTS _csv_rejects")
            self.con.execute("DROP TABLE IF EXISTS _csv_scans")
        other = [(line, why) for line, kind, why in found if str(kind) not in _RAGGED]
        if other or not found:
            if not other:
                raise _csv_error(file, exc) from None
            line, why = other[0]
            first = (str(why).strip().splitlines() or ["unreadable"])[0]
            raise error(file, f"malformed CSV: {first}", int(line)) from None

    def _ragged_csv(
        self, table: str, path: Path, file: str, header: list[str], source: str
    ) -> Staged:
        """Stage a CSV file some lines of which have the wrong number of fields.

        Python's csv module finds where each record starts and which are ragged (it is only
        counting); DuckDB reads the others, skipping the ragged lines, as fast as ever. Each
        ragged line becomes a record without values, rejected at its line.
        """
        n = len(header)
        keys, lines = array("q"), array("q")  # of the records DuckDB reads
        broken: list[tuple[int, str, str]] = []
        broken_lines: list[int] = []
        line = None
        try:
            with path.open(encoding="utf-8-sig", newline="") as f:
                reader = csv.reader(f, strict=True)
                next(reader)
                previous = reader.line_num
                line = previous + 1  # where the next record starts: where a csv.Error is
                for rec in reader:
                    start, previous = previous + 1, reader.line_num
                    line = previous + 1
                    if not rec and n > 1:
                        continue  # an empty line is no record, as DuckDB reads it
                    key = len(keys) + len(broken)
                    if len(rec or [""]) == n:
                        keys.append(key)
                        lines.append(start)
                    else:
                        broken.append((key, *_ragged(header, rec or [""])))
                        broken_lines.append(start)
        except (csv.Error, UnicodeDecodeError, OSError) as exc:
            raise error(file, f"malformed CSV: {exc}", line) from None
        raw, name = f"_raw_{table}", f"_stage_{table}"
        try:
            self.con.execute(
                f"CREATE TEMP TABLE {raw} AS SELECT * FROM {source}, ignore_errors = true)"
            )
        except duckdb.Error as exc:  # the file changed since it was checked
            raise _csv_error(file, exc) from None
        self.created.append(f"TABLE {raw}")
        [(read,)] = self.con.execute(f"SELECT count(*) FROM {raw}").fetchall()
        if read != len(keys):
            # DuckDB and Python disagree on which lines are records: refuse rather than guess.
            raise error(file, "malformed CSV: its lines of the wrong width cannot be told apart")
        self.con.register("_arrow_good", pa.table({"_key": keys, "_row": lines}))
        self.con.register(
            "_arrow_broken",
            pa.table(
                {
                    "_key": pa.array([b[0] for b in broken], pa.int64()),
                    "_row": pa.array(broken_lines, pa.int64()),
                }
            ),
        )
        # In _key order, as validation expects of a staged relation.
        self.con.execute(
            f"CREATE TEMP TABLE {name} AS SELECT * FROM (SELECT g._key, g._row, r.* FROM {raw} r "
            "POSITIONAL JOIN _arrow_good g UNION ALL BY NAME SELECT * FROM _arrow_broken) "
            "ORDER BY _key"
        )
        self.con.unregister("_arrow_good")
        self.con.unregister("_arrow_broken")
        self.created.append(f"TABLE {name}")
        return Staged(table, file, name, broken=tuple(broken))


def _ragged(header: list[str], row: list[str]) -> tuple[str, str]:
    """(field, message) of a CSV line whose number of fields is not the header's."""
    n = len(header)
    if len(row) > n:
        return header[-1], f"expected {n} fields as in the header, found {len(row)}"
    if len(row) == 1 and not row[0].strip():
        return header[0], f"the line is blank; expected {n} fields as in the header"
    return header[len(row)], (
        f"expected {n} fields as in the header, found {len(row)}: no value for {header[len(row)]}"
    )


def _csv_header(path: Path, file: str) -> list[str] | None:
    """The header's column names (stripped), or None for an empty file (an empty table)."""
    try:
        with path.open("rb") as f:
            first = f.readline()
    except OSError as exc:
        raise error(file, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        line = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        raise _NotUtf8 from None
    if not first:
        return None
    if not line.strip():
        raise error(file, "the header line is empty; expected column names", 1)
    try:
        names = next(csv.reader([line], strict=True))
    except csv.Error as exc:
        raise error(file, f"malformed CSV header: {exc}", 1) from None
    return [n.strip() for n in names]


def _record_lines(path: Path, records: int, n_columns: int) -> array[int] | None:
    """The line each record starts on, when that is not simply its position + 2; else None."""
    newlines, last = 0, b""
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    if newlines + (last not in (b"\n", b"")) - 1 == records:
        return None
    # A quoted value spans lines, or DuckDB skipped blank lines: count lines the slow way.
    starts: array[int] = array("q")
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        previous = 0
        for i, rec in enumerate(reader):
            start, previous = previous + 1, reader.line_num
            if i > 0 and (rec or n_columns == 1):
                starts.append(start)
    return starts if len(starts) == records else None


def check_columns(file: str, line: int | None, table: str, names: list[str]) -> None:
    """Raise :class:`DatasetError` unless ``names`` (a header, at ``line``) name columns of
    ``table`` once each: its fields, and ``attr.<id>`` where it takes attributes (the check of
    every tabular format's column names)."""
    model = TABLES[table].model
    fields = [c.name for c in columns(model)]
    if takes_attributes(model):
        # attr.<id>: an attribute, checked per record against those the vocabulary declares
        fields.append(ATTRIBUTE_PREFIX + "<id>")
        names = [n for n in names if not (n.startswith(ATTRIBUTE_PREFIX) and n != ATTRIBUTE_PREFIX)]
    problems, seen = [], set()
    for i, n in enumerate(names, 1):
        if not n:
            problems.append(f"column {i} has no name")
        elif n in seen:
            problems.append(f"column {quote(n)} appears more than once")
        elif n not in fields:
            known = ", ".join(fields)
            problems.append(f"unknown column {quote(n)}; columns of {table} are {known}")
        seen.add(n)
    if problems:
        raise DatasetError(Problem(file, line, None, "", m) for m in problems)


def _csv_error(file: str, exc: duckdb.Error) -> DatasetError:
    text = str(exc)
    found = re.search(r"CSV Error on Line: (\d+)", text)
    body = re.split(r"\n\s*Possible (?:fixes|Solution)", text)[0]
    lines = [s.strip() for s in body.splitlines() if s.strip()]
    reason = lines[-1] if found and len(lines) > 2 else _first_line(exc)
    return error(file, f"malformed CSV: {reason}", int(found.group(1)) if found else None)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
