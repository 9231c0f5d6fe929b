"""Numeric targets in task texts: what counts as a target, and its op, value, unit, scope, period.

Cases come from the Zhongwei sample and from invented sentences in the style of other cities'
plans; the last tests score the extractor against the sample's gold annotation.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duban.plandoc.model import Target
from duban.plandoc.numbers import parse_number
from duban.plandoc.targets import extract_targets

FIXTURES = Path(__file__).parent.parent / "fixtures"


def facts(text: str, **kwargs: Any) -> list[tuple[str, float, str | None, str, str | None]]:
    """(op, value, unit, scope, period) of each target, in order."""
    return [(t.op, t.value, t.unit, t.scope, t.period) for t in extract_targets(text, **kwargs)]


def only(text: str) -> Target:
    targets = extract_targets(text)
    assert len(targets) == 1, targets
    return targets[0]


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("50", 50),
        ("1.5", 1.5),
        ("1,200", 1200),
        ("1万", 10_000),
        ("1.2万", 12_000),
        ("3亿", 300_000_000),
        ("三", 3),
        ("两", 2),
        ("十二", 12),
        ("一百二十", 120),
        ("两万", 20_000),
        ("二〇二一", 2021),
        ("１２", 12),
    ],
)
def test_parse_number_reads_arabic_and_chinese_numerals(token: str, value: float) -> None:
    assert parse_number(token) == value


@pytest.mark.parametrize("token", ["", "十四五", "万", "abc", "1+X", "第一"])
def test_parse_number_gives_none_for_what_is_not_a_number(token: str) -> None:
    assert parse_number(token) is None


# --- what a target is ---------------------------------------------------------------------------


def test_count_after_a_build_verb_is_at_least() -> None:
    t = only("建成5个自治区级职业教育思政课名师工作室。")
    assert (t.op, t.value, t.unit, t.metric) == (">=", 5, "个", "自治区级职业教育思政课名师工作室")
    assert t.quote == "建成5个自治区级职业教育思政课名师工作室"
    assert (t.scope, t.period, t.value_max) == ("全市", None, None)


def test_quantity_closing_the_clause_takes_the_subject_as_metric() -> None:
    t = only("扩大企业“订单式”培养规模，合作企业达到15家。")
    assert (t.metric, t.op, t.value, t.unit, t.quote) == (
        "合作企业",
        ">=",
        15,
        "家",
        "合作企业达到15家",
    )


def test_share_of_a_base_reads_as_a_ratio() -> None:
    t = only("深化教材教法改革，实践课时不低于总课时的50%。")
    assert (t.metric, t.op, t.value, t.unit) == ("实践课时占总课时比例", ">=", 50, "%")


@pytest.mark.parametrize(
    "text",
    ["培育3-5名自治区级技术能手", "培育3～5名自治区级技术能手", "培育3至5名自治区级技术能手"],
)
def test_range_gives_value_and_value_max(text: str) -> None:
    t = only(text)
    assert (t.op, t.value, t.value_max, t.unit) == (">=", 3, 5, "名")


def test_ten_thousand_multiplies_the_value() -> None:
    assert facts("新增就业1.2万人以上。") == [(">=", 12_000, "人", "全市", None)]
    assert facts("安排专项资金300万元。") == [(">=", 3_000_000, "元", "全市", None)]


def test_chinese_numerals_are_read() -> None:
    assert facts("新建公办幼儿园十二所。") == [(">=", 12, "所", "全市", None)]
    assert facts("每学期组织中小学生开展一次“职业体验日”活动。") == [
        (">=", 1, "次", "全市", "每学期")
    ]


def test_years_and_names_with_digits_are_not_targets() -> None:
    text = (
        "到2023年，按照“十四五”发展规划，推进“1+X”证书试点，推动3年中职教育与2年高职教育（“3+2”）"
        "衔接，根据《关于印发〈实施意见〉等5个实施意见的通知》（卫党办发〔2020〕41号）精神，"
        "2021年7月前完成。"
    )
    assert extract_targets(text) == []


def test_counts_that_only_describe_are_not_targets() -> None:
    text = (
        "围绕云计算、新材料等六大产业，积极实施“三全育人”综合改革，按照1个专业（群）对接一个产业链，"
        "培育一批市级特色专业，建成集学历教育、职业培训于一体的基地，进一步统一标准，面向一线。"
    )
    assert extract_targets(text) == []


def test_set_phrases_with_one_are_not_targets() -> None:
    text = "深入贯彻十九届五中全会精神，建立一套完整的制度体系，组建一支高素质专业化队伍。"
    assert extract_targets(text) == []


def test_one_after_a_floor_is_a_figure() -> None:
    assert facts("每县至少建设一个县级职业教育中心。") == [(">=", 1, "个", "每县", None)]


def test_hedged_figure_is_still_a_count_to_reach() -> None:
    t = only("培育200所左右“三全育人”典型学校。")
    assert (t.op, t.value, t.unit, t.metric) == (">=", 200, "所", "“三全育人”典型学校")


def test_ordinals_are_not_targets() -> None:
    assert extract_targets("确保第一批项目在2021年底前开工，第3名予以表彰。") == []


# --- op -----------------------------------------------------------------------------------------


def test_ceiling_words_give_at_most() -> None:
    assert facts("城镇登记失业率控制在4.5%以内。") == [("<=", 4.5, "%", "全市", None)]
    assert facts("每周课时不超过30课时。") == [("<=", 30, "课时", "全市", "每周")]


def test_floor_words_give_at_least() -> None:
    assert facts("农村自来水覆盖率不低于95%。") == [(">=", 95, "%", "全市", None)]
    assert facts("学生顶岗实习不低于6个月。") == [(">=", 6, "个月", "全市", None)]


def test_bare_percentage_and_duration_are_exact() -> None:
    assert facts("可按投资额的30%抵免该企业当年应缴教育费附加。") == [("=", 30, "%", "全市", None)]
    assert facts("探索实行学生每学期在学校3个月、在企业2个月的工学交替。") == [
        ("=", 3, "个月", "全市", "每学期"),
        ("=", 2, "个月", "全市", "每学期"),
    ]


def test_op_words_propagate_along_a_list() -> None:
    assert [t[0] for t in facts("至少在8个专业、10个教学点实现在线教学。")] == [">=", ">="]
    assert [t[0] for t in facts("城镇调查失业率、登记失业率分别控制在5.5%、4.5%以内。")] == [
        "<=",
        "<=",
    ]
    assert [t[1] for t in facts("全市共建成6个专业群、8个自治区级中职特色专业。")] == [6, 8]


def test_respectively_pairs_metrics_with_figures() -> None:
    targets = extract_targets("城镇调查失业率、登记失业率分别控制在5.5%、4.5%以内。")
    assert [(t.metric, t.value) for t in targets] == [("城镇调查失业率", 5.5), ("登记失业率", 4.5)]


def test_roughly_equal_ratio() -> None:
    t = only("稳步扩大中等职业教育规模，使职业教育与普通高中教育比例大体相当。")
    assert (t.op, t.value, t.unit, t.metric) == ("~", 1, None, "职业教育与普通高中教育比例")
    assert t.quote == "职业教育与普通高中教育比例大体相当"


# --- lists and shares ---------------------------------------------------------------------------


def test_each_gives_one_target_per_item() -> None:
    targets = extract_targets("遴选特色德育案例和思政课示范课各3个并在全市范围进行推广。")
    assert [(t.metric, t.op, t.value, t.unit) for t in targets] == [
        ("特色德育案例", ">=", 3, "个"),
        ("思政课示范课", ">=", 3, "个"),
    ]


def test_each_over_units_gives_one_target_per_unit() -> None:
    assert facts("中卫市、中宁县各建设2个创业孵化基地。") == [
        (">=", 2, "个", "中卫市", None),
        (">=", 2, "个", "中宁县", None),
    ]


def test_levels_in_a_list_share_the_following_noun() -> None:
    targets = extract_targets("培育2个自治区级、8个市级产教融合企业。")
    assert [(t.metric, t.value) for t in targets] == [
        ("自治区级产教融合企业", 2),
        ("市级产教融合企业", 8),
    ]


def test_shares_in_parentheses_are_exact() -> None:
    text = (
        "市、县职业技术学校与相关院校合办4个“3+4”本科专业（市职业技术学校2个、中宁和海原县职业技术学校"
        "各1个）和20个“3+2”高职专业（市职业技术学校10个、中宁县6个、海原县4个）。"
    )
    assert facts(text) == [
        (">=", 4, "个", "全市", None),
        ("=", 2, "个", "市职业技术学校", None),
        ("=", 1, "个", "中宁县职业技术学校", None),
        ("=", 1, "个", "海原县职业技术学校", None),
        (">=", 20, "个", "全市", None),
        ("=", 10, "个", "市职业技术学校", None),
        ("=", 6, "个", "中宁县职业技术学校", None),
        ("=", 4, "个", "海原县职业技术学校", None),
    ]
    assert {t.metric for t in extract_targets(text)} == {"“3+4”本科专业", "“3+2”高职专业"}


def test_shares_of_an_invented_total_are_scoped_to_counties() -> None:
    text = "支持建设20个示范村（其中中宁县8个、海原县12个）。"
    assert facts(text) == [
        (">=", 20, "个", "全市", None),
        ("=", 8, "个", "中宁县", None),
        ("=", 12, "个", "海原县", None),
    ]


# --- scope --------------------------------------------------------------------------------------


def test_named_subject_sets_the_scope_of_its_sentence() -> None:
    text = (
        "市职业技术学校重点建设现代加工制造、旅游服务4个专业群，突出打造机电技术5个专业品牌；"
        "中宁县职业技术学校重点建设枸杞保鲜与加工专业群，突出打造枸杞加工、营销3个特色品牌专业。"
    )
    assert [t.scope for t in extract_targets(text)] == ["市职业技术学校"] * 2 + [
        "中宁县职业技术学校"
    ]


def test_whole_area_and_per_county_scopes() -> None:
    assert facts("到2025年，全区建成10所高水平中职学校。") == [(">=", 10, "所", "全区", None)]
    assert facts("每县至少建设1个县级职业教育中心。") == [(">=", 1, "个", "每县", None)]
    assert facts("每所学校至少配备2名心理健康教师。") == [(">=", 2, "名", "每所学校", None)]


def test_several_units_keep_the_default_scope() -> None:
    assert facts("市、县职业技术学校开展20个“1+X”证书试点专业。", default_scope="全县") == [
        (">=", 20, "个", "全县", None)
    ]


# --- period -------------------------------------------------------------------------------------


def test_every_year_opening_a_sentence_applies_to_all_its_quantities() -> None:
    text = "每年选派50名骨干教师参加研修访学活动，组织500名学生参加研习访学活动。"
    assert [t.period for t in extract_targets(text)] == ["每年", "每年"]


def test_year_led_clause_sets_a_yearly_rate() -> None:
    assert facts("扩大职业技能培训，年培训达到1万人次以上。") == [
        (">=", 10_000, "人次", "全市", "每年")
    ]


def test_window_sets_the_period_and_is_not_a_target() -> None:
    text = "专业教师每年至少1个月在企业实践、5年内在企业至少轮训1次。"
    assert facts(text) == [(">=", 1, "个月", "全市", "每年"), (">=", 1, "次", "全市", "5年内")]


def test_cumulative_total_is_a_stock() -> None:
    assert [t.period for t in extract_targets("每年培训教师200人，累计培训1000人。")] == [
        "每年",
        None,
    ]


# --- units of measure ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("企业开办全流程办理时间压缩至1个工作日以内。", ("<=", 1, "个工作日")),
        ("不动产登记办理时间压减至3个工作日以内。", ("<=", 3, "个工作日")),
        ("一般事项办结时限不超过5工作日。", ("<=", 5, "工作日")),
        ("三至六年级书面作业平均完成时间不超过60分钟。", ("<=", 60, "分钟")),
        ("急诊患者平均等待时间不超过30分钟。", ("<=", 30, "分钟")),
        ("家庭医生签约服务响应时间不超过2小时。", ("<=", 2, "小时")),
        ("肉牛饲养量达到12万头。", (">=", 120_000, "头")),
        ("生猪出栏量达到50万头。", (">=", 500_000, "头")),
        ("家禽存栏200万只以上。", (">=", 2_000_000, "只")),
        ("新建高标准农田8万亩。", (">=", 80_000, "亩")),
        ("新改建农村公路200公里。", (">=", 200, "公里")),
        ("粮食总产量达到40万吨以上。", (">=", 400_000, "吨")),
        ("新增普惠养老床位2万张以上。", (">=", 20_000, "张")),
        ("新增护理型床位500床。", (">=", 500, "床")),
        ("孕产妇死亡率控制在12/10万以下。", ("<=", 12, "/10万")),
        ("婴儿死亡率降至4.5/千以内。", ("<=", 4.5, "/千")),
        ("婴儿死亡率控制在5‰以内。", ("<=", 5, "‰")),
        ("新生儿死亡率控制在3‰以下。", ("<=", 3, "‰")),
    ],
)
def test_units_of_measure_of_the_genre(text: str, expected: tuple[str, float, str]) -> None:
    t = only(text)
    assert (t.op, t.value, t.unit) == expected


def test_a_duration_limit_with_nei_is_a_target_not_a_window() -> None:
    assert facts("审批时间压缩至5个工作日内。") == [("<=", 5, "个工作日", "全市", None)]
    assert facts("5年内在企业至少轮训1次。") == [(">=", 1, "次", "全市", "5年内")]


def test_suo_after_a_number_is_the_measure_word() -> None:
    text = "每个县（市、区）至少建有1所以失能、部分失能特困人员专业照护为主的县级供养服务设施。"
    assert [(t.op, t.value, t.unit) for t in extract_targets(text)] == [(">=", 1, "所")]
    assert facts("新建1所以老年护理为主的医院。") == [(">=", 1, "所", "全市", None)]
    assert facts("建成10所以上示范校。") == [(">=", 10, "所", "全市", None)]


# --- ops of the genre ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("个人贷款最高额度30万元。", ("<=", 300_000, "元")),
        ("单户贷款最多50万元。", ("<=", 500_000, "元")),
        ("每户补助上限为2万元。", ("<=", 20_000, "元")),
        ("办电时间压减至15个工作日以内。", ("<=", 15, "个工作日")),
        ("婴儿死亡率下降至4‰。", ("<=", 4, "‰")),
        ("农村居民人均可支配收入增长8%左右。", ("=", 8, "%")),
        ("固定资产投资增长约10%。", ("=", 10, "%")),
        ("养老机构医疗卫生服务签约率保持100%。", (">=", 100, "%")),
        ("抽查结果公示率100%。", (">=", 100, "%")),
    ],
)
def test_ceilings_hedges_and_kept_levels(text: str, expected: tuple[str, float, str]) -> None:
    t = only(text)
    assert (t.op, t.value, t.unit) == expected


def test_a_hedged_count_is_still_to_be_reached() -> None:
    assert facts("新增就业约1.5万人。") == [(">=", 15_000, "人", "全市", None)]


def test_a_share_after_qizhong_is_exact() -> None:
    text = "全年开展补贴性职业技能培训40万人次以上，其中培训农民工20万人次。"
    assert [(t.op, t.value) for t in extract_targets(text)] == [(">=", 400_000), ("=", 200_000)]
    text = "新增技能人才8万人，其中高技能人才2.4万人；新增就业1万人，其中返乡人员不少于3000人。"
    assert [(t.op, t.value) for t in extract_targets(text)] == [
        (">=", 80_000),
        ("=", 24_000),
        (">=", 10_000),
        (">=", 3000),
    ]


def test_a_fixed_standard_is_exact() -> None:
    text = "对签订劳动合同的中小微企业，按每人1500元标准给予一次性吸纳就业补贴。"
    assert facts(text, default_scope="全省") == [("=", 1500, "元", "全省", None)]
    assert facts("对取得证书的按每人2000元的标准给予补贴。") == [("=", 2000, "元", "全市", None)]
    assert facts("按照每百户不低于20平方米的标准配套建设养老服务设施。") == [
        (">=", 20, "平方米", "全市", None)
    ]


# --- what is no target in the genre ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "对在养老机构连续从事护理工作满5年的人员给予一次性入职奖补。",
        "对从事乡村教学工作满10年的教师给予表彰。",
        "对招用毕业年度高校毕业生并签订1年以上劳动合同的中小微企业给予补贴。",
        "优先吸纳签订3年以上服务协议的毕业生。",
        "严格落实母婴安全五项制度。",
        "建立两项机制，落实三条措施，实施十大工程。",
        "全面消除56人以上大班额。",
        "杜绝45人以上大班额。",
    ],
)
def test_conditions_attributes_and_named_sets_are_not_targets(text: str) -> None:
    assert extract_targets(text) == []


def test_bounds_that_are_targets_stay() -> None:
    assert facts("全面消除大班额，班额控制在45人以下。") == [("<=", 45, "人", "全市", None)]
    assert facts("企业职工参加岗位培训6个月以上。") == [(">=", 6, "个月", "全市", None)]
    assert facts("建立5项制度。") == [(">=", 5, "项", "全市", None)]


# --- shares of a list written with 各 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shares"),
    [
        (
            "开发乡村公益性岗位1200个（会师镇、河畔镇各100个，其余乡镇按需分配）。",
            [(100, "会师镇"), (100, "河畔镇")],
        ),
        (
            "新增普惠性托位1000个（渭滨区、金台区各200个，陈仓区150个）。",
            [(200, "渭滨区"), (200, "金台区"), (150, "陈仓区")],
        ),
        (
            "建设人才公寓不少于1000套（涪城区、游仙区各300套，科技城新区400套）。",
            [(300, "涪城区"), (300, "游仙区"), (400, "科技城新区")],
        ),
        (
            "新增就业岗位1万个（其中城关区3000个、安宁区、七里河区各2000个）。",
            [(3000, "城关区"), (2000, "安宁区"), (2000, "七里河区")],
        ),
    ],
)
def test_each_member_of_a_listed_share_gets_its_own_target(
    text: str, shares: list[tuple[float, str]]
) -> None:
    targets = extract_targets(text)
    assert targets[0].op == ">=" and targets[0].scope == "全市"
    assert [(t.op, t.value, t.scope) for t in targets[1:]] == [("=", v, s) for v, s in shares]
    assert len({t.metric for t in targets}) == 1


def test_a_share_names_the_unit_it_opens_with() -> None:
    text = "新增学位6万个（其中中心城区新增学位3.6万个）。"
    assert [(t.op, t.value, t.scope) for t in extract_targets(text)] == [
        (">=", 60_000, "全市"),
        ("=", 36_000, "中心城区"),
    ]


# --- scope in the genre ------------------------------------------------------------------------


def test_whole_area_is_only_a_place_level() -> None:
    text = "全年举办各类招聘活动不少于1500场，提供岗位60万个以上。"
    assert [t.scope for t in extract_targets(text, default_scope="全省")] == ["全省", "全省"]
    assert facts("全年举办培训班120期。") == [(">=", 120, "期", "全市", None)]
    assert facts("全省新增就业30万人。", default_scope="全区") == [
        (">=", 300_000, "人", "全省", None)
    ]


@pytest.mark.parametrize(
    ("text", "scopes"),
    [
        (
            "到2025年，每个县（市、区）至少建有1所以失能特困人员专业照护为主的县级供养服务设施，"
            "生活不能自理特困人员集中供养率达到60%以上。",
            ["每个县（市、区）", "全区"],
        ),
        ("每个乡镇建成1个以上新时代文明实践所，村级实践站覆盖率达到100%。", ["每个乡镇", "全区"]),
        ("每所中学至少配备1名专职心理教师，班主任培训覆盖率达到100%。", ["每所中学", "全区"]),
        ("城关区新建公办幼儿园3所，小学入学率达到100%。", ["城关区", "全区"]),
    ],
)
def test_a_scope_does_not_leak_into_a_clause_with_its_own_subject(
    text: str, scopes: list[str]
) -> None:
    assert [t.scope for t in extract_targets(text, default_scope="全区")] == scopes


def test_a_scope_carries_into_a_clause_that_opens_with_a_verb() -> None:
    text = "城关区新建公办幼儿园3所，新增学位1200个，其中普惠性学位800个。"
    assert [t.scope for t in extract_targets(text)] == ["城关区"] * 3


@pytest.mark.parametrize(
    "text",
    [
        "加强乡村学校建设，新建改扩建乡村幼儿园3所。",
        "积极推进县级医院建设，改扩建县级医院2所。",
        "以城带乡组建城乡学校共同体，城乡学校共同体覆盖率达到80%以上。",
        "县级疾控中心达到二级乙等以上标准的比例达到80%。",
        "二级及以上综合性医院设立老年医学科的比例达到60%以上。",
    ],
)
def test_a_verb_phrase_or_a_class_of_bodies_is_no_scope(text: str) -> None:
    assert [t.scope for t in extract_targets(text, default_scope="全县")] == ["全县"]


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("（3）每个县区至少建成1个胸痛中心、1个卒中中心。", "每个县区"),
        ("每个设区市至少建设1个中医药特色医养结合示范机构。", "每个设区市"),
        ("每个集团至少吸纳1所农村或薄弱学校。", "每个集团"),
        ("农村助餐服务试点每个设区市不少于3个。", "每个设区市"),
        ("每个乡镇卫生院不少于2名全科医生。", "每个乡镇卫生院"),
        ("每家企业至少培养1名技能大师。", "每家企业"),
        ("每所幼儿园至少配备2名保健医生。", "每所幼儿园"),
    ],
)
def test_each_body_or_place_is_a_scope(text: str, scope: str) -> None:
    assert {t.scope for t in extract_targets(text)} == {scope}


def test_period_words_are_no_each_scope() -> None:
    text = "每学期在学校开展2次安全演练，每年在企业实践1个月。"
    assert [(t.scope, t.period) for t in extract_targets(text)] == [
        ("全市", "每学期"),
        ("全市", "每年"),
    ]


# --- spans --------------------------------------------------------------------------------------


def test_spans_point_into_the_document() -> None:
    document = "前文。全市共建成6个专业群、8个自治区级中职特色专业。"
    body_start = document.index("全市")
    for t in extract_targets(document[body_start:], offset=body_start):
        assert t.span is not None
        assert document[t.span[0] : t.span[1]] == t.quote


_PIECES = list(
    "0123456789.%-～至个家人名次年月内以上下不低于达到建设各和、，。；（）“”《》每一两三十万x\n"
)
_PIECES += ["全市", "每年", "个月", "人次", "万元", "职业技术学校", "大体相当", "分别", "第"]
_PLAN_LIKE = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(_PLAN_LIKE | st.text(max_size=60), st.integers(min_value=0, max_value=10_000))
def test_never_raises_and_spans_match_quotes(text: str, offset: int) -> None:
    for t in extract_targets(text, offset=offset):
        assert t.span is not None
        assert text[t.span[0] - offset : t.span[1] - offset] == t.quote
        assert t.op in (">=", "<=", "=", "~")


# --- the sample against its gold annotation ----------------------------------------------------


_BREAK_OK = re.compile(
    r"^(责任单位|配合单位|完成时限|[一二三四五六七八九十]、|（[一二三四五六七八九十]）|\d+\.)"
)


def _continues(prev: str, line: str) -> bool:
    """Whether ``line`` carries on the sentence ``prev`` broke off mid-way."""
    ended = prev.endswith(("。", "；", "：", "！")) or re.match(r"^[一二三四五六七八九十]、", prev)
    return not ended and not _BREAK_OK.match(line)


def _sample_text() -> str:
    """The sample with the repair the importer does: broken lines joined, CJK–digit spaces gone."""
    lines: list[str] = []
    raw = (FIXTURES / "zhongwei_plan.txt").read_text(encoding="utf-8")
    for line in (raw_line.strip() for raw_line in raw.splitlines()):
        if not line:
            continue
        if lines and _continues(lines[-1], line):
            lines[-1] += line
            continue
        lines.append(line)
    text = "\n".join(lines)
    text = re.sub(
        r"(?<=[\u4e00-\u9fff（）%]) +(?=\d)|(?<=[\d%]) +(?=[\u4e00-\u9fff（）%])", "", text
    )
    return text.replace("學", "学")


def _sample_parts() -> tuple[str, dict[str, list[tuple[str, int]]], list[tuple[str, int]]]:
    """The text, each task's body lines (from ``N.`` to 责任单位) and the 具体目标 lines.

    The scorer and gold come from the ``scorer`` / ``gold`` fixtures (tests/conftest.py), which
    load fixtures/score_plan.py with importlib.
    """
    text = _sample_text()
    tasks: dict[str, list[tuple[str, int]]] = {}
    objectives: list[tuple[str, int]] = []
    current, section, pos = None, None, 0
    for line in text.split("\n"):
        number = re.match(r"^(\d+)\.", line)
        if re.match(r"^[一二三四五六七八九十]、", line):
            section, current = line, None
        elif number:
            current = number.group(1)
            tasks[current] = [(line, pos)]
        elif line.startswith(("责任单位", "配合单位", "完成时限")):
            current = None
        elif current:
            tasks[current].append((line, pos))
        elif section and section.startswith("二、"):
            objectives.append((line, pos))
        pos += len(line) + 1
    return text, tasks, objectives


def _extract(text: str, parts: list[tuple[str, int]]) -> list[dict[str, Any]]:
    out = []
    for part, start in parts:
        for t in extract_targets(part, offset=start):
            assert t.span and text[t.span[0] : t.span[1]] == t.quote
            out.append(t.to_json())
    return out


def test_sample_task_targets_match_the_gold(scorer: ModuleType, gold: dict[str, Any]) -> None:
    text, tasks, _ = _sample_parts()
    found = expected = hit = 0
    for task in gold["tasks"]:
        out = _extract(text, tasks[task["number"]])
        found, expected = found + len(out), expected + len(task["targets"])
        hit += scorer.target_hits(task["targets"], out)
    assert scorer.prf(found, expected, hit)[2] >= 0.95


def test_sample_objectives_match_the_gold(scorer: ModuleType, gold: dict[str, Any]) -> None:
    text, _, objectives = _sample_parts()
    out = _extract(text, objectives)
    hit = scorer.target_hits(gold["objectives"], out)
    assert scorer.prf(len(out), len(gold["objectives"]), hit)[2] >= 0.95


def test_a_whole_plan_is_read_quickly() -> None:
    text = _sample_text()
    started = time.perf_counter()
    extract_targets(text)
    assert (
        time.perf_counter() - started < 1.0
    )  # ~30 ms on a laptop; the bound only catches blow-ups
