"""Load a policy file (and the chain it extends) into a :class:`Policy`, reporting every problem.

Steps: parse each file safely with positions; validate it against the document model of the
registry; merge the ``extends`` chain (rules inherited, replaced by id, or removed); substitute
parameters; validate the merged rules again. Every problem is a :class:`Problem` at a line and
column, and all of them are raised together in one :class:`PolicyError`.
"""

from __future__ import annotations

import copy
import hashlib
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, final

from pydantic import ValidationError

from gridpolicing.assessment.models import Assessment
from gridpolicing.errors import PolicyError, Problem
from gridpolicing.model.vocabulary import open_vocabularies
from gridpolicing.policy.document import DocumentBase, Policy, document_model
from gridpolicing.policy.errors_map import problems_from_validation
from gridpolicing.policy.models import Citation, ParameterDecl, RuleSpec
from gridpolicing.policy.registry import Registry
from gridpolicing.policy.resources import bundled_policy_path
from gridpolicing.policy.vocabulary import declared_vocabulary, unknown_terms
from gridpolicing.policy.yamlsrc import YamlSource, dotted, parse_yaml

__all__ = ["load_policy", "resolve_policy_path"]

_MAX_CHAIN = 16
_Path = tuple[str | int, ...]


@final
@dataclass(frozen=True, slots=True)
class _Loaded:
    source: YamlSource
    document: DocumentBase


def resolve_policy_path(ref: str | os.PathLike[str], relative_to: Path | None = None) -> Path:
    """The file a policy reference names: a path, a sibling ``<id>.yaml``, or a bundled id."""
    text = os.fspath(ref)
    candidates = [Path(text)]
    if relative_to is not None:
        candidates.insert(0, relative_to / text)
        candidates.insert(1, relative_to / f"{text}.yaml")
    for c in candidates:
        if c.is_file():
            return c
    bundled = bundled_policy_path(text)
    if bundled is not None:
        return bundled
    raise PolicyError([Problem(text, None, None, "", "no such policy file or bundled policy id")])


def load_policy(
    ref: str | os.PathLike[str],
    *,
    registry: Registry | None = None,
    allow_template: bool = False,
) -> Policy:
    """Load, merge and check a policy; raise :class:`PolicyError` listing every problem.

    ``ref`` is a path or the id of a bundled policy (``"chengdu-xindu-2022"``). A template (a
    policy with required parameters left unset) loads only with ``allow_template=True``.
    """
    registry = registry if registry is not None else Registry.from_entry_points()
    # Rules may name terms the chain adds; _merge checks every named term once it knows them.
    with open_vocabularies():
        chain = _load_chain(resolve_policy_path(ref), registry)
        return _merge(chain, registry, allow_template)


def _load_chain(path: Path, registry: Registry) -> list[_Loaded]:
    chain: list[_Loaded] = []
    seen: set[Path] = set()
    current: Path | None = path
    while current is not None:
        real = current.resolve()
        if real in seen or len(chain) >= _MAX_CHAIN:
            first = chain[0].source
            raise PolicyError([Problem(first.file, None, None, "extends", "extends forms a cycle")])
        seen.add(real)
        loaded = _load_one(current, registry)
        chain.append(loaded)
        parent = loaded.document.extends
        if parent is None:
            current = None
        else:
            try:
                current = resolve_policy_path(parent, relative_to=current.parent)
            except PolicyError:
                line, col = loaded.source.positions.of_value(("extends",)) or (None, None)
                raise PolicyError(
                    [
                        Problem(
                            loaded.source.file,
                            line,
                            col,
                            "extends",
                            f"no policy {parent!r} found beside this file or bundled",
                        )
                    ]
                ) from None
    chain.reverse()  # root template first
    return chain


