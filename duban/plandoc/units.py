"""Split a unit list (the value of 责任单位 / 配合单位) into single units.

Plans write a list of bodies the way people say it: ``市发展改革委、财政局，中宁、海原县人民政府``.
A reader restores what is elided — ``市财政局``, ``中宁县人民政府`` — and so do we:

* items are separated by ``、，,；;：:`` and line breaks, and by spaces between whole names, but
  never inside brackets (``各县（区）人民政府``, ``市职业技术学校（市技工学校）``);
* notes are dropped: ``（列第一位的为牵头单位）``, ``等``, ``按职责分工负责``, ``牵头``, ``配合``;
  a role mark such as ``（牵头）`` stays at the end of its unit for ``fields.mark_roles``;
* a level or place written once applies to later items that start with a department word
  (``市`` + ``财政局``); a bare place name takes the rest of the next full item
  (``中宁`` + ``县人民政府``);
* an item that names its own place, level or scope is kept as written.

Telling "names its own place" from "needs the prefix": a name needs it when it starts with a
department word (教育, 财政, 人力资源, 市场监 …) or, failing the word list, is short, ends like a
body (局/委/办/厅/部/中心/委员会/管委会 …) and mentions no place. A name opening with a level
(市, 县（区）, 自治区), a named place (中卫市, 海原县, 宁夏回族自治区), a zone (中卫工业园区),
a collective (各…, 全…, 有关…) or a scope of its own (国家…, 中共…, 团市委) keeps what it says.

Pure; never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from duban.plandoc.model import Span

Unit = tuple[str, Span]

# --- vocabulary -----------------------------------------------------------------------------------


def _words(spaced: str) -> tuple[str, ...]:
    return tuple(spaced.split())


# Level words that open a name: 市教育局, 县（区）人民政府, 自治区财政厅, 乡镇人民政府.
_LEVEL = (
    r"(?:自治区|自治州|自治县|自治旗|特别行政区|县市区|市县区|县区|区县|县市|市县|乡镇"
    r"|省|市|州|盟|县|区|旗|镇|乡|街道)"
)
_ALT = r"[（(][^（）()]{1,6}[）)]"  # the alternative level in 县（区）, 市（县、区）
_LEVEL_START = re.compile(rf"^(?P<level>{_LEVEL}(?:{_ALT})?)(?P<rest>.*)$")

# A named place: 中卫市, 沙坡头区, 阿拉善盟, 宁夏回族自治区. Zones (园区, 开发区) name a place
# but are no level a department belongs to, so they never lend a prefix.
_NAMED_START = re.compile(
    r"^(?:(?P<abase>[\u4e00-\u9fff]{2,9}?)(?P<alevel>自治区|自治州|自治县|自治旗)"
    r"|(?P<base>[\u4e00-\u9fff]{1,4}?)"
    r"(?P<level>特别行政区|开发区|新区|园区|地区|省|市|州|盟|县|区|旗|镇|乡|街道))"
    rf"(?P<alt>{_ALT})?(?P<rest>.*)$"
)
_ZONES = ("新区", "开发区", "园区", "示范区", "试验区")
_NOT_IN_PLACE_NAME = re.compile(r"[局委办厅部会室和与及的之]")

# Words that look like a place at the start of a name but are not one (市场监管局, 城乡建设局).
_NOT_PLACES = _words(
    "市场 市政管理 城市 城乡 城镇 乡村 区域 县域 区块链 社区 城区 景区 校区 辖区 片区 山区 牧区"
    " 矿区 老区"
)

# Department words: a name that starts with one belongs to the level the list is at.
_DEPARTMENT_WORDS = _words(
    "发展改革 发展和改革 发改 教育 教体 财政 人力资源 人社 工业和信息化 工业信息化 工信"
    " 经济和信息化 经信 科学技术 科技 云计算 大数据 数据 网信 旅游 文化 文体 文旅 广电 广播电视"
    " 新闻出版 体育 农业 农村 农牧 林业 林草 草原 水利 水务 交通 应急 民政 扶贫 乡村振兴 国资"
    " 国有资产 自然资源 国土 规划 住房 住建 城乡 城市管理 城管 综合执法 生态环境 环保 环境保护"
    " 商务 投资促进 招商 市场监 统计 审计 税务 公安 司法 卫生 卫健 医疗保障 医保 退役军人"
    " 机关事务 行政审批 政务服务 信访 外事 侨务 民族 宗教 档案 地方志 史志 气象 地震 消防 粮食"
    " 供销 金融 地方金融 能源 工商联 总工会 工会 团委 妇联 残联 科协 文联 侨联 红十字 融媒体"
    " 党校 政府 人民政府 编办 机构编制 组织部 宣传部 统战部 政法委 纪委 监委 人大 政协 法院"
    " 人民法院 检察院 人民检察院 公积金 住房公积金 不动产 公共资源 移民 人防 人民防空 老干部"
    " 老龄 妇儿工委 关工委 安委 督查 研究室 政研室 人武部 邮政 园林 畜牧 兽医 渔业"
)

# Names ending so need a prefix when they carry no place (the fallback for unlisted bodies).
_DEPARTMENT_END = re.compile(
    r"(?:局|委|办|厅|部|中心|委员会|管委会|办公室|室|联|会|社|队|站|署|处)$"
)
_FALLBACK_MAX = 8  # a longer unknown name usually embeds a place we cannot recognise: keep it

# Items that name their own scope: kept as written; they lend no prefix.
_SELF_SCOPED = re.compile(r"^(?:中共|中国|中央|国家|国务院|全国|国网|人民银行|驻)")
_COLLECTIVE = re.compile(
    rf"^(?:各|全|所在|有关|相关|其他|其余)(?P<level>{_LEVEL}(?:{_ALT})?)?(?P<rest>.*)$"
)
_COLLECTIVE_WORD = re.compile(r"^(?:各|全|所在|有关|相关|其他|其余)")
_YOUTH_LEAGUE = re.compile(r"^(?:共青)?团(?P<level>省|市|州|盟|县|区|旗)委")

# How a whole name ends: tells a name cut by a stray line break from two names.
_COMPLETE = re.compile(
    r"(?:局|委|办|厅|部|府|室|会|中心|院|校|所|队|站|团|行|处|科|馆|组|位|司|署|台|厂|社|联|企业)$"
)
_NOT_COMPLETE = re.compile(r"(?:社会|人民|和|与|及)$")
_COMPLETE_STRICT = re.compile(
    r"(?:局|委|办|厅|部|府|室|中心|委员会|管委会|公司|集团|学校|学院|大学|银行|单位)$"
)
_PLACE_NAME_LIKE = re.compile(r"[\u4e00-\u9fff]{2,4}(?<![关业园场店点])")  # 中宁; not 中卫海关

# --- notes ----------------------------------------------------------------------------------------

_NOTE = r"牵头|负责|第一|首位|分工|配合|排名|排序|为主|协助|参与|职责|下同"
_ROLE_MARK = re.compile(r"[（(](?:牵头|主责|配合|协同|参与)(?:单位|部门)?[)）]$")
_NOTE_IN_BRACKETS = re.compile(rf"[（(][^（）()]*(?:{_NOTE})[^（）()]*[)）]")
_UNCLOSED_NOTE = re.compile(rf"[（(](?:[^（）()]*(?:{_NOTE})[^（）()]*)?$")
_TRAILING_NOTE = re.compile(
    r"(?:等(?:其他|相关|有关)?(?:部门|单位|机构)?|按职责分工负责|按职责分工|按职责负责|按职责"
    r"|分别负责|共同负责|牵头负责|牵头|负责|配合|参与|协助|协同|落实)$"
)
_LEADING_NOTE = re.compile(r"^(?:由|请|[)）])")
_NOT_A_UNIT = re.compile(
    r"^(?:牵头|责任|主责|配合|协同|协作|参与|协办|主办|负责)(?:单位|部门)?$"
    r"|为(?:牵头|主责|责任)单位|第一位|排名第一|排在首位"
)
_CONJUNCTION = re.compile(r"[和及与]")
_SEPARATORS = "、，,；;：:。"
_ITEM_SEPARATOR = "、"  # every other separator, and a line break, also ends a group


# --- data -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    """Text gathered from the input with the position of every character (white space left out).

    ``mark`` is a role mark (``（牵头）``) taken off the end; ``group`` numbers the stretches
    between group breaks (``，；`` and line breaks) — items joined by ``、`` share one.
    """

    text: str
    positions: tuple[int, ...]
    group: int = 0
    mark: str = ""

    def cut(self, start: int, end: int) -> _Piece:
        return _Piece(self.text[start:end], self.positions[start:end], self.group, self.mark)

    def without(self, start: int, end: int) -> _Piece:
        kept = self.positions[:start] + self.positions[end:]
        return _Piece(self.text[:start] + self.text[end:], kept, self.group, self.mark)

    def span(self, offset: int) -> Span:
        return (offset + self.positions[0], offset + self.positions[-1] + 1)


_Kind = Literal["bare", "maybe_bare", "own", "dept", "other"]


@dataclass(frozen=True)
class _Shape:
    """How a name relates to places.

    ``kind``: ``bare`` — only a place (市, 中卫市); ``maybe_bare`` — may be a place name without
    its level (中宁); ``own`` — names its place, level or scope; ``dept`` — needs the list's
    prefix; ``other`` — unknown, kept as written. ``carry`` is the prefix it lends to later
    department items; ``level`` and ``rest`` are what a bare place before it borrows.
    """

    kind: _Kind
    carry: str | None = None
    level: str | None = None
    rest: str = ""
    collective: bool = False


# --- public API -----------------------------------------------------------------------------------


def split_units(text: str, *, offset: int = 0) -> list[Unit]:
    """Split a unit list into ``(unit, span)`` pairs in order of writing.

    ``span`` is the half-open range of the item as written (``offset`` + index in ``text``); an
    expanded item (``中宁`` → ``中宁县人民政府``) keeps the span of what was written. Duplicates
    are kept: the caller decides. Returns ``[]`` for text without a unit.
    """
    start, end = _unwrap(text)
    pieces = [p for raw in _tokenize(text, start, end) for p in _split_conjunctions(_clean(raw))]
    return _restore(pieces, offset)


def split_lead_coop(text: str, *, offset: int = 0) -> tuple[list[Unit], list[Unit]]:
    """Split an inline role sentence into ``(lead, coop)`` units; role marks are removed.

    Reads ``市教育局牵头，市财政局、市人社局配合``, ``（市发改委牵头，各县区政府负责）``,
    ``市教育局（牵头）、市财政局`` and ``牵头单位：…；配合单位：…``. Units before 牵头 / 负责
    (or after a lead label) lead; units before 配合 / 参与 / 协助 / 协同 (or after such a label)
    cooperate, and so do units after the last role word (``X牵头，Y`` reads as Y helping).
    Prefixes carry across the whole sentence. ``([], [])`` when there is no role word.
    """
    units = [(_ROLE_MARK.sub("", name), span) for name, span in split_units(text, offset=offset)]
    labels = [(m.end(), _role(m.group("role"))) for m in _ROLE_LABEL.finditer(text)]
    words = [(m.start(), _role(m.group("role"))) for m in _ROLE_WORD.finditer(text)]
    if not (labels or words) or not units:
        return [], []
    lead: list[Unit] = []
    coop: list[Unit] = []
    for name, span in units:
        pos = span[0] - offset
        role = _role_after_label(labels, pos) if labels else _role_before_word(words, pos)
        (lead if role == "lead" else coop).append((name, span))
    return lead, coop


# --- role sentences -------------------------------------------------------------------------------

_ROLE_LABEL = re.compile(
    r"(?P<role>牵头|责任|主责|负责|配合|协同|协作|参与|协办|协助)(?:单位|部门)[：:]"
)
_ROLE_WORD = re.compile(
    r"(?P<role>牵头负责|牵头单位|责任单位|牵头|配合单位|配合|参与|协助|协同|协办|负责)"
    r"(?=[，,；;。、）)\s]|$)"
)
_LEAD_ROLES = ("牵头", "责任", "主责", "负责", "牵头负责", "牵头单位", "责任单位")


def _role(word: str) -> str:
    return "lead" if word in _LEAD_ROLES else "coop"


def _role_after_label(labels: list[tuple[int, str]], pos: int) -> str:
    """Labels open a run of units: the role of the last label before ``pos`` (lead before any)."""
    before = [role for start, role in labels if start <= pos]
    return before[-1] if before else "lead"


def _role_before_word(words: list[tuple[int, str]], pos: int) -> str:
    """Role words close a run of units: the first word after ``pos`` (coop after the last)."""
    after = [role for start, role in words if start >= pos]
    return after[0] if after else "coop"


# --- tokenizing -----------------------------------------------------------------------------------


def _unwrap(text: str) -> tuple[int, int]:
    """The range to read: no outer white space, final ``。；，`` or one enclosing bracket pair."""
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "。；;，,"):
        end -= 1
    if end - start >= 2 and text[start] in "（(" and _closing(text, start, end) == end - 1:
        return start + 1, end - 1
    return start, end


def _closing(text: str, start: int, end: int) -> int | None:
    """Where the bracket opened at ``start`` closes, if it does before ``end``."""
    depth = 0
    for i in range(start, end):
        depth += (text[i] in "（(") - (text[i] in "）)")
        if depth == 0:
            return i
    return None


def _bracketed(text: str, start: int = 0, end: int | None = None) -> list[bool]:
    """For each character of ``text``: is it inside a bracket pair matched within ``[start, end)``.

    Unmatched brackets are ignored, so one stray ``（`` cannot swallow the rest of the list.
    """
    inside = [False] * len(text)
    stack: list[int] = []
    for i in range(start, len(text) if end is None else end):
        if text[i] in "（(":
            stack.append(i)
        elif text[i] in "）)" and stack:
            opened = stack.pop()
            if not stack:
                inside[opened : i + 1] = [True] * (i + 1 - opened)
    return inside


def _tokenize(text: str, start: int, end: int) -> list[_Piece]:
    """Cut ``text[start:end]`` at separators outside brackets, numbering the groups.

    White space separates two names only when the text before it is a whole name (or a bare place
    before another place); otherwise it is a stray break inside one name, and is skipped.
    """
    inside = _bracketed(text, start, end)
    pieces: list[_Piece] = []
    chars: list[str] = []
    positions: list[int] = []
    group = 0
    i = start
    while i < end:
        ch = text[i]
        if not ch.isspace() and (ch not in _SEPARATORS or inside[i]):
            chars.append(ch)
            positions.append(i)
            i += 1
            continue
        j = i + 1
        while j < end and text[j].isspace():
            j += 1
        if not ch.isspace() or (not inside[i] and _breaks("".join(chars), text[j:end])):
            if chars:
                pieces.append(_Piece("".join(chars), tuple(positions), group))
            chars, positions = [], []
            if ch != _ITEM_SEPARATOR and (not ch.isspace() or "\n" in text[i:j]):
                group += 1
        i = j if ch.isspace() else i + 1
    if chars:
        pieces.append(_Piece("".join(chars), tuple(positions), group))
    return pieces


def _breaks(left: str, right: str) -> bool:
    """Does white space between ``left`` and ``right`` separate two names?"""
    left = _strip_notes(left)
    if not left or not right:
        return True
    if _COMPLETE.search(left) and not _NOT_COMPLETE.search(left):
        return True
    return _is_place_only(left) and _starts_with_place(right)


# --- notes ----------------------------------------------------------------------------------------


def _clean(piece: _Piece) -> _Piece:
    """Drop notes from an item, keeping a role mark aside; a note-only item comes back empty."""
    if m := _ROLE_MARK.search(piece.text):
        piece = _Piece(piece.text[: m.start()], piece.positions[: m.start()], piece.group, m[0])
    while m := _NOTE_IN_BRACKETS.search(piece.text):
        piece = piece.without(m.start(), m.end())
    while True:
        before = piece.text
        if m := _TRAILING_NOTE.search(piece.text) or _UNCLOSED_NOTE.search(piece.text):
            piece = piece.cut(0, m.start())
        if m := _LEADING_NOTE.match(piece.text):
            piece = piece.cut(m.end(), len(piece.text))
        if piece.text == before:
            break
    return piece.cut(0, 0) if _NOT_A_UNIT.search(piece.text) else piece


def _strip_notes(text: str) -> str:
    """``text`` without notes, role mark or a final bracket: what a completeness test looks at."""
    text = _NOTE_IN_BRACKETS.sub("", _ROLE_MARK.sub("", text))
    while (m := _TRAILING_NOTE.search(text)) and m.start() > 0:
        text = text[: m.start()]
    return re.sub(r"[（(][^（）()]*[)）]$", "", text)


def _split_conjunctions(piece: _Piece) -> list[_Piece]:
    """Split ``中宁和海原县人民政府`` and ``市委和市政府``; keep ``人力资源和社会保障局`` whole."""
    if not piece.text:
        return []
    inside = _bracketed(piece.text)
    for m in _CONJUNCTION.finditer(piece.text):
        k = m.start()
        left, right = piece.text[:k], piece.text[k + 1 :]
        if not inside[k] and left and right and _conjunction_splits(left, right):
            return [piece.cut(0, k), *_split_conjunctions(piece.cut(k + 1, len(piece.text)))]
    return [piece]


def _conjunction_splits(left: str, right: str) -> bool:
    """和 joins two units after a whole name, or two places; inside a name it joins two fields."""
    if _COMPLETE_STRICT.search(_strip_notes(left)):
        return _analyse(right).kind in ("own", "dept")
    return _is_place_only(left) and _starts_with_place(right)


# --- shapes ---------------------------------------------------------------------------------------


def _analyse(name: str) -> _Shape:
    """Classify a name by how it names its place."""
    if m := _YOUTH_LEAGUE.match(name):
        return _Shape("own", carry=m["level"])
    if _SELF_SCOPED.match(name):
        return _Shape("other")
    if m := _COLLECTIVE.match(name):  # 各县（区）教育局、财政局: 各县（区） serves its own group
        if m["level"] and not m["rest"]:  # 各市、县（区）人民政府: 各市 borrows what follows
            return _Shape("bare", None, m["level"], "", collective=True)
        carry = name[: m.start("rest")] if m["level"] else None
        return _Shape("own", carry, m["level"], m["rest"], collective=True)
    if name.startswith(_NOT_PLACES) or name.startswith(_DEPARTMENT_WORDS):
        return _Shape("dept")
    return _place_shape(name) or _fallback_shape(name)


def _place_shape(name: str) -> _Shape | None:
    """The shape of a name opening with a level (市…) or a named place (中卫市…), if it does."""
    if m := _LEVEL_START.match(name):
        return _Shape("own" if m["rest"] else "bare", m["level"], m["level"], m["rest"])
    m = _NAMED_START.match(name)
    if m is None:
        return None
    base, level = m["abase"] or m["base"], m["alevel"] or m["level"]
    place = base + level + (m["alt"] or "")
    if _NOT_IN_PLACE_NAME.search(base) or place.startswith((*_NOT_PLACES, *_DEPARTMENT_WORDS)):
        return None
    if place.endswith(_ZONES):
        return _Shape("own" if m["rest"] else "other")
    return _Shape("own" if m["rest"] else "bare", place, level, m["rest"])


def _fallback_shape(name: str) -> _Shape:
    if _DEPARTMENT_END.search(name) and len(name) <= _FALLBACK_MAX and not _mentions_place(name):
        return _Shape("dept")
    if _PLACE_NAME_LIKE.fullmatch(name) and not _COMPLETE.search(name):
        return _Shape("maybe_bare")
    return _Shape("other")


def _mentions_place(name: str) -> bool:
    for word in _NOT_PLACES:
        name = name.replace(word, "")
    return re.search(r"[省市县区旗州盟]|自治|街道", name) is not None


def _is_place_only(text: str) -> bool:
    return _analyse(text).kind in ("bare", "maybe_bare")


def _starts_with_place(text: str) -> bool:
    shape = _analyse(re.sub(r"\s", "", text)[:20])
    return shape.level is not None and not shape.collective


# --- prefixes -------------------------------------------------------------------------------------


def _restore(pieces: list[_Piece], offset: int) -> list[Unit]:
    """Give department items the prefix in force and bare places the rest of the next full item.

    The prefix in force is the place of the latest item in the same group that names one; a new
    group starts again from the list's first prefix, so ``市教育局，中宁县人民政府，财政局``
    gives ``市财政局``. A collective (各县（区）…) lends its prefix within its group only.
    """
    out: list[Unit] = []
    list_prefix: str | None = None
    current: str | None = None
    group: int | None = None
    pending: list[tuple[_Piece, _Shape]] = []
    for piece in pieces:
        shape = _analyse(piece.text)
        if piece.group != group:
            out += _settle(pending, None, offset)
            pending, group, current = [], piece.group, list_prefix
        if shape.kind in ("bare", "maybe_bare"):
            pending.append((piece, shape))
            continue
        out += _settle(pending, shape, offset)
        prefix = current if shape.kind == "dept" and current else ""
        collective = _COLLECTIVE_WORD.match(pending[0][0].text) if pending else None
        if collective and pending[0][1].collective and _LEVEL_START.match(piece.text):
            prefix = collective[0]  # 各市、县（区）人民政府: 各 applies to both
        pending = []
        out.append((prefix + piece.text + piece.mark, piece.span(offset)))
        if shape.carry:
            current = shape.carry
            if not shape.collective:
                list_prefix = list_prefix or shape.carry
    return out + _settle(pending, None, offset)


def _settle(pending: list[tuple[_Piece, _Shape]], full: _Shape | None, offset: int) -> list[Unit]:
    """Expand the bare places before ``full`` (中宁、海原县人民政府), or keep them as written.

    Without a full item after them, a level-less name borrows only the level of a bare place at the
    end of the run (``中宁、海原县`` → 中宁县, 海原县).
    """
    if full is None or full.kind != "own" or full.level is None:
        last = pending[-1][1] if pending else None
        tail = last.level if last and last.kind == "bare" and last.level else ""
        return [(_expand(p, s, tail, ""), p.span(offset)) for p, s in pending]
    return [
        (_expand(p, s, "" if full.collective else full.level, full.rest), p.span(offset))
        for p, s in pending
    ]


def _expand(piece: _Piece, shape: _Shape, level: str, rest: str) -> str:
    """A bare place with the borrowed ``rest`` (and ``level``, when it was written without one)."""
    if shape.kind == "bare":
        return piece.text + rest + piece.mark
    if not level:
        return piece.text + piece.mark
    return piece.text + level + rest + piece.mark
