"""The policy document: sources, parameters, rules (a tagged union on ``kind``), assessment.

Rule kinds subclass :class:`RuleSpec` and add their own fields; :mod:`.registry` assembles the
union of the kinds it holds, so a wrong ``kind`` is an error listing the allowed ones.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Final, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from gridpolicing.model.vocabulary import ActivityKind

# Selectors live in their own module; they are part of this module's interface too.
from gridpolicing.policy.subjects import PeopleSelector, Subject, UnitSelector
from gridpolicing.policy.values import PolicyModel, Text

__all__ = [
    "AnyPeriod",
    "Citation",
    "CustomPeriod",
    "Duty",
    "Effective",
    "NotEncoded",
    "ParameterDecl",
    "PeopleSelector",
    "Period",
    "RuleSpec",
    "Severity",
    "Source",
    "Subject",
    "UnitSelector",
    "period_field",
]

IDENT = r"^[a-z0-9][a-z0-9_.-]*$"


class Severity(StrEnum):
    """How much a failure matters."""

    critical = "critical"
    major = "major"
    minor = "minor"


class Period(StrEnum):
    """The bucket a rule is counted over (ISO weeks; calendar months, quarters, halves, years)."""

    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    half_year = "half_year"
    year = "year"


_PERIOD_DESCRIPTION: Final = (
    "统计周期:每个对象每个周期(ISO 周、自然月、季、半年、年)一条结果。 The period each finding "
    "covers: one finding per subject and bucket (ISO week; calendar month, quarter, half year, "
    "year)."
)


def period_field(default: Period | None = None) -> Any:
    """The ``Field`` of a rule kind's ``period``, described once; required without a default."""
    if default is None:
        return Field(description=_PERIOD_DESCRIPTION, examples=["month"])
    return Field(default=default, description=_PERIOD_DESCRIPTION, examples=["month"])


class CustomPeriod(PolicyModel):
    """An assessment period of the policy's own: ``months`` long, starting on a day of its own.

    ``{months: 1, starts: 26}`` is the assessment month from the 26th to the 25th
    (上月26日至本月25日); ``{months: 2}`` two calendar months (January-February, ...);
    ``{months: 12, starts: 03-01}`` a year from 1 March. ``starts`` is a day of the month
    (1-28: every month has it), or ``MM-DD`` naming the month one period starts in (the others
    follow every ``months`` months). A day alone other than 1 puts that month in December, so a
    period ends on the day before, in the month the calendar period of that length ends: with
    ``starts: 26`` the year is 26 December to 25 December, the quarter 26 December to 25 March.
    A bucket's key is its range, ``2022-01-26..2022-02-25``.
    """

    months: Literal[1, 2, 3, 4, 6, 12] = Field(
        description="周期长度(月),须能整除一年,使每年周期相同。 Length in months; divides a "
        "year, so every year holds the same periods.",
        examples=[1, 12],
    )
    starts: int | str = Field(
        default=1,
        description="起始日:每月的某日(1-28,如 26 即上月26日至本月25日),或 MM-DD 指定起始月份。 "
        "The first day: a day of the month (1-28; 26 is the 26th to the 25th), or MM-DD naming "
        "the month one period starts in.",
        examples=[26, "03-01"],
    )

    @field_validator("starts")
    @classmethod
    def _understood(cls, starts: int | str) -> int | str:
        _anchor(starts)
        return starts

    @property
    def anchor(self) -> tuple[int, int]:
        """``(month, day)`` on which one period starts."""
        return _anchor(self.starts)

    @property
    def value(self) -> str:
        """A name usable in identifiers (table names), like a :class:`Period`'s value."""
        month, day = self.anchor
        return f"months{self.months}_from_{month:02d}_{day:02d}"

    @property
    def label(self) -> str:
        """The period as an author wrote it: ``{months: 1, starts: 26}``."""
        return f"{{months: {self.months}, starts: {self.starts}}}"


