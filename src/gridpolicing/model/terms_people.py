"""Built-in terms of the vocabularies about units and people: what each id means.

Read with the source texts (docs/sources/): the roles are told apart by who employs the person,
where they work and whether community policing is their main job.
"""

from __future__ import annotations

from typing import Final

from gridpolicing.model.vocabulary import (
    Area,
    Employment,
    LocalityCategory,
    Post,
    Rank,
    Role,
    RoleClass,
    Term,
    UnitType,
)

__all__ = [
    "AREAS",
    "EMPLOYMENTS",
    "LOCALITY_CATEGORIES",
    "NO_TERMS",
    "POSTS",
    "RANKS",
    "ROLES",
    "UNIT_TYPES",
]

_OFFICER, _AUXILIARY, _CIVILIAN = RoleClass.officer, RoleClass.auxiliary, RoleClass.civilian

UNIT_TYPES: Final = (
    Term(
        UnitType.jurisdiction.value,
        "区/县",
        "district or county",
        "县级行政区(区、县、县级市),一个公安分局的辖区。",
        "A county-level district (区, 县 or county-level city): the area of one police sub-bureau.",
    ),
    Term(
        UnitType.bureau.value,
        "公安分局",
        "police sub-bureau",
        "县级公安机关(区县公安分局、公安局),领导辖区各派出所和警种部门。",
        "The county-level public security organ that directs the stations and departments.",
    ),
    Term(
        UnitType.department.value,
        "警种/业务部门",
        "specialist department",
        "分局内的警种或业务部门(如禁毒大队、户政科),机关民警的所属单位。",
        "A specialist branch of the bureau (e.g. 禁毒大队, 户政): the home unit of organ officers.",
    ),
    Term(
        UnitType.station.value,
        "派出所",
        "police station",
        "公安机关的基层派出机构,负责一个或几个街道、乡镇的治安管理和社区警务。",
        "The grassroots police station, in charge of public order and community policing in one "
        "or more streets or townships.",
    ),
    Term(
        UnitType.office.value,
        "警务室/警务工作站",
        "police office",
        "派出所设在社区或村的工作点,社区民警和辅警在此办公、接待群众。",
        "A station's post in a community or village, where community officers and auxiliaries "
        "work and receive residents.",
    ),
    Term(
        UnitType.street.value,
        "街道/镇/乡",
        "street, town or township",
        "县级以下的一级行政区:街道办事处、镇或乡。",
        "The administrative level below the county: a sub-district (街道), a town or a township.",
    ),
    Term(
        UnitType.locality.value,
        "社区/村",
        "community or village",
        "城市社区、农村社区或行政村:基层群众自治单位,即“一村一警”中的“村”。",
        "An urban community, rural community or administrative village: the self-governing unit "
        "that 一村一警 gives an officer.",
    ),
    Term(
        UnitType.grid.value,
        "网格",
        "grid",
        "社区或村内按人口、地域划分的基层管理单元,由网格员负责(网格化服务管理)。",
        "A part of a community or village, divided by population and area, in the care of a grid "
        "worker (网格化服务管理).",
    ),
)

AREAS: Final = (
    Term(
        Area.urban.value,
        "城市",
        "urban",
        "城区:街道及其城市社区。",
        "A built-up area: streets and their urban communities.",
    ),
    Term(
        Area.rural.value,
        "农村",
        "rural",
        "农村地区:乡镇及其行政村、农村社区。",
        "A countryside area: towns, townships and their villages or rural communities.",
    ),
)

LOCALITY_CATEGORIES: Final = (
    Term(
        LocalityCategory.urban_community.value,
        "城市社区",
        "urban community",
        "城市街道辖下、设居民委员会的社区。",
        "A community in a city street, with a residents' committee (居委会).",
    ),
    Term(
        LocalityCategory.rural_community.value,
        "农村社区",
        "rural community",
        "农村地区的社区:村改居或由几个村组成、设社区居委会的社区。",
        "A community in the countryside: a former village, or several villages under one "
        "community committee.",
    ),
    Term(
        LocalityCategory.village.value,
        "行政村",
        "administrative village",
        "设村民委员会的农村基层单位。",
        "The basic rural unit, with a villagers' committee (村委会).",
    ),
)

