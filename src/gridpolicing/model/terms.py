"""The vocabularies as data: each one's built-in terms, and the vocabulary in force.

:data:`VOCABULARIES` lists every vocabulary under the key a policy's ``vocabulary:`` section and
the docs use (``roles``, ``activity_kinds`` ...). A :class:`Vocabulary` is the built-in terms
plus those a policy adds; datasets and rules are checked against it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, final

from gridpolicing.model import terms_attendance as attendance
from gridpolicing.model import terms_people as people
from gridpolicing.model import terms_work as work
from gridpolicing.model.vocabulary import (
    ActivityKind,
    Area,
    AttendanceKind,
    Employment,
    EndReason,
    Extensible,
    IncidentKind,
    LocalityCategory,
    MeetingKind,
    PersonAttribute,
    PersonTag,
    Post,
    Rank,
    ReportKind,
    Role,
    SignKind,
    TaskKind,
    TaskReason,
    Term,
    UnitAttribute,
    UnitTag,
    UnitType,
)

__all__ = [
    "ATTRIBUTE_VOCABULARIES",
    "BUILTIN",
    "VOCABULARIES",
    "Vocabulary",
    "VocabularySpec",
    "spec_of",
]


@final
@dataclass(frozen=True, slots=True)
class VocabularySpec:
    """One vocabulary: its key, its enum, what one term is called, and its built-in terms."""

    name: str
    enum: type[StrEnum]
    label: str
    """What one term is called in messages: ``unknown role 'x'``."""
    title_zh: str
    title_en: str
    terms: tuple[Term, ...]

    @property
    def extensible(self) -> bool:
        """Whether a policy may add terms to this vocabulary."""
        return issubclass(self.enum, Extensible)


def _spec(
    name: str, enum: type[StrEnum], label: str, zh: str, en: str, terms: tuple[Term, ...]
) -> VocabularySpec:
    return VocabularySpec(name, enum, label, zh, en, terms)


VOCABULARIES: Final[dict[str, VocabularySpec]] = {
    s.name: s
    for s in (
        _spec("unit_types", UnitType, "unit type", "单位类型", "Unit types", people.UNIT_TYPES),
        _spec("areas", Area, "area", "城乡", "Areas", people.AREAS),
        _spec(
            "locality_categories",
            LocalityCategory,
            "locality category",
            "社区/村类别",
            "Locality categories",
            people.LOCALITY_CATEGORIES,
        ),
        _spec("roles", Role, "role", "角色", "Roles", people.ROLES),
        _spec("employments", Employment, "employment", "专兼职", "Employment", people.EMPLOYMENTS),
        _spec("posts", Post, "post", "任职", "Posts", people.POSTS),
        _spec(
            "activity_kinds",
            ActivityKind,
            "activity kind",
            "工作日志类别",
            "Activity kinds",
            work.ACTIVITY_KINDS,
        ),
        _spec(
            "meeting_kinds",
            MeetingKind,
            "meeting kind",
            "会议",
            "Meeting kinds",
            work.MEETING_KINDS,
        ),
        _spec("report_kinds", ReportKind, "report kind", "报告", "Report kinds", work.REPORT_KINDS),
        _spec("task_kinds", TaskKind, "task kind", "任务/抽调", "Task kinds", work.TASK_KINDS),
        _spec(
            "task_reasons", TaskReason, "task reason", "任务理由", "Task reasons", work.TASK_REASONS
        ),
        _spec("end_reasons", EndReason, "end reason", "离岗原因", "End reasons", work.END_REASONS),
        _spec(
            "incident_kinds",
            IncidentKind,
            "incident kind",
            "违纪情形",
            "Incident kinds",
            work.INCIDENT_KINDS,
        ),
        _spec("sign_kinds", SignKind, "sign kind", "签到类别", "Sign kinds", attendance.SIGN_KINDS),
        _spec(
            "attendance_kinds",
            AttendanceKind,
            "attendance kind",
            "考勤记录",
            "Attendance kinds",
            attendance.ATTENDANCE_KINDS,
        ),
        _spec("ranks", Rank, "rank", "职务层级", "Ranks", people.RANKS),
        _spec("unit_tags", UnitTag, "unit tag", "单位标签", "Unit tags", people.NO_TERMS),
        _spec("person_tags", PersonTag, "person tag", "人员标签", "Person tags", people.NO_TERMS),
        _spec(
            "unit_attributes",
            UnitAttribute,
            "unit attribute",
            "单位属性",
            "Unit attributes",
            people.NO_TERMS,
        ),
        _spec(
            "person_attributes",
            PersonAttribute,
            "person attribute",
            "人员属性",
            "Person attributes",
            people.NO_TERMS,
        ),
    )
}

ATTRIBUTE_VOCABULARIES: Final = ("unit_attributes", "person_attributes")
"""The vocabularies whose terms are attributes: each added term has a ``value_type``."""

_BY_ENUM: Final[dict[type[StrEnum], VocabularySpec]] = {s.enum: s for s in VOCABULARIES.values()}


def spec_of(enum: type[StrEnum]) -> VocabularySpec:
    """The vocabulary whose enum is ``enum`` (KeyError for any other enum)."""
    return _BY_ENUM[enum]


@final
@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The terms in force: the built-in ones and the ones a policy adds.

    ``added`` pairs a vocabulary's key with the terms added to it, in declaration order. Only
    extensible vocabularies take added terms, and an added id is never a built-in one (the
    policy loader checks both); :meth:`with_terms` checks them again for callers in code.
    """

    added: tuple[tuple[str, tuple[Term, ...]], ...] = ()

    def __post_init__(self) -> None:
        for name, terms in self.added:
            spec = VOCABULARIES[name]
            if not spec.extensible:
                raise ValueError(f"the vocabulary {name!r} takes no added terms")
            builtin = {t.id for t in spec.terms}
            for t in terms:
                if t.id in builtin:
                    raise ValueError(f"{name}: {t.id!r} is a built-in term")
                if (t.role_class is None) == (name == "roles"):
                    raise ValueError(f"{name}: {t.id!r}: a role, and only a role, has a class")
                if (t.value_type is None) == (name in ATTRIBUTE_VOCABULARIES):
                    raise ValueError(f"{name}: {t.id!r}: an attribute, and only one, has a type")

    def with_terms(self, name: str, terms: Iterable[Term]) -> Vocabulary:
        """This vocabulary with ``terms`` added to the vocabulary ``name``."""
        extra = tuple(terms)
        merged = dict(self.added)
        merged[name] = merged.get(name, ()) + extra
        return Vocabulary(tuple((k, v) for k, v in merged.items() if v))

    def added_terms(self, name: str) -> tuple[Term, ...]:
        """The terms added to the vocabulary ``name`` (none when no policy added any)."""
        return dict(self.added).get(name, ())

    def terms(self, name: str) -> tuple[Term, ...]:
        """The built-in and added terms of the vocabulary ``name``."""
        return VOCABULARIES[name].terms + self.added_terms(name)

    def ids(self, name: str) -> tuple[str, ...]:
        """The ids in force in the vocabulary ``name``, sorted."""
        return tuple(sorted(t.id for t in self.terms(name)))

    def term(self, name: str, term_id: str) -> Term | None:
        """The term ``term_id`` of the vocabulary ``name``, or None when it is not in force."""
        return next((t for t in self.terms(name) if t.id == term_id), None)

    def term_name(self, name: str, term_id: str, lang: str) -> str:
        """A term in ``lang`` (``zh`` or ``en``): ``调解`` for ``mediation``; the id itself when
        the vocabulary ``name`` does not hold it."""
        term = self.term(name, term_id)
        if term is None:
            return term_id
        return term.zh if lang == "zh" else term.en


BUILTIN: Final = Vocabulary()
"""The built-in terms only: what a dataset is checked against when no policy is given."""
