"""A policy's ``vocabulary:`` section: the terms it adds, and the one check of every term named.

Rules are validated with the vocabularies open (:func:`~gridpolicing.model.vocabulary.
open_vocabularies`), because the terms in force are known only once the whole ``extends`` chain
is read. :func:`declared_vocabulary` then merges the chain's added terms (root first, a child
adding to its parent) and :func:`unknown_terms` checks every term the validated models name
against them, whatever the rule kind, so no kind needs code of its own for added terms.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, final

from pydantic import BaseModel, Field, ValidationError

from gridpolicing.errors import Problem
from gridpolicing.io.dataset_schema import ATTRIBUTES_FIELD, columns
from gridpolicing.model import TABLES
from gridpolicing.model.terms import ATTRIBUTE_VOCABULARIES, VOCABULARIES, Vocabulary, spec_of
from gridpolicing.model.vocabulary import AttributeType, Extensible, RoleClass, Term
from gridpolicing.policy.errors_map import problems_from_validation
from gridpolicing.policy.models import IDENT
from gridpolicing.policy.values import PolicyModel, Text
from gridpolicing.policy.yamlsrc import YamlSource, read_yaml_file

__all__ = [
    "DeclaredVocabulary",
    "TermDecl",
    "VocabularySection",
    "VocabularyTerms",
    "declared_vocabulary",
    "unknown_terms",
]

_Path = tuple[str | int, ...]
ProblemAt = Callable[[YamlSource, _Path, str], Problem]


class TermDecl(PolicyModel):
    """A term a policy adds: its id, Chinese term, English name, definition, and a role's class."""

    id: str = Field(
        pattern=IDENT,
        description="新词条的 id,不得与该词汇表的内置 id 相同。 The new term's id; not a built-in "
        "id of the vocabulary.",
        examples=["resident_officer"],
    )
    zh: str = Field(
        min_length=1, description="中文名称,如 驻村民警。 The Chinese term.", examples=["驻村民警"]
    )
    en: str = Field(
        min_length=1,
        description="英文名称。 The English name.",
        examples=["resident village officer"],
    )
    definition: Text = Field(
        description="一句话定义,中英文:该词条的含义。 One line in zh and en: what the term means.",
        examples=[
            {"zh": "常驻村内工作的民警。", "en": "An officer who lives and works in the village."}
        ],
    )
    class_: RoleClass | None = Field(
        default=None,
        alias="class",
        description="仅角色(必填):officer 民警、auxiliary 辅警、civilian 其他人员。 Roles only "
        "(required there): officer, auxiliary or civilian.",
        examples=["officer"],
    )
    type: AttributeType | None = Field(
        default=None,
        description="仅属性(必填):integer、number、text、boolean 或 date。 Attributes only "
        "(required there): integer, number, text, boolean or date.",
        examples=["integer"],
    )


_TERM: Final = {
    "id": "resident_visit",
    "zh": "驻村走访",
    "en": "resident visit",
    "definition": {"zh": "驻村期间的入户走访。", "en": "A household visit while resident."},
}
_ROLE: Final = {**_TERM, "id": "resident_officer", "zh": "驻村民警", "class": "officer"}
_ATTRIBUTE: Final = {**_TERM, "id": "registered_population", "zh": "户籍人口", "type": "integer"}


def _terms(zh: str, en: str, example: dict[str, Any]) -> Any:
    """The ``Field`` of one list of added terms, described once for every vocabulary."""
    return Field(
        default_factory=list,
        description=f"本政策新增的{zh}(内置词条见 docs/vocabulary.md)。 The {en} this policy adds "
        "to the built-in ones (docs/vocabulary.md).",
        examples=[[example]],
    )


