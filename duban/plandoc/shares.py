"""Shares of a total listed in parentheses right after it, and other lists of units or things.

``合办4个“3+4”本科专业（市职业技术学校2个、中宁和海原县职业技术学校各1个）`` states the total
(4, to reach) and then exact shares: 2 for 市职业技术学校 and 1 each for 中宁县职业技术学校 and
海原县职业技术学校, with the level and body written once restored (``clauses.expand_names``);
``会师镇、河畔镇各100个`` gives each town its own share. Lists in the running text pair up too:
``A、B分别达到5个、3个`` (``respectively``) and ``A和B各3个`` (``each_targets``). Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from duban.plandoc.clauses import Range, clause_subject, expand_names, inside, is_unit_name
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
    previous = 0
    for i, q in enumerate(qs):
        total = total_of(parens, qs, i)
        paren = inside(parens, q.start)
        if total is None or total not in totals or paren is None:
            continue
        each = text[q.start - 1] == "各"  # 会师镇、河畔镇各100个: the list before 各 is the item
        start = _item_start(text, max(paren[0] + 1, previous), q.start, each)
        previous = q.end
        name = clean(text[start : q.start])
        names = _LIST_SPLIT.split(name) if each else [name]
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
    subject = None if scoped else clause_subject(name, default)
    if subject is not None and subject != default:  # 其中中心城区新增学位3.6万个
        name, scoped = subject, True
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


def _item_start(text: str, start: int, pos: int, each: bool) -> int:
    cut = max(text.rfind(sep, start, pos) for sep in ("，,；" if each else "、，,；"))
    start = max(start, cut + 1)
    return start + len(text[start:pos]) - len(text[start:pos].lstrip("、，,；： "))


# --- lists in the running text ---------------------------------------------------------------


def respectively(text: str, clause: Range, listed: list[tuple[Quantity, list[Target]]]) -> None:
    """``A、B分别达到5个、3个``: pair the listed things (or units) with the figures in order."""
    pos = text.find("分别", *clause)
    if pos < 0:
        return
    later = [made[0] for q, made in listed if q.start > pos and len(made) == 1]
    names = [n for n in (clean(p) for p in _LIST_SPLIT.split(clean(text[clause[0] : pos]))) if n]
    if len(later) < 2 or len(names) != len(later):
        return
    units = is_unit_name(names[-1])
    for t, name in zip(later, expand_names(names) if units else names, strict=True):
        if units:  # the thing is named once, after the last figure
            t.scope, t.metric = name, later[-1].metric
        else:
            t.metric = name


def each_targets(base: Target, listed: str, named_after: bool) -> list[Target]:
    """``A和B各3个``: one target per listed unit (as scope) or per listed thing (as metric)."""
    items = [clean(p) for p in _LIST_SPLIT.split(clean(listed).removeprefix("在"))]
    items = [p for p in items if p]
    if len(items) < 2:
        return [base]
    if is_unit_name(items[-1]):
        return [replace(base, scope=name) for name in expand_names(items)]
    if named_after:
        return [base]
    return [replace(base, metric=item) for item in items]
