"""Dates are Beijing dates, whatever the server's clock is set to (``duban.domain.clock``)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from duban.domain import clock

PACKAGE = Path(clock.__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("at", "day"),
    [
        (dt.datetime(2021, 7, 30, 15, 59, tzinfo=dt.UTC), dt.date(2021, 7, 30)),
        (dt.datetime(2021, 7, 30, 16, 0, tzinfo=dt.UTC), dt.date(2021, 7, 31)),  # 00:00 Beijing
        (dt.datetime(2021, 7, 30, 23, 30), dt.date(2021, 7, 31)),  # naive: stored UTC
        (dt.datetime(2021, 7, 31, 7, 30, tzinfo=clock.SHANGHAI), dt.date(2021, 7, 31)),
        (dt.datetime(2021, 12, 31, 16, 0, tzinfo=dt.UTC), dt.date(2022, 1, 1)),
    ],
)
def test_an_instant_falls_on_its_beijing_date(at: dt.datetime, day: dt.date) -> None:
    assert clock.beijing_date(at) == day


def test_today_is_the_date_in_beijing_now() -> None:
    before = dt.datetime.now(dt.UTC)
    found = clock.today()
    after = dt.datetime.now(dt.UTC)
    assert found in {clock.beijing_date(before), clock.beijing_date(after)}


def test_nothing_takes_the_date_from_the_servers_own_time_zone() -> None:
    """``date.today()``, ``datetime.today()`` and ``datetime.now()`` without a zone read the
    server's local clock: between 00:00 and 08:00 Beijing time a UTC server is a day behind."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            name, owner = node.func.attr, ast.unparse(node.func.value)
            local_today = name == "today" and owner.split(".")[-1] in {"date", "datetime"}
            local_now = (
                name == "now"
                and owner.split(".")[-1] == "datetime"
                and not (node.args or node.keywords)
            )
            if local_today or local_now:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert found == []