def _load_one(path: Path, registry: Registry) -> _Loaded:
    file = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError([Problem(file, None, None, "", f"cannot read: {exc}")]) from None
    source, problems = parse_yaml(text, file)
    if source is None:
        raise PolicyError(problems)
    if not isinstance(source.data, dict):
        raise PolicyError([Problem(file, 1, 1, "", "expected a mapping at the top of the file")])
    model = document_model(registry)
    try:
        document = model.model_validate(source.data)
    except ValidationError as exc:
        raise PolicyError(problems_from_validation(exc, source, model)) from None
    problems = _check_document(source, document)
    if problems:
        raise PolicyError(problems)
    return _Loaded(source, document)


def _check_document(source: YamlSource, doc: DocumentBase) -> list[Problem]:
    problems: list[Problem] = []
    rules: list[RuleSpec] = getattr(doc, "rules", [])
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.id in seen:
            problems.append(_problem(source, ("rules", i, "id"), f"duplicate rule id {rule.id!r}"))
        seen.add(rule.id)
    return problems


def _merge(chain: list[_Loaded], registry: Registry, allow_template: bool) -> Policy:
    problems: list[Problem] = []
    leaf = chain[-1]
    decls: dict[str, Any] = {}
    values: dict[str, Any] = {}
    sources: dict[str, Any] = {}
    rules: dict[str, tuple[dict[str, Any], _Loaded, int]] = {}
    not_encoded: list[Any] = []
    assessment_at: _Loaded | None = None
    catalogues: dict[str, Any] = {}
    raw_catalogues: dict[str, Any] = {}
    for loaded in chain:
        doc, data = loaded.document, loaded.source.data
        for name, value in doc.parameter_values.items():
            if name not in decls:
                problems.append(
                    _problem(
                        loaded.source,
                        ("parameter_values", name),
                        f"unknown parameter {name!r}; expected one of: {_listing(decls)}",
                    )
                )
            else:
                wrong = _parameter_problem(decls[name], value)
                if wrong:
                    problems.append(_problem(loaded.source, ("parameter_values", name), wrong))
            values[name] = value
        decls.update(doc.parameters)
        sources.update({s.id: s for s in doc.sources})
        catalogues.update(doc.catalogues)
        raw_catalogues.update(data.get("catalogues") or {})
        for rid in doc.remove_rules:
            if rules.pop(rid, None) is None:
                idx = doc.remove_rules.index(rid)
                problems.append(
                    _problem(
                        loaded.source, ("remove_rules", idx), f"no inherited rule {rid!r} to remove"
                    )
                )
        for i, raw in enumerate(data.get("rules") or []):
            rules[raw["id"]] = (raw, loaded, i)
        not_encoded.extend(doc.not_encoded)
        if data.get("assessment") is not None:
            assessment_at = loaded
    declared = declared_vocabulary(((c.source, c.document.vocabulary) for c in chain), _problem)
    problems.extend(declared.problems)
    named: list[tuple[YamlSource, _Path, Any]] = [(c.source, (), c.document) for c in chain]
    for name, decl in decls.items():
        if name not in values and decl.default is not None:
            values[name] = decl.default
    missing = sorted(n for n in decls if n not in values)
    is_template = bool(missing)
    if missing and not allow_template:
        line, col = leaf.source.positions.of_value(("parameter_values",)) or (1, 1)
        problems.append(
            Problem(
                leaf.source.file,
                line,
                col,
                "parameter_values",
                f"missing values for required parameters: {', '.join(missing)}",
            )
        )
    spec_by_kind = {name: kind.spec for name, kind in registry.items()}
    final_rules: list[RuleSpec] = []
    origins: dict[str, str] = {}
    refs = _Refs(values, decls, raw_catalogues)
    for rid, (raw, loaded, index) in rules.items():
        substituted, errs = _substitute(raw, refs, loaded.source, ("rules", index))
        problems.extend(errs)
        if errs:
            continue
        try:
            rule = spec_by_kind[raw["kind"]].model_validate(substituted)
        except ValidationError as exc:
            problems.extend(problems_from_validation(exc, loaded.source, None, ("rules", index)))
            continue
        if rule.citation.source not in sources:
            problems.append(
                _problem(
                    loaded.source,
                    ("rules", index, "citation", "source"),
                    f"unknown source {rule.citation.source!r}; expected one of: "
                    f"{_listing(sources)}",
                )
            )
        final_rules.append(rule)
        named.append((loaded.source, ("rules", index), rule))
        line, _ = loaded.source.positions.of_value(("rules", index)) or (0, 0)
        origins[rid] = f"{loaded.source.file}:{line}"
    for loaded in chain:
        for i, ne in enumerate(loaded.document.not_encoded):
            if ne.source not in sources:
                problems.append(
                    _problem(
                        loaded.source,
                        ("not_encoded", i, "source"),
                        f"unknown source {ne.source!r}; expected one of: {_listing(sources)}",
                    )
                )
    assessment = None
    if assessment_at is not None:
        # A template's unset parameters get stand-in values so its assessment can be checked
        # (and its citations listed); a template is never evaluated, so they score nothing.
        stand_ins = {n: _stand_in(decls[n]) for n in missing}
        refs = _Refs({**stand_ins, **values}, decls, raw_catalogues)
        assessment, errs = _assessment(assessment_at, refs, final_rules, sources)
        problems.extend(errs)
        named.append((assessment_at.source, ("assessment",), assessment))
    for src, at, node in named:
        for path, message in unknown_terms(node, declared.vocabulary, at):
            if (found := _problem(src, path, message)) not in problems:
                problems.append(found)
    if problems:
        raise PolicyError(problems)
    digest = hashlib.sha256()
    for text in [c.source.text for c in chain] + [v.text for v in declared.sources]:
        digest.update(text.encode("utf-8"))
    doc = leaf.document
    return Policy(
        id=doc.id,
        jurisdiction=doc.jurisdiction,
        title=doc.title,
        sources=dict(sorted(sources.items())),
        effective=doc.effective,
        rules=tuple(final_rules),
        parameters=dict(sorted(values.items())),
        not_encoded=tuple(not_encoded),
        catalogues={k: tuple(v) for k, v in sorted(catalogues.items())},
        assessment=assessment,
        files=tuple(loaded.source.file for loaded in chain),
        content_hash="sha256:" + digest.hexdigest(),
        origins=origins,
        registry=registry,
        is_template=is_template,
        vocabulary=declared.vocabulary,
    )


