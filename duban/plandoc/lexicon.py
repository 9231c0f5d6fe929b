"""Words that carry the meaning of a numeric target in a plan: unit, comparison, action, period.

Kept apart from the extraction code so a reviewer can extend a list without reading the rules.
Pure data and compiled patterns; no I/O.
"""

from __future__ import annotations

import re

from duban.plandoc.model import Op


def _words(spaced: str) -> list[str]:
    return spaced.split()


# --- units of measure -----------------------------------------------------------------------------

COUNT_UNITS = _words(
    "人次 户次 场次 班次 批次 平方米 立方米 公里 千米 公顷 个 家 人 名 门 次 所 项 支 条 批 "
    "套 场 期 户 位 座 处 台 辆 间 张 份 册 部 轮 篇 件 节 亩 米 吨 床 班 队 倍 元 头 只 羽 株"
)
PERCENT_UNITS = {"%", "％", "‰", "个百分点", "百分点"}
DURATION_UNITS = {"年", "个月", "天", "周", "个工作日", "工作日", "个小时", "小时", "分钟"}
DURATION_UNITS |= {"学时", "课时"}
RATE_UNIT = r"/\s*(?:10万|十万|1万|万|1000|千|100|百)"
"""A rate per population (孕产妇死亡率12/10万): the unit is written ``/10万``."""

# A measure word followed by one of these is the start of another word (人员, 名师, 一次性).
NOT_AFTER = {
    "人": "员才民口大工",
    "名": "师校牌单额称录义",
    "家": "庭长乡园属",
    "门": "类户槛诊",
    "次": "性数序",
    "所": "有属在得需",  # but 1所以…为主的: after a number 所以 is the measure word and 以
    "条": "件例款",
    "期": "间待望限刊",
    "项": "目",
    "场": "所景地馆",
    "部": "门分署",
    "支": "持付出撑部",
    "处": "理置",
    "位": "于置",
    "班": "子级组主",
    "队": "伍",
    "件": "事",
    "元": "素旦",
    "米": "面粮",
    "周": "岁边期年",
    "天": "然地",
    "头": "部等雁羊号脑",
    "只": "有要能是好",
    "床": "位",
}
# After a duration only these may follow; anything else makes it an attribute (3年中职教育).
DURATION_FOLLOW = "以的在或及左、和至之每内"


# Comparison words written before the quantity, anywhere in its clause (不低于总课时的50%).
OP_BEFORE: dict[str, Op] = {
    **dict.fromkeys(
        _words(
            "不低于 不少于 不小于 至少 最少 最低 超过 多于 高于 达到 突破 提高到 提高至 "
            "提升到 提升至 增加到 增加至 增长到 增至 扩大到 扩大至 保持在 稳定在"
        ),
        ">=",
    ),
    **dict.fromkeys(
        _words(
            "不超过 不高于 不多于 不大于 低于 少于 小于 最高 最多 上限 控制在 控制到 降低到 降低至 "
            "降到 降至 下降到 下降至 压缩到 压缩至 压减到 压减至 减少到 减少至 缩短到 缩短至"
        ),
        "<=",
    ),
}
# Words that compare only when they stand right before the number: 达 is part of other words
# (发达), and a change word (增长 3%, 下降 5%) sets an amount to reach, so ">=". A hedge (约,
# 左右) is no comparison: 遴选200所左右 is still a count to reach, but a hedged change or share
# (增长8%左右) is the figure itself, "=". 保持100% keeps a level: ">=".
CHANGE_WORDS = _words("增长 提高 提升 增加 扩大 下降 降低 减少 压减 缩短")
OP_ADJACENT: dict[str, Op] = {
    **dict.fromkeys(_words("达 实现 力争 保持") + CHANGE_WORDS, ">="),
    # an award per unit is a fixed amount: 给予20万元奖励, 补贴300元
    **dict.fromkeys(_words("给予 奖励 补贴 补助"), "="),
}
OP_AFTER: dict[str, Op] = {
    "及以上": ">=",
    "以上": ">=",
    "以下": "<=",
    "以内": "<=",
    "之内": "<=",
}
SIMILAR = re.compile(r"(?:大体|基本|大致)(?:相当|持平)")
"""``普职比大体相当``: a ratio of about one to one, the ``~`` target with value 1."""


def _letters(word: str) -> int:
    """Characters of a listed word, a lookahead in it (新(?![生型])) not counted."""
    return len(re.sub(r"\(\?.*?\)", "", word))


def alternation(words: list[str]) -> str:
    """A regex alternation of ``words``, longest first."""
    return "|".join(sorted(words, key=_letters, reverse=True))


OP_BEFORE_RE = re.compile(alternation(list(OP_BEFORE)))
OP_ADJACENT_RE = re.compile("(" + alternation(list(OP_ADJACENT)) + r")[\s在为到至了]{0,2}$")
OP_AFTER_RE = re.compile(r"\s*(" + alternation(list(OP_AFTER)) + ")")
COMPARED_BEFORE = re.compile(
    "(?:" + alternation(list(OP_BEFORE) + CHANGE_WORDS) + r")[\s在为到至]{0,2}$"
)
"""A comparison right before a duration makes 15个工作日内 a limit, not a window."""
COMPARISON = re.compile(alternation([*OP_BEFORE, *CHANGE_WORDS, "保持"]))
"""A clause with one of these states its own figure (覆盖率达到100%)."""

