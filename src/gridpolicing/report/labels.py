"""Every label of the HTML and Excel reports, in Chinese and English, in one place."""

from __future__ import annotations

from typing import Final

from gridpolicing.policy.values import Text

__all__ = ["LABELS", "LANGS", "label", "labels"]

LANGS: Final = ("zh", "en")

LABELS: Final[dict[str, Text]] = {
    # the page and its sections
    "report": Text(zh="考核评估报告", en="Evaluation report"),
    "summary": Text(zh="概要", en="Summary"),
    "policy": Text(zh="政策", en="Policy"),
    "jurisdiction": Text(zh="辖区", en="Jurisdiction"),
    "content_hash": Text(zh="内容哈希", en="Content hash"),
    "period": Text(zh="期间", en="Period"),
    "dataset": Text(zh="数据集", en="Dataset"),
    "calendar_note": Text(
        zh="期间部分超出官方节假日历,该部分按周一至周五为工作日计算",
        en="Part of the period is outside the official holiday calendar; Monday-Friday was "
        "used as working days there",
    ),
    "tables": Text(zh="数据表", en="Tables"),
    "table": Text(zh="表", en="Table"),
    "read": Text(zh="读取", en="Read"),
    "used": Text(zh="采用", en="Used"),
    "rejected": Text(zh="拒收", en="Rejected"),
    "rejected_records": Text(
        zh="拒收的输入记录(未参与评估)", en="Rejected input records (not used)"
    ),
    "file": Text(zh="文件", en="File"),
    "row": Text(zh="行", en="Row"),
    "field": Text(zh="字段", en="Field"),
    "findings": Text(zh="评估结果", en="Findings"),
    "status": Text(zh="结果", en="Status"),
    "severity": Text(zh="严重程度", en="Severity"),
    "critical": Text(zh="严重", en="critical"),
    "major": Text(zh="重要", en="major"),
    "minor": Text(zh="一般", en="minor"),
    "period_warnings": Text(zh="期间警告", en="Period warnings"),
    "without_findings": Text(
        zh="本期间没有结果的规则(既未合格也未不合格,原因见 JSON 报告 skipped_rules)",
        en="Rules without a finding in the period (neither passed nor failed; the JSON "
        "report's skipped_rules say why)",
    ),
    "unevaluated": Text(zh="未评估的时段", en="Buckets not judged"),
    "not_in_force": Text(zh="规则未生效", en="rule not in force"),
    "data_missing": Text(
        zh="该时段首日之前无数据", en="no data before the period for the bucket's first days"
    ),
    "by_station": Text(zh="各派出所情况", en="By station"),
    "by_unit": Text(zh="各村(社区)、网格情况", en="By village, community or grid"),
    "station": Text(zh="派出所", en="Station"),
    "no_station": Text(zh="(无所属派出所)", en="(no station)"),
    "unit": Text(zh="单位", en="Unit"),
    "no_unit": Text(zh="(无所属单位)", en="(no unit)"),
    "units": Text(zh="单位数", en="Units"),
    "failing_units": Text(zh="有未通过的单位", en="Units failing"),
    "unit_type": Text(zh="类型", en="Type"),
    "failures": Text(zh="未通过", en="Failures"),
    "failures_by_rule": Text(zh="未通过:按规则", en="Failures by rule"),
    "failures_by_unit": Text(zh="未通过:按单位", en="Failures by unit"),
    "no_failures": Text(zh="本期间没有未通过的结果。", en="No finding failed in this period."),
    "rule": Text(zh="规则", en="Rule"),
    "title": Text(zh="名称", en="Title"),
    "clause": Text(zh="条款原文", en="Clause"),
    "source": Text(zh="依据", en="Source"),
    "subject": Text(zh="对象", en="Subject"),
    "subject_type": Text(zh="对象类型", en="Subject type"),
    "subject_id": Text(zh="对象编号", en="Subject id"),
    "name": Text(zh="名称/姓名", en="Name"),
    "bucket": Text(zh="时段", en="Bucket"),
    "bucket_start": Text(zh="起", en="Start"),
    "bucket_end": Text(zh="止", en="End"),
    "measured": Text(zh="实际", en="Measured"),
    "required": Text(zh="要求", en="Required"),
    "message": Text(zh="说明", en="Message"),
    "evidence": Text(zh="依据记录", en="Evidence"),
    "more_rows": Text(
        zh="另有 {n} 条未列出,完整清单见 Excel 或 JSON 报告",
        en="{n} more not listed here: the Excel or JSON report has them all",
    ),
    "chart": Text(zh="各规则按月未通过数", en="Failures by rule and month"),
    "chart_note": Text(
        zh="按时段结束日所在月份计;柱上数字为未通过数",
        en="counted by the month in which the bucket ends; the number above a bar is its count",
    ),
    "rankings": Text(zh="考核排名", en="Assessment rankings"),
    "rollup": Text(zh="汇总", en="Roll-up"),
    "rank": Text(zh="名次", en="Rank"),
    "person": Text(zh="姓名", en="Name"),
    "id": Text(zh="编号", en="Id"),
    "total": Text(zh="总分", en="Total"),
    "score": Text(zh="得分", en="Score"),
    "grade": Text(zh="等次", en="Grade"),
    "vetoes": Text(zh="否决", en="Vetoes"),
    "consequences": Text(zh="奖惩", en="Consequences"),
    "scheme": Text(zh="考核方案", en="Scheme"),
    "tie": Text(zh="并列", en="tie"),
    "person_type": Text(zh="人员", en="person"),
    "unit_type_word": Text(zh="单位", en="unit"),
    "generated_by": Text(
        zh="由 gridpolicing 生成;同一政策、数据与期间得到同一报告",
        en="Made by gridpolicing; the same policy, data and period give the same report",
    ),
}
"""Labels by key; templates and the Excel writer look them up with :func:`labels`."""


def label(key: str, lang: str) -> str:
    """The label ``key`` in ``lang``."""
    return LABELS[key].get(lang)


def labels(lang: str) -> dict[str, str]:
    """Every label in ``lang``, for a template."""
    return {k: v.get(lang) for k, v in LABELS.items()}
