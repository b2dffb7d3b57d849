"""The domain's vocabularies: roles, kinds, posts ... as StrEnums, and the terms they stand for.

Each vocabulary is a StrEnum of built-in ids; :mod:`gridpolicing.model.terms` gives every id its
Chinese term, English name and a one-line definition, and for roles the :class:`RoleClass`.
Eleven vocabularies (roles, posts, activity, meeting, report, task and incident kinds, and the
tags and attributes of units and people) are :class:`Extensible`: a policy may add terms to them;
tags and attributes have no built-in terms at all. Policies and datasets name these values; an
unknown value is an error that lists the allowed ones.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, final

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = [
    "ActivityKind",
    "Area",
    "AttendanceKind",
    "AttributeType",
    "Declared",
    "Employment",
    "EndReason",
    "Extensible",
    "IncidentKind",
    "LocalityCategory",
    "MeetingKind",
    "PersonAttribute",
    "PersonTag",
    "Post",
    "Rank",
    "ReportKind",
    "Role",
    "RoleClass",
    "SignKind",
    "TaskKind",
    "TaskReason",
    "Term",
    "UnitAttribute",
    "UnitTag",
    "UnitType",
    "open_vocabularies",
]

# The ids a policy may add (the IDENT pattern of the policy language).
_ADDED_ID: Final = r"^[a-z0-9][a-z0-9_.-]*$"

# Whether an extensible vocabulary takes ids that are not built in (see open_vocabularies).
_OPEN: Final = contextvars.ContextVar("gridpolicing_open_vocabularies", default=False)


@contextlib.contextmanager
def open_vocabularies() -> Iterator[None]:
    """Within this block, an :class:`Extensible` vocabulary accepts any non-empty id.

    The policy loader validates a policy's rules inside it, because the terms the policy adds
    are known only once its whole ``extends`` chain is read; it then checks every term a rule
    names against the vocabulary in force, in one pass. Outside the block (datasets, events,
    code) the vocabularies stay closed, so nothing else can slip in an unchecked id.
    """
    token = _OPEN.set(True)
    try:
        yield
    finally:
        _OPEN.reset(token)


class Extensible(StrEnum):
    """A vocabulary a policy may add terms to: inside :func:`open_vocabularies`, any id is taken.

    An id that is not built in becomes a pseudo-member: an instance of the enum with that
    ``value`` (equal to and hashed like its text), not added to the class, so iterating the enum
    still gives the built-in terms only.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not (_OPEN.get() and isinstance(value, str) and value.strip()):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @property
    def is_builtin(self) -> bool:
        """Whether this id is one of the enum's own members (not added by a policy)."""
        return self._name_ in type(self).__members__


class RoleClass(StrEnum):
    """Which body of people a role belongs to: the police, their auxiliaries, or neither."""

    officer = "officer"  # 民警: 人民警察, with law-enforcement powers
    auxiliary = "auxiliary"  # 辅警: 警务辅助人员, hired to assist officers, no powers of their own
    civilian = "civilian"  # 其他人员: community, governance or volunteer staff, not the police


@final
@dataclass(frozen=True, slots=True)
class Term:
    """One term of a vocabulary: its id, Chinese term, English name and definitions.

    ``role_class`` is set for roles only, ``value_type`` for attributes only.
    """

    id: str
    zh: str
    en: str
    definition_zh: str
    definition_en: str
    role_class: RoleClass | None = None
    value_type: AttributeType | None = None


class AttributeType(StrEnum):
    """The type of a declared attribute's values (what a dataset's values are checked as)."""

    integer = "integer"
    number = "number"
    text = "text"
    boolean = "boolean"
    date = "date"


class UnitType(StrEnum):
    """Kinds of organisational or territorial unit."""

    jurisdiction = "jurisdiction"  # 区/县
    bureau = "bureau"  # 公安分局
    department = "department"  # 警种/业务部门, e.g. 禁毒大队
    station = "station"  # 派出所
    office = "office"  # 警务室 / 警务工作站
    street = "street"  # 街道 / 镇 / 乡
    locality = "locality"  # 城市社区, 农村社区, 行政村
    grid = "grid"  # 网格


class Area(StrEnum):
    """Urban or rural (城市 / 农村)."""

    urban = "urban"
    rural = "rural"


