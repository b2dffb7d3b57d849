"""Chinese names of the dataset's tables and columns, as a workbook (Excel, WPS) may head them.

A sheet named ``人员`` is the table ``people``; a header cell ``姓名`` on it is the column
``name``. Each table and column may have several names (the first is the one the documentation
shows); a name means one table, or one column of its table, and never another's English name
(tests/model/test_aliases.py holds that). English names always work too. The dataset format
reference (docs/dataset-format.md) is generated from these tables.
"""

from __future__ import annotations

from typing import Final

__all__ = ["COLUMN_ALIASES", "TABLE_ALIASES", "column_names", "table_names"]

TABLE_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "units": ("单位", "单位与辖区", "辖区"),
    "people": ("人员", "人员名单"),
    "assignments": ("任职", "分包", "任职与分包"),
    "activities": ("工作日志", "日志", "活动"),
    "meetings": ("会议",),
    "reports": ("报告",),
    "tasks": ("任务", "任务与抽调", "抽调"),
    "incidents": ("事件", "违纪与案件"),
    "surveys": ("满意度调查", "调查"),
    "funding": ("经费",),
    "checklists": ("设施清单", "清单"),
    "assessor_scores": ("考核评分", "评分"),
    "duty_roster": ("排班", "排班表"),
    "sign_ins": ("签到", "签到签退"),
    "sensitive_periods": ("敏感时期", "重大节日"),
}
"""Table -> its Chinese sheet names."""

# Columns of the same meaning in many tables are named alike; a table's own entry overrides.
_COMMON: Final[dict[str, tuple[str, ...]]] = {
    "id": ("编号", "编码"),
    "name": ("名称",),
    "person": ("人员", "人员编号"),
    "unit": ("单位", "单位编号"),
    "kind": ("类型", "种类"),
    "date": ("日期",),
    "tags": ("标签",),
    "start": ("开始日期", "开始"),
    "end": ("结束日期", "结束"),
}
_DAY_TIMES: Final[dict[str, tuple[str, ...]]] = {
    "start": ("开始时间", "开始"),
    "end": ("结束时间", "结束"),
}

_OWN: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "units": {
        "type": ("单位类型", "类型"),
        "parent": ("上级单位", "上级"),
        "station": ("所属派出所", "派出所"),
        "office": ("所属警务室", "警务室"),
        "street": ("所属街道", "街道", "乡镇"),
        "area": ("城乡",),
        "category": ("类别",),
        "population": ("实有人口", "人口"),
        "households": ("户数",),
        "rental_rooms": ("出租房屋", "出租房屋间数"),
        "model_since": ("示范命名日期",),
    },
    "people": {
        "name": ("姓名",),
        "home_unit": ("编制单位", "所属单位"),
        "party_member": ("党员", "是否党员"),
        "rank": ("职务层级", "职级"),
        "hire_date": ("参加工作日期", "入职日期", "参加公安工作时间"),
    },
    "assignments": {
        "role": ("角色", "岗位"),
        "employment": ("用工方式", "专兼职"),
        "concurrent": ("兼任", "是否兼任"),
        "posts": ("兼任职务", "职务"),
        "registered": ("登记造册",),
        "reported": ("报备",),
        "filed": ("备案",),
        "end_reason": ("离任原因", "调整原因"),
    },
    "activities": {
        **_DAY_TIMES,
        "subkind": ("子类型", "细类"),
        "households_visited": ("走访户数",),
        "services_done": ("服务次数",),
        "quantity": ("数量",),
        "has_work_log": ("有工作日志", "工作日志"),
        "has_photo": ("有照片", "照片"),
        "hazards_found": ("发现隐患", "发现隐患数"),
        "hazards_rectified": ("整改隐患", "整改隐患数"),
    },
    "meetings": {"attendees": ("参会人员", "参会人")},
    "reports": {"author": ("报告人", "作者"), "recipient": ("接收单位", "报送单位")},
    "tasks": {"reason": ("原因", "事由")},
    "incidents": {"note": ("备注", "说明"), "resolved": ("解决日期", "办结日期")},
    "surveys": {"respondents": ("受访人数", "调查人数"), "satisfied": ("满意人数",)},
    "funding": {"source": ("来源", "经费来源"), "amount_cny": ("金额", "金额（元）")},
    "checklists": {
        "item": ("项目", "设施"),
        "present": ("具备", "是否具备"),
        "checked_on": ("检查日期",),
    },
    "assessor_scores": {
        "assessor": ("评分主体", "考核主体"),
        "assessor_unit": ("评分单位",),
        "item": ("考核项目", "项目"),
        "score": ("分数", "得分"),
    },
    "duty_roster": {
        **_DAY_TIMES,
        "shift": ("班次",),
        "leave": ("请假",),
        "leave_approved": ("请假已批准", "假已批"),
        "swapped_with": ("顶班人员", "换班人员"),
        "swap_approved": ("换班已批准",),
    },
    "sign_ins": {
        "at": ("时间", "签到时间"),
        "kind": ("签到类型", "类型"),
        "by": ("代签人", "操作人"),
    },
    "sensitive_periods": {},
}

COLUMN_ALIASES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    table: {**_COMMON, **own} for table, own in _OWN.items()
}
"""Table -> column -> its Chinese header names (a column a table does not have is ignored)."""


def table_names() -> dict[str, str]:
    """Every name a sheet may have (the table's own and its Chinese names) -> the table."""
    names = {t: t for t in TABLE_ALIASES}
    names.update({alias: t for t, aliases in TABLE_ALIASES.items() for alias in aliases})
    return names


def column_names(table: str, fields: list[str]) -> dict[str, str]:
    """Every name a header cell of ``table`` may have -> the column, for its ``fields``."""
    names = {f: f for f in fields}
    own = COLUMN_ALIASES.get(table, {})
    names.update({alias: f for f in fields for alias in own.get(f, ())})
    return names