ROLES: Final = (
    Term(
        Role.community_officer.value,
        "社区民警",
        "community officer",
        "派出所以社区警务为主业的专职民警,负责一个或几个社区/村(责任区)的基础工作。",
        "A station officer whose main, full-time job is community policing in a responsibility "
        "area of one or more communities or villages.",
        _OFFICER,
    ),
    Term(
        Role.village_contact_officer.value,
        "包村民警",
        "village contact officer",
        "在本职之外联系、包干一个或几个村(社区)的民警,多从业务警种选派,定期下沉派出所,"
        "接受派出所业务指导(新津:每周下沉);补充而非替代社区民警。",
        "An officer who, besides their own post, takes charge of one or more villages, usually "
        "sent from a specialist department to the station on a schedule (Xinjin: weekly) and "
        "guided by it; a supplement to, not a replacement for, the community officer.",
        _OFFICER,
    ),
    Term(
        Role.dispatched_officer.value,
        "派驻民警/村警",
        "dispatched (village) officer",
        "从机关警种选派、一对一派驻一个村(社区)任“村警”的民警,编制留在原单位、兼顾原工作,"
        "常兼任村(社区)职务(新都“一村一警”,文中也称驻村民警)。专职住村的驻村民警应另行声明。",
        "An organ officer dispatched one-to-one to a village as its 村警, keeping their post and "
        "part of their work in the home department, often holding a village post (Xindu's "
        "一村一警, also called 驻村民警 there). Declare a term of your own for officers living "
        "in the village full time.",
        _OFFICER,
    ),
    Term(
        Role.organ_officer.value,
        "机关民警",
        "organ officer",
        "分局机关或警种部门的民警,不属派出所;可被安排包一个网格或行政村(新乡“一格一警”)。",
        "An officer of the bureau's organs or departments, not of a station; may be given a grid "
        "or village to serve (Xinxiang's 一格一警).",
        _OFFICER,
    ),
    Term(
        Role.auxiliary.value,
        "辅警/协警",
        "auxiliary police",
        "公安机关招聘的警务辅助人员,不是人民警察,在民警指挥监督下从事巡逻、信息采集等辅助"
        "工作,无独立执法权;协警是旧称或地方称谓,合为一类。",
        "Police auxiliary staff (警务辅助人员) hired by the public security organ: not sworn "
        "officers; they assist under an officer's direction (patrol, information collection) with "
        "no law-enforcement powers of their own. 协警 is an older or local name for the same.",
        _AUXILIARY,
    ),
    Term(
        Role.social_worker.value,
        "综治社工",
        "governance social worker",
        "社区综治办/综治中心的专职社会工作者(南京称全科社工),由街道、社区聘用,不属公安。",
        "A full-time social worker of the community's governance office or centre "
        "(综治办/综治中心; Nanjing's 全科社工), employed by the street or community, "
        "not by the police.",
        _CIVILIAN,
    ),
    Term(
        Role.joint_defence_member.value,
        "联防队员",
        "joint-defence member",
        "街道、社区组建的治安联防队成员,参与巡逻守护;属群防群治力量,不是辅警。",
        "A member of a street or community joint-defence team (治安联防队) who patrols; one of "
        "the mass prevention forces, not a police auxiliary.",
        _CIVILIAN,
    ),
    Term(
        Role.mediator.value,
        "调解员",
        "mediator",
        "人民调解委员会的专职或兼职调解员,调处民间纠纷。",
        "A full- or part-time mediator of the people's mediation committee (调委会).",
        _CIVILIAN,
    ),
    Term(
        Role.migrant_co_manager.value,
        "流动人口协管员",
        "migrant co-manager",
        "协助登记管理流动人口和出租房屋的协管员,由街道或流动人口服务管理站聘用。",
        "A co-manager who helps register migrants and rented housing, employed by the street or "
        "its migrant service station.",
        _CIVILIAN,
    ),
    Term(
        Role.grid_worker.value,
        "网格员",
        "grid worker",
        "负责一个网格的信息采集、巡查和服务的网格化服务管理人员,由街道、社区管理,不属公安。",
        "The person in charge of one grid: information collection, inspection and services; "
        "managed by the street or community, not by the police.",
        _CIVILIAN,
    ),
    Term(
        Role.volunteer.value,
        "平安志愿者",
        "safety volunteer",
        "无报酬参加巡逻、宣传等平安建设活动的群众。",
        "A resident who takes part, unpaid, in patrols, publicity and other safety work.",
        _CIVILIAN,
    ),
    Term(
        Role.policing_captain.value,
        "社区警务队长",
        "community policing captain",
        "带领一个社区警务团队(社区民警、派驻民警、辅警等)的民警(新都按月排名)。",
        "The officer leading a community policing team of community and dispatched officers and "
        "auxiliaries (ranked monthly in Xindu).",
        _OFFICER,
    ),
    Term(
        Role.station_officer.value,
        "所内民警",
        "station officer",
        "派出所内勤、值班、办案等岗位的民警,不包片、不驻社区;与社区民警一起构成派出所警力。",
        "An officer of a station on its desk, duty or case work, serving no community or "
        "village; with the community officers, the station's strength.",
        _OFFICER,
    ),
)

