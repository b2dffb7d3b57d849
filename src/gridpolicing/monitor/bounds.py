"""The monitor's input bounds, and one check per kind of event field.

Every value an event carries into the monitor is checked here against a documented bound
(docs/monitor.md, "Limits"; docs/limits.md): times within :data:`EARLIEST` .. :data:`LATEST`,
text that is valid Unicode of at most :data:`MAX_TEXT` characters, counts up to
:data:`MAX_COUNT`. Each check raises :class:`EventError` naming the field and showing a short
form of the value, never the whole of a hostile one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final, final

from gridpolicing.errors import GridPolicingError

__all__ = [
    "CHINA",
    "EARLIEST",
    "FIRST_DAY",
    "HORIZON",
    "LAST_BUCKET_DAY",
    "LAST_DAY",
    "LATEST",
    "MAX_COUNT",
    "MAX_DEPTH",
    "MAX_GRACE",
    "MAX_LINE_BYTES",
    "MAX_TEXT",
    "WINDOW",
    "EventError",
    "choice",
    "count",
    "date_field",
    "flag",
    "in_window",
    "local",
    "moment",
    "show",
    "text",
    "text_list",
    "valid_text",
]

CHINA: Final = dt.timezone(dt.timedelta(hours=8))
# The monitor's time window, in local China time. Wide enough for any record a station keeps,
# and far enough from Python's year 1 and 9999 that no bucket, offset or grace arithmetic near
# its edges can overflow.
EARLIEST: Final = dt.datetime(1900, 1, 1)
LATEST: Final = dt.datetime(2200, 1, 1)  # exclusive
FIRST_DAY: Final = EARLIEST.date()
LAST_DAY: Final = dt.date(2199, 12, 31)
WINDOW: Final = "1900-01-01T00:00 to 2199-12-31T23:59:59"
# The last day of a bucket the monitor can open (a week that begins by the window's last day).
LAST_BUCKET_DAY: Final = LAST_DAY + dt.timedelta(days=7)
# How far ahead of the monitor's clock an event or a clock move may be. Moving the clock walks
# every bucket in between (opening and closing each), so this bounds the work one line causes.
HORIZON: Final = dt.timedelta(days=366)
MAX_GRACE: Final = dt.timedelta(days=31)
MAX_LINE_BYTES: Final = 65_536  # one JSON line, without its line break
MAX_DEPTH: Final = 16  # nested arrays and objects in one line (an event needs 2)
MAX_TEXT: Final = 1_000  # characters of an id, a person, a unit, an attendee
MAX_COUNT: Final = 1_000_000  # households visited or services done in one record


@final
class EventError(GridPolicingError):
    """An event is malformed: a missing or wrongly typed field, an unknown kind, a value out of
    bounds."""


def show(v: Any) -> str:
    """A short description of ``v`` for an error message (a hostile value can be huge)."""
    if isinstance(v, str):
        return repr(v) if len(v) <= 40 else repr(v[:40]) + f"... ({len(v):,} characters)"
    if isinstance(v, bool) or v is None or isinstance(v, float):
        return repr(v)
    if isinstance(v, int):
        # str() of an int over 4,300 digits raises ValueError
        return repr(v) if abs(v) < 10**18 else f"a whole number of {v.bit_length():,} bits"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Mapping):
        return "an object"
    if isinstance(v, list | tuple):
        return f"a list of {len(v):,} item{'' if len(v) == 1 else 's'}"
    return f"a {type(v).__name__}"


def valid_text(v: str) -> bool:
    """Whether ``v`` is valid Unicode (no lone surrogate from a JSON ``\\ud800`` escape), so it
    can be written to an alert or a checkpoint."""
    if v.isascii():
        return True
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text(data: Mapping[str, Any], name: str) -> str:
    """A required id-like field: a non-empty string of valid Unicode, stripped."""
    return _text_value(name, data.get(name))


def text_list(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """An optional list of ids (meeting attendees)."""
    v = data.get(name, [])
    if not isinstance(v, list | tuple):
        raise EventError(f"{name}: expected a list of ids, got {show(v)}")
    return tuple(_text_value(f"{name}[{i}]", a) for i, a in enumerate(v))


def _text_value(name: str, v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise EventError(f"{name}: expected a non-empty string, got {show(v)}")
    if len(v) > MAX_TEXT:
        raise EventError(f"{name}: longer than {MAX_TEXT:,} characters ({len(v):,})")
    if not valid_text(v):
        raise EventError(f"{name}: not valid Unicode (a lone surrogate such as \\ud800)")
    return v.strip()


def choice(
    data: Mapping[str, Any], name: str, allowed: frozenset[str], default: str | None = None
) -> str:
    """A field that must be one of ``allowed`` (a vocabulary)."""
    v = data.get(name, default)
    if not isinstance(v, str) or v not in allowed:  # a list or an object is not hashable
        raise EventError(f"{name}: {show(v)} is not one of {', '.join(sorted(allowed))}")
    return v


def count(data: Mapping[str, Any], name: str) -> int:
    """An optional whole number from 0 to :data:`MAX_COUNT` (default 0)."""
    v = data.get(name, 0)
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_COUNT:
        raise EventError(f"{name}: expected a whole number from 0 to {MAX_COUNT:,}, got {show(v)}")
    return v


def flag(data: Mapping[str, Any], name: str) -> bool:
    """An optional true or false (default false)."""
    v = data.get(name, False)
    if not isinstance(v, bool):
        raise EventError(f"{name}: expected true or false, got {show(v)}")
    return v


def moment(data: Mapping[str, Any], name: str) -> dt.datetime:
    """A required date-time, as naive China time inside the window."""
    raw = data.get(name)
    if isinstance(raw, dt.datetime):
        v = raw
    elif isinstance(raw, dt.date):
        v = dt.datetime(raw.year, raw.month, raw.day)
    elif isinstance(raw, str):
        try:
            v = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise EventError(f"{name}: {show(raw)} is not an ISO date-time") from None
    else:
        raise EventError(f"{name}: expected an ISO date-time, got {show(raw)}")
    return local(name, v)


def local(name: str, v: dt.datetime) -> dt.datetime:
    """``v`` as naive China time (local time is UTC+8), checked against the window."""
    if v.tzinfo is not None:
        try:
            v = v.astimezone(CHINA).replace(tzinfo=None)
        except OverflowError:  # an offset pushed it past year 1 or 9999
            raise EventError(f"{name}: {v.isoformat()} is outside {WINDOW}") from None
    if not EARLIEST <= v < LATEST:
        raise EventError(f"{name}: {v.isoformat()} is outside {WINDOW}")
    return v


def date_field(data: Mapping[str, Any], name: str) -> dt.date:
    """A required date inside the window."""
    v = data.get(name)
    if isinstance(v, dt.datetime):
        day = local(name, v).date()
    elif isinstance(v, dt.date):
        day = v
    elif isinstance(v, str):
        try:
            day = dt.date.fromisoformat(v)
        except ValueError:
            raise EventError(f"{name}: {show(v)} is not an ISO date (YYYY-MM-DD)") from None
    else:
        raise EventError(f"{name}: expected an ISO date, got {show(v)}")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise EventError(f"{name}: {day.isoformat()} is outside {WINDOW}")
    return day


def in_window(v: dt.datetime) -> bool:
    """Whether ``v`` (naive) lies in the monitor's time window."""
    return EARLIEST <= v < LATEST