_PARAMETER_TYPES: dict[str, tuple[type, ...]] = {
    "number": (int, float),
    "integer": (int,),
    "string": (str,),
    "boolean": (bool,),
}


def _stand_in(decl: ParameterDecl) -> Any:
    """A value of the declared type (at its minimum) to check a template's structure with."""
    if decl.type == "boolean":
        return False
    if decl.type == "string":
        return "x"
    low = decl.minimum if decl.minimum is not None else 1
    return math.ceil(low) if decl.type == "integer" else float(low)


def _parameter_problem(decl: ParameterDecl, value: Any) -> str | None:
    """Why ``value`` does not suit ``decl`` (its type and minimum), or None."""
    types = _PARAMETER_TYPES[decl.type]
    if (isinstance(value, bool) and decl.type != "boolean") or not isinstance(value, types):
        return f"expected {'an' if decl.type == 'integer' else 'a'} {decl.type}, found {value!r}"
    if decl.minimum is not None and isinstance(value, int | float) and value < decl.minimum:
        return f"expected a {decl.type} >= {decl.minimum:g}, found {value!r}"
    return None


@final
@dataclass(frozen=True, slots=True)
class _Refs:
    """What ``{param: name}`` and ``{catalogue: name}`` in a rule can refer to."""

    values: dict[str, Any]
    decls: dict[str, Any]
    catalogues: dict[str, Any]