class VocabularyTerms(PolicyModel):
    """Terms added to the extensible vocabularies (see docs/vocabulary.md)."""

    roles: list[TermDecl] = _terms("角色", "roles", _ROLE)
    posts: list[TermDecl] = _terms("任职(职务)", "posts", _TERM)
    activity_kinds: list[TermDecl] = _terms("工作日志类别", "activity kinds", _TERM)
    meeting_kinds: list[TermDecl] = _terms("会议类别", "meeting kinds", _TERM)
    report_kinds: list[TermDecl] = _terms("报告类别", "report kinds", _TERM)
    task_kinds: list[TermDecl] = _terms("任务类别", "task kinds", _TERM)
    incident_kinds: list[TermDecl] = _terms("违纪情形", "incident kinds", _TERM)
    unit_tags: list[TermDecl] = _terms("单位标签", "unit tags", _TERM)
    person_tags: list[TermDecl] = _terms("人员标签", "person tags", _TERM)
    unit_attributes: list[TermDecl] = _terms("单位属性", "unit attributes", _ATTRIBUTE)
    person_attributes: list[TermDecl] = _terms("人员属性", "person attributes", _ATTRIBUTE)


class VocabularySection(VocabularyTerms):
    """A policy's ``vocabulary:``: terms given here and/or in a ``file`` beside the policy."""

    file: str | None = Field(
        default=None,
        min_length=1,
        description="含同样列表的 YAML 文件,路径相对于政策所在文件夹。 A YAML file of the same "
        "lists, relative to the policy's folder.",
        examples=["vocabulary.yaml"],
    )


@final
@dataclass(frozen=True, slots=True)
class DeclaredVocabulary:
    """The vocabulary in force for a chain, what is wrong with its declarations, files read."""

    vocabulary: Vocabulary
    problems: list[Problem] = field(default_factory=list)
    sources: list[YamlSource] = field(default_factory=list)
    """The vocabulary files read, so the policy's hash covers them too."""
    refused: frozenset[tuple[str, str]] = frozenset()
    """(vocabulary, id) of declarations refused: already reported, so rules naming them are
    not reported again as naming an unknown term."""


def declared_vocabulary(
    chain: Iterable[tuple[YamlSource, VocabularySection | None]], problem: ProblemAt
) -> DeclaredVocabulary:
    """Merge the terms the chain's files add (root first); report clashes and missing classes."""
    vocabulary = Vocabulary()
    problems: list[Problem] = []
    sources: list[YamlSource] = []
    declared: dict[tuple[str, str], str] = {}
    refused: set[tuple[str, str]] = set()
    for source, section in chain:
        if section is None:
            continue
        parts: list[tuple[YamlSource, _Path, VocabularyTerms]] = [
            (source, ("vocabulary",), section)
        ]
        if section.file is not None:
            terms_source, terms, errs = _read_file(source, section.file, problem)
            problems.extend(errs)
            if terms_source is not None:
                sources.append(terms_source)
                if terms is not None:
                    parts.append((terms_source, (), terms))
        for where, prefix, terms in parts:
            for name in VocabularyTerms.model_fields:
                spec = VOCABULARIES[name]
                builtin = {t.id for t in spec.terms}
                added: list[Term] = []
                for i, decl in enumerate(getattr(terms, name)):
                    at = (*prefix, name, i)
                    why = _clash(spec.label, decl, builtin, declared.get((name, decl.id)))
                    why = why or _class_problem(name, decl) or _attribute_problem(name, decl)
                    if why:
                        problems.append(problem(where, at, why))
                        refused.add((name, decl.id))
                        continue
                    line, _ = where.positions.of_value(at) or (None, None)
                    declared[(name, decl.id)] = f"{where.file}:{line}"
                    added.append(_term(decl))
                vocabulary = vocabulary.with_terms(name, added)
    return DeclaredVocabulary(vocabulary, problems, sources, frozenset(refused))


def _clash(label: str, decl: TermDecl, builtin: set[str], earlier: str | None) -> str | None:
    if decl.id in builtin:
        return f"{decl.id!r} is a built-in {label}; an added term needs an id of its own"
    if earlier is not None:
        return f"the {label} {decl.id!r} is already declared at {earlier}"
    return None


def _class_problem(name: str, decl: TermDecl) -> str | None:
    if name == "roles" and decl.class_ is None:
        allowed = ", ".join(c.value for c in RoleClass)
        return f"the role {decl.id!r} needs a class: one of {allowed}"
    if name != "roles" and decl.class_ is not None:
        return f"only roles have a class; remove it from {decl.id!r}"
    return None