EMPLOYMENTS: Final = (
    Term(
        Employment.full_time.value,
        "专职",
        "full time",
        "以这一角色为主业。",
        "The role is the person's main job.",
    ),
    Term(
        Employment.part_time.value,
        "兼职",
        "part time",
        "在另一份主业之外兼任这一角色。",
        "The role is held besides another main job.",
    ),
)

POSTS: Final = (
    Term(
        Post.deputy_party_secretary.value,
        "村(社区)党组织副书记",
        "deputy Party secretary of the village",
        "党员民警在村(社区)党组织兼任的副书记职务。",
        "Deputy secretary of the village or community Party organisation, held by a Party-member "
        "officer.",
    ),
    Term(
        Post.director_assistant.value,
        "村(社区)主任助理",
        "assistant to the village director",
        "非党员民警兼任的村(居)委会主任助理(新都)。",
        "Assistant to the director of the villagers' or residents' committee, held by an officer "
        "who is not a Party member (Xindu).",
    ),
    Term(
        Post.community_deputy_director.value,
        "社区(居委会)副主任",
        "deputy director of the community",
        "民警兼任的社区居民委员会副主任(社区副主任),党员与非党员均可担任。",
        "Deputy director of the community's residents' committee (社区副主任), a post an officer "
        "may hold whether or not a Party member.",
    ),
    Term(
        Post.governance_deputy_director.value,
        "社区综治办副主任",
        "deputy director of the governance office",
        "社区民警兼任的社区综治办副主任,统一指挥调度专群力量(南京)。",
        "Deputy director of the community's governance office, held by the community officer, who "
        "directs the professional and mass forces (Nanjing).",
    ),
    Term(
        Post.centre_deputy_director.value,
        "社区综治中心副主任",
        "deputy director of the governance centre",
        "社区民警兼任的社区综治中心(取代综治办)副主任(南京)。",
        "Deputy director of the community's governance centre (successor of the office), held by "
        "the community officer (Nanjing).",
    ),
    Term(
        Post.petition_receptionist.value,
        "信访接待人员",
        "petition receptionist",
        "综治社工中明确负责接待群众来信来访的一人(南京)。",
        "The social worker named to receive residents' petitions, letters and visits (Nanjing).",
    ),
    Term(
        Post.auxiliary_squad_leader.value,
        "专职社区辅警中队长",
        "leader of the community auxiliary squad",
        "警务室专职社区辅警中队的中队长,由社区民警兼任(新乡)。",
        "Leader of an office's squad of full-time community auxiliaries, held by the community "
        "officer (Xinxiang).",
    ),
)


