"""The words around a target's number: what it measures (metric) and the quote that states it.

A count usually names its thing after the measure word (``建设5个区级优质特色专业``); a share or
a duration usually names it before the comparison word (``合作企业达到15家``, ``实践课时不低于
总课时的50%``). Pure: no I/O.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from duban.plandoc.lexicon import ACTION_LEAD, ACTION_RUN, LEADING, OP_BEFORE_RE, PERIOD, YEAR_LED
from duban.plandoc.model import Target
from duban.plandoc.quantities import Quantity

_AFTER_STOP = re.compile(
    r"[，,。；;、（(：:]|并|实现|参加|参与|进行|用于|作为|抵免|进入|纳入|入选|在(?!线)|到(?!位)|的目标"
    r"|(?<![中高同平对])等(?!级)"
    r"|和(?=\s*\d)|\d{4}\s*年"
)
_TRIM_END = re.compile(r"[的各共为在是有和及与按约\s]+$")
_OPENERS = re.compile(r"^(?:全[省市县区州旗盟年]|年内|当年|可?按照?|依照|约|具有[^的]{1,12}的)")
_WINDOW_WORD = re.compile(r"[\d一二三四五六七八九十]+(?:年|个月)之?内")
_PLACE = re.compile(r"\s*(在[^，。；、,;]{1,12})(?=[，。；、,;]|$)")
_DURATION_NOUN = re.compile(r"(?:时间|时长|期限|年限|学时|课时)$")
_LONG_SUBJECT = 20  # a subject longer than this is a whole clause: quote from the comparison


@dataclass(frozen=True)
class Phrase:
    """A target's metric and its quote range ``[start, end)`` in the text."""

    metric: str
    start: int
    end: int


def phrase_for(text: str, cursor: int, limit: int, q: Quantity, *, first: bool) -> Phrase:
    """Metric and quote of ``q``, whose item starts at ``cursor`` and may run to ``limit``.

    ``first`` tells whether ``q`` opens its clause's list; a later item starts after the last
    ``、`` before it (``…、5年内在企业至少轮训1次``).
    """
    after, after_end = after_metric(text, q, limit)
    start = _item_start(text, cursor, q.start, first)
    before, before_start = before_metric(text, start, q)
    if after and ((q.kind == "count" and q.unit != "元") or not before):
        run = ACTION_RUN.search(text, cursor, q.start)
        return Phrase(after, run.start() if run else q.start, after_end)
    if q.kind == "duration":
        before = _duration_metric(text, q, limit, before)
    return Phrase(before, before_start, q.end)


def after_metric(text: str, q: Quantity, limit: int) -> tuple[str, int]:
    """The noun phrase right after the quantity (5个区级优质特色专业) and where it ends."""
    stop = _AFTER_STOP.search(text, q.end, limit)
    end = stop.start() if stop else limit
    trimmed = _TRIM_END.sub("", text[q.end : end])
    metric = clean(trimmed.lstrip("的"), closing_verbs=False)  # 1次教师培训: 培训 is the thing
    return metric, (q.end + len(trimmed) if metric else q.end)


def before_metric(text: str, start: int, q: Quantity) -> tuple[str, int]:
    """What is measured when the quantity closes its item (合作企业达到15家), and the quote start.

    A share of a base (实践课时不低于总课时的50%) reads as ``实践课时占总课时比例``.
    """
    gap = text[start : q.start]
    found = list(OP_BEFORE_RE.finditer(gap))
    last = found[-1] if found else None
    head, tail = (gap[: last.start()], gap[last.end() :].rstrip()) if last else ("", gap.rstrip())
    subject = clean(head)
    if last and len(subject) > _LONG_SUBJECT:
        subject = subject.rsplit("的", 1)[-1]
        start += last.start() - (1 if head.endswith("按") else 0)
    if q.kind == "percent" and tail.endswith("的") and clean(tail[:-1]):
        return (subject + "占" if subject else "") + clean(tail[:-1]) + "比例", start
    metric = clean(subject + tail)
    return ("" if ACTION_RUN.fullmatch(metric) else metric), start  # 实现50%: named elsewhere


def _duration_metric(text: str, q: Quantity, limit: int, metric: str) -> str:
    """``专业教师每年至少1个月在企业实践`` → ``专业教师在企业实践时间``."""
    place = _PLACE.match(text, q.end, limit)
    if place and not metric.endswith(place.group(1)):
        metric += place.group(1)
    return metric if _DURATION_NOUN.search(metric) or not metric else metric + "时间"


def _item_start(text: str, cursor: int, pos: int, first: bool) -> int:
    if not first:
        cursor = max(cursor, text.rfind("、", cursor, pos) + 1)
    m = LEADING.match(text, cursor, pos)
    return m.end() if m else cursor


def clean(phrase: str, *, closing_verbs: bool = True) -> str:
    """A phrase without opening connectives, verbs and period words or closing particles.

    With ``closing_verbs`` a closing run of verbs goes too (…教师全员进行 → …教师全员).
    """
    phrase = re.sub(r"\s", "", phrase)
    m = LEADING.match(phrase)
    phrase = phrase[m.end() :] if m else phrase
    phrase = _WINDOW_WORD.sub("", PERIOD.sub("", phrase))
    if YEAR_LED.match(phrase):
        phrase = phrase[1:]  # 年培训 → 培训: the period is kept apart
    phrase = _OPENERS.sub("", _strip_actions(_OPENERS.sub("", phrase)))
    run = ACTION_RUN.search(phrase) if closing_verbs else None
    if run and run.start() >= 2:  # a closing verb (…教师全员进行) is not part of the thing
        phrase = phrase[: run.start()]
    return _TRIM_END.sub("", phrase)


def _strip_actions(phrase: str) -> str:
    """Drop a leading run of verbs and adverbs (遴选特色德育案例 → 特色德育案例).

    What would be left of a compound (培训率 → 率) keeps its verb.
    """
    m = ACTION_LEAD.match(phrase)
    return phrase[m.end() :] if m and m.end() <= len(phrase) - 2 else phrase


def complete_heads(targets: list[Target]) -> None:
    """``2个自治区级、8个市级产教融合企业``: a level-only metric borrows the next one's head."""
    for t, nxt in itertools.pairwise(targets):
        if t.metric.endswith("级") and "级" in nxt.metric:
            t.metric += nxt.metric.split("级", 1)[1]
