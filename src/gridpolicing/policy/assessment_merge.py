"""Merge the ``assessment`` sections of an ``extends`` chain by scheme and item id.

Spelled like the rules' merge: ``remove_schemes`` drops inherited schemes, a scheme with a new
id is added, and a scheme with an inherited id amends it: each key it writes replaces the
inherited key, except ``items``, merged by id like rules (``remove_items`` drops inherited
items, an item with an inherited id replaces that item whole, a new id is appended). Removals
apply before the same file's schemes and items, so removing and restating an id replaces it.

The merged data remembers where each scheme, key and item came from, so a problem found when
the merged section is validated is reported at the file, line and column that wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, final

from pydantic import ValidationError
from pydantic_core import InitErrorDetails

from gridpolicing.errors import Problem
from gridpolicing.policy.errors_map import problems_from_validation
from gridpolicing.policy.places import problem_at
from gridpolicing.policy.yamlsrc import YamlSource

__all__ = ["MergedAssessment", "merge_assessments"]

Path = tuple[str | int, ...]
_REMOVALS = ("remove_schemes", "remove_items")


@final
@dataclass(slots=True)
class _Written:
    """A value of the merged data and the file and path it was written at."""

    value: Any
    source: YamlSource
    at: Path


@final
@dataclass(slots=True)
class _Scheme:
    written: _Written  # the scheme as last amended (its file locates scheme-wide problems)
    keys: dict[str, _Written] = field(default_factory=dict)
    items: dict[str, _Written] = field(default_factory=dict)
    items_at: _Written | None = None  # the last ``items`` list written
    loose_items: list[_Written] = field(default_factory=list)  # items without a string id


@final
@dataclass(frozen=True, slots=True)
class MergedAssessment:
    """The merged section (None when no file writes one, or every scheme was removed).

    ``origins`` maps a path inside the merged section to the file and path that wrote it.
    """

    data: dict[str, Any] | None
    origins: dict[Path, tuple[YamlSource, Path]]
    problems: list[Problem]

    def locate(self, path: Path) -> tuple[YamlSource, Path]:
        """The file, and the path in it from its root, that wrote ``path`` of the merged data."""
        for n in range(len(path), -1, -1):
            found = self.origins.get(path[:n])
            if found is not None:
                return found[0], (*found[1], *path[n:])
        raise KeyError(path)  # the empty path always has an origin

    def problem(self, path: Path, message: str) -> Problem:
        """A problem at ``path`` of the merged data, in the file that wrote it."""
        source, at = self.locate(path)
        return problem_at(source, at, message)

    def validation_problems(self, exc: ValidationError, model: type[Any]) -> list[Problem]:
        """Each validation error of the merged data, at the file that wrote the value."""
        out: list[Problem] = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            source, at = self.locate(loc)
            # the same error, its ``loc`` now in the file's own section
            line: InitErrorDetails = {"type": err["type"], "loc": at[1:], "input": err["input"]}
            if "ctx" in err:
                line["ctx"] = err["ctx"]
            single = ValidationError.from_exception_data(exc.title, [line])
            out += problems_from_validation(single, source, model, at[:1])
        return out


def merge_assessments(sections: list[tuple[YamlSource, dict[str, Any]]]) -> MergedAssessment:
    """Merge each file's (substituted) ``assessment`` section, root template first."""
    problems: list[Problem] = []
    schemes: dict[str, _Scheme] = {}
    loose: list[_Written] = []  # schemes without a string id: the model reports them
    other: dict[str, _Written] = {}
    last: tuple[YamlSource, Path] | None = None
    last_schemes: tuple[YamlSource, Path] | None = None  # the last ``schemes`` list written
    removed_any = False
    for source, section in sections:
        base: Path = ("assessment",)
        last = (source, base)
        problems += _malformed_removal(section, "remove_schemes", source, base)
        for i, sid in _ids(section.get("remove_schemes")):
            removed_any = True
            if schemes.pop(sid, None) is None:
                message = f"no inherited scheme {sid!r} to remove"
                problems.append(problem_at(source, (*base, "remove_schemes", i), message))
        seen: set[str] = set()
        raw_schemes = section.get("schemes")
        if "schemes" in section:
            last_schemes = (source, (*base, "schemes"))
        for si, raw in enumerate(raw_schemes if isinstance(raw_schemes, list) else []):
            at: Path = (*base, "schemes", si)
            ident = raw.get("id") if isinstance(raw, dict) else None
            if not isinstance(ident, str):
                loose.append(_Written(raw, source, at))
                continue
            sid = ident
            if sid in seen:
                problems.append(problem_at(source, (*at, "id"), f"duplicate scheme id {sid!r}"))
                continue
            seen.add(sid)
            scheme = schemes.get(sid)
            if scheme is None:
                scheme = schemes[sid] = _Scheme(_Written(raw, source, at))
            scheme.written = _Written(raw, source, at)
            problems += _amend(scheme, raw, source, at)
        for key, value in section.items():
            if key not in ("schemes", "remove_schemes"):
                other[key] = _Written(value, source, (*base, key))
    if last is None:
        return MergedAssessment(None, {}, problems)
    origins: dict[Path, tuple[YamlSource, Path]] = {(): last, ("schemes",): last_schemes or last}
    out_schemes: list[dict[str, Any]] = []
    for si, scheme in enumerate([*schemes.values(), *(_Scheme(w) for w in loose)]):
        spot: Path = ("schemes", si)
        origins[spot] = (scheme.written.source, scheme.written.at)
        if not scheme.keys and not scheme.items:  # a scheme without an id: as written
            out_schemes.append(scheme.written.value)
            continue
        data: dict[str, Any] = {}
        for key, w in scheme.keys.items():
            data[key] = w.value
            origins[(*spot, key)] = (w.source, w.at)
        if scheme.items_at is not None:
            origins[(*spot, "items")] = (scheme.items_at.source, scheme.items_at.at)
            items = [*scheme.items.values(), *scheme.loose_items]
            data["items"] = [w.value for w in items]
            for ii, w in enumerate(items):
                origins[(*spot, "items", ii)] = (w.source, w.at)
        out_schemes.append(data)
    for key, w in other.items():
        origins[(key,)] = (w.source, w.at)
    if not out_schemes and removed_any:
        return MergedAssessment(None, origins, problems)  # every scheme removed: no assessment
    merged = {**{k: w.value for k, w in other.items()}, "schemes": out_schemes}
    return MergedAssessment(merged, origins, problems)


