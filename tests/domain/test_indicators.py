"""The indicator catalogue is checked against the record kinds, and the arithmetic of a figure."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from duban.catalogue import text
from duban.domain.indicators import (
    current_school_year,
    indicator_value,
    parse_indicators,
    tally,
)
from duban.domain.records import CatalogueError, parse_kinds

KINDS = parse_kinds(text("record_kinds.yaml"))
GOOD = """
  - key: k
    name: 指标
    kind: teacher
    measure: share
    base: [{field: professional, op: "=", value: true}]
    where: [{field: practice_days, op: ">=", value: 30}]
    unit: "%"
"""


def parse(entry: str) -> None:
    parse_indicators("indicators:\n" + entry, KINDS)


def test_the_shipped_catalogue_is_valid_and_every_share_is_a_percentage() -> None:
    shipped = parse_indicators(text("indicators.yaml"), KINDS)
    assert len(shipped) >= 30
    assert all(i.percent for i in shipped if i.measure == "share")
    assert all(i.metrics for i in shipped)


@pytest.mark.parametrize(
    ("old", "new", "fault"),
    [
        ("kind: teacher", "kind: pets", "unknown record kind 'pets'"),
        ("field: professional", "field: profesional", "has no field 'profesional'"),
        ('op: ">="', 'op: "=>"', "operator '=>' is not one of"),
        ("value: true", "value: 是", "'是' is not a value of 'professional' (boolean)"),
        ("value: 30", "value: '30'", "'30' is not a value of 'practice_days'"),
        ("measure: share", "measure: mean", "measure 'mean' is not one of"),
        ('unit: "%"', "unit: 斤", "unit '斤' is not one of"),
        ("measure: share", "measure: share\n    filtr: []", "unknown entries ['filtr']"),
        ('    where: [{field: practice_days, op: ">=", value: 30}]\n', "", "a share needs"),
    ],
)
def test_a_bad_definition_is_refused_with_a_precise_reason(old: str, new: str, fault: str) -> None:
    assert old in GOOD
    with pytest.raises(CatalogueError, match="indicator 'k': .*" + re.escape(fault)):
        parse(GOOD.replace(old, new))


@pytest.mark.parametrize(
    ("entry", "fault"),
    [
        ("{field: name, op: '>=', value: 'a'}", "'name' (text) cannot use >="),
        ("{field: honour, op: '=', value: 院士}", "'院士' is not a value of 'honour'"),
        ("{field: honour, op: in, value: 技术能手}", "'honour' in needs a list"),
    ],
)
def test_a_condition_must_fit_its_fields_type(entry: str, fault: str) -> None:
    with pytest.raises(CatalogueError, match=re.escape(fault)):
        parse("  - {key: k, name: 指标, kind: teacher, measure: count, unit: 人, "
              f"filter: [{entry}]}}")  # fmt: skip


def test_a_sum_or_ratio_needs_numeric_fields() -> None:
    with pytest.raises(CatalogueError, match="'name' is not a number to add up"):
        parse("  - {key: k, name: 指标, kind: training, measure: sum, field: name, unit: 人次}")
    with pytest.raises(CatalogueError, match="a ratio needs"):
        parse("  - {key: k, name: 指标, kind: teaching_plan, measure: ratio, "
              "numerator: practice_hours, unit: '%'}")  # fmt: skip
    with pytest.raises(CatalogueError, match="declared twice"):
        parse(GOOD + GOOD)


def test_an_empty_denominator_is_no_data_never_zero() -> None:
    (share,) = parse_indicators("indicators:\n" + GOOD, KINDS)
    assert indicator_value(share, 0, 0) is None
    assert indicator_value(share, 1, 4) == 25.0
    assert indicator_value(share, 0, 4) == 0.0
    assert tally(share, []) == (0, 0)


def test_a_count_reads_no_data_only_when_the_scope_has_no_rows() -> None:
    (count,) = parse_indicators(
        "indicators:\n  - {key: c, name: 校中厂数, kind: factory_school, measure: count, unit: 个,"
        " filter: [{field: type, op: '=', value: 校中厂}]}", KINDS)  # fmt: skip
    rows = [{"name": "甲", "type": "厂中校"}, {"name": "乙", "type": None}]
    assert tally(count, rows) == (0, 2) and indicator_value(count, 0, 2) == 0
    assert indicator_value(count, 0, 0) is None


@pytest.mark.parametrize(
    ("day", "year"), [("2022-09-01", 2022), ("2023-08-31", 2022), ("2023-01-15", 2022)]
)
def test_the_current_school_year_starts_in_september(day: str, year: int) -> None:
    assert current_school_year(dt.date.fromisoformat(day)) == year
