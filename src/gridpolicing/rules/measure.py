"""``measure``: the core spelled out, a measure of each subject per period and a comparison.

Where no preset kind says a clause, a ``measure`` rule does: what is counted, summed or timed
(core/measures.py), over which units (``within``), and how it is judged (``at_least``,
``at_most``, ``between``, ``about``, ``equal``), or several such standards combined with
``require: {any_of: [...]}`` / ``{all_of: [...]}``, each part reported.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final, Literal, final

from pydantic import Field, ValidationInfo, model_validator

from gridpolicing.core.measure_checks import check_measure
from gridpolicing.core.measures import (
    About,
    Between,
    Bound,
    Measure,
    PerClass,
    Threshold,
    measure_sql,
)
from gridpolicing.engine.context import PlanContext
from gridpolicing.policy.models import Period, RuleSpec, period_field
from gridpolicing.policy.values import PolicyModel, Text, value_at
from gridpolicing.report.finding import Finding, Status
from gridpolicing.report.messages import STATUS_WORDS, fmt
from gridpolicing.rules._common import verdict

__all__ = ["KIND", "MeasureRule"]

_COMPARISONS = ("at_least", "at_most", "between", "about", "equal")
_COMPARISON_DOCS: Final[dict[str, tuple[str, list[Any]]]] = {
    "at_least": (
        "度量须不小于此值:数值、参数、按日期变化的值,或按单位类别不同的值(by_tag 等)。 The "
        "measure is at least this: a number, a parameter, dated values or a value per unit class.",
        [0.4, {"by_category": {"urban_community": 2, "village": 1}}],
    ),
    "at_most": (
        "度量须不大于此值(可为 0):数值、参数、按日期变化的值,或按单位类别的值。 The measure is "
        "at most this (0 allowed): a number, a parameter, dated values or a value per unit class.",
        [0, 3],
    ),
    "between": (
        "度量须在 min 与 max 之间(含两端)。 The measure lies from min to max, both included.",
        [{"min": 2, "max": 3}],
    ),
    "about": (
        "度量约为 value,误差不超过 tolerance(约3000)。 The measure is about value, within "
        "tolerance either side (约3000).",
        [{"value": 3000, "tolerance": 300}],
    ),
    "equal": ("度量须恰好等于此值。 The measure equals this exactly.", [1]),
}


def _comparisons(model: object) -> list[str]:
    """The comparisons written on ``model`` (a rule or one of its standards)."""
    return [c for c in _COMPARISONS if getattr(model, c) is not None]


def _comparison(name: str) -> Any:
    """The ``Field`` of one comparison, described once for rules and their standards alike."""
    description, examples = _COMPARISON_DOCS[name]
    return Field(default=None, description=description, examples=examples)


class Standard(PolicyModel):
    """One standard: a measure and exactly one comparison."""

    measure: Measure = Field(
        description="本标准的度量(计数、求和、时长、属性、比值或占比)。 The measure this standard "
        "judges (a count, sum, time, attribute, ratio or share).",
        examples=[{"count": {"people": {"roles": ["community_officer"]}}}],
    )
    at_least: Threshold | None = _comparison("at_least")
    at_most: Bound | None = _comparison("at_most")
    between: Between | None = _comparison("between")
    about: About | None = _comparison("about")
    equal: float | None = _comparison("equal")
    label: Text | None = Field(
        default=None,
        description="该部分在结果中的名称,中英文。 Names the part in the finding, in zh and en.",
        examples=[{"zh": "户数标准", "en": "households standard"}],
    )

    @model_validator(mode="after")
    def _one_comparison(self) -> Standard:
        if len(_comparisons(self)) != 1:
            raise ValueError(f"expected exactly one of {', '.join(_COMPARISONS)}")
        return self


class Require(PolicyModel):
    """Standards combined: ``any_of`` (one met is enough) or ``all_of`` (every one)."""

    any_of: list[Standard] | None = Field(
        default=None,
        min_length=2,
        description="任一标准达到即合格(或)。 Met when any one of the standards is met.",
        examples=[
            [
                {"measure": {"attribute": "population"}, "at_least": 3000},
                {"measure": {"attribute": "households"}, "at_least": 1000},
            ]
        ],
    )
    all_of: list[Standard] | None = Field(
        default=None,
        min_length=2,
        description="每一标准都须达到(且)。 Met only when every standard is met.",
        examples=[
            [
                {"measure": {"attribute": "population"}, "at_least": 3000},
                {"measure": {"attribute": "households"}, "at_least": 1000},
            ]
        ],
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Require:
        if (self.any_of is None) == (self.all_of is None):
            raise ValueError("expected exactly one of any_of, all_of")
        return self

    @property
    def parts(self) -> list[Standard]:
        """The combined standards, in the order written."""
        return self.any_of if self.any_of is not None else (self.all_of or [])


class MeasureRule(RuleSpec):
    """A measure of each subject per period, compared with a standard.

    Either ``measure`` with exactly one of ``at_least``, ``at_most``, ``between``, ``about``,
    ``equal``; or ``require`` combining standards. A measure that cannot be computed is
    ``insufficient_data``, never a pass; a dated threshold is read on the bucket's first day,
    and one not in force makes the finding ``not_applicable``. Example (a share of police
    strength: community officers are at least 40% of a station's officers)::

        - id: community-officer-share
          kind: measure
          title:
            zh: 社区民警占派出所警力40%以上
            en: Community officers are at least 40% of a station's officers
          severity: major
          subject: {units: {type: station}}
          period: year
          measure:
            share:
              of:
                count: {people: {roles: [community_officer]}}
                within: self_and_descendants
              in:
                count: {people: {role_class: officer}}
                within: self_and_descendants
          at_least: 0.4
          citation: {source: test-source, quote: 社区民警占派出所警力40%以上}
    """

    kind: Literal["measure"]
    period: Period = period_field()
    measure: Measure | None = Field(
        default=None,
        description="每个对象每个周期的度量;与一种比较(at_least 等)同用,或改用 require。 The "
        "measure of each subject and period, with one comparison (at_least ...), or use require.",
        examples=[{"count": {"people": {"roles": ["community_officer"]}}}],
    )
    at_least: Threshold | None = _comparison("at_least")
    at_most: Bound | None = _comparison("at_most")
    between: Between | None = _comparison("between")
    about: About | None = _comparison("about")
    equal: float | None = _comparison("equal")
    require: Require | None = Field(
        default=None,
        description="多个标准的组合:any_of(任一)或 all_of(全部),每部分分别报告。 Standards "
        "combined: any_of (one is enough) or all_of (every one); each part is reported.",
        examples=[
            {
                "any_of": [
                    {"measure": {"attribute": "population"}, "at_least": 3000},
                    {"measure": {"attribute": "households"}, "at_least": 1000},
                ]
            }
        ],
    )

    @model_validator(mode="after")
    def _shape(self, info: ValidationInfo) -> MeasureRule:
        given = _comparisons(self)
        if self.require is not None:
            if self.measure is not None or given:
                raise ValueError(
                    "with require, the measures and comparisons go inside its parts; "
                    "remove measure and the comparison from the rule"
                )
        elif self.measure is None:
            raise ValueError("expected measure (with a comparison) or require")
        elif len(given) != 1:
            raise ValueError(f"expected exactly one of {', '.join(_COMPARISONS)}")
        person = self.subject.people is not None
        units = self.subject.units
        for std in self.standards:
            check_measure(std.measure, person, info.context or {})
            for c in ("at_least", "at_most"):
                per = getattr(std, c)
                if not isinstance(per, PerClass):
                    continue
                if units is None:
                    raise ValueError("a threshold per unit class needs a units subject")
                if per.by_category is not None and units.type.value != "locality":
                    raise ValueError(
                        f"by_category reads a locality's category, and {units.type.value} units "
                        "have none: every one would be not_applicable; use by_area, or a "
                        "locality subject"
                    )
        return self

    @property
    def standards(self) -> list[Standard]:
        """Every standard of the rule (one, or the parts of ``require``)."""
        if self.require is not None:
            return self.require.parts
        assert self.measure is not None
        return [
            Standard(
                measure=self.measure,
                at_least=self.at_least,
                at_most=self.at_most,
                between=self.between,
                about=self.about,
                equal=self.equal,
            )
        ]


@final
class MeasureKind:
    """Plans and describes ``measure`` rules."""

    name: ClassVar[str] = "measure"
    spec: ClassVar[type[RuleSpec]] = MeasureRule
    reads_time: ClassVar[bool] = True

    def plan(self, rule: MeasureRule, ctx: PlanContext) -> str:
        """One relation per standard, a status per standard, combined."""
        person = rule.subject.people is not None
        parts = rule.standards
        ctes = [f"s AS (SELECT * FROM {ctx.subjects(rule.period)})"]
        cols = []
        for i, std in enumerate(parts):
            ctes.append(f"m{i} AS (SELECT * FROM {measure_sql(std.measure, ctx, 's', person)})")
            status, req = _judge(std, f"m{i}.value", ctx)
            cols.append((f"m{i}", status, req))
        joins = "".join(
            f" LEFT JOIN {n} USING (subject_type, subject_id, bucket)" for n, *_ in cols
        )
        statuses = [f"({st})" for _, st, _ in cols]
        ids = "list_distinct(flatten([" + ", ".join(f"{n}.ids" for n, *_ in cols) + "]))"
        if rule.require is None:
            # The standard is said by describe(); the detail is left for the combined form.
            (name, status, req) = cols[0]
            measured, required, detail = f"{name}.value", req, "NULL"
        else:
            met = " + ".join(f"CASE WHEN {st} = 'pass' THEN 1 ELSE 0 END" for st in statuses)
            status = _combine(statuses, any_of=rule.require.any_of is not None)
            measured = f"({met})"
            required = "1" if rule.require.any_of is not None else str(len(parts))
            # Each part as ``index|value|required|status``; describe() words it per language.
            pieces = [
                f"'{i}|' || coalesce(CAST({n}.value AS VARCHAR), '') || '|' || "
                f"coalesce(CAST({req} AS VARCHAR), '') || '|' || {st}"
                for i, ((n, _, req), st) in enumerate(zip(cols, statuses, strict=True))
            ]
            detail = "concat_ws(';', " + ", ".join(pieces) + ")"
        status = f"CASE WHEN NOT s.\"full\" THEN 'not_applicable' ELSE {status} END"
        return f"""
        WITH {", ".join(ctes)}
        SELECT s.subject_type, s.subject_id, s.bucket, s.bstart AS bucket_start,
               s.bend AS bucket_end, {status} AS status,
               CAST({measured} AS DOUBLE) AS measured, CAST({required} AS DOUBLE) AS required,
               {ids} AS evidence, {detail} AS detail
        FROM s LEFT JOIN units u ON u.id = s.subject_id{joins}
        """

    def describe(self, rule: MeasureRule, finding: Finding) -> Text:
        """``measured 0.35; required at least 0.4``."""
        if finding.status is Status.not_applicable:
            return verdict(
                finding,
                "标准不适用:未生效、不属于所列类别,或期间内未全程在岗",
                "the standard does not apply: not in force, of no listed class, or not in post "
                "for the whole period",
            )
        if rule.require is not None:
            how = "any" if rule.require.any_of is not None else "all"
            zh_parts, en_parts = _parts_words(rule.require.parts, finding)
            return verdict(
                finding,
                f"达到标准 {{measured}} 项,要求{'至少1项' if how == 'any' else '全部'}:{zh_parts}",
                f"{{measured}} standard(s) met, {how} required: {en_parts}",
            )
        zh, en = _standard_words(rule.standards[0], finding)
        return verdict(
            finding, f"测得 {{measured}},要求{zh}", f"measured {{measured}}; required {en}"
        )


def _standard_words(
    std: Standard, finding: Finding, required: str = "{required}"
) -> tuple[str, str]:
    """The standard in zh and en, with the values in force for the finding's bucket."""
    day = finding.bucket_start
    if std.at_least is not None:
        return f"不少于 {required}", f"at least {required}"
    if std.at_most is not None:
        return f"不超过 {required}", f"at most {required}"
    if std.between is not None:
        lo, hi = (fmt(value_at(v, day)) for v in (std.between.min, std.between.max))
        return f"在 {lo} 至 {hi} 之间", f"between {lo} and {hi}"
    if std.about is not None:
        tol = fmt(std.about.tolerance)
        return f"约 {required}(±{tol})", f"about {required} (± {tol})"
    return f"等于 {required}", f"equal to {required}"


def _parts_words(parts: list[Standard], finding: Finding) -> tuple[str, str]:
    """Each part of ``require`` with its label, value, standard and status, in zh and en.

    The finding's detail holds ``index|value|required|status`` per part (language-neutral, so
    the report's one detail serves both languages).
    """
    zh_out, en_out = [], []
    for piece in (finding.detail or "").split(";"):
        fields = piece.split("|")
        if len(fields) != 4 or not fields[0].isdigit() or int(fields[0]) >= len(parts):
            continue
        i, value, required, status = int(fields[0]), fields[1], fields[2], fields[3]
        std = parts[i]
        shown = fmt(float(value)) if value else "-"
        need = fmt(float(required)) if required else "-"
        zh_std, en_std = _standard_words(std, finding, need)
        words = STATUS_WORDS.get(status, Text(zh=status, en=status))
        zh_label = std.label.zh if std.label else f"第{i + 1}项"
        en_label = std.label.en if std.label else f"part {i + 1}"
        zh_out.append(f"{zh_label} {shown}({zh_std},{words.zh})")
        en_out.append(f"{en_label} {shown} ({en_std}, {words.en})")
    return ";".join(zh_out), "; ".join(en_out)


def _threshold(value: object, ctx: PlanContext) -> str:
    """SQL of a threshold on the bucket's first day, per unit class when so written."""
    if isinstance(value, PerClass):
        # the first listed class the unit has (a tag it holds, its category or its area)
        classes: list[tuple[str, dict[Any, float] | None]] = [
            ("list_contains(u.tags, {})", value.by_tag),
            ("u.category = {}", value.by_category),
            ("u.area = {}", value.by_area),
        ]
        test, mapping = next((t, m) for t, m in classes if m is not None)
        branches = " ".join(
            f"WHEN {test.format(ctx.lit(k.value))} THEN {ctx.lit(float(v))}"
            for k, v in mapping.items()
        )
        return f"(CASE {branches} ELSE {ctx.lit(value.otherwise)} END)"
    return ctx.value(value, "s.bstart")


def _judge(std: Standard, v: str, ctx: PlanContext) -> tuple[str, str]:
    """(status, required) SQL of one standard over the measure value ``v``.

    ``required`` is the threshold (``at_least``, ``at_most``), the lower end (``between``) or
    the value (``about``, ``equal``); a bound not in force makes the standard not applicable.
    """
    if std.at_least is not None:
        req = _threshold(std.at_least, ctx)
        ok, bounds = f"{v} >= {req}", [req]
    elif std.at_most is not None:
        req = _threshold(std.at_most, ctx)
        ok, bounds = f"{v} <= {req}", [req]
    elif std.between is not None:
        lo, hi = ctx.value(std.between.min, "s.bstart"), ctx.value(std.between.max, "s.bstart")
        req, ok, bounds = lo, f"{v} BETWEEN {lo} AND {hi}", [lo, hi]
    elif std.about is not None:
        req = ctx.value(std.about.value, "s.bstart")
        tol = ctx.lit(float(std.about.tolerance))
        ok, bounds = f"abs({v} - {req}) <= {tol}", [req]
    else:
        assert std.equal is not None
        req = ctx.lit(float(std.equal))
        ok, bounds = f"abs({v} - {req}) < 1e-9", [req]
    missing = " OR ".join(f"({b}) IS NULL" for b in bounds)
    status = (
        f"CASE WHEN {missing} THEN 'not_applicable' WHEN ({v}) IS NULL THEN 'insufficient_data' "
        f"WHEN {ok} THEN 'pass' ELSE 'fail' END"
    )
    return status, req


def _combine(statuses: list[str], *, any_of: bool) -> str:
    """One status from the parts': any_of passes on one pass; all_of fails on one fail. Parts
    that cannot be judged are insufficient data unless the outcome is already decided."""

    def has(status: str) -> str:
        return " OR ".join(f"{x} = '{status}'" for x in statuses)

    every_na = " AND ".join(f"{x} = 'not_applicable'" for x in statuses)
    decided, other = ("pass", "fail") if any_of else ("fail", "pass")
    return (
        f"CASE WHEN {has(decided)} THEN '{decided}' WHEN {every_na} THEN 'not_applicable' "
        f"WHEN {has('insufficient_data')} THEN 'insufficient_data' ELSE '{other}' END"
    )


KIND = MeasureKind()
