"""Reporting periods: calendar months, quarters, half-years and years.

A ``Period`` is a closed date range ``[start, end]`` aligned to its cadence (a quarter starts on
1 January, 1 April, 1 July or 1 October). The reporting rules of design.md § Status rules live here:

- periods run from the one that holds the plan's effective date;
- a period is **owed** once its end plus the grace days has passed (``as_of > end + grace``);
- a report **counts** for the period it was submitted in, except that one submitted within the
  grace days after a period's end counts for that ended period (a Q2 report on 5 July is Q2's).

Pure functions over ``datetime.date``; dates are expected between years 2 and 9998.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from duban.domain.choices import Cadence

MONTHS: dict[Cadence, int] = {
    Cadence.MONTHLY: 1,
    Cadence.QUARTERLY: 3,
    Cadence.HALF_YEARLY: 6,
    Cadence.YEARLY: 12,
}
"""Length of one period in months."""

_CADENCE_OF: dict[int, Cadence] = {months: cadence for cadence, months in MONTHS.items()}

_KEY = re.compile(r"(?P<y>\d{4})(?:-(?:(?P<m>\d{2})|Q(?P<q>[1-4])|H(?P<h>[12])))?")


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period, ``start`` to ``end`` inclusive; ordered by start.

    Raises ``ValueError`` unless the range is a whole month, quarter, half-year or year.
    """

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        months = _months_spanned(self.start, self.end)
        aligned = months in _CADENCE_OF and (self.start.month - 1) % months == 0
        if not (aligned and self.start.day == 1 and self.end == _month_end(self.end)):
            raise ValueError(f"not a calendar period: {self.start} – {self.end}")

    @property
    def cadence(self) -> Cadence:
        """The cadence whose periods have this length."""
        return _CADENCE_OF[_months_spanned(self.start, self.end)]

    @property
    def label(self) -> str:
        """Chinese name: ``2021年3月``, ``2021年第1季度``, ``2021年上半年``, ``2021年``."""
        year, month = self.start.year, self.start.month
        match self.cadence:
            case Cadence.MONTHLY:
                return f"{year}年{month}月"
            case Cadence.QUARTERLY:
                return f"{year}年第{(month - 1) // 3 + 1}季度"
            case Cadence.HALF_YEARLY:
                return f"{year}年{'上' if month == 1 else '下'}半年"
            case _:
                return f"{year}年"

    @property
    def key(self) -> str:
        """Stable text key: ``2021-03``, ``2021-Q1``, ``2021-H1``, ``2021`` (see ``parse_key``)."""
        year, month = self.start.year, self.start.month
        match self.cadence:
            case Cadence.MONTHLY:
                return f"{year}-{month:02d}"
            case Cadence.QUARTERLY:
                return f"{year}-Q{(month - 1) // 3 + 1}"
            case Cadence.HALF_YEARLY:
                return f"{year}-H{1 if month == 1 else 2}"
            case _:
                return f"{year}"

    def due_on(self, grace_days: int) -> dt.date:
        """The last day a report still counts for this period: ``end + grace_days``."""
        return self.end + dt.timedelta(days=grace_days)

    def next(self) -> Period:
        """The period right after this one, of the same cadence."""
        return period_of(self.end + dt.timedelta(days=1), self.cadence)

    def previous(self) -> Period:
        """The period right before this one, of the same cadence."""
        return period_of(self.start - dt.timedelta(days=1), self.cadence)


@lru_cache(maxsize=65536)  # pure and called per report per evaluation: worth remembering
def period_of(day: dt.date, cadence: Cadence) -> Period:
    """The period of ``cadence`` that holds ``day``."""
    months = MONTHS[cadence]
    first = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first, 1)
    return Period(start, _month_end(dt.date(day.year, first + months - 1, 1)))


@lru_cache(maxsize=65536)
def counting_period(submitted_on: dt.date, cadence: Cadence, grace_days: int) -> Period:
    """The period a report submitted on ``submitted_on`` counts for.

    The period it was submitted in, unless it came within ``grace_days`` after the previous
    period's end: then that ended period (quarterly, 10 grace days: 10 July → Q2, 11 July → Q3).
    """
    current = period_of(submitted_on, cadence)
    previous = current.previous()
    return previous if submitted_on <= previous.due_on(grace_days) else current


def owed_period(
    as_of: dt.date, effective: dt.date, cadence: Cadence, grace_days: int
) -> Period | None:
    """The latest period owed at ``as_of``, or ``None`` while none is.

    Periods start with the one holding ``effective``; a period is owed once
    ``as_of > end + grace_days`` (quarterly, 10 grace days: Q2 is owed from 11 July).
    """
    last_closed = as_of - dt.timedelta(days=grace_days + 1)  # latest day whose period may be owed
    period = period_of(last_closed, cadence)
    if period.end > last_closed:
        period = period.previous()
    return period if period >= period_of(effective, cadence) else None


def periods_between(start: dt.date, end: dt.date, cadence: Cadence) -> list[Period]:
    """Every period of ``cadence`` overlapping ``[start, end]``, in order; empty if end < start."""
    if end < start:
        return []
    out = [period_of(start, cadence)]
    while out[-1].end < end:
        out.append(out[-1].next())
    return out


def parse_key(key: str) -> Period:
    """The period a ``Period.key`` names (``2021-Q2`` → April–June 2021); ``ValueError`` if none."""
    m = _KEY.fullmatch(key.strip())
    if m is None:
        raise ValueError(f"not a period key: {key!r}")
    year = int(m["y"])
    if m["m"]:
        return period_of(dt.date(year, int(m["m"]), 1), Cadence.MONTHLY)
    if m["q"]:
        return period_of(dt.date(year, int(m["q"]) * 3, 1), Cadence.QUARTERLY)
    if m["h"]:
        return period_of(dt.date(year, int(m["h"]) * 6, 1), Cadence.HALF_YEARLY)
    return period_of(dt.date(year, 1, 1), Cadence.YEARLY)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _months_spanned(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1
