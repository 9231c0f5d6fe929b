"""Claim against data (数据核对): a figure a unit reports next to the figure the records give.

A report states figures two ways: a value typed against a target (填报数值), and numbers in its
narrative (“已建成3个实训基地”). Where the target is bound to an indicator, the records compute the
same figure; ``check`` says whether the two agree. ``mentions`` finds narrative numbers that speak
of a target: a number with a measure word and one of the target's words in the same clause, on
either side (“建成3个产教融合实训基地”, “双师型教师比例达到52%”). It reads prose the way a reviewer
skims it, so it shows its quote; the supervisor judges.

Agreement: percentages within half a point (the records show one decimal); counts and sums within
half a unit, or 1% of the computed figure where that is more (“1.2万人次” against 12,046).
Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import cn2an

PERCENT_UNITS = frozenset({"%", "％"})
THING_UNITS = frozenset({"个", "家", "所", "项", "门", "支", "处"})
PEOPLE_UNITS = frozenset({"人", "名", "人次", "位"})
CLAUSE_STOPS = "，。；！？、,;!?\n（）()"
WINDOW = 20
"""How many characters may stand between a number and the target's word in one clause."""
TAIL = 4
"""A long target word also matches by its last characters: 产教融合实训基地 → 实训基地."""

_CN = "零〇一二两三四五六七八九十百千万"
_NUMBER = rf"(?:\d+(?:\.\d+)?\s*万?|[一二两三四五六七八九十][{_CN}]*)"
_MEASURE = r"(?:%|％|人次|个|家|所|项|门|支|处|人|名|位)"
_QUANTITY = re.compile(rf"({_NUMBER})\s*({_MEASURE})")


class Verdict(StrEnum):
    AGREES = "agrees"
    DIFFERS = "differs"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class Mention:
    """A number in a report's narrative that speaks of one target's figure."""

    value: float
    unit: str
    quote: str


def mentions(text: str, words: Iterable[str], unit: str | None) -> list[Mention]:
    """Numbers in ``text`` stated with a measure word that fits ``unit`` (the target's unit) and
    with one of ``words`` in the same clause within ``WINDOW`` characters; one per number."""
    keys = _keys(words)
    if not keys or not text:
        return []
    found: list[Mention] = []
    for match in _QUANTITY.finditer(text):
        measure = match.group(2)
        if not fits(measure, unit):
            continue
        value = parse_number(match.group(1))
        if value is None:
            continue
        before = _clause_tail(text[: match.start()])
        after = _clause_head(text[match.end() :])
        if any(k in before or k in after for k in keys):
            found.append(Mention(value, measure, _quote(text, match.start(), match.end())))
    return found


def fits(measure: str, unit: str | None) -> bool:
    """Whether a measure word can state a figure of a target in ``unit``."""
    target = (unit or "").strip()
    if target in PERCENT_UNITS or measure in PERCENT_UNITS:
        return target in PERCENT_UNITS and measure in PERCENT_UNITS
    for family in (THING_UNITS, PEOPLE_UNITS):
        if target in family:
            return measure in family
    return False


def check(claimed: float, computed: float | None, unit: str | None) -> Verdict:
    """Whether a claimed figure agrees with the figure the records compute."""
    if computed is None:
        return Verdict.NO_DATA
    percent = (unit or "").strip() in PERCENT_UNITS
    allowed = 0.5 if percent else max(0.5, abs(computed) * 0.01)
    return Verdict.AGREES if abs(claimed - computed) <= allowed + 1e-9 else Verdict.DIFFERS


def parse_number(token: str) -> float | None:
    """``3`` → 3, ``1.2万`` → 12000, ``三`` → 3, ``十二`` → 12; ``None`` for what is no number."""
    token = token.strip()
    multiplier = 1.0
    if token.endswith("万") and token[:-1].strip().replace(".", "", 1).isdigit():
        token, multiplier = token[:-1].strip(), 10_000.0
    try:
        return float(token) * multiplier
    except ValueError:
        pass
    try:
        return float(cn2an.cn2an(token, "normal"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _keys(words: Iterable[str]) -> list[str]:
    keys: set[str] = set()
    for word in words:
        word = word.strip("“”\"' ")
        if len(word) >= 2:
            keys.add(word)
        if len(word) > TAIL:
            keys.add(word[-TAIL:])
    return sorted(keys, key=len, reverse=True)


def _clause_tail(text: str) -> str:
    """The last ``WINDOW`` characters before a number, not reaching back past a clause stop."""
    tail = text[-WINDOW:]
    cut = max(tail.rfind(stop) for stop in CLAUSE_STOPS)
    return tail[cut + 1 :]


def _clause_head(text: str) -> str:
    head = text[:WINDOW]
    cuts = [i for i in (head.find(stop) for stop in CLAUSE_STOPS) if i >= 0]
    return head[: min(cuts)] if cuts else head


def _quote(text: str, start: int, end: int) -> str:
    """The clause holding the number: what the reviewer reads next to the flag."""
    left = max(text.rfind(stop, 0, start) for stop in CLAUSE_STOPS) + 1
    rights = [i for i in (text.find(stop, end) for stop in CLAUSE_STOPS) if i >= 0]
    right = min(rights) if rights else len(text)
    return text[left:right].strip()


def words_of(metric: str, indicator_words: Sequence[str]) -> list[str]:
    """The words a narrative may use for a target: its own metric and its indicator's words."""
    return [metric, *indicator_words]
