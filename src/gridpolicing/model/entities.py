"""Domain records: units, people, assignments, activity logs and the rest of a deployment.

Field names carry their units (``households``, ``amount_cny``); every table has an ``id``.
Cross-record rules (known references, an end not before its start) are checked by
:mod:`gridpolicing.io.validate`, which runs them as queries over whole columns.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from gridpolicing.model.base import Record
from gridpolicing.model.vocabulary import (
    ActivityKind,
    Area,
    Employment,
    EndReason,
    IncidentKind,
    LocalityCategory,
    MeetingKind,
    PersonTag,
    Post,
    Rank,
    ReportKind,
    Role,
    SignKind,
    TaskKind,
    TaskReason,
    UnitTag,
    UnitType,
)

__all__ = [
    "Activity",
    "AssessorScore",
    "Assignment",
    "ChecklistItem",
    "DutyShift",
    "FundingAllocation",
    "Incident",
    "Meeting",
    "Person",
    "Report",
    "SensitivePeriod",
    "SignIn",
    "Survey",
    "Task",
    "Unit",
]

Id = str
Count = int
AttributeValue = bool | int | float | dt.date | str
"""The value of a declared attribute; its declared type (policy ``vocabulary:``) decides which."""


class Unit(Record):
    """A unit: 区/县, 分局, 警种, 派出所, 警务室, 街道/镇, 社区/行政村 or 网格.

    A locality (社区/村) carries its population (实有人口), households (户) and rental rooms
    (出租房屋间), and the station, office and street it belongs to.
    """

    id: Id = Field(min_length=1)
    type: UnitType
    name: str = ""
    parent: Id | None = None
    station: Id | None = None
    office: Id | None = None
    street: Id | None = None
    area: Area | None = None
    category: LocalityCategory | None = None
    population: Count | None = Field(default=None, ge=0)
    households: Count | None = Field(default=None, ge=0)
    rental_rooms: Count | None = Field(default=None, ge=0)
    model_since: dt.date | None = None
    """The date the unit was named a model (示范/标准化) office, if it was."""
    tags: list[UnitTag] = Field(default_factory=list)
    """Tags the policy declares (``vocabulary: unit_tags``), e.g. 城关所, 两队一室."""
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    """Values of attributes the policy declares (``vocabulary: unit_attributes``), by id."""


class Person(Record):
    """A person: 民警, 辅警, 社工, 网格员, 志愿者 ... Roles are held through assignments."""

    id: Id = Field(min_length=1)
    name: str = ""
    home_unit: Id | None = None
    """The unit the person belongs to (编制), e.g. 禁毒大队 for a dispatched officer."""
    party_member: bool = False
    rank: Rank | None = None
    """The person's administrative level (职务层级), e.g. 股级."""
    hire_date: dt.date | None = None
    """When the person joined the police or was hired (参加公安工作 / 入职日期)."""
    tags: list[PersonTag] = Field(default_factory=list)
    """Tags the policy declares (``vocabulary: person_tags``)."""
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    """Values of attributes the policy declares (``vocabulary: person_attributes``), by id."""


class Assignment(Record):
    """A person assigned to a unit in a role (任职 / 分包) from ``start`` to ``end`` inclusive."""

    id: Id = Field(min_length=1)
    person: Id
    unit: Id
    role: Role
    start: dt.date
    end: dt.date | None = None
    employment: Employment = Employment.full_time
    concurrent: bool = False
    """Held alongside another post (兼任), e.g. a party-member officer also serving a community."""
    posts: list[Post] = Field(default_factory=list)
    registered: bool = False
    """Entered in the bureau's register (登记造册)."""
    reported: bool = False
    """Reported to the city bureau (向市公安局报备)."""
    filed: bool = False
    """Filed with the province (向省厅备案); a text naming one filing only uses this flag."""
    end_reason: EndReason | None = None
    """Why the assignment ended (晋升, 经批准调整 ...), when it did and it is recorded."""


class Activity(Record):
    """One logged activity (工作日志): a visit, a patrol, a screening, a mediation ..."""

    id: Id = Field(min_length=1)
    person: Id
    unit: Id
    kind: ActivityKind
    subkind: str | None = None
    """A finer kind, e.g. the dispute type of a mediation (邻里/家庭/劳动)."""
    start: dt.datetime
    end: dt.datetime
    households_visited: Count = Field(default=0, ge=0)
    services_done: Count = Field(default=0, ge=0)
    quantity: Count = Field(default=0, ge=0)
    """Items handled, where the kind counts them (suggestions collected, disputes settled)."""
    has_work_log: bool = False
    has_photo: bool = False
    hazards_found: Count = Field(default=0, ge=0)
    hazards_rectified: Count = Field(default=0, ge=0)


