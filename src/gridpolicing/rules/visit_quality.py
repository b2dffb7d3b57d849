"""``visit_quality``: minimums every visit must meet (households, services, work log, photo)."""

from __future__ import annotations

from typing import ClassVar, Literal, final

from pydantic import Field, model_validator

from gridpolicing.engine.context import PlanContext
from gridpolicing.model.vocabulary import ActivityKind
from gridpolicing.policy.models import Period, RuleSpec, period_field
from gridpolicing.policy.values import Text, Value
from gridpolicing.report.finding import Finding
from gridpolicing.rules._common import held_on, verdict

__all__ = ["KIND", "VisitQualityRule"]

_SHOWN = 3
"""How many offending visits the detail names; the evidence still lists every record."""

# Detail tokens written by the SQL, rendered per language by ``describe``.
_ZH = {"households": "入户", "services": "实事", "no_log": "无工作日志", "no_photo": "无工作照片"}
_EN = {
    "households": "households",
    "services": "services",
    "no_log": "no work log",
    "no_photo": "no photo",
}


class VisitQualityRule(RuleSpec):
    """Every visit in the period meets the per-visit minimums.

    With ``per: day`` (the default) a visit is one person's working day in one unit: all their
    activities (of ``activity_kinds``, all kinds when absent) starting that day in that unit,
    because the texts speak of "每次到村工作" (each trip to the village), not of each log entry.
    Households and services are summed over the visit; it needs at least one record with a work
    log and one with a photo. With ``per: activity`` every record is a visit of its own.
    A person's visits are those in units they are assigned to on that day; a unit's visits are
    everyone's in it. The bucket fails when any visit misses a minimum (``measured`` = number of
    such visits, ``required`` = 0) and is ``not_applicable`` without visits. Minimums are taken
    as in force on the bucket's first day. Example (Xinjin 2022, 入户走访制度)::

        - id: visit-households-service
          kind: visit_quality
          title:
            zh: 包村民警每次进村入户不少于5户、办一次实事
            en: Each village visit covers at least 5 households and one practical service
          severity: major
          subject: {people: {roles: [village_contact_officer]}}
          period: month
          per: day
          min_households: 5
          min_services: 1
          citation:
            source: xinjin-2022
            clause: 创新工作机制·落实入户走访制度
            quote: 包村民警每次到村(社区)工作上门入户不少于5户,办一次实事
    """

    kind: Literal["visit_quality"]
    period: Period = period_field()
    per: Literal["day", "activity"] = Field(
        default="day",
        description="day:一人一天在一个单位的全部记录为一次走访(每次到村工作);activity:每条记录一"
        "次。 day: a visit is a person's day in a unit; activity: each record is one.",
        examples=["activity"],
    )
    activity_kinds: list[ActivityKind] | None = Field(
        default=None,
        min_length=1,
        description="只由这些类别的工作日志构成走访(缺省为全部)。 Only these kinds make up visits "
        "(all when absent).",
        examples=[["household_visit"]],
    )
    min_households: Value[int] | None = Field(
        default=None,
        description="每次走访至少入户数。 At least this many households visited per visit.",
        examples=[5],
    )
    min_services: Value[int] | None = Field(
        default=None,
        description="每次走访至少办理的实事数。 At least this many services done per visit.",
        examples=[1],
    )
    require_work_log: bool = Field(
        default=False,
        description="每次走访须至少有一条带工作日志的记录。 Each visit needs a record with a work "
        "log.",
        examples=[True],
    )
    require_photo: bool = Field(
        default=False,
        description="每次走访须至少有一条带照片的记录。 Each visit needs a record with a photo.",
        examples=[True],
    )

    @model_validator(mode="after")
    def _some_minimum(self) -> VisitQualityRule:
        if (
            self.min_households is None
            and self.min_services is None
            and not self.require_work_log
            and not self.require_photo
        ):
            raise ValueError(
                "expected at least one of min_households, min_services, require_work_log, "
                "require_photo"
            )
        return self


def _visits(rule: VisitQualityRule, ctx: PlanContext) -> str:
    """Relation ``person, unit, day, households, services, with_log, with_photo`` and the
    records: ``ids`` (a list, per day) or ``id`` (per activity)."""
    kinds = ""
    if rule.activity_kinds:
        kinds = f"AND kind IN ({', '.join(ctx.lit(k.value) for k in rule.activity_kinds)})"
    if rule.per == "day":
        # The shared aggregate holds exactly the per-day sums a day-visit needs (a visit is on
        # the day its records start).
        return f"""SELECT person, unit, day, sum(households) AS households,
                          sum(services) AS services, sum(with_log) AS with_log,
                          sum(with_photo) AS with_photo,
                          flatten(list({ctx.ids("d")})) AS ids
                   FROM {ctx.activity_daily} d WHERE TRUE {kinds} GROUP BY person, unit, day"""
    return f"""SELECT person, unit, CAST(start AS DATE) AS day, households_visited AS households,
                      services_done AS services, has_work_log::INTEGER AS with_log,
                      has_photo::INTEGER AS with_photo, id
               FROM activities
               WHERE CAST(start AS DATE) BETWEEN {ctx.lit(ctx.window.reads_from)}
                                             AND {ctx.lit(ctx.range.end)} {kinds}"""