_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def _anchor(starts: int | str) -> tuple[int, int]:
    """``(month, day)`` of a ``starts`` value; a day alone other than 1 starts in December."""
    if isinstance(starts, int):
        month, day = (1 if starts == 1 else 12), starts
    else:
        m = _MONTH_DAY.match(starts)
        if m is None:
            raise ValueError(f"starts {starts!r}: expected a day (1-28) or MM-DD (03-01)")
        month, day = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f"starts {starts!r}: month {month} is not 01-12")
    if not 1 <= day <= 28:
        raise ValueError(
            f"starts {starts!r}: day {day} is not 1-28 (a period must start on a day every "
            "month has)"
        )
    return month, day


def _period_form(value: Any) -> str:
    """Which form of period ``value`` is: a calendar name, or a mapping of the policy's own."""
    return "own" if isinstance(value, dict | CustomPeriod) else "calendar"


AnyPeriod = Annotated[
    Annotated[Period, Tag("calendar")] | Annotated[CustomPeriod, Tag("own")],
    Discriminator(_period_form),
]
"""Where an assessment scheme or roll-up names its period: a calendar one or its own. The
discriminator keeps an error to the form written (a mapping's errors are its keys')."""


class Source(PolicyModel):
    """A text the policy encodes: a regulation, a notice, an article."""

    id: str = Field(
        pattern=IDENT,
        description="依据文件的 id,规则的 citation.source 引用它。 The source's id, which a "
        "rule's citation.source names.",
        examples=["xinxiang-2016"],
    )
    title: str = Field(
        min_length=1,
        description="文件标题(原文)。 The title of the text, as issued.",
        examples=["关于深入推进社区警务工作的实施意见"],
    )
    issuer: str = Field(
        min_length=1,
        description="发文机关或发布者。 Issuer or publisher.",
        examples=["新乡市公安局高新区分局"],
    )
    date: dt.date | None = Field(
        default=None, description="发文日期。 Date of issue.", examples=["2016-06-23"]
    )
    url: str | None = Field(
        default=None,
        description="原文网址。 Where the text was published online.",
        examples=["https://example.gov.cn/notice/2016/123.html"],
    )
    file: str | None = Field(
        default=None,
        description="保存在 docs/sources/ 下的原文副本。 Copy kept under docs/sources/.",
        examples=["docs/sources/xinxiang-2016.md"],
    )
    status: Literal["issued", "draft"] = Field(
        default="issued",
        description="issued:正式印发;draft:征求意见稿,并非最终文本,渲染和报告会注明。 issued: "
        "the text as issued; draft: a consultation draft (征求意见稿), renders and reports say so.",
        examples=["draft"],
    )


class Citation(PolicyModel):
    """The clause a rule encodes: a source id and the clause quoted verbatim."""

    source: str = Field(
        pattern=IDENT,
        description="依据文件的 id(sources 中的一项)。 The id of one of the policy's sources.",
        examples=["xinxiang-2016"],
    )
    clause: str | None = Field(
        default=None,
        description="条款序号或章节名。 Section number or heading of the clause.",
        examples=["三(一)2"],
    )
    quote: str = Field(
        min_length=2,
        description="逐字摘录的原文条款(加载时与原文核对)。 The clause quoted verbatim (checked "
        "against the source text).",
        examples=["社区民警不承担打击处理任务"],
    )