NO_TERMS: Final[tuple[Term, ...]] = ()
"""The built-in terms of the tag and attribute vocabularies: none, a policy declares them."""

RANKS: Final = (
    Term(
        Rank.clerk.value,
        "办事员",
        "clerk",
        "公务员最低一级职务层级(办事员、试用期人员),多为新录用人员。",
        "The lowest administrative level of a civil servant, mostly new entrants.",
    ),
    Term(
        Rank.staff_member.value,
        "科员",
        "staff member",
        "科员级:普通民警的常见层级,不担任领导职务。",
        "Staff-member level (科员): the usual level of an officer without a leading post.",
    ),
    Term(
        Rank.deputy_unit_level.value,
        "副股级",
        "deputy unit level",
        "县级公安机关内设股、所、队副职的层级(如派出所副所长、中队副中队长),各地按内部规定确定。",
        "Deputy head of a section (股), team or station inside a county-level bureau, as set "
        "by local rules (e.g. a deputy station head).",
    ),
    Term(
        Rank.unit_level.value,
        "股级",
        "unit level",
        "县级公安机关内设股、所、队正职的层级(股长、所长、中队长);“股级以上”自此级起。",
        "Head of a section (股), team or station inside a county-level bureau (股长, 所长, "
        "中队长); 股级以上 starts here.",
    ),
    Term(
        Rank.deputy_section_level.value,
        "副科级",
        "deputy section level",
        "副科级领导职务或相当层级(如县级公安局内设大队副大队长、重点派出所所长)。",
        "Deputy section-chief level (副科级), e.g. a deputy brigade head or the head of a "
        "major station.",
    ),
    Term(
        Rank.section_level.value,
        "正科级",
        "section level",
        "正科级领导职务或相当层级(如县级公安局大队长、科长、副局长)。",
        "Section-chief level (正科级), e.g. a brigade head, section chief or a county deputy "
        "bureau chief.",
    ),
    Term(
        Rank.deputy_division_level.value,
        "副处级",
        "deputy division level",
        "副处级(如县级公安局局长、地市公安局支队副支队长)。",
        "Deputy division level (副处级), e.g. a county bureau's chief or a city deputy "
        "detachment head.",
    ),
    Term(
        Rank.division_level.value,
        "正处级",
        "division level",
        "正处级(如地市公安局支队长、市辖区公安分局局长)。",
        "Division level (正处级), e.g. a city detachment head or a district sub-bureau's chief.",
    ),
    Term(
        Rank.deputy_bureau_level.value,
        "副厅级",
        "deputy bureau level",
        "副厅(局)级(如地市公安局局长、副省级城市公安局副局长)。",
        "Deputy bureau level (副厅级), e.g. a prefecture city's police chief.",
    ),
    Term(
        Rank.bureau_level.value,
        "正厅级",
        "bureau level",
        "正厅(局)级(如副省级城市公安局局长、省公安厅副厅长以上)。",
        "Bureau level (正厅级), e.g. the police chief of a sub-provincial city.",
    ),
)
"""The ladder of 职务层级, lowest first: why these levels.

The civil service law's leading-post levels (领导职务层次) run 办事员, 科员, 副科级, 正科级,
副处级, 正处级, 副厅级, 正厅级 and on; a county-level public security bureau, where community
policing is run, sits at 副处级 or 正处级 and its stations, brigades and sections at 股级 or 科级.
股级 and 副股级 are not levels of the law but of local staffing rules, and the texts select
by them (“股级以上领导干部包村”), so they are kept, between 科员 and 副科级. The ladder stops
at 正厅级, the head of the largest city bureaus: higher levels never appear in a deployment.
The 2019 parallel ranks (职级, 一级警长 ...) and police ranks (警衔) are other ladders and are
not folded in; a policy that needs them declares a person attribute.
"""
