"""The catalogue of dataset tables: each table's record model and how tables refer to each other.

This is the one place the relational shape of a dataset is declared; readers, validation, the
dataset JSON Schema and the documentation are all derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, final

from gridpolicing.model.base import Record
from gridpolicing.model.entities import (
    Activity,
    AssessorScore,
    Assignment,
    ChecklistItem,
    DutyShift,
    FundingAllocation,
    Incident,
    Meeting,
    Person,
    Report,
    SensitivePeriod,
    SignIn,
    Survey,
    Task,
    Unit,
)

__all__ = ["TABLES", "TABLE_ORDER", "TableSpec"]


@final
@dataclass(frozen=True, slots=True)
class TableSpec:
    """How one table of a dataset is shaped and checked."""

    name: str
    model: type[Record]
    references: dict[str, str] = field(default_factory=dict)
    """Column -> table whose ``id`` it must name (list columns: every element)."""
    ordered: tuple[tuple[str, str], ...] = ()
    """Pairs (start, end) where end must not come before start."""
    one_of: tuple[str, ...] = ()
    """Columns of which at least one must be set."""
    doc: str = ""
    attributes: str | None = None
    """The vocabulary of attributes the table's records may carry (``unit_attributes`` ...)."""


_SPECS: Final = (
    TableSpec(
        "units",
        Unit,
        {"parent": "units", "station": "units", "office": "units", "street": "units"},
        doc="units (单位与辖区)",
        attributes="unit_attributes",
    ),
    TableSpec(
        "people",
        Person,
        {"home_unit": "units"},
        doc="people (人员)",
        attributes="person_attributes",
    ),
    TableSpec(
        "assignments",
        Assignment,
        {"person": "people", "unit": "units"},
        (("start", "end"),),
        doc="assignments (任职与分包)",
    ),
    TableSpec(
        "activities",
        Activity,
        {"person": "people", "unit": "units"},
        (("start", "end"),),
        doc="activity logs (工作日志)",
    ),
    TableSpec("meetings", Meeting, {"unit": "units", "attendees": "people"}, doc="meetings (会议)"),
    TableSpec("reports", Report, {"author": "people", "recipient": "units"}, doc="reports (报告)"),
    TableSpec(
        "tasks",
        Task,
        {"person": "people", "unit": "units"},
        (("start", "end"),),
        doc="tasks and deployments (任务与抽调)",
    ),
    TableSpec(
        "incidents",
        Incident,
        {"person": "people", "unit": "units"},
        one_of=("person", "unit"),
        doc="incidents (违纪、案件等)",
    ),
    TableSpec("surveys", Survey, {"unit": "units"}, doc="satisfaction surveys (满意度调查)"),
    TableSpec(
        "funding",
        FundingAllocation,
        {"person": "people", "unit": "units"},
        (("start", "end"),),
        ("person", "unit"),
        doc="funding allocations (经费)",
    ),
    TableSpec("checklists", ChecklistItem, {"unit": "units"}, doc="facility checklists (设施清单)"),
    TableSpec(
        "assessor_scores",
        AssessorScore,
        {"assessor_unit": "units", "person": "people", "unit": "units"},
        one_of=("person", "unit"),
        doc="assessors' scores (考核评分)",
    ),
    TableSpec(
        "duty_roster",
        DutyShift,
        {"person": "people", "unit": "units", "swapped_with": "people"},
        (("start", "end"),),
        doc="duty roster (排班)",
    ),
    TableSpec(
        "sign_ins",
        SignIn,
        {"person": "people", "by": "people", "unit": "units"},
        doc="sign-ins and sign-outs (签到/签退)",
    ),
    TableSpec(
        "sensitive_periods",
        SensitivePeriod,
        {},
        (("start", "end"),),
        doc="sensitive periods (重大节日 / 敏感时期)",
    ),
)

TABLES: Final[dict[str, TableSpec]] = {s.name: s for s in _SPECS}
"""Every table by name, in load order (a table's references come before it)."""

TABLE_ORDER: Final[tuple[str, ...]] = tuple(TABLES)
