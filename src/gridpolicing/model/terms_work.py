"""Built-in terms of the vocabularies of work: activities, meetings, reports, tasks, incidents."""

from __future__ import annotations

from typing import Final

from gridpolicing.model.vocabulary import (
    ActivityKind,
    EndReason,
    IncidentKind,
    MeetingKind,
    ReportKind,
    TaskKind,
    TaskReason,
    Term,
)

__all__ = [
    "ACTIVITY_KINDS",
    "END_REASONS",
    "INCIDENT_KINDS",
    "MEETING_KINDS",
    "REPORT_KINDS",
    "TASK_KINDS",
    "TASK_REASONS",
]

_A = ActivityKind
ACTIVITY_KINDS: Final = (
    Term(
        _A.household_visit.value,
        "入户走访",
        "household visit",
        "进入居民家中或单位了解情况、宣传、服务。",
        "Calling at a household or premises to learn the situation, inform and serve.",
    ),
    Term(
        _A.patrol.value,
        "巡逻",
        "patrol",
        "在辖区内巡查守护。",
        "Patrolling the area.",
    ),
    Term(
        _A.dispute_screening.value,
        "矛盾纠纷排查",
        "dispute screening",
        "主动摸排可能激化的矛盾纠纷和不稳定因素。",
        "Seeking out disputes and sources of instability before they escalate.",
    ),
    Term(
        _A.mediation.value,
        "纠纷调解/化解",
        "mediation",
        "调处、化解已发生的矛盾纠纷。",
        "Settling a dispute that has arisen.",
    ),
    Term(
        _A.publicity.value,
        "宣传",
        "publicity",
        "法治和安全防范宣传(防诈骗、禁毒、交通、防火等)。",
        "Teaching law and prevention: fraud, drugs, traffic, fire and the like.",
    ),
    Term(
        _A.safety_inspection.value,
        "安全检查",
        "safety inspection",
        "对单位、场所和重点部位的治安安全检查。",
        "A public-security inspection of premises, venues and key sites.",
    ),
    Term(
        _A.security_briefing.value,
        "通报治安情况",
        "security briefing",
        "向村(社区)干部群众通报辖区治安情况。",
        "Briefing the village or community on the local public-order situation.",
    ),
    Term(
        _A.practical_service.value,
        "办实事/上门服务",
        "practical service",
        "为群众办实事、做好事,上门办证送证等服务。",
        "Practical help for residents, such as issuing documents at their door.",
    ),
    Term(
        _A.check_in.value,
        "签到/打卡",
        "check-in",
        "在设定的考核点位签到打卡,证明到岗。",
        "Checking in at a set point, to show the person was there.",
    ),
    Term(
        _A.information_entry.value,
        "基础信息采集录入",
        "basic information entry",
        "采集并录入人、地、物、事、组织等基础信息。",
        "Collecting and entering basic records of people, places, things, events and "
        "organisations.",
    ),
    Term(
        _A.information_collection.value,
        "情报信息收集",
        "intelligence gathering",
        "收集、上报涉稳和违法犯罪的情报信息。",
        "Gathering and reporting intelligence on threats to stability and on crime.",
    ),
    Term(
        _A.opinion_survey.value,
        "社情民意调查",
        "opinion survey",
        "调查群众对治安和公安工作的看法与满意度。",
        "Asking residents what they think of public order and police work.",
    ),
    Term(
        _A.suggestion_collection.value,
        "收集意见建议",
        "collecting suggestions",
        "征集群众对公安和社区工作的意见建议。",
        "Collecting residents' suggestions for the police and the community.",
    ),
    Term(
        _A.population_registration.value,
        "实有人口登记",
        "population registration",
        "登记、核实实有人口(常住人口和流动人口)。",
        "Registering and verifying the actual population, residents and migrants alike.",
    ),
    Term(
        _A.special_population_service.value,
        "特殊人群帮教",
        "special-group support",
        "对社区矫正、刑满释放、吸毒等特殊人群的帮扶教育和管控。",
        "Supporting and supervising special groups: people under community correction, released "
        "prisoners, drug users.",
    ),
    Term(
        _A.petition_reception.value,
        "信访接待",
        "petition reception",
        "接待群众来信来访并转办。",
        "Receiving residents' petitions, letters and visits, and passing them on.",
    ),
    Term(
        _A.case_assistance.value,
        "协助查处案件",
        "case assistance",
        "配合办案部门查处案件(区别于自己承办案件)。",
        "Helping the investigating unit with a case (not handling it oneself).",
    ),
    Term(
        _A.guidance.value,
        "业务培训指导",
        "training and guidance",
        "社区民警对辅警、包村民警的业务培训和指导。",
        "The community officer training and guiding auxiliaries and village contact officers.",
    ),
    Term(
        _A.patrol_organisation.value,
        "组织群防巡逻",
        "organising patrols",
        "组织联防队员、志愿者等群防群治力量巡逻。",
        "Organising patrols by the mass prevention forces: joint-defence members, volunteers.",
    ),
    Term(
        _A.fire_safety.value,
        "消防安全检查/培训",
        "fire safety",
        "消防安全检查或消防培训、演练。",
        "A fire-safety inspection, training or drill.",
    ),
)

