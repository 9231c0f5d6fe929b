"""Dates are Beijing dates: "today" is the date in Asia/Shanghai, wherever the server's clock
is set. A server kept in UTC (most containers) would otherwise date everything from 00:00 to
08:00 Beijing time a day early: a report sent at 07:30 on the deadline day would count as sent
the day before, and every page would show yesterday's status until 08:00."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """Today's date in Beijing."""
    return dt.datetime.now(SHANGHAI).date()


def beijing_date(at: dt.datetime) -> dt.date:
    """The Beijing date of an instant (stored UTC; a naive one is UTC)."""
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(SHANGHAI).date()
