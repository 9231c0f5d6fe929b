"""An indicator's formula in words: each measure and each kind of condition, on hand-made
catalogue entries, and every shipped indicator named in words without a field key left over."""

from __future__ import annotations

import re

import pytest

from duban.catalogue import text
from duban.domain.indicator_words import formula_words
from duban.domain.indicators import parse_indicators
from duban.domain.records import parse_kinds

KINDS = parse_kinds(text("record_kinds.yaml"))


def words(entry: str) -> tuple[str, str | None, str]:
    (indicator,) = parse_indicators(f"indicators:\n- {{key: k, name: 名, {entry}}}", KINDS)
    formula = formula_words(indicator, KINDS[indicator.kind])
    return formula.text, formula.denominator, formula.note


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("kind: base, measure: count, unit: 个", "基地、工作室和团队条数"),
        ("kind: major, measure: count, unit: 个, filter: [{field: pathway, op: '=', value: '3+2'}]",
         "专业中贯通培养为“3+2”的条数"),
        ("kind: major, measure: count, unit: 个, filter: [{field: designation, op: '!=', "
         "value: 无}, {field: designation_level, op: '=', value: 市级}]",
         "专业中建设称号不为“无”且称号级别为“市级”的条数"),
        ("kind: base, measure: count, unit: 个, filter: [{field: level, op: in, "
         "value: [国家级, 自治区级]}]", "基地、工作室和团队中级别为“国家级”或“自治区级”的条数"),
        ("kind: enterprise, measure: count, unit: 家, filter: [{field: integration_level, op: in, "
         "value: [国家级, 自治区级, 市级]}]",
         "合作企业中产教融合型企业级别为“国家级”、“自治区级”或“市级”的条数"),
        ("kind: study_visit, measure: count, unit: 人, distinct: staff_no",
         "教师研修访学中不同工号的个数"),
        ("kind: training, measure: sum, unit: 人次, field: person_times", "社会培训中培训人次之和"),
        ("kind: teacher, measure: count, unit: 人, filter: [{field: practice_days, op: '<', "
         "value: 30.5}, {field: ideology, op: '=', value: false}]",
         "教师中本学年企业实践天数<30.5且思政课教师为“否”的条数"),
        ("kind: teacher, measure: share, unit: '%', base: [{field: professional, op: '=', "
         "value: true}], where: [{field: double_qualified, op: '=', value: true}]",
         "教师中专业课教师为“是”且双师型教师为“是”的条数 ÷ 教师中专业课教师为“是”的条数 × 100%"),
        ("kind: student, measure: share, unit: '%', filter: [{field: graduating, op: '=', "
         "value: true}], where: [{field: internship_months, op: '>=', value: 6}]",
         "学生中本学年毕业为“是”且顶岗实习月数≥6的条数 ÷ 学生中本学年毕业为“是”的条数 × 100%"),
        ("kind: teaching_plan, measure: ratio, unit: '%', percent: true, "
         "numerator: practice_hours, denominator: total_hours",
         "人才培养方案课时中实践课时之和 ÷ 总课时之和 × 100%"),
        ("kind: teaching_plan, measure: ratio, unit: 个, numerator: practice_hours, "
         "denominator: total_hours", "人才培养方案课时中实践课时之和 ÷ 总课时之和"),
    ],
)  # fmt: skip
def test_each_measure_and_condition_reads_as_words(entry: str, expected: str) -> None:
    assert words(entry)[0] == expected


def test_counts_and_sums_have_no_denominator_and_a_ratio_says_which_rows_count() -> None:
    assert words("kind: training, measure: sum, unit: 人次, field: person_times")[1] is None
    ratio = words("kind: teaching_plan, measure: ratio, unit: '%', percent: true, "
                  "numerator: practice_hours, denominator: total_hours")  # fmt: skip
    assert ratio[2] == "只计实践课时和总课时均已填写的记录"


def test_every_shipped_indicator_reads_in_chinese_without_a_field_key() -> None:
    shipped = parse_indicators(text("indicators.yaml"), KINDS)
    for indicator in shipped:
        formula = formula_words(indicator, KINDS[indicator.kind])
        assert not re.search(r"[a-z_]{3,}", formula.text), (indicator.key, formula.text)
        assert formula.text.startswith(KINDS[indicator.kind].label), formula.text
        assert (formula.denominator is not None) == (indicator.measure in ("share", "ratio"))