def _substitute(
    raw: Any, refs: _Refs, source: YamlSource, path: tuple[str | int, ...]
) -> tuple[Any, list[Problem]]:
    """Replace parameter and catalogue references in a rule's raw data by their values."""
    problems: list[Problem] = []

    def unknown(at: tuple[str | int, ...], what: str, name: str, known: Any) -> None:
        message = f"unknown {what} {name!r}; expected one of: {_listing(known)}"
        problems.append(_problem(source, at, message))

    def walk(node: Any, at: tuple[str | int, ...]) -> Any:
        if isinstance(node, dict):
            if set(node) == {"param"} and isinstance(node["param"], str):
                name = node["param"]
                if name not in refs.decls:
                    unknown(at, "parameter", name, refs.decls)
                    return node
                return copy.deepcopy(refs.values[name]) if name in refs.values else node
            if set(node) == {"catalogue"} and isinstance(node["catalogue"], str):
                name = node["catalogue"]
                if name not in refs.catalogues:
                    unknown(at, "catalogue", name, refs.catalogues)
                    return node
                return copy.deepcopy(refs.catalogues[name])
            return {k: walk(v, (*at, k)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, (*at, i)) for i, v in enumerate(node)]
        return node

    return walk(raw, path), problems


def _assessment(
    loaded: _Loaded, refs: _Refs, rules: list[RuleSpec], sources: dict[str, Any]
) -> tuple[Assessment | None, list[Problem]]:
    """Validate the assessment section after substitution; check the rules it names exist."""
    source = loaded.source
    raw, problems = _substitute(source.data["assessment"], refs, source, ("assessment",))
    if problems:
        return None, problems
    try:
        assessment = Assessment.model_validate(raw)
    except ValidationError as exc:
        return None, problems_from_validation(exc, source, Assessment, ("assessment",))
    rule_ids = {r.id for r in rules}
    for si, scheme in enumerate(assessment.schemes):
        at: tuple[str | int, ...] = ("assessment", "schemes", si)
        named: list[tuple[_Path, str]] = [
            (("items", ii, "from_rule", "rule"), item.from_rule.rule)
            for ii, item in enumerate(scheme.items)
            if item.from_rule
        ]
        named += [(("vetoes", vi, "rule"), v.rule) for vi, v in enumerate(scheme.vetoes) if v.rule]
        for path, rid in named:
            if rid not in rule_ids:
                problems.append(
                    _problem(
                        source,
                        (*at, *path),
                        f"unknown rule {rid!r}; expected one of: {_listing(rule_ids)}",
                    )
                )
        cites: list[tuple[_Path, Citation | None]] = [(("citation", "source"), scheme.citation)]
        cites += [
            (("items", ii, "citation", "source"), i.citation) for ii, i in enumerate(scheme.items)
        ]
        cites += [
            (("vetoes", vi, "citation", "source"), v.citation) for vi, v in enumerate(scheme.vetoes)
        ]
        if scheme.rollup is not None:
            cites.append((("rollup", "citation", "source"), scheme.rollup.citation))
        cites += [
            (("rollups", ri, "citation", "source"), r.citation)
            for ri, r in enumerate(scheme.rollups)
        ]
        for path, citation in cites:
            if citation is not None and citation.source not in sources:
                problems.append(
                    _problem(
                        source,
                        (*at, *path),
                        f"unknown source {citation.source!r}; expected one of: {_listing(sources)}",
                    )
                )
    return (None if problems else assessment), problems


def _problem(source: YamlSource, path: tuple[str | int, ...], message: str) -> Problem:
    line, col = source.positions.of_value(path) or (None, None)
    return Problem(source.file, line, col, _named_path(source.data, path), message)


def _named_path(data: Any, path: tuple[str | int, ...]) -> str:
    """Like :func:`dotted`, but list items with an ``id`` are named by it: ``rules[x].kind``."""
    out: list[str | int] = []
    node = data
    for part in path:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            item = node[part]
            ident = item.get("id") if isinstance(item, dict) else None
            out.append(f"[{ident}]" if isinstance(ident, str) else part)
            node = item
            continue
        out.append(part)
        node = node.get(part) if isinstance(node, dict) else None
    text = ""
    for p in out:
        if isinstance(p, int):
            text += f"[{p}]"
        elif p.startswith("["):
            text += p
        else:
            text += f".{p}" if text else p
    return text or dotted(path)


def _listing(names: Any) -> str:
    return ", ".join(sorted(names)) or "(none declared)"


def _display(path: Path) -> str:
    """The path relative to the working directory when the file is below it, else absolute."""
    absolute = path.resolve()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)