class RuleSpec(PolicyModel):
    """Fields every rule has. Rule kinds subclass this and narrow ``kind`` to a literal."""

    id: str = Field(
        pattern=IDENT,
        description="规则 id,在政策(含 extends 链)内唯一;结果和报告用它指称规则。 The rule's id, "
        "unique in the policy and its extends chain; findings and reports name the rule by it.",
        examples=["weekly-dispute-screening"],
    )
    kind: str = Field(
        description="规则种类,决定本规则的其余字段(docs/rule-kinds.md)。 The rule kind, which "
        "decides the rule's other fields (docs/rule-kinds.md).",
    )
    title: Text = Field(
        description="规则标题,中英文。 The rule's title in zh and en.",
        examples=[{"zh": "包村民警每周开展矛盾纠纷排查", "en": "Weekly dispute screening"}],
    )
    severity: Severity = Field(
        description="不合格的严重程度:critical、major 或 minor(evaluate --fail-on 按此退出)。 "
        "How much a failure matters: critical, major or minor (evaluate --fail-on reads it).",
        examples=["major"],
    )
    subject: Subject = Field(
        description="规则的对象:单位(units)或人员(people),二者选一。 Whom the rule judges: "
        "units or people, exactly one.",
        examples=[{"people": {"roles": ["community_officer"]}}],
    )
    citation: Citation = Field(
        description="规则所依据的条款:文件 id 与逐字原文。 The clause the rule encodes: a source "
        "id and the clause quoted verbatim.",
        examples=[
            {"source": "xinxiang-2016", "clause": "三(一)2", "quote": "社区民警不承担打击处理任务"}
        ],
    )
    note: str | None = Field(
        default=None,
        description="为何这样理解条款(解读说明)。 Why the clause was read this way.",
        examples=["No frequency is given; read as at least once a month."],
    )
    effective_from: dt.date | None = Field(
        default=None,
        description="规则自该日起生效(含当日);缺省随政策。 The rule applies from this day "
        "(inclusive); absent: as the policy.",
        examples=["2017-01-01"],
    )
    effective_to: dt.date | None = Field(
        default=None,
        description="规则至该日止(含当日);缺省不设止日。 The rule applies up to this day "
        "(inclusive); absent: open-ended.",
        examples=["2016-12-31"],
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> RuleSpec:
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


class ParameterDecl(PolicyModel):
    """A parameter a template declares; a policy extending it supplies the value."""

    type: Literal["number", "integer", "string", "boolean"] = Field(
        description="参数值的类型。 The type of the parameter's value.", examples=["number"]
    )
    description: Text = Field(
        description="参数的含义,中英文(原文未给出的数字由下级政策填写)。 What the parameter means, "
        "in zh and en (a number the text leaves to those who adopt it).",
        examples=[{"zh": "每周驻村小时数", "en": "Hours a week in the village"}],
    )
    default: Any = Field(
        default=None,
        description="未在 parameter_values 中给值时所用的值;无缺省则必须给值。 The value used when "
        "parameter_values gives none; without a default a value is required.",
        examples=[8],
    )
    minimum: float | None = Field(
        default=None,
        description="所给值不得小于此数。 The value given may not be below this.",
        examples=[0],
    )
    at_most: str | None = Field(
        default=None,
        pattern=IDENT,
        description="本参数的值不得超过的另一参数(区间下限指向其上限),给值时检查。 Another "
        "parameter this one's value may not exceed (a range's lower end names its upper end); "
        "checked when the values are set.",
        examples=["max_units"],
    )


class Effective(PolicyModel):
    """Dates between which a policy is in force (``to`` inclusive, open when absent)."""

    from_: dt.date = Field(
        alias="from",
        description="政策生效日(含)。 The day the policy comes into force (inclusive).",
        examples=["2016-06-23"],
    )
    to: dt.date | None = Field(
        default=None,
        description="政策失效前的最后一日(含);缺省为长期有效。 The last day in force "
        "(inclusive); absent: open-ended.",
        examples=["2018-12-31"],
    )


class Duty(PolicyModel):
    """One duty of a catalogue (职责), and the activity kinds that perform it."""

    id: str = Field(
        pattern=IDENT,
        description="职责 id,结果中列出未履行的职责用它。 The duty's id; findings name the duties "
        "not performed by it.",
        examples=["disputes"],
    )
    title: Text = Field(
        description="职责名称,中英文。 The duty's name in zh and en.",
        examples=[{"zh": "排查化解矛盾纠纷", "en": "Screen and settle disputes"}],
    )
    activity_kinds: list[ActivityKind] = Field(
        min_length=1,
        description="履行该职责的工作日志类别,任一即可。 The activity kinds that perform the duty, "
        "any of them.",
        examples=[["dispute_screening", "mediation"]],
    )


class NotEncoded(PolicyModel):
    """A clause data cannot confirm or refute, kept so nothing is skipped silently."""

    source: str = Field(
        pattern=IDENT,
        description="条款所在依据文件的 id。 The id of the source holding the clause.",
        examples=["xindu-2022"],
    )
    quote: str = Field(
        min_length=2,
        description="逐字摘录的未编码条款。 The clause not encoded, quoted verbatim.",
        examples=["充分发挥村警作用"],
    )
    reason: str = Field(
        min_length=2,
        description="为何数据无法证实或否定该条款。 Why data cannot confirm or refute the clause.",
        examples=["A statement of purpose: nothing a record could show."],
    )
