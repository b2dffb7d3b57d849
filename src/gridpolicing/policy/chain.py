"""Find and read the files of an ``extends`` chain, inside the policy roots, with every problem.

A parent named by ``extends`` is looked for beside the file that names it, then in each
directory of the declared policy path, then among the bundled policies, and nowhere else: never
in the working directory, so the same command finds the same parent wherever it runs. Whatever
a reference says (``..``, an absolute path, a symbolic link), the file it reaches must lie
inside a root: the directory of the policy first loaded, a policy-path directory or the bundled
policies. A file outside the roots is never opened, so nothing of it can be echoed in an error.

A policy given as text or a mapping (``load_policy(text=...)``) has no folder: its parent is looked
for only in the policy path and among the bundled policies, so a service never opens a file of
its own working directory because a client's text names it.

Every file of the chain is read and checked even when one is broken, so a broken child does not
hide a broken parent; checks that need only the raw data (duplicate ids, citation sources) run
even when a file does not match the model, so a type error hides nothing either.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, final

from pydantic import ValidationError

from gridpolicing.core.expressions import DEFERRED_CONTEXT, VOCABULARY_CONTEXT
from gridpolicing.errors import PolicyError, Problem
from gridpolicing.policy.document import DocumentBase, document_model
from gridpolicing.policy.errors_map import problems_from_validation
from gridpolicing.policy.places import problem_at
from gridpolicing.policy.registry import Registry
from gridpolicing.policy.resources import bundled_dir, bundled_policy_path
from gridpolicing.policy.values import validate_plain
from gridpolicing.policy.vocabulary import VocabularySection, declared_vocabulary
from gridpolicing.policy.yamlsrc import POLICY_LIMITS, YamlSource, read_yaml_file

__all__ = ["MAX_CHAIN", "ChainFile", "Roots", "display", "load_chain", "resolve_reference"]

MAX_CHAIN: Final = 32
"""The most files an ``extends`` chain may hold (the policy itself included)."""


@final
@dataclass(frozen=True, slots=True)
class Roots:
    """The directories a chain may read: the first policy's, the policy path, the bundled ones."""

    dirs: tuple[Path, ...]

    @classmethod
    def of(cls, first: Path | None, policy_path: Sequence[str | os.PathLike[str]] = ()) -> Roots:
        """Roots for a chain whose first policy is ``first`` (a file, or the folder beside it;
        ``None`` for a policy given as text, which has no folder)."""
        base = [] if first is None else [first if first.is_dir() else first.parent]
        dirs = [*base, *(Path(p) for p in policy_path), bundled_dir("policies")]
        unique: dict[Path, None] = {}
        for d in dirs:
            unique.setdefault(d.resolve(), None)
        return cls(tuple(unique))

    def contain(self, real: Path) -> bool:
        """Whether the resolved path ``real`` lies inside one of the roots."""
        return any(real.is_relative_to(d) for d in self.dirs)


@final
@dataclass(frozen=True, slots=True)
class ChainFile:
    """One file of a chain: its data when it parsed, its document when it matched the model."""

    path: Path
    source: YamlSource | None
    document: DocumentBase | None
    problems: tuple[Problem, ...]


class _NotFound(Exception):
    """A reference found no file inside the roots; the message says why."""


def resolve_reference(
    ref: str, beside: Path | None, roots: Roots, policy_path: Sequence[Path]
) -> Path:
    """The file a reference from a file in ``beside`` (``None``: from a text) names, inside
    ``roots``.

    Raises :class:`PolicyError` (without a place: the caller knows where the reference was).
    """
    try:
        return _resolve(ref, beside, roots, policy_path)
    except _NotFound as exc:
        raise PolicyError([Problem(ref, None, None, "", str(exc))]) from None


def _resolve(ref: str, beside: Path | None, roots: Roots, policy_path: Sequence[Path]) -> Path:
    if not ref or "\0" in ref:
        raise _NotFound("expected the id or relative path of a policy")
    outside = False
    bases = policy_path if beside is None else (beside, *policy_path)
    for base in bases:
        for name in (ref, f"{ref}.yaml"):
            try:
                real = (base / name).resolve()  # links and '..' resolved before the check
                if not roots.contain(real):
                    outside = True
                    continue
                if real.is_file():
                    return real
            except (OSError, RuntimeError, ValueError):  # a name too long, a symlink loop
                continue
    bundled = bundled_policy_path(ref)
    if bundled is not None:
        return bundled.resolve()
    if beside is None:
        # A text has no folder: a path (which would be read from the working directory) is
        # refused whether or not such a file exists there.
        why = "points outside the policy roots" if outside else "is no policy"
        raise _NotFound(
            f"{_shown(ref)} {why}; a policy given as text may extend only a bundled policy or "
            f"one in a directory of the policy path (roots: {_listing(roots)})"
        )
    if outside:
        raise _NotFound(
            f"{_shown(ref)} points outside the policy roots; a parent must be beside the file, "
            f"in a directory of the policy path or bundled (roots: {_listing(roots)})"
        )
    raise _NotFound(
        f"no policy {_shown(ref)} beside this file, in the policy path or bundled "
        f"(roots: {_listing(roots)})"
    )


def _shown(ref: str) -> str:
    return repr(ref) if len(ref) <= 80 else repr(f"{ref[:40]}...{ref[-20:]}")


def _listing(roots: Roots) -> str:
    return ", ".join(display(d) for d in roots.dirs)


