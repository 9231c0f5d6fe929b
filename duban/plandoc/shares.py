"""Shares of a total, listed in parentheses right after it.

``合办4个“3+4”本科专业（市职业技术学校2个、中宁和海原县职业技术学校各1个）`` states the total
(4, to reach) and then exact shares: 2 for 市职业技术学校 and 1 each for 中宁县职业技术学校 and
海原县职业技术学校, with the level and body written once restored (``clauses.expand_names``).
Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from duban.plandoc.clauses import Range, expand_names, inside, is_unit_name
from duban.plandoc.metrics import clean
from duban.plandoc.model import Target
from duban.plandoc.quantities import Quantity

_LIST_SPLIT = re.compile(r"[、和及与]")


@dataclass(frozen=True)
class _Share:
    quantity: Quantity
    total: Target
    start: int  # where the item (unit name and figure) starts
    names: list[str]  # as written; several for 中宁和海原县…各1个


def total_of(parens: list[Range], qs: list[Quantity], i: int) -> int | None:
    """Index of the total whose parenthesis holds ``qs[i]``, if ``qs[i]`` is a share."""
    paren = inside(parens, qs[i].start)
    if paren is None:
        return None
    before = [j for j, q in enumerate(qs) if q.end <= paren[0]]
    return before[-1] if before else None


def share_targets(
    text: str, parens: list[Range], qs: list[Quantity], totals: dict[int, Target], default: str
) -> list[Target]:
    """Exact (``=``) targets for the shares among ``qs`` of the totals in ``totals``.

    ``totals`` maps the index of each total in ``qs`` to its target, which lends the share its
    metric and period. A share whose name is no unit keeps ``default`` as scope.
    """
    groups: dict[Range, list[_Share]] = {}
    for i, q in enumerate(qs):
        total = total_of(parens, qs, i)
        paren = inside(parens, q.start)
        if total is None or total not in totals or paren is None:
            continue
        start = _item_start(text, paren[0] + 1, q.start)
        name = clean(text[start : q.start])
        names = _LIST_SPLIT.split(name) if text[q.start - 1] == "各" else [name]
        groups.setdefault(paren, []).append(_Share(q, totals[total], start, names))
    out: list[Target] = []
    for shares in groups.values():
        # siblings restore each other's elided parts: 市职业技术学校10个、中宁县6个
        scopes = iter(expand_names([n for share in shares for n in share.names]))
        for share in shares:
            out += [_target(text, share, next(scopes), default) for _ in share.names]
    return out


def _target(text: str, share: _Share, name: str, default: str) -> Target:
    q, scoped = share.quantity, is_unit_name(name)
    return Target(
        quote=text[share.start : q.end],
        metric=share.total.metric if scoped or not name else name,
        op="=",
        value=q.value,
        unit=q.unit,
        scope=name if scoped else default,
        period=share.total.period,
        value_max=q.value_max,
        span=(share.start, q.end),
    )


def _item_start(text: str, start: int, pos: int) -> int:
    cut = max(text.rfind(sep, start, pos) for sep in "、，,；")
    return max(start, cut + 1)