_M = MeetingKind
MEETING_KINDS: Final = (
    Term(
        _M.party_committee_thematic.value,
        "党委会专题研究",
        "Party committee session",
        "党委(党组)会议专题研究社区警务工作。",
        "A Party committee meeting devoted to community policing.",
    ),
    Term(
        _M.weekly_briefing.value,
        "每周碰头会",
        "weekly briefing",
        "社区每周召开的碰头会,交流日常工作、解决突发问题(南京)。",
        "The community's weekly meeting on day-to-day work and sudden problems (Nanjing).",
    ),
    Term(
        _M.semi_monthly_meeting.value,
        "每半月综治警务工作例会",
        "fortnightly governance meeting",
        "社区每半月召开的综治警务例会,听取社情民意、分析形势(南京)。",
        "The community's fortnightly governance-and-policing meeting: residents' views, the "
        "situation (Nanjing).",
    ),
    Term(
        _M.monthly_joint_meeting.value,
        "每月联席会",
        "monthly joint meeting",
        "街镇综治办每月召集各社区综治办、派出所、司法所参加的联席会(南京)。",
        "The street's monthly joint meeting of community governance offices, the station and the "
        "judicial office (Nanjing).",
    ),
    Term(
        _M.village_council.value,
        "村(社区)议事会",
        "village council",
        "村(社区)议事会议;包村民警参加并通报治安情况(新津)。",
        "The village or community council, which the contact officer attends to brief on "
        "security (Xinjin).",
    ),
    Term(
        _M.police_community_forum.value,
        "警民恳谈会",
        "police-community forum",
        "民警与群众面对面座谈、听取意见。",
        "A face-to-face talk between officers and residents.",
    ),
    Term(
        _M.yard_meeting.value,
        "坝坝会",
        "yard meeting",
        "在院坝等露天场所召开的群众会(四川说法)。",
        "An open-air meeting of residents in a yard or village square (a Sichuan usage).",
    ),
)

_R = ReportKind
REPORT_KINDS: Final = (
    Term(
        _R.work_report.value,
        "工作情况报告",
        "work report",
        "向主管单位报告本人的工作情况。",
        "A report on one's own work to the unit in charge.",
    ),
    Term(
        _R.village_work_report.value,
        "包村工作情况报告",
        "village work report",
        "包村民警向派出所或原单位报告包村工作情况。",
        "A village contact officer's report on their village work to the station or home unit.",
    ),
    Term(
        _R.summary.value,
        "工作总结",
        "summary",
        "阶段或年度工作总结。",
        "A summary of a period's or a year's work.",
    ),
    Term(
        _R.situation_report.value,
        "汇总报告/情况报告",
        "situation report",
        "汇总辖区情况向上级报告。",
        "A report gathering the area's situation for a higher unit.",
    ),
    Term(
        _R.zero_report.value,
        "零报告",
        "zero report",
        "无情况也按期报告“无”(零报告制度)。",
        "A report made on schedule even when there is nothing to report (零报告制度).",
    ),
)