class Meeting(Record):
    """A meeting held by a unit (党委会, 碰头会, 例会, 联席会, 议事会 ...)."""

    id: Id = Field(min_length=1)
    kind: MeetingKind
    unit: Id
    date: dt.date
    attendees: list[Id] = Field(default_factory=list)


class Report(Record):
    """A report from a person to a unit (每周报告, 每月报告, 半年总结 ...)."""

    id: Id = Field(min_length=1)
    kind: ReportKind
    author: Id
    recipient: Id
    date: dt.date


class Task(Record):
    """A task or deployment handed to a person (打处任务, 值班备勤, 抽调) and its reason."""

    id: Id = Field(min_length=1)
    person: Id
    kind: TaskKind
    start: dt.date
    end: dt.date
    reason: TaskReason = TaskReason.routine
    unit: Id | None = None


class Incident(Record):
    """An incident: a discipline incident (违纪) found by inspection (督察), or a kind the
    policy declares (a vicious case, a fire ...), with its unit and when it was resolved."""

    id: Id = Field(min_length=1)
    person: Id | None = None
    """Who it is charged to; a unit's incident (a case in its area) may name nobody."""
    kind: IncidentKind
    date: dt.date
    note: str = ""
    unit: Id | None = None
    """The unit it happened in or is charged to; without, a unit's incidents are those of the
    people assigned there on the day."""
    resolved: dt.date | None = None
    """When it was resolved (破案, 整改完毕); it counts as solved in a period ending on or
    after this day (the ``solved`` field of its records)."""


class DutyShift(Record):
    """One scheduled shift of the duty roster (排班): who, when, where, and leave or a swap.

    The shift's day is the day it starts. With ``swapped_with``, that person works the shift
    instead (换班/顶班) and their sign-ins are judged; ``leave`` with ``leave_approved`` is
    approved leave (请假), which excuses the shift.
    """

    id: Id = Field(min_length=1)
    person: Id
    unit: Id | None = None
    shift: str = ""
    """The shift's name in the roster (白班, 夜班 ...), for reports."""
    start: dt.datetime
    end: dt.datetime
    leave: bool = False
    """Leave was asked for this shift (请假)."""
    leave_approved: bool = False
    swapped_with: Id | None = None
    """Who works the shift instead of ``person`` (换班/顶班)."""
    swap_approved: bool = False


class SignIn(Record):
    """A timestamped sign-in or sign-out (签到/签退) in a person's name, and who made it.

    ``by`` names the person who made it when that is not ``person`` (代签): such a record is
    not the person's own and never counts as their presence.
    """

    id: Id = Field(min_length=1)
    person: Id
    at: dt.datetime
    kind: SignKind
    by: Id | None = None
    unit: Id | None = None


class Survey(Record):
    """A satisfaction survey (群众满意度调查) of a unit."""

    id: Id = Field(min_length=1)
    unit: Id
    date: dt.date
    respondents: Count = Field(ge=1)
    satisfied: Count = Field(ge=0)


class FundingAllocation(Record):
    """Money allocated (经费) to a person or unit by a source (市财政, 区财政 ...)."""

    id: Id = Field(min_length=1)
    person: Id | None = None
    unit: Id | None = None
    source: str = Field(min_length=1)
    amount_cny: float = Field(ge=0)
    start: dt.date
    end: dt.date


class ChecklistItem(Record):
    """One facility item of an office or centre, as checked on a date (办公用房, 标识, 上墙 ...)."""

    id: Id = Field(min_length=1)
    unit: Id
    item: str = Field(min_length=1)
    present: bool
    checked_on: dt.date


class AssessorScore(Record):
    """A score an assessor gave a person or unit on an assessment item (考核评分).

    ``assessor`` names who scored (``station``, ``street``, ``community`` ...), matching the
    weights of the policy's assessment item; ``date`` places the score in a period.
    """

    id: Id = Field(min_length=1)
    assessor: str = Field(min_length=1)
    assessor_unit: Id | None = None
    person: Id | None = None
    unit: Id | None = None
    item: str = Field(min_length=1)
    date: dt.date
    score: float


class SensitivePeriod(Record):
    """A major holiday or sensitive period (重大节日 / 敏感时期), ``start`` to ``end`` inclusive."""

    id: Id = Field(min_length=1)
    name: str = ""
    start: dt.date
    end: dt.date