def _amend(scheme: _Scheme, raw: dict[str, Any], source: YamlSource, at: Path) -> list[Problem]:
    """Apply one file's writing of a scheme to what it inherited; the problems it meets."""
    problems = _malformed_removal(raw, "remove_items", source, at)
    if "remove_items" in raw and "items" not in raw:  # an emptied list is the remover's doing
        scheme.items_at = _Written(None, source, (*at, "remove_items"))
    for i, iid in _ids(raw.get("remove_items")):
        if scheme.items.pop(iid, None) is None:
            message = f"no inherited item {iid!r} to remove"
            problems.append(problem_at(source, (*at, "remove_items", i), message))
    for key, value in raw.items():
        if key not in ("items", *_REMOVALS):
            scheme.keys[key] = _Written(value, source, (*at, key))
    raw_items = raw.get("items")
    if "items" in raw:
        scheme.items_at = _Written(raw_items, source, (*at, "items"))
    seen: set[str] = set()
    for ii, item in enumerate(raw_items if isinstance(raw_items, list) else []):
        item_at: Path = (*at, "items", ii)
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(ident, str):
            scheme.loose_items.append(_Written(item, source, item_at))
            continue
        iid = ident
        if iid in seen:
            problems.append(problem_at(source, (*item_at, "id"), f"duplicate item id {iid!r}"))
            continue
        seen.add(iid)
        scheme.items[iid] = _Written(item, source, item_at)
    return problems


def _malformed_removal(
    raw: dict[str, Any], key: str, source: YamlSource, at: Path
) -> list[Problem]:
    value = raw.get(key)
    if key not in raw or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return []
    return [problem_at(source, (*at, key), f"expected a list of ids, found {value!r}")]


def _ids(value: Any) -> list[tuple[int, str]]:
    """The string ids of a removal list, with their indexes (the model reports other values)."""
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]