_T = TaskKind
TASK_KINDS: Final = (
    Term(
        _T.crime_fighting_quota.value,
        "打击处理任务/打处指标",
        "crime-fighting quota",
        "下达的刑事打击、治安处罚数量指标。",
        "A quota of criminal arrests or administrative penalties to achieve.",
    ),
    Term(
        _T.case_investigation.value,
        "刑事、治安案件查处",
        "case investigation",
        "承办刑事或治安案件的侦查、查处。",
        "Handling the investigation of a criminal or public-order case.",
    ),
    Term(
        _T.station_daytime_duty.value,
        "派出所白天值班备勤",
        "station daytime duty",
        "在派出所白天值班或备勤。",
        "Daytime duty or standby at the station.",
    ),
    Term(
        _T.non_community_work.value,
        "非社区警务工作",
        "non-community work",
        "安排的任何非社区警务工作。",
        "Any assigned work that is not community policing.",
    ),
    Term(
        _T.surprise_operation.value,
        "突击行动",
        "surprise operation",
        "临时抽调参加的集中整治、专项行动等突击性任务。",
        "A concentrated operation or crackdown for which the person is drawn off at short notice.",
    ),
    Term(
        _T.law_enforcement.value,
        "直接参与公安执法",
        "law enforcement",
        "直接参与公安执法活动(辅警和其他人员无此权限)。",
        "Taking part directly in police law enforcement (auxiliaries and civilians have no such "
        "powers).",
    ),
)

_E = EndReason
END_REASONS: Final = (
    Term(
        _E.promotion.value,
        "职务晋升",
        "promotion",
        "因晋升职务离开原岗位。",
        "Left the post on promotion to a higher post.",
    ),
    Term(
        _E.approved_transfer.value,
        "经批准调整",
        "approved transfer",
        "经有权机关批准并留有记录的调整(如报分局审批同意)。",
        "Moved with a recorded approval of the body entitled to give it (e.g. the sub-bureau).",
    ),
    Term(
        _E.retirement.value,
        "退休",
        "retirement",
        "到龄退休或提前退休。",
        "Retired, at the age or early.",
    ),
    Term(
        _E.leave_service.value,
        "离职",
        "left the service",
        "辞职、辞退、开除等离开公安队伍。",
        "Left the police: resigned, dismissed or discharged.",
    ),
    Term(
        _E.reassignment.value,
        "其他调整",
        "other reassignment",
        "未经专门批准的一般调整。",
        "Moved without a specific approval.",
    ),
)

_W = TaskReason
TASK_REASONS: Final = (
    Term(
        _W.disaster_relief.value,
        "抢险救灾",
        "disaster relief",
        "抢险救灾需要的临时抽调。",
        "Drawn off for rescue and disaster relief.",
    ),
    Term(
        _W.major_emergency.value,
        "重大突发案事件",
        "major emergency",
        "处置重大突发案件或事件。",
        "Drawn off to handle a major sudden case or incident.",
    ),
    Term(
        _W.major_security_duty.value,
        "重要安保任务",
        "major security duty",
        "重大活动、重要时期的安保任务。",
        "Security for a major event or sensitive period.",
    ),
    Term(
        _W.own_area_case.value,
        "与本责任区有关联的案件",
        "case linked to own area",
        "与本人责任区有关联的案件。",
        "A case linked to the person's own responsibility area.",
    ),
    Term(
        _W.routine.value,
        "日常安排",
        "routine",
        "日常工作安排,不属任何豁免理由。",
        "Ordinary scheduling, not one of the named exemptions.",
    ),
)

_I = IncidentKind
INCIDENT_KINDS: Final = (
    Term(
        _I.accepted_hospitality.value,
        "接受公费招待",
        "accepted hospitality",
        "接受村(社区)、派出所的公费招待(新津“四不准”)。",
        "Accepting hospitality paid by the village, community or station (Xinjin's four "
        "prohibitions).",
    ),
    Term(
        _I.claimed_reimbursement.value,
        "报销费用",
        "claimed reimbursement",
        "以任何理由到村(社区)、派出所报销费用。",
        "Claiming any expense from the village, community or station, for whatever reason.",
    ),
    Term(
        _I.partial_conduct.value,
        "倾向性不公行为",
        "partial conduct",
        "偏袒一方、有失公正的行为。",
        "Conduct that favours one side unfairly.",
    ),
    Term(
        _I.improper_activity.value,
        "有损形象的活动",
        "improper activity",
        "参加有损党员干部和警察形象的活动。",
        "Taking part in activities that harm the image of Party cadres and the police.",
    ),
)
