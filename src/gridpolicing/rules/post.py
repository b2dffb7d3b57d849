"""``post``: a post people in a role must hold in their unit, by party membership."""

from __future__ import annotations

from typing import ClassVar, Literal, final

from pydantic import Field, model_validator

from gridpolicing.engine.context import PlanContext
from gridpolicing.model.vocabulary import Post, Role
from gridpolicing.policy.models import Period, RuleSpec, period_field
from gridpolicing.policy.values import Text
from gridpolicing.report.finding import Finding
from gridpolicing.rules._common import held_on, verdict

__all__ = ["KIND", "PostRule"]

# The Chinese names of the posts, for the zh sentence (as in :mod:`gridpolicing.model.vocabulary`).
_POST_ZH = {
    Post.deputy_party_secretary: "村(社区)党组织副书记",
    Post.director_assistant: "村(社区)主任助理",
    Post.community_deputy_director: "社区(居委会)副主任",
    Post.governance_deputy_director: "社区综治办副主任",
    Post.centre_deputy_director: "社区综治中心副主任",
    Post.petition_receptionist: "信访接待人员",
    Post.auxiliary_squad_leader: "专职社区辅警中队长",
}


class PostRule(RuleSpec):
    """People in a role hold a post in each unit they serve, chosen by party membership.

    A snapshot on the last day of each bucket: every assignment of the subject (narrowed to
    ``roles`` when given) that is active that day must list the required post in its ``posts``:
    ``party_member_post`` for party members, ``non_member_post`` for the others (membership from
    ``people``). Either may list several posts, any one of which will do (兼任副书记或副主任).
    With ``held: any_assignment`` the post is needed once, on one of those assignments (an
    officer registered at the office and holding the post in the community's own record), not
    on each. ``measured`` is 1 when the post is held as required, else 0; ``required`` is 1.
    A person with no assignment active on the last day, or whose membership has no required post,
    is ``not_applicable``. Example (Xindu 2022, 党员兼任副书记、非党员兼任主任助理)::

        - id: village-police-posts
          kind: post
          title:
            zh: 村警党员兼任村(社区)党组织副书记、非党员兼任主任助理
            en: >-
              Dispatched officers hold a village post (party members deputy secretary, others
              director assistant)
          severity: minor
          subject: {people: {roles: [dispatched_officer]}}
          period: month
          party_member_post: deputy_party_secretary
          non_member_post: director_assistant
          citation:
            source: xindu-2022
            clause: 改革篇·以党政推动解决融入不深问题
            quote: 党员民警兼任副书记为主、非党员民警兼任主任助理为辅
    """

    kind: Literal["post"]
    period: Period = period_field(Period.month)
    roles: list[Role] | None = Field(
        default=None,
        min_length=1,
        description="只看这些角色的任职(对象角色的子集;缺省为全部)。 Only assignments in these "
        "roles (a subset of the subject's; all when absent).",
        examples=[["dispatched_officer"]],
    )
    party_member_post: Post | list[Post] | None = Field(
        default=None,
        description="党员须兼任的职务,或职务列表中任一(兼任副书记)。 The post party members hold, "
        "or a list of posts, any one of them.",
        examples=["deputy_party_secretary"],
    )
    non_member_post: Post | list[Post] | None = Field(
        default=None,
        description="非党员须兼任的职务,或列表中任一(兼任主任助理)。 The post the others hold, or "
        "a list of posts, any one of them.",
        examples=["director_assistant", ["director_assistant", "community_deputy_director"]],
    )
    held: Literal["each_assignment", "any_assignment"] = Field(
        default="each_assignment",
        description="each_assignment:每个在任任职都须有该职务;any_assignment:其中一个即可。 "
        "each_assignment: on every active assignment; any_assignment: on one of them.",
        examples=["any_assignment"],
    )

    @model_validator(mode="after")
    def _check(self) -> PostRule:
        people = self.subject.people
        if people is None:
            raise ValueError("a post rule applies to people: use subject.people")
        if self.party_member_post is None and self.non_member_post is None:
            raise ValueError("expected party_member_post, non_member_post or both")
        if self.roles is not None and not set(self.roles) <= set(people.roles):
            raise ValueError("roles must be among subject.people.roles")
        for posts in (self.party_member_post, self.non_member_post):
            if isinstance(posts, list) and not posts:
                raise ValueError("a list of posts needs at least one post")
        return self


