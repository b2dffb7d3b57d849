"""``registration``: people in a role are entered in the register (登记造册) and filed (备案)."""

from __future__ import annotations

from typing import ClassVar, Literal, final

from pydantic import Field, model_validator

from gridpolicing.engine.context import PlanContext
from gridpolicing.policy.models import Period, RuleSpec, period_field
from gridpolicing.policy.values import Text
from gridpolicing.report.finding import Finding
from gridpolicing.rules._common import held_on, verdict

__all__ = ["KIND", "RegistrationRule"]


class RegistrationRule(RuleSpec):
    """Every assignment active on a bucket's last day is registered and/or filed.

    Reads the assignment's ``registered`` (登记造册), ``reported`` (报备, to the city) and
    ``filed`` (备案, with the province) flags. A person
    with several active assignments of the subject's roles needs the flags on each. ``measured``
    is 1 when all are in order, else 0 (``required`` 1); the detail names what is missing and
    where; a person with no assignment active at the bucket's end is ``not_applicable``.
    Example (Xinxiang 2016, 社区民警登记造册并备案)::

        - id: community-officers-registered
          kind: registration
          title:
            zh: 社区民警登记造册并向市局报备、向省厅备案
            en: Community officers are registered and filed with the city and province
          severity: major
          subject: {people: {roles: [community_officer]}}
          period: month
          require_registered: true
          require_reported: true
          require_filed: true
          citation:
            source: xinxiang-2016
            clause: 三(一)1
            quote: 公安分局对社区民警登记造册,向市公安局报备同时向省厅治安总队备案
    """

    kind: Literal["registration"]
    period: Period = period_field(Period.month)
    require_registered: bool = Field(
        default=True,
        description="须登记造册(任职的 registered)。 Registered (登记造册): the assignment's "
        "registered flag.",
        examples=[True],
    )
    require_reported: bool = Field(
        default=False,
        description="须向市局报备(任职的 reported)。 Reported to the city bureau (报备): the "
        "assignment's reported flag.",
        examples=[True],
    )
    require_filed: bool = Field(
        default=False,
        description="须向省厅备案(任职的 filed)。 Filed with the province (备案): the assignment's "
        "filed flag.",
        examples=[True],
    )

    @model_validator(mode="after")
    def _check(self) -> RegistrationRule:
        if self.subject.people is None:
            raise ValueError("a registration rule applies to people: use subject.people")
        if not (self.require_registered or self.require_reported or self.require_filed):
            raise ValueError("expected require_registered, require_reported or require_filed")
        return self


@final
class RegistrationKind:
    """Plans and describes ``registration`` rules."""

    name: ClassVar[str] = "registration"
    spec: ClassVar[type[RuleSpec]] = RegistrationRule
    # Judged on records and assignments held in the bucket, never on event logs: a bucket
    # that starts before the range needs no data from before it.
    reads_history: ClassVar[bool] = False

    def plan(self, rule: RegistrationRule, ctx: PlanContext) -> str:
        """Check the flags of each assignment active on the bucket's last day."""
        missing = []
        if rule.require_registered:
            missing.append("CASE WHEN NOT a.registered THEN 'registered' END")
        if rule.require_reported:
            missing.append("CASE WHEN NOT a.reported THEN 'reported' END")
        if rule.require_filed:
            missing.append("CASE WHEN NOT a.filed THEN 'filed' END")
        return f"""
        WITH s AS (SELECT * FROM {ctx.subjects(rule.period)}),
        chk AS (
          SELECT s.subject_type, s.subject_id, s.bucket, a.id, a.unit,
                 concat_ws('+', {", ".join(missing)}) AS lacks
          FROM s
          JOIN ({ctx.assignments_sql(rule.subject)}) a
            ON a.person = s.subject_id AND {held_on("a", "s.bend")}
        ),
        m AS (
          SELECT subject_type, subject_id, bucket, list(id ORDER BY id) AS ids,
                 string_agg(lacks || ' @ ' || unit, ', ' ORDER BY unit)
                   FILTER (WHERE lacks <> '') AS detail
          FROM chk GROUP BY subject_type, subject_id, bucket
        )
        SELECT s.subject_type, s.subject_id, s.bucket, s.bstart AS bucket_start,
               s.bend AS bucket_end,
               CASE WHEN m.ids IS NULL THEN 'not_applicable'
                    WHEN m.detail IS NULL THEN 'pass' ELSE 'fail' END AS status,
               CASE WHEN m.ids IS NULL THEN NULL WHEN m.detail IS NULL THEN 1 ELSE 0 END
                 AS measured,
               CASE WHEN m.ids IS NULL THEN NULL ELSE 1 END AS required,
               m.ids AS evidence, m.detail
        FROM s LEFT JOIN m USING (subject_type, subject_id, bucket)
        """

    def describe(self, rule: RegistrationRule, finding: Finding) -> Text:
        """``not filed @ c1`` / ``registered and filed``."""
        if finding.measured is None:
            return verdict(finding, "期末无在岗任职", "no assignment active at the end")
        if finding.detail:
            zh = (
                finding.detail.replace("registered", "未登记造册")
                .replace("reported", "未报备")
                .replace("filed", "未备案")
            )
            zh = zh.replace("{", "{{").replace("}", "}}")
            return verdict(finding, zh, "missing: {detail}")
        return verdict(finding, "已登记造册/备案", "registered and filed as required")


KIND = RegistrationKind()
