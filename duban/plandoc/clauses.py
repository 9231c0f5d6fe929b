"""Sentences, clauses, quoted names and unit names in the running text of a plan.

Offsets are always into the one text the caller passed, so a target found inside a clause keeps a
span that points into the repaired document. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from duban.plandoc.lexicon import (
    ACTION_VERBS,
    COMPARISON,
    LEADING,
    PREDICATE_START,
    VERB_START,
    alternation,
)

Range = tuple[int, int]

SENTENCE_ENDS = "。；;！!？?\n"
CLAUSE_ENDS = "，,：:"
_OPENING = "（("
_CLOSING = "）)"

# Quoted names, book titles and document-number brackets: digits inside them are names, not counts
_PAIRS = dict(zip('“‘《〈〔【「『"', '”’》〉〕】」』"', strict=True))
_OPENING_MARK = re.compile("[" + re.escape("".join(_PAIRS)) + "]")
_MAX_QUOTED = 200  # an opening mark without a close this near is a stray, not a name


@dataclass(frozen=True)
class Sentence:
    """A sentence ``[start, end)`` and its clauses, both as ranges of the whole text."""

    start: int
    end: int
    clauses: tuple[Range, ...]


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences (at 。；！？ and line ends) and those into clauses (at ，：).

    Punctuation inside parentheses does not split, so ``（A10个，B6个）`` stays in its clause.
    Empty pieces are dropped; the ranges exclude the separators.
    """
    out = []
    for start, end in _split(text, 0, len(text), SENTENCE_ENDS):
        clauses = tuple(_split(text, start, end, CLAUSE_ENDS))
        if clauses:
            out.append(Sentence(start, end, clauses))
    return out


def _split(text: str, start: int, end: int, seps: str) -> list[Range]:
    pieces, depth, piece_start = [], 0, start
    for i in range(start, end):
        ch = text[i]
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(0, depth - 1)
        elif ch in seps and (depth == 0 or ch == "\n"):
            pieces.append((piece_start, i))
            piece_start = i + 1
    pieces.append((piece_start, end))
    return [(s, e) for s, e in pieces if text[s:e].strip()]


def quoted_ranges(text: str) -> list[Range]:
    """Ranges of text inside quotation marks, book-title marks and 〔〕, marks included."""
    out: list[Range] = []
    for m in _OPENING_MARK.finditer(text):
        if out and m.start() < out[-1][1]:
            continue  # nested inside the previous name: 《…〈…〉…》
        end = text.find(_PAIRS[m.group()], m.end(), m.end() + _MAX_QUOTED)
        if end >= 0:
            out.append((m.start(), end + 1))
    return out


def paren_ranges(text: str) -> list[Range]:
    """Ranges of outermost parenthesised text ``（…）``, the marks included, in order."""
    out: list[Range] = []
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in _OPENING:
            stack.append(i)
        elif ch in _CLOSING and stack:
            start = stack.pop()
            if not stack:
                out.append((start, i + 1))
    return out


def inside(ranges: list[Range], pos: int) -> Range | None:
    """The range of ``ranges`` that holds ``pos`` strictly inside its marks, if any."""
    for start, end in ranges:
        if start < pos < end - 1:
            return (start, end)
        if start > pos:
            break
    return None


# --- unit names ---------------------------------------------------------------------------------

LEVELS = "省市县区旗州盟乡镇"
_MAX_PLACE = 4  # characters of a place name before its level (乌鲁木齐市)
UNIT_NAME = re.compile(
    r"(?:学校|学院|大学|院校|医院|卫生院|政府|管委会|委员会|中心|集团|公司|局|委|办|厅"
    r"|县|区|市|旗|乡|镇|村|街道)(?:（[^（）]{1,6}）)?$"
)
_MAX_SUBJECT = 25
_NAME_ENDS = set("校院学府会心团司局委办厅县区市旗乡镇村道）")  # last characters of UNIT_NAME
# A kind of place or a class of bodies (农村, 县级疾控中心), or a name ending in a verb (全年举办)
_NOT_ONE = re.compile(
    r"^(?:农村|乡村|城乡|城镇|城市)(?:学校|医院|卫生院)?$"
    r"|^(?:[省市县区乡镇村]|自治区|[一二三四五六七八九]星?)级"
    rf"|(?:{alternation(ACTION_VERBS)})$"
)
_KIND = (
    r"(?:[^\W\d_在对为的和与及向把按]{0,4}"
    r"(?:县（[市区、]{1,5}）|县区|乡镇|街道|社区|行政村|集团|园区|企业|单位|机构|幼儿园"
    r"|[学院省市县区乡镇村校])"
    r"(?:（[^（）]{1,6}）)?)"
)
_EACH = re.compile(
    rf"每[个所家]?(?!年|月|季|周|天|学|届|期|半年|两年|[0-9一二三四五六七八九十]+年){_KIND}"
    rf"(?=\s*(?:{PREDICATE_START.pattern}))"
)
_WHOLE_AREA = re.compile(rf"全[省市县区州旗盟国镇乡]|{_EACH.pattern}")
# A clause that opens with these carries on the subject of the clause before it.
_CARRIES = re.compile(
    rf"(?:{VERB_START.pattern}|[在对向把按以由经为各共再均新将可要应]|通过|[\dA-Za-z])"
)


