"""Numeric targets in the text of a task or of the objectives (docs/plan-format.md, TARGET).

``extract_targets`` reads one text sentence by sentence. In each clause it finds the quantities
(``quantities.find_quantities``), then settles for each one the comparison (own word, or carried
along a list, exact for a share after 其中 or a 按…标准 standard, else by kind: a bare count is
to be reached, a bare share or duration is exact), the metric and quote (``metrics``: the noun
phrase after the quantity, else the subject before the comparison word), the scope (the clause's
named subject, ``clauses.clause_subject``, carried into a following clause that opens with a
verb, or the unit of a share listed in parentheses after a total, ``shares``) and the period
(每年 / 每学期 / 5年内 written before it). Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from duban.plandoc.clauses import (
    Range,
    Sentence,
    clause_subject,
    paren_ranges,
    quoted_ranges,
    split_sentences,
)
from duban.plandoc.lexicon import (
    ACTION_RUN,
    CHANGE_WORDS,
    CUMULATIVE,
    DESCRIPTIVE_LEAD,
    LEADING,
    OP_ADJACENT,
    OP_ADJACENT_RE,
    OP_BEFORE,
    OP_BEFORE_RE,
    PERIOD,
    SHARE_LEAD,
    SIMILAR,
    STANDARD_AFTER,
    YEAR_LED,
)
from duban.plandoc.metrics import after_metric, clean, complete_heads, phrase_for
from duban.plandoc.model import Op, Target
from duban.plandoc.quantities import PeriodMark, Quantity, find_quantities
from duban.plandoc.shares import each_targets, respectively, share_targets, total_of

_EACH = re.compile(r"各(?P<rest>[^、，]{0,6})$")
_LONG_PHRASE = 20


@dataclass(frozen=True)
class _Context:
    text: str
    quoted: list[Range]
    parens: list[Range]
    default_scope: str


def extract_targets(text: str, *, offset: int = 0, default_scope: str = "全市") -> list[Target]:
    """The numeric targets stated in ``text``, in reading order.

    ``text`` is the repaired text of one task body (or of the objectives section) and ``offset``
    where it starts in the whole document: every target's ``span`` is ``(offset + start, offset +
    end)`` with ``text[start:end] == quote``. Never raises on any string.
    """
    ctx = _Context(text, quoted_ranges(text), paren_ranges(text), default_scope)
    found: list[Target] = []
    for sentence in split_sentences(text):
        found += _sentence_targets(ctx, sentence)
    return [replace(t, span=(t.span[0] + offset, t.span[1] + offset)) for t in found if t.span]


def _sentence_targets(ctx: _Context, sentence: Sentence) -> list[Target]:
    quantities, windows = find_quantities(ctx.text, sentence.start, sentence.end, ctx.quoted)
    if not quantities and not SIMILAR.search(ctx.text, sentence.start, sentence.end):
        return []
    marks = sorted(_period_marks(ctx.text, sentence) + windows, key=lambda m: m.start)
    out: list[Target] = []
    for clause, scope in zip(sentence.clauses, _clause_scopes(ctx, sentence), strict=True):
        out += _similar_targets(ctx, clause, scope)
        own = [q for q in quantities if clause[0] <= q.start < clause[1]]
        if own:
            periods = [_period(ctx.text, q, marks, sentence, clause) for q in own]
            out += _clause_targets(ctx, clause, own, scope, periods)
    return sorted(out, key=lambda t: t.span or (0, 0))


# --- scope ----------------------------------------------------------------------------------------


def _clause_scopes(ctx: _Context, sentence: Sentence) -> list[str]:
    """The scope of each clause: its own subject, else that of the clause before, else default."""
    scopes, current = [], ctx.default_scope
    for start, end in sentence.clauses:
        subject = clause_subject(ctx.text[start:end], ctx.default_scope)
        current = subject if subject is not None else current
        scopes.append(current)
    return scopes


# --- period ---------------------------------------------------------------------------------------


def _period_marks(text: str, sentence: Sentence) -> list[PeriodMark]:
    marks = [
        PeriodMark(m.start(), m.end(), "每年" if m.group().startswith("年") else m.group())
        for m in PERIOD.finditer(text, sentence.start, sentence.end)
    ]
    for start, end in sentence.clauses:
        lead = start + _lead_len(text[start:end])
        if YEAR_LED.match(text, lead, end):
            marks.append(PeriodMark(lead, lead + 1, "每年"))
    return marks


def _period(
    text: str, q: Quantity, marks: list[PeriodMark], sentence: Sentence, clause: Range
) -> str | None:
    """The nearest period word before ``q`` in its clause, or one opening the sentence."""
    first = sentence.clauses[0]
    opening = first[0] + _lead_len(text[first[0] : first[1]])
    usable = [
        m
        for m in marks
        if m.end <= q.start and (m.start == opening or clause[0] <= m.start < clause[1])
    ]
    if not usable or CUMULATIVE.search(text, usable[-1].end, q.start):
        return None
    return usable[-1].label


# --- one clause -----------------------------------------------------------------------------------


def _clause_targets(
    ctx: _Context, clause: Range, qs: list[Quantity], scope: str, periods: list[str | None]
) -> list[Target]:
    """Targets of the quantities of one clause: the main ones first, then their shares."""
    text = ctx.text
    out: list[Target] = []
    mains = [i for i in range(len(qs)) if total_of(ctx.parens, qs, i) is None]
    ops = _main_ops(text, clause, [qs[i] for i in mains])
    totals: dict[int, Target] = {}
    lead = cursor = clause[0] + _lead_len(text[clause[0] : clause[1]])
    listed: list[tuple[Quantity, list[Target]]] = []
    for n, i in enumerate(mains):
        q, limit = qs[i], qs[mains[n + 1]].start if n + 1 < len(mains) else clause[1]
        if ops[n] is None and _descriptive(text, cursor, q):
            continue
        item = (cursor, limit, cursor == lead)
        made = _main_targets(ctx, item, q, scope, periods[i], ops[n] or _bare_op(q))
        for t in made:  # a bare figure in a list (5.5%、4.5%) measures what the one before did
            t.metric = t.metric or (out[-1].metric if out else _previous_clause(ctx, clause[0]))
        if made:
            totals[i] = made[0]
        listed.append((q, made))
        out += made
        cursor = max(cursor, made[-1].span[1] if made and made[-1].span else q.end)
    complete_heads(out)
    respectively(text, (lead, clause[1]), listed)
    out += share_targets(text, ctx.parens, qs, totals, ctx.default_scope)
    return out


def _main_ops(text: str, clause: Range, qs: list[Quantity]) -> list[Op | None]:
    """Each quantity's comparison: its own word, else carried along the list it stands in.

    A figure with no word of its own is exact when it is a share after 其中 (其中培训农民工20万人次)
    or a standard (按每人1500元标准); a hedged change (增长8%左右) is exact too.
    """
    ops: list[Op | None] = []
    start = clause[0]
    share = SHARE_LEAD.match(text, clause[0], clause[1]) is not None
    for q in qs:
        own = q.suffix_op or _prefix_op(text[start : q.start], q.hedged)
        if own is None and (share or STANDARD_AFTER.match(text, q.end, clause[1])):
            own = "="
        ops.append(own or (ops[-1] if ops else None))
        start = q.end
    for n in range(len(qs) - 2, -1, -1):  # 控制在4.5%、5.5%以内: a closing word covers the list
        between = text[qs[n].end : qs[n + 1].start]
        if ops[n] is None and re.fullmatch(r"[\s、和及与]*", between):
            ops[n] = ops[n + 1]
    return ops


def _prefix_op(gap: str, hedged: bool) -> Op | None:
    """The comparison written before a quantity; the word nearest to it wins (压减至 over 压减)."""
    last = None
    for m in OP_BEFORE_RE.finditer(gap):
        last = m
    near = OP_ADJACENT_RE.search(gap)
    if near and not (last and last.end() > near.start()):
        if hedged and near.group(1) in CHANGE_WORDS:
            return "="  # 增长8%左右: about that much, not at least
        return OP_ADJACENT[near.group(1)]
    return OP_BEFORE[last.group()] if last else None


def _bare_op(q: Quantity) -> Op:
    """A count with no comparison word is to be reached; a bare share or duration is exact.

    A bare 100% (抽查结果公示率100%) is full coverage, to be reached and kept.
    """
    return ">=" if q.kind == "count" or (q.unit == "%" and q.value == 100) else "="


def _descriptive(text: str, cursor: int, q: Quantity) -> bool:
    """A count under 按照/围绕 with no comparison describes a rule: 按照1个专业对接一个产业链."""
    return q.kind == "count" and bool(DESCRIPTIVE_LEAD.match(text, cursor, q.start))


def _main_targets(
    ctx: _Context,
    span: tuple[int, int, bool],
    q: Quantity,
    scope: str,
    period: str | None,
    op: Op,
) -> list[Target]:
    """The target of one quantity whose item runs ``span`` = (cursor, limit, first in clause)."""
    text, (cursor, limit, first) = ctx.text, span
    phrase = phrase_for(text, cursor, limit, q, first=first)
    base = Target(
        quote=text[phrase.start : phrase.end],
        metric=phrase.metric,
        op=op,
        value=q.value,
        unit=q.unit,
        scope=scope,
        period=period,
        value_max=q.value_max,
        span=(phrase.start, phrase.end),
    )
    gap = text[cursor : q.start]
    each = _EACH.search(gap)
    if each and (not each.group("rest") or ACTION_RUN.fullmatch(each.group("rest"))):
        return each_targets(base, gap[: each.start()], bool(after_metric(text, q, limit)[0]))
    return [base]


def _previous_clause(ctx: _Context, clause_start: int) -> str:
    """The thing a bare figure refers back to: 提升…结构比例，实现50%以上.

    A long object keeps its head, after the last 的 (…贫困劳动力的职业技能培训 → 职业技能培训).
    """
    end = max(0, clause_start - 1)
    start = max(ctx.text.rfind(sep, 0, end) for sep in "，。；\n") + 1
    phrase = clean(ctx.text[start:end], closing_verbs=False)
    return phrase.rsplit("的", 1)[-1] if len(phrase) > _LONG_PHRASE else phrase


# --- about one to one -----------------------------------------------------------------------------


def _similar_targets(ctx: _Context, clause: Range, scope: str) -> list[Target]:
    """``职业教育与普通高中教育比例大体相当``: the ``~`` target, value 1, no unit."""
    text = ctx.text
    out: list[Target] = []
    start = clause[0] + _lead_len(text[clause[0] : clause[1]])
    for m in SIMILAR.finditer(text, start, clause[1]):
        metric = clean(text[start : m.start()])
        if metric:
            span = (start, m.end())
            out.append(Target(text[start : m.end()], metric, "~", 1, None, scope, span=span))
    return out


def _lead_len(phrase: str) -> int:
    m = LEADING.match(phrase)
    return m.end() if m else 0
