"""Load a policy (a file, a text or a mapping, and the chain it extends) into a :class:`Policy`.

Steps: parse each file safely with positions; validate it against the document model of the
registry; merge the ``extends`` chain (rules inherited, replaced by id, or removed); substitute
parameters; validate the merged rules again. Every problem is a :class:`Problem` at a line and
column, and all of them are raised together in one :class:`PolicyError`.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, final

from pydantic import ValidationError

from gridpolicing.assessment.models import Assessment, Item, Line, Scheme
from gridpolicing.core.expressions import VOCABULARY_CONTEXT
from gridpolicing.errors import PolicyError, Problem, UsageError
from gridpolicing.model.terms import Vocabulary
from gridpolicing.model.vocabulary import open_vocabularies
from gridpolicing.policy.assessment_merge import MergedAssessment, merge_assessments
from gridpolicing.policy.chain import Roots, load_chain, resolve_reference
from gridpolicing.policy.document import DocumentBase, Policy
from gridpolicing.policy.errors_map import problems_from_validation
from gridpolicing.policy.models import Citation, RuleSpec
from gridpolicing.policy.parameters import resolve_parameters, stand_in
from gridpolicing.policy.places import problem_at
from gridpolicing.policy.plain import plain_source
from gridpolicing.policy.registry import Registry
from gridpolicing.policy.resources import bundled_policy_path
from gridpolicing.policy.values import validate_plain
from gridpolicing.policy.vocabulary import declared_vocabulary, unknown_terms
from gridpolicing.policy.yamlsrc import YamlSource, parse_yaml

__all__ = ["load_policy", "resolve_policy_path"]

_Path = tuple[str | int, ...]


def resolve_policy_path(ref: str | os.PathLike[str], relative_to: Path | None = None) -> Path:
    """The file a policy reference names.

    Without ``relative_to`` the reference is the caller's own (a command-line argument): a path
    (relative to the working directory) or a bundled id. With ``relative_to`` it was written in
    a file in that directory, and is found as ``extends`` finds a parent (beside it or bundled,
    never outside those roots; see :mod:`.chain`).
    """
    text = os.fspath(ref)
    if relative_to is not None:
        return resolve_reference(text, relative_to, Roots.of(relative_to), ())
    path = Path(text)
    try:
        if path.is_file():
            return path
    except (OSError, ValueError):
        pass
    bundled = bundled_policy_path(text)
    if bundled is not None:
        return bundled
    raise PolicyError([Problem(text, None, None, "", "no such policy file or bundled policy id")])


def load_policy(
    ref: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    *,
    text: str | None = None,
    name: str | None = None,
    registry: Registry | None = None,
    allow_template: bool = False,
    policy_path: Sequence[str | os.PathLike[str]] = (),
) -> Policy:
    """Load, merge and check a policy; raise :class:`PolicyError` listing every problem.

    ``ref`` is a path, the id of a bundled policy (``"chengdu-xindu-2022"``) or a mapping (the
    policy document already parsed); or else ``text`` is the policy's YAML. ``name`` is what the
    problems of a text or a mapping name instead of a file (default ``<text>``, ``<mapping>``);
    a text's problems have a line and a column, a mapping's the dotted path of the value. A
    text or a mapping has no folder: ``extends`` in it finds only bundled policies and those in
    ``policy_path``, and it cannot read a vocabulary file. A template (a policy with required
    parameters left unset) loads only with ``allow_template=True``. ``policy_path`` lists more
    directories where ``extends`` may find a parent (after the directory of the file that
    names it, before the bundled policies). Raises :class:`UsageError` unless exactly one of
    ``ref`` and ``text`` is given, or for a ``name`` with a path or id.
    """
    registry = registry if registry is not None else Registry.from_entry_points()
    first = _first(ref, text, name)
    roots = Roots.of(None if isinstance(first, YamlSource) else first, policy_path)
    # Rules may name terms the chain adds; _merge checks every named term once it knows them.
    with open_vocabularies():
        files, problems = load_chain(first, registry, roots, [Path(p) for p in policy_path])
        if problems:
            raise PolicyError(problems)
        chain = [_Loaded(f.source, f.document) for f in files if f.source and f.document]
        return _merge(chain, registry, allow_template)


def _first(
    ref: str | os.PathLike[str] | Mapping[str, Any] | None, text: str | None, name: str | None
) -> Path | YamlSource:
    """The policy a caller named: its file, or its text or mapping parsed (or its problems)."""
    if ref is not None and text is not None:
        raise UsageError("load_policy takes a path, an id or a mapping, or text=, not both")
    if text is not None:
        if not isinstance(text, str):
            raise UsageError(f"text must be a str, not {type(text).__name__}")
        source, problems = parse_yaml(text.removeprefix("\ufeff"), name or "<text>")
    elif ref is None:
        raise UsageError("load_policy needs a path, an id or a mapping, or text=")
    elif isinstance(ref, Mapping):
        source, problems = plain_source(ref, name or "<mapping>")
    else:
        if name is not None:
            raise UsageError("name is for a policy given as text or a mapping, not a path or id")
        return resolve_policy_path(ref)
    if source is None:
        raise PolicyError(problems)
    return replace(source, in_file=False)


@final
@dataclass(frozen=True, slots=True)
class _Loaded:
    source: YamlSource
    document: DocumentBase


def _merge(chain: list[_Loaded], registry: Registry, allow_template: bool) -> Policy:
    leaf = chain[-1]
    params = resolve_parameters(
        [(c.source, c.document) for c in chain], allow_template=allow_template
    )
    problems: list[Problem] = list(params.problems)
    decls, values, missing = params.decls, params.values, params.missing
    is_template = bool(missing)
    sources: dict[str, Any] = {}
    rules: dict[str, tuple[dict[str, Any], _Loaded, int]] = {}
    not_encoded: list[Any] = []
    assessment_in: list[_Loaded] = []
    catalogues: dict[str, Any] = {}
    raw_catalogues: dict[str, Any] = {}
    for loaded in chain:
        doc, data = loaded.document, loaded.source.data
        sources.update({s.id: s for s in doc.sources})
        catalogues.update(doc.catalogues)
        raw_catalogues.update(data.get("catalogues") or {})
        for rid in doc.remove_rules:
            if rules.pop(rid, None) is None:
                idx = doc.remove_rules.index(rid)
                problems.append(
                    problem_at(
                        loaded.source, ("remove_rules", idx), f"no inherited rule {rid!r} to remove"
                    )
                )
        for i, raw in enumerate(data.get("rules") or []):
            rules[raw["id"]] = (raw, loaded, i)
        not_encoded.extend(doc.not_encoded)
        if data.get("assessment") is not None:
            assessment_in.append(loaded)
    declared = declared_vocabulary(((c.source, c.document.vocabulary) for c in chain), problem_at)
    problems.extend(declared.problems)
    named: list[tuple[YamlSource, _Path, Any]] = [(c.source, (), c.document) for c in chain]
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
            context = {VOCABULARY_CONTEXT: declared.vocabulary}
            rule = validate_plain(spec_by_kind[raw["kind"]], substituted, context)
        except ValidationError as exc:
            problems.extend(problems_from_validation(exc, loaded.source, None, ("rules", index)))
            continue
        final_rules.append(rule)
        named.append((loaded.source, ("rules", index), rule))
        line, _ = loaded.source.positions.of_value(("rules", index)) or (0, 0)
        origins[rid] = f"{loaded.source.file}:{line}"
    assessment = None
    if assessment_in:
        # A template's unset parameters get stand-in values so its assessment can be checked
        # (and its citations listed); a template is never evaluated, so they score nothing.
        stand_ins = {n: stand_in(decls[n]) for n in missing}
        refs = _Refs({**stand_ins, **values}, decls, raw_catalogues)
        assessment, merged, errs = _assessment(
            assessment_in, refs, final_rules, sources, declared.vocabulary
        )
        problems.extend(errs)
        if assessment is not None and merged is not None:
            for term_at, message in unknown_terms(
                assessment, declared.vocabulary, (), declared.refused
            ):
                if (found := merged.problem(term_at, message)) not in problems:
                    problems.append(found)
    for src, node_at, node in named:
        terms = unknown_terms(node, declared.vocabulary, node_at, declared.refused)
        for term_at, message in terms:
            if (found := problem_at(src, term_at, message)) not in problems:
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
        problems.append(problem_at(source, at, message))

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
    chain: list[_Loaded],
    refs: _Refs,
    rules: list[RuleSpec],
    sources: dict[str, Any],
    vocabulary: Vocabulary,
) -> tuple[Assessment | None, MergedAssessment | None, list[Problem]]:
    """Merge the chain's assessment sections by id after substitution, validate the result and
    check the rules and sources it names; problems are placed in the file that wrote them."""
    problems: list[Problem] = []
    sections: list[tuple[YamlSource, dict[str, Any]]] = []
    for loaded in chain:
        source = loaded.source
        raw, errs = _substitute(source.data["assessment"], refs, source, ("assessment",))
        problems += errs
        sections.append((source, raw))
    if problems:
        return None, None, problems
    merged = merge_assessments(sections)
    if merged.problems or merged.data is None:
        return None, merged, merged.problems
    try:
        # with the terms in force: an item's measure names attributes the policy declares,
        # and a records filter's where: a term the policy adds
        assessment = validate_plain(Assessment, merged.data, {VOCABULARY_CONTEXT: vocabulary})
    except ValidationError as exc:
        return None, merged, merged.validation_problems(exc, Assessment)
    rule_ids = {r.id for r in rules}
    for si, scheme in enumerate(assessment.schemes):
        at: tuple[str | int, ...] = ("schemes", si)
        scored = _item_sources(scheme)
        named: list[tuple[_Path, str]] = [
            ((*path, "from_rule", "rule"), s.from_rule.rule) for path, s in scored if s.from_rule
        ]
        named += [(("vetoes", vi, "rule"), v.rule) for vi, v in enumerate(scheme.vetoes) if v.rule]
        for path, rid in named:
            if rid not in rule_ids:
                problems.append(
                    merged.problem(
                        (*at, *path),
                        f"unknown rule {rid!r}; expected one of: {_listing(rule_ids)}",
                    )
                )
        cites: list[tuple[_Path, Citation | None]] = [(("citation", "source"), scheme.citation)]
        cites += [((*path, "citation", "source"), i.citation) for path, i in scored]
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
                    merged.problem(
                        (*at, *path),
                        f"unknown source {citation.source!r}; expected one of: {_listing(sources)}",
                    )
                )
    return (None if problems else assessment), merged, problems


def _item_sources(scheme: Scheme) -> list[tuple[_Path, Item | Line]]:
    """Each item of ``scheme`` and each line of its groups, with its path in the scheme."""
    out: list[tuple[_Path, Item | Line]] = []
    for ii, item in enumerate(scheme.items):
        out.append((("items", ii), item))
        out += [(("items", ii, "lines", li), line) for li, line in enumerate(item.lines or ())]
    return out


def _listing(names: Any) -> str:
    return ", ".join(sorted(names)) or "(none declared)"