# What is to be built, reached, trained or organised: these verbs make a count a commitment.
ACTION_VERBS = _words(
    "建设 建成 建立 打造 培育 遴选 组建 开展 合办 选派 组织 培养 培训 设立 创建 "
    "新建 改建 扩建 实施 完成 引进 认定 评选 开发 举办 召开 新增 支持 争创 创成 "
    "提供 共建 立项 招收 投入 安排 配备 选拔 评定 开设 参加 参与 承办 吸纳 带动 "
    "扶持 资助 奖励 表彰 改造 入选 获得 取得 申报 推广 推出 制定 出台 编写 编制 "
    "招聘 接收 接待 输送 转移 帮扶 培植 创办 举行 评审 命名 进行 报送 发放 保持 给予"
)
ADVERBS = _words(
    "探索实行 探索 重点 着力 突出 加快 积极 大力 全面 进一步 努力 逐步 持续 不断 联合 同步 共同 "
    "分别 每年 每学期 原则上 共 再 累计 新(?![生型区兴]) 均 各 要 应 须 将 可"
)
_VERBS = alternation(ACTION_VERBS)
FLOOR_BEFORE = re.compile(rf"(?:至少|不少于|不低于|达到|超过|各)\s*(?:{_VERBS})?\s*$")
"""A floor right before a Chinese 一 makes it a figure: 至少建设一个."""
_CHANGE_WORDS = [w for w in OP_ADJACENT if len(w) > 1]
_ACTION_WORDS = alternation(ACTION_VERBS + ADVERBS + list(OP_BEFORE) + list(OP_ADJACENT))
ACTION_RUN = re.compile(rf"(?:(?:{_ACTION_WORDS}|在|为|到|至)\s*)+$")
"""The run of verbs, adverbs and comparison words that ends right before a quantity."""

_LEAD_WORDS = alternation(ACTION_VERBS + ADVERBS + _CHANGE_WORDS)
ACTION_LEAD = re.compile(rf"^(?:(?:{_LEAD_WORDS})\s*)+")
"""A run of verbs and adverbs opening a phrase (重点建设, 遴选)."""

# The subject of a clause ends where its predicate starts.
# 共同体 is a noun (城乡学校共同体覆盖率), not the adverb 共同.
PREDICATE_START = re.compile(rf"(?!共同体)(?:{_ACTION_WORDS}|牵头|负责|与|和|同|在|每|对|向|把|按)")

# Words that open a clause or item but belong to neither subject nor metric.
LEADING = re.compile(
    r"(?:(?:(?:到|至|截至|截止|力争到|力争)\s*[0-9〇一二三四五六七八九零]{4}\s*年(?:底|末|前)?)"
    r"|[（(][0-9一二三四五六七八九十]{1,2}[）)]"  # a numbered point: （3）每个县区…
    r"|其中|同时|此外|并且|并|使|让|可|要|应|将|原则上|另外|以及|和|及|与|、|\s)+"
)

PERIOD = re.compile(
    r"每(?:个)?(?:学年|学期|季度|半年|年|月|周|天|届|期|两年|[0-9一二三四五六七八九十]+年)"
    r"|年均|年平均"
)
"""A recurring period written before a quantity (每年, 每学期, 每届, 年均)."""
YEAR_LED = re.compile(r"年(?=[^\d度底末初内份前后以起中来级轻龄纪终薪会报鉴])")
"""A clause opened by bare 年 (年培训达到1万人次) sets a yearly rate."""
CUMULATIVE = re.compile(r"累计|共计|总计|年内|当年|全年")
"""A total after a period word is a stock again (每年…，累计培训5000人; 年内完成…)."""

DESCRIPTIVE_LEAD = re.compile(r"(?:按照|依照|参照|依据|根据|围绕|依托|立足|聚焦|针对|对照|按)")
"""A count under 按照 describes a rule (按照1个专业对接一个产业链), not a commitment."""

HEDGE_BEFORE = re.compile(r"(?:大约|大概|约)\s*$")
"""A hedge written before the figure (约8%); 左右 after it is read with the quantity."""
SHARE_LEAD = re.compile(r"\s*其中")
"""A clause opened by 其中 states a share of the total before it: exact unless it says more."""
STANDARD_AFTER = re.compile(r"\s*的?标准")
"""A figure named as a standard (按每人1500元标准给予…补贴) is a fixed amount, "="."""

# --- figures that are no targets ------------------------------------------------------------------

CONDITION_BEFORE = re.compile(r"(?:年满|满)\s*$")
"""满 before a duration makes it a condition (连续从事护理工作满5年的人员)."""
REMOVAL_BEFORE = re.compile(r"(?:消除|杜绝|取消|淘汰|关停|化解)\s*$")
"""What is to be removed is a class, not a figure to reach (消除56人以上大班额)."""
NAMED_SET = re.compile(r"(?:制度|措施|机制|原则|行动|工程|清单)")
"""A Chinese numeral naming a set (母婴安全五项制度, 三项机制) is part of a name."""
NAMED_SET_UNITS = ("项", "条", "个")

# --- who is named ---------------------------------------------------------------------------------

_OPENING_VERBS = [
    w
    for w in ACTION_VERBS
    + ADVERBS
    + _words(
        "加强 推进 推动 完善 健全 落实 深化 强化 提升 提高 优化 鼓励 引导 促进 保障 确保 "
        "坚持 规范 严格 构建 扩大 增加 改善 做好 抓好 全年 当年 年内"
    )
    if _letters(w) > 1  # 新疆, 各县, 共青团: a single character also starts names
]
VERB_START = re.compile("(?:" + alternation(_OPENING_VERBS) + ")")
"""A phrase opening with one of these is a predicate, never the name of a body or place."""