def clause_subject(clause: str, default: str) -> str | None:
    """Who a clause commits: the one unit it opens with, ``default`` for several, else ``None``.

    ``全市共建成…`` → 全市, ``每个集团至少…`` → 每个集团, ``市职业技术学校重点建设…`` →
    市职业技术学校, ``市、县职业技术学校与相关院校合办…`` → ``default``; ``试点每个设区市不少于…``
    → 每个设区市. A clause opening with a verb (or 其中) carries on the subject before it
    (``None``); one whose own subject is no unit and that states its own comparison
    (``村级实践站覆盖率达到100%``) is back to ``default``.
    """
    m = LEADING.match(clause)
    lead, clause = (clause[: m.end()], clause[m.end() :]) if m else ("", clause)
    area = _WHOLE_AREA.match(clause) or _EACH.search(clause)
    if area and not re.search(r"\d", clause[: area.start()]):
        return area.group(0)
    for end in range(min(len(clause), _MAX_SUBJECT), 1, -1):
        name = clause[:end]
        if name[-1] not in _NAME_ENDS or re.search(r"[\d，。；：]", name) or not is_unit_name(name):
            continue
        if PREDICATE_START.match(clause, end):
            if is_several_units(name) or "的" in name:  # 有条件的县（区） names no one unit
                return default
            if not PREDICATE_START.match(name):
                return name
    if "其中" in lead or not clause or _CARRIES.match(clause) or not COMPARISON.search(clause):
        return None
    return default


def is_unit_name(name: str) -> bool:
    """Whether ``name`` names a body, school or place (市职业技术学校, 中宁县, 市教育局).

    A bare kind (学校, 政府) names no one in particular.
    """
    m = UNIT_NAME.search(name)
    if m is None or m.start() == 0:
        return False
    return not (VERB_START.match(name) or _NOT_ONE.search(name))


def is_several_units(name: str) -> bool:
    """Whether ``name`` lists more than one unit (市、县职业技术学校, 各县（区）, 中宁和海原县…).

    ``人力资源和社会保障局`` is one unit: a list only counts when every part is a unit or a bare
    place name.
    """
    if name.startswith("各"):
        return True
    parts = re.split(r"[、和与及]", re.sub(r"（.*?）", "", name))
    return len(parts) >= 2 and all(is_unit_name(p) or 0 < len(p) <= 3 for p in parts)


def expand_names(items: list[str]) -> list[str]:
    """Restore level and body a list writes once: ``中宁``+``海原县职业技术学校`` → both schools.

    An item without a level character takes the level and body of the next sibling that has
    them (``中宁、海原县…``); an item ending in its level (``中宁县``) takes the body of any
    sibling (``市职业技术学校`` gives ``职业技术学校``). Other items are kept as written.
    """
    parts = [_level_split(item) for item in items]
    bodies = [body for _, level, body in parts if level and body]
    body = max(bodies, key=len, default="")
    out = []
    for i, (place, level, own_body) in enumerate(parts):
        if not level and len(place) <= 4:
            # only a sibling that itself names a place (海原县…) lends its level to a bare place
            later = [p for p in parts[i + 1 :] + parts[:i] if p[0] and p[1]]
            if later:
                level, own_body = later[0][1], later[0][2] or body
        out.append(place + level + ((own_body or body) if level else ""))
    return out


def _level_split(item: str) -> tuple[str, str, str]:
    """``海原县职业技术学校`` → (海原, 县, 职业技术学校); no level → (item, "", "")."""
    for i, ch in enumerate(item):
        if ch in LEVELS and i <= _MAX_PLACE:
            return item[:i], ch, item[i + 1 :]
    return item, "", ""
