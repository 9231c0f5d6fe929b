"""Dates as people type them into forms: one parser for every page and service that takes one.

A date is ISO 8601, ``2021-07-31`` (what a date field sends); surrounding blanks are ignored.
Empty means none, or is refused when the field is ``required``. A day before 1990 or after 2199
is a typing mistake in a supervision ledger, refused like the API's date fields refuse it.
Every refusal is ``Invalid`` with a Chinese message naming the field.
"""

from __future__ import annotations

import datetime as dt

from duban.services.errors import Invalid

EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2199, 12, 31)


def parse_day(value: str | dt.date | None, label: str, *, required: bool = False) -> dt.date | None:
    """``value`` as a date (a date passes through); empty is ``None`` unless ``required``."""
    if isinstance(value, dt.date):
        return _plausible(value, label)
    text = (value or "").strip()
    if not text:
        if required:
            raise Invalid(f"请填写{label}")
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        blank = "" if required else "，或留空"
        raise Invalid(f"{label}应为日期，如 2021-07-31{blank}（收到“{text[:20]}”）") from None
    return _plausible(day, label)


def required_day(value: str | dt.date | None, label: str) -> dt.date:
    """``parse_day`` for a field that must be filled in."""
    day = parse_day(value, label, required=True)
    assert day is not None
    return day


def _plausible(day: dt.date, label: str) -> dt.date:
    if not EARLIEST <= day <= LATEST:
        raise Invalid(f"{label} {day.isoformat()} 不合理")
    return day
