"""Which indicator measures a plan target: a proposal from the indicator's metric words.

A target is proposed an indicator when one of the indicator's ``metrics`` words occurs in the
target's metric and their units agree (a percentage with a percentage, a count with a count):
“双师型”教师在专业教师中的结构比例 ≥50% ↔ 双师型教师比例 (%). The longest matching word wins;
a tie between indicators proposes nothing (a person decides). Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from duban.domain.indicators import Indicator

COUNT_UNITS = frozenset({"个", "家", "人", "名", "人次", "项", "所"})


def units_agree(target_unit: str | None, indicator: Indicator) -> bool:
    """A percentage target needs a percentage indicator; a count target a count indicator."""
    unit = (target_unit or "").strip()
    if indicator.percent or indicator.unit == "%":
        return unit == "%"
    return unit in COUNT_UNITS and indicator.unit in COUNT_UNITS


def propose(metric: str, unit: str | None, indicators: Sequence[Indicator]) -> Indicator | None:
    """The indicator that measures the target ``metric`` (in ``unit``), or ``None``."""
    scored = [
        (max(len(word) for word in ind.metrics if word in metric), ind)
        for ind in indicators
        if units_agree(unit, ind) and any(word in metric for word in ind.metrics)
    ]
    if not scored:
        return None
    best = max(score for score, _ in scored)
    winners = [ind for score, ind in scored if score == best]
    return winners[0] if len(winners) == 1 else None