@final
class VisitQualityKind:
    """Plans and describes ``visit_quality`` rules."""

    name: ClassVar[str] = "visit_quality"
    spec: ClassVar[type[RuleSpec]] = VisitQualityRule

    def plan(self, rule: VisitQualityRule, ctx: PlanContext) -> str:
        """Check each visit against the minimums; count and list the ones that miss."""
        if rule.subject.people is not None:
            # Only visits to a unit the person is assigned to on that very day.
            mine = f"""v.person = q.subject_id AND EXISTS (
                SELECT 1 FROM ({ctx.assignments_sql(rule.subject)}) a
                WHERE a.person = v.person AND a.unit = v.unit
                  AND {held_on("a", "v.day")})"""
            who = "v.unit"
        else:
            mine = "v.unit = q.subject_id"
            who = "v.person"
        hh = (
            ctx.value(rule.min_households, "s.bstart")
            if rule.min_households is not None
            else "NULL"
        )
        sv = ctx.value(rule.min_services, "s.bstart") if rule.min_services is not None else "NULL"
        log, photo = ctx.lit(rule.require_work_log), ctx.lit(rule.require_photo)
        # a day's records come as a list; a single activity as its id
        records, evidence = (
            ("v.ids", "flatten(list(ids))") if rule.per == "day" else ("v.id", "list(id)")
        )
        return f"""
        WITH s AS (SELECT * FROM {ctx.subjects(rule.period)}),
        q AS (SELECT s.*, {hh}::BIGINT AS min_hh, {sv}::BIGINT AS min_sv FROM s),
        v AS ({_visits(rule, ctx)}),
        chk AS (
          SELECT q.subject_type, q.subject_id, q.bucket, v.day, {records}, {who} AS who,
                 -- concat_ws skips NULLs: an empty string means nothing is lacking.
                 concat_ws(', ',
                   CASE WHEN v.households < q.min_hh
                        THEN 'households ' || v.households || '<' || q.min_hh END,
                   CASE WHEN v.services < q.min_sv
                        THEN 'services ' || v.services || '<' || q.min_sv END,
                   CASE WHEN {log} AND v.with_log = 0 THEN 'no_log' END,
                   CASE WHEN {photo} AND v.with_photo = 0 THEN 'no_photo' END) AS lacks
          FROM q JOIN v ON v.day BETWEEN q.bstart AND q.bend AND {mine}
        ),
        n AS (
          SELECT subject_type, subject_id, bucket, count(*) AS visits FROM chk GROUP BY ALL
        ),
        -- the words are built for the visits that miss a minimum only
        b AS (
          SELECT subject_type, subject_id, bucket, count(*) AS bad,
                 {evidence} AS ids,
                 list(strftime(day, '%Y-%m-%d') || ' ' || who || ': ' || lacks
                      ORDER BY day, who) AS shown
          FROM chk WHERE lacks <> '' GROUP BY ALL
        ),
        m AS (
          SELECT n.subject_type, n.subject_id, n.bucket, n.visits, coalesce(b.bad, 0) AS bad,
                 b.ids, b.shown
          FROM n LEFT JOIN b USING (subject_type, subject_id, bucket)
        )
        SELECT q.subject_type, q.subject_id, q.bucket, q.bstart AS bucket_start,
               q.bend AS bucket_end,
               CASE WHEN m.visits IS NULL
                         OR (q.min_hh IS NULL AND q.min_sv IS NULL AND NOT {log} AND NOT {photo})
                    THEN 'not_applicable'
                    WHEN m.bad = 0 THEN 'pass' ELSE 'fail' END AS status,
               CASE WHEN m.visits IS NULL THEN NULL ELSE m.bad END AS measured,
               0 AS required, m.ids AS evidence,
               array_to_string(m.shown[1:{_SHOWN}], '; ')
                 || CASE WHEN m.bad > {_SHOWN} THEN '; …+' || (m.bad - {_SHOWN})
                         ELSE '' END AS detail
        FROM q LEFT JOIN m USING (subject_type, subject_id, bucket)
        """

    def describe(self, rule: VisitQualityRule, finding: Finding) -> Text:
        """``2 visits missed a minimum: 2022-03-07 c1: households 4<5, no photo``."""
        zh_detail = en_detail = finding.detail or ""
        for token in ("no_log", "no_photo", "households", "services"):
            zh_detail = zh_detail.replace(token, _ZH[token])
            en_detail = en_detail.replace(token, _EN[token])
        # verdict() formats the sentence, so braces in the detail must be escaped.
        zh_detail = zh_detail.replace("{", "{{").replace("}", "}}")
        en_detail = en_detail.replace("{", "{{").replace("}", "}}")
        what = "按日计" if rule.per == "day" else "按每条记录计"
        what_en = "per day in a unit" if rule.per == "day" else "per activity record"
        zh = f"{{measured}} 次走访({what})未达每次走访要求"
        en = f"{{measured}} visits ({what_en}) missed a per-visit minimum"
        if zh_detail:
            zh += f":{zh_detail}"
            en += f": {en_detail}"
        return verdict(finding, zh, en)


KIND = VisitQualityKind()