class LocalityCategory(StrEnum):
    """What kind of locality a unit of type ``locality`` is."""

    urban_community = "urban_community"  # 城市社区
    rural_community = "rural_community"  # 农村社区
    village = "village"  # 行政村


class Role(Extensible):
    """The role a person holds in an assignment."""

    community_officer = "community_officer"  # 社区民警
    village_contact_officer = "village_contact_officer"  # 包村民警
    dispatched_officer = "dispatched_officer"  # 派驻民警 / 村警
    organ_officer = "organ_officer"  # 机关民警
    auxiliary = "auxiliary"  # 辅警 / 协警
    social_worker = "social_worker"  # 综治社工
    joint_defence_member = "joint_defence_member"  # 联防队员
    mediator = "mediator"  # 调解员
    migrant_co_manager = "migrant_co_manager"  # 流动人口协管员
    grid_worker = "grid_worker"  # 网格员
    volunteer = "volunteer"  # 平安志愿者
    policing_captain = "policing_captain"  # 社区警务队长
    station_officer = "station_officer"  # 所内民警


class Employment(StrEnum):
    """Full-time (专职) or part-time (兼职)."""

    full_time = "full_time"
    part_time = "part_time"


class Post(Extensible):
    """Posts a person holds in a village or community (任职)."""

    deputy_party_secretary = "deputy_party_secretary"  # 村(社区)党组织副书记
    director_assistant = "director_assistant"  # 村(社区)主任助理
    community_deputy_director = "community_deputy_director"  # 社区(居委会)副主任
    governance_deputy_director = "governance_deputy_director"  # 社区综治办副主任
    centre_deputy_director = "centre_deputy_director"  # 社区综治中心副主任
    petition_receptionist = "petition_receptionist"  # 信访接待人员
    auxiliary_squad_leader = "auxiliary_squad_leader"  # 专职社区辅警中队长


class ActivityKind(Extensible):
    """Kinds of logged activity (工作日志的类别)."""

    household_visit = "household_visit"  # 入户走访
    patrol = "patrol"  # 巡逻
    dispute_screening = "dispute_screening"  # 矛盾纠纷排查
    mediation = "mediation"  # 纠纷调解 / 化解
    publicity = "publicity"  # 宣传
    safety_inspection = "safety_inspection"  # 安全检查
    security_briefing = "security_briefing"  # 向村(社区)通报治安情况
    practical_service = "practical_service"  # 办实事 / 上门服务
    check_in = "check_in"  # 签到 / 打卡
    information_entry = "information_entry"  # 基础信息采集录入
    information_collection = "information_collection"  # 情报信息收集
    opinion_survey = "opinion_survey"  # 社情民意调查
    suggestion_collection = "suggestion_collection"  # 收集意见建议
    population_registration = "population_registration"  # 实有人口登记
    special_population_service = "special_population_service"  # 特殊人群帮教
    petition_reception = "petition_reception"  # 信访接待
    case_assistance = "case_assistance"  # 协助查处案件
    guidance = "guidance"  # 业务培训指导(辅警、包村民警)
    patrol_organisation = "patrol_organisation"  # 组织群防巡逻
    fire_safety = "fire_safety"  # 消防安全检查 / 培训


class MeetingKind(Extensible):
    """Kinds of meeting."""

    party_committee_thematic = "party_committee_thematic"  # 党委会专题研究
    weekly_briefing = "weekly_briefing"  # 每周碰头会
    semi_monthly_meeting = "semi_monthly_meeting"  # 每半月综治警务工作例会
    monthly_joint_meeting = "monthly_joint_meeting"  # 每月联席会
    village_council = "village_council"  # 村(社区)议事会
    police_community_forum = "police_community_forum"  # 警民恳谈会
    yard_meeting = "yard_meeting"  # 坝坝会


class ReportKind(Extensible):
    """Kinds of report from a person or unit to another unit."""

    work_report = "work_report"  # 工作情况报告
    village_work_report = "village_work_report"  # 包村工作情况报告
    summary = "summary"  # 工作总结
    situation_report = "situation_report"  # 汇总报告 / 情况报告
    zero_report = "zero_report"  # 零报告


class TaskKind(Extensible):
    """Tasks and deployments handed to a person (任务 / 抽调)."""

    crime_fighting_quota = "crime_fighting_quota"  # 打击处理任务 / 打处指标
    case_investigation = "case_investigation"  # 刑事、治安案件查处
    station_daytime_duty = "station_daytime_duty"  # 派出所白天值班备勤
    non_community_work = "non_community_work"  # 非社区警务工作
    surprise_operation = "surprise_operation"  # 突击行动
    law_enforcement = "law_enforcement"  # 直接参与公安执法