# An attribute is named by its id in expressions, so it is a plain SQL name.
_ATTRIBUTE_ID: Final = re.compile(r"^[a-z][a-z0-9_]*$")
# The table each attribute vocabulary belongs to (units: unit_attributes ...).
_TABLE_OF: Final = {s.attributes: s for s in TABLES.values() if s.attributes is not None}


def _attribute_problem(name: str, decl: TermDecl) -> str | None:
    if name not in ATTRIBUTE_VOCABULARIES:
        if decl.type is not None:
            return f"only attributes have a type; remove it from {decl.id!r}"
        return None
    if decl.type is None:
        allowed = ", ".join(t.value for t in AttributeType)
        return f"the attribute {decl.id!r} needs a type: one of {allowed}"
    if not _ATTRIBUTE_ID.match(decl.id):
        return (
            f"expected an attribute id of lower-case letters, digits and _ starting with a "
            f"letter (it is a column name in where:), found {decl.id!r}"
        )
    spec = _TABLE_OF[name]
    builtin = sorted(c.name for c in columns(spec.model))
    if decl.id in builtin or decl.id == ATTRIBUTES_FIELD:
        return (
            f"the attribute {decl.id!r} has the name of a column of {spec.name}; expected an id "
            f"other than: {', '.join(builtin)}"
        )
    return None


def _term(decl: TermDecl) -> Term:
    return Term(
        decl.id,
        decl.zh,
        decl.en,
        decl.definition.zh,
        decl.definition.en,
        decl.class_,
        decl.type,
    )


def _read_file(
    policy: YamlSource, name: str, problem: ProblemAt
) -> tuple[YamlSource | None, VocabularyTerms | None, list[Problem]]:
    """Read ``vocabulary.file``, relative to the policy's folder (never the working directory),
    within the same limits as a policy file; a file outside the policy's folder is not read."""
    if not policy.in_file:  # a text's name is no folder: never read the working directory
        message = (
            "a policy given as text has no folder to read a vocabulary file from; "
            "write the terms in the vocabulary section itself"
        )
        return None, None, [problem(policy, ("vocabulary", "file"), message)]
    if Path(name).is_absolute():
        message = "expected a path relative to the policy's folder, found an absolute path"
        return None, None, [problem(policy, ("vocabulary", "file"), message)]
    folder = Path(policy.file).parent.resolve()
    path = (folder / name).resolve()
    if not path.is_relative_to(folder):
        message = "expected a file inside the policy's folder; the path leads outside it"
        return None, None, [problem(policy, ("vocabulary", "file"), message)]
    if not path.is_file():
        return None, None, [problem(policy, ("vocabulary", "file"), f"no such file {name!r}")]
    source, errs = read_yaml_file(path, str(Path(policy.file).parent / name))
    if source is None:
        return None, None, errs
    if not isinstance(source.data, dict):
        return source, None, [Problem(source.file, 1, 1, "", "expected a mapping of term lists")]
    try:
        terms = VocabularyTerms.model_validate(source.data)
    except ValidationError as exc:
        return source, None, problems_from_validation(exc, source, VocabularyTerms)
    return source, terms, []


def unknown_terms(
    node: Any,
    vocabulary: Vocabulary,
    at: _Path = (),
    refused: frozenset[tuple[str, str]] = frozenset(),
) -> Iterator[tuple[_Path, str]]:
    """``(path, message)`` for every term in a validated model that is not in ``vocabulary``.

    Walks models (by the names their fields have in YAML), lists and mappings; a value of an
    extensible vocabulary that is neither built in nor added is reported with the allowed ids,
    unless its declaration was ``refused`` (that problem is reported where it was declared).
    """
    if isinstance(node, Extensible):
        spec = spec_of(type(node))
        allowed = vocabulary.ids(spec.name)
        if node.value not in allowed and (spec.name, node.value) not in refused:
            listing = ", ".join(allowed)
            close = difflib.get_close_matches(node.value, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            yield at, f"unknown {spec.label} {node.value!r}{hint}; expected one of: {listing}"
    elif isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            yield from unknown_terms(
                getattr(node, name), vocabulary, (*at, info.alias or name), refused
            )
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from unknown_terms(item, vocabulary, (*at, i), refused)
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from unknown_terms(key, vocabulary, (*at, key), refused)  # a term as a key
            yield from unknown_terms(item, vocabulary, (*at, key), refused)