def load_chain(
    first: Path | YamlSource, registry: Registry, roots: Roots, policy_path: Sequence[Path]
) -> tuple[list[ChainFile], list[Problem]]:
    """Every file of the chain from ``first`` up (root template first) and the chain's problems.

    ``first`` is a file, or a policy already parsed from a text or a mapping (it has no folder,
    so its parent is looked for in the policy path and the bundled policies only).
    """
    files: list[ChainFile] = []
    problems: list[Problem] = []
    order: list[Path] = []
    beside: Path | None = None
    if isinstance(first, YamlSource):
        loaded = _check_one(Path(first.file), first, registry)
    else:
        current = first.resolve()
        loaded = _load_one(current, registry)
        order.append(current)
        beside = current.parent
    while True:
        files.append(loaded)
        data = loaded.source.data if loaded.source is not None else None
        parent = data.get("extends") if isinstance(data, dict) else None
        if not isinstance(parent, str) or loaded.source is None:
            break  # no parent, or one the model reports as malformed
        source = loaded.source
        try:
            nxt = _resolve(parent, beside, roots, policy_path)
        except _NotFound as exc:
            problems.append(_at_extends(source, str(exc)))
            break
        if nxt in order:
            names = " -> ".join(display(p) for p in [*order[order.index(nxt) :], nxt])
            problems.append(_at_extends(source, f"extends forms a cycle: {names}"))
            break
        if len(files) >= MAX_CHAIN:
            message = f"the extends chain is longer than {MAX_CHAIN} files"
            problems.append(_at_extends(source, message))
            break
        loaded = _load_one(nxt, registry)
        order.append(nxt)
        beside = nxt.parent
    complete = not problems and all(f.source is not None for f in files)
    problems += raw_problems([f.source for f in files if f.source is not None], complete)
    for f in files:
        problems.extend(f.problems)
    files.reverse()  # root template first
    return files, problems


def _at_extends(source: YamlSource, message: str) -> Problem:
    line, col = source.positions.of_value(("extends",)) or (None, None)
    return Problem(source.file, line, col, "extends", message)


def _load_one(path: Path, registry: Registry) -> ChainFile:
    file = display(path)
    source, problems = read_yaml_file(path, file, POLICY_LIMITS)
    if source is None:
        return ChainFile(path, None, None, tuple(problems))
    return _check_one(path, source, registry)


def _check_one(path: Path, source: YamlSource, registry: Registry) -> ChainFile:
    """One parsed file checked against the document model of ``registry``."""
    file = source.file
    if not isinstance(source.data, dict):
        problem = Problem(file, 1, 1, "", "expected a mapping at the top of the file")
        return ChainFile(path, None, None, (problem,))
    model = document_model(registry)
    try:
        # The chain's vocabulary is not merged yet: a condition naming an attribute or tag it
        # may declare is checked when the loader validates the rule again (with it).
        document = validate_plain(model, source.data, {DEFERRED_CONTEXT: True})
    except ValidationError as exc:
        return ChainFile(path, source, None, tuple(_problems(model, source, exc)))
    return ChainFile(path, source, document, ())


def _problems(model: type[DocumentBase], source: YamlSource, exc: ValidationError) -> list[Problem]:
    """The problems of a document that failed, all at once where that can be told exactly.

    The loader checks deferred conditions only for a valid chain. A file that neither extends
    another nor reads a vocabulary file holds its whole vocabulary, so its conditions are checked
    again here with it; otherwise they wait until the file's other problems are fixed.
    """
    data = source.data
    section = data.get("vocabulary")
    if "extends" in data or (isinstance(section, dict) and "file" in section):
        return problems_from_validation(exc, source, model)
    try:
        terms = validate_plain(VocabularySection, section) if section is not None else None
    except ValidationError:
        return problems_from_validation(exc, source, model)  # the section's problems are there
    vocabulary = declared_vocabulary([(source, terms)], problem_at).vocabulary
    try:
        validate_plain(model, data, {VOCABULARY_CONTEXT: vocabulary})
    except ValidationError as again:
        exc = again
    return problems_from_validation(exc, source, model)


def raw_problems(sources: Sequence[YamlSource], complete: bool) -> list[Problem]:
    """Duplicate rule and source ids in each file and, when the chain is ``complete``, citations
    of sources no file of the chain declares. Read from the raw data, so that they are reported
    even when a file does not match the model."""
    problems: list[Problem] = []
    declared: set[str] = set()
    for source in sources:
        for section, what in (("rules", "rule"), ("sources", "source")):
            seen: set[str] = set()
            for i, item in _items(source.data, section):
                ident = item.get("id")
                if isinstance(ident, str) and ident in seen:
                    problems.append(
                        problem_at(source, (section, i, "id"), f"duplicate {what} id {ident!r}")
                    )
                if isinstance(ident, str):
                    seen.add(ident)
            if section == "sources":
                declared |= seen
    if not complete:
        return problems  # a missing parent may declare what the others cite
    expected = ", ".join(sorted(declared)) or "(none declared)"
    for source in sources:
        cited: list[tuple[tuple[str | int, ...], Any]] = [
            (("rules", i, "citation", "source"), _get(r, "citation", "source"))
            for i, r in _items(source.data, "rules")
        ]
        cited += [
            (("not_encoded", i, "source"), n.get("source"))
            for i, n in _items(source.data, "not_encoded")
        ]
        for path, name in cited:
            if isinstance(name, str) and name not in declared:
                message = f"unknown source {name!r}; expected one of: {expected}"
                problems.append(problem_at(source, path, message))
    return problems


def _items(data: Any, section: str) -> list[tuple[int, dict[str, Any]]]:
    items = data.get(section) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def display(path: Path) -> str:
    """The path relative to the working directory when the file is below it, else absolute."""
    absolute = path.resolve()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)