class TaskReason(StrEnum):
    """Why a task was given; some reasons are named exemptions in the texts."""

    disaster_relief = "disaster_relief"  # 抢险救灾
    major_emergency = "major_emergency"  # 重大突发案事件
    major_security_duty = "major_security_duty"  # 重要安保任务
    own_area_case = "own_area_case"  # 与本责任区有关联的案件
    routine = "routine"  # 日常安排


class EndReason(StrEnum):
    """Why an assignment ended: what lets a move before the minimum tenure be an exception."""

    promotion = "promotion"  # 职务晋升
    approved_transfer = "approved_transfer"  # 经批准调整
    retirement = "retirement"  # 退休
    leave_service = "leave_service"  # 离职、辞退
    reassignment = "reassignment"  # 其他调整


class IncidentKind(Extensible):
    """Discipline incidents (违纪), e.g. Xinjin's four prohibitions (四不准)."""

    accepted_hospitality = "accepted_hospitality"  # 接受公费招待
    claimed_reimbursement = "claimed_reimbursement"  # 报销费用
    partial_conduct = "partial_conduct"  # 倾向性不公行为
    improper_activity = "improper_activity"  # 有损形象的活动


class SignKind(StrEnum):
    """Whether a record of the sign_ins table is a sign-in (签到) or a sign-out (签退)."""

    sign_in = "in"  # 签到
    sign_out = "out"  # 签退


class AttendanceKind(StrEnum):
    """Attendance records the engine derives from the duty roster and the sign-ins.

    Closed: each kind is computed by engine/attendance.py, so a policy cannot add one.
    """

    present = "present"  # 出勤
    late = "late"  # 迟到
    early_leave = "early_leave"  # 早退
    absent = "absent"  # 旷工
    missed_sign_in = "missed_sign_in"  # 漏签
    unapproved_swap = "unapproved_swap"  # 未经批准换班
    signed_for_other = "signed_for_other"  # 代签
    on_leave = "on_leave"  # 请假


class Rank(StrEnum):
    """Administrative levels (职务层级) of a person, from the lowest up.

    The order of the members is the ladder: ``rank_at_least`` selects a level and every level
    after it. See :data:`gridpolicing.model.terms_people.RANKS` for why these levels.
    """

    clerk = "clerk"  # 办事员
    staff_member = "staff_member"  # 科员
    deputy_unit_level = "deputy_unit_level"  # 副股级
    unit_level = "unit_level"  # 股级 (正股级)
    deputy_section_level = "deputy_section_level"  # 副科级
    section_level = "section_level"  # 正科级
    deputy_division_level = "deputy_division_level"  # 副处级
    division_level = "division_level"  # 正处级
    deputy_bureau_level = "deputy_bureau_level"  # 副厅级
    bureau_level = "bureau_level"  # 正厅级

    def at_least(self) -> tuple[Rank, ...]:
        """This level and every level above it, lowest first."""
        ladder = list(Rank)
        return tuple(ladder[ladder.index(self) :])


class Declared(Extensible):
    """An extensible vocabulary without built-in terms: every term is one a policy declares.

    pydantic cannot build a schema of an enum without members, so these read text and take it
    as an id of the vocabulary (in force only inside :func:`open_vocabularies`, as for the
    others); the JSON Schema is any id of the pattern added terms have.
    """

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls.read, core_schema.str_schema(pattern=_ADDED_ID)
        )

    @classmethod
    def read(cls, value: str) -> Declared:
        """``value`` as a term of this vocabulary (an enum without members cannot be called)."""
        member = cls._missing_(value)
        if member is None:
            raise ValueError(f"{value!r} is not a declared {cls.__name__}")
        assert isinstance(member, cls)
        return member


class UnitTag(Declared):
    """Tags a policy declares for units (城关所, 两队一室 ...); none are built in."""


class PersonTag(Declared):
    """Tags a policy declares for people; none are built in."""


class UnitAttribute(Declared):
    """Attributes a policy declares for units, each with a value type; none are built in."""


class PersonAttribute(Declared):
    """Attributes a policy declares for people, each with a value type; none are built in."""
