"""The zh/en sentence of an alert; a breach says exactly what batch evaluation's failure says."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gridpolicing.policy.values import Text
from gridpolicing.report.finding import Finding, Status
from gridpolicing.report.messages import fmt, message_for

if TYPE_CHECKING:
    from gridpolicing.monitor.state import Draft
    from gridpolicing.monitor.watchers import Watcher
    from gridpolicing.policy.document import Policy

__all__ = ["message"]


def message(policy: Policy, w: Watcher, d: Draft) -> Text:
    """The sentence for draft ``d`` of watcher ``w``."""
    rule = w.plan.rule
    units_subject = w.scope.units_subject
    if d.kind == "breached":
        finding = Finding(
            rule=rule.id,
            kind=rule.kind,
            severity=rule.severity,
            subject_type="unit" if units_subject else "person",
            subject_id=d.subject_id,
            bucket=d.bucket,
            bucket_start=d.bucket_start,
            bucket_end=d.bucket_end,
            status=Status.failed,
            measured=d.measured,
            required=d.required,
            evidence=d.evidence,
            detail=d.detail,
            citation=rule.citation,
        )
        return message_for(policy, rule, finding)
    who_zh = f"{'单位' if units_subject else '人员'} {d.subject_id}"
    who_en = f"{'unit' if units_subject else 'person'} {d.subject_id}"
    if d.kind == "violation":
        return Text(
            zh=f"[违规] {who_zh},{d.bucket}:{rule.title.zh}:{d.detail}",
            en=f"[violation] {who_en}, {d.bucket}: {rule.title.en}: {d.detail}",
        )
    zh_unit, en_unit = w.unit_words()
    have, need = fmt(d.measured), fmt(d.required)
    head_zh, head_en = f"[预警] {who_zh},{d.bucket}", f"[at risk] {who_en}, {d.bucket}"
    reason = d.reason or ""
    if reason.startswith("pace"):
        at = reason.rsplit(" by ", 1)[-1]
        pct = reason.split(" ", 1)[1].split(" ", 1)[0]
        return Text(
            zh=f"{head_zh}:截至 {at} 完成 {have} {zh_unit},落后于进度(应完成 {pct},"
            f"全期要求不少于 {need} {zh_unit})",
            en=f"{head_en}: {have} {en_unit} by {at}, behind the pace of {pct} "
            f"(at least {need} {en_unit} required)",
        )
    if d.detail and d.detail.startswith("sensitive"):
        return Text(
            zh=f"{head_zh}:敏感时期有日期无记录,本期已无法达标(要求每天一次)",
            en=f"{head_en}: a sensitive day passed without a record; the bucket can no longer "
            "be met (one a day required)",
        )
    return Text(
        zh=f"{head_zh}:已完成 {have} {zh_unit},剩余时间内已无法达到 {need} {zh_unit}",
        en=f"{head_en}: {have} {en_unit} so far; {need} {en_unit} can no longer be reached "
        "in the time left",
    )