@final
class PostKind:
    """Plans and describes ``post`` rules."""

    name: ClassVar[str] = "post"
    spec: ClassVar[type[RuleSpec]] = PostRule
    # Judged on records and assignments held in the bucket, never on event logs: a bucket
    # that starts before the range needs no data from before it.
    reads_history: ClassVar[bool] = False

    def plan(self, rule: PostRule, ctx: PlanContext) -> str:
        """Check the posts of each assignment active on the bucket's last day."""
        roles = ""
        if rule.roles is not None:
            roles = f"AND a.role IN ({', '.join(ctx.lit(r.value) for r in rule.roles)})"
        member = ctx.lit(_posts(rule.party_member_post))
        other = ctx.lit(_posts(rule.non_member_post))
        # each_assignment: every active assignment holds the post; any_assignment: one does
        held = "bool_and" if rule.held == "each_assignment" else "bool_or"
        return f"""
        WITH s AS (SELECT * FROM {ctx.subjects(rule.period)}),
        chk AS (
          SELECT s.subject_type, s.subject_id, s.bucket, a.id, a.unit,
                 CASE WHEN p.party_member THEN {member} ELSE {other} END AS want,
                 list_has_any(coalesce(a.posts, []::VARCHAR[]),
                   CASE WHEN p.party_member THEN {member} ELSE {other} END) AS has
          FROM s
          JOIN ({ctx.assignments_sql(rule.subject)}) a
            ON a.person = s.subject_id AND {held_on("a", "s.bend")} {roles}
          JOIN people p ON p.id = a.person
        ),
        m AS (
          SELECT subject_type, subject_id, bucket, any_value(want) AS want,
                 {held}(coalesce(has, FALSE)) AS held, list(id) AS ids,
                 string_agg(unit, ', ' ORDER BY unit) FILTER (WHERE NOT coalesce(has, FALSE))
                   AS missing_in
          FROM chk GROUP BY ALL
        )
        SELECT s.subject_type, s.subject_id, s.bucket, s.bstart AS bucket_start,
               s.bend AS bucket_end,
               CASE WHEN m.want IS NULL THEN 'not_applicable'
                    WHEN m.held THEN 'pass' ELSE 'fail' END AS status,
               CASE WHEN m.want IS NULL THEN NULL WHEN m.held THEN 1 ELSE 0 END AS measured,
               CASE WHEN m.want IS NULL THEN NULL ELSE 1 END AS required,
               m.ids AS evidence,
               CASE WHEN m.want IS NOT NULL AND NOT m.held
                    THEN array_to_string(m.want, ' / ') || ' @ ' || m.missing_in END AS detail
        FROM s LEFT JOIN m USING (subject_type, subject_id, bucket)
        """

    def describe(self, rule: PostRule, finding: Finding) -> Text:
        """``does not hold deputy_party_secretary @ v1``; ``holds the required post``."""
        if finding.detail:
            zh_detail = finding.detail
            for post, words in _POST_ZH.items():
                zh_detail = zh_detail.replace(post.value, words)
            zh_detail = zh_detail.replace("{", "{{").replace("}", "}}")
            return verdict(
                finding, f"未兼任所需职务:{zh_detail}", "does not hold the required post: {detail}"
            )
        if finding.measured is None:
            return verdict(
                finding,
                "期末无在岗任职,或其身份无须兼任职务",
                "no assignment active at the end, or no post required of them",
            )
        return verdict(finding, "已兼任所需职务", "holds the required post")


def _posts(posts: Post | list[Post] | None) -> list[str] | None:
    """The posts any one of which will do, as ids (None when the membership needs none)."""
    if posts is None:
        return None
    return [p.value for p in (posts if isinstance(posts, list) else [posts])]


KIND = PostKind()
