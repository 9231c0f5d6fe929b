"""Splitting unit lists (责任单位 / 配合单位) into single units with elided prefixes restored."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duban.plandoc.units import split_lead_coop, split_units
from tests.conftest import GOLD, SAMPLE


def names(text: str) -> list[str]:
    return [name for name, _ in split_units(text)]


# --- separators -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市教育局、市财政局", ["市教育局", "市财政局"]),
        ("市教育局，市财政局", ["市教育局", "市财政局"]),
        ("市教育局,市财政局", ["市教育局", "市财政局"]),
        ("市教育局；市财政局", ["市教育局", "市财政局"]),
        ("市教育局;市财政局", ["市教育局", "市财政局"]),
        ("市教育局\n市财政局", ["市教育局", "市财政局"]),
        ("市委办公室 市人民政府办公室", ["市委办公室", "市人民政府办公室"]),
        ("县教育体育局　县财政局", ["县教育体育局", "县财政局"]),  # ideographic space
        ("  市教育局、市财政局。", ["市教育局", "市财政局"]),
        ("", []),
        ("、，；", []),
    ],
)
def test_items_are_cut_at_separators(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("各县（区）人民政府", ["各县（区）人民政府"]),
        ("市职业技术学校（市技工学校）、市教育局", ["市职业技术学校（市技工学校）", "市教育局"]),
        ("各县（市、区）人民政府，市教育局", ["各县（市、区）人民政府", "市教育局"]),
        ("各旗(县、区)人民政府", ["各旗(县、区)人民政府"]),
    ],
)
def test_separators_inside_brackets_do_not_cut(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市教育局、人力资源社会\n保障局", ["市教育局", "市人力资源社会保障局"]),
        ("市云计算和大数据局、旅游和\n\n文体广电局", ["市云计算和大数据局", "市旅游和文体广电局"]),
        ("市\n教育局", ["市教育局"]),
        ("中卫工业\n园区管委会", ["中卫工业园区管委会"]),
    ],
)
def test_stray_line_break_inside_a_name_is_joined(text: str, expected: list[str]) -> None:
    assert names(text) == expected


# --- elided prefixes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市发展改革委、财政局", ["市发展改革委", "市财政局"]),
        ("自治区教育厅、财政厅", ["自治区教育厅", "自治区财政厅"]),
        ("省教育厅、人力资源社会保障厅", ["省教育厅", "省人力资源社会保障厅"]),
        ("县发展改革局、财政局、教育体育局", ["县发展改革局", "县财政局", "县教育体育局"]),
        ("区教育局、卫生健康委", ["区教育局", "区卫生健康委"]),
        ("州教育局、财政局", ["州教育局", "州财政局"]),
        ("盟教育局、财政局", ["盟教育局", "盟财政局"]),
        ("旗教育局、财政局", ["旗教育局", "旗财政局"]),
        ("银川市教育局、财政局", ["银川市教育局", "银川市财政局"]),
        ("广东省教育厅、财政厅", ["广东省教育厅", "广东省财政厅"]),
        ("宁夏回族自治区教育厅、财政厅", ["宁夏回族自治区教育厅", "宁夏回族自治区财政厅"]),
        ("延边朝鲜族自治州教育局、财政局", ["延边朝鲜族自治州教育局", "延边朝鲜族自治州财政局"]),
        (
            "市市场监管局、住房和城乡建设局、城市管理局、乡村振兴局",
            ["市市场监管局", "市住房和城乡建设局", "市城市管理局", "市乡村振兴局"],
        ),
        ("市教育局、残联、妇联、总工会", ["市教育局", "市残联", "市妇联", "市总工会"]),
        ("市教育局、移民局", ["市教育局", "市移民局"]),  # not in the word list: by its ending
    ],
)
def test_level_prefix_applies_to_following_department_items(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中宁、海原县人民政府", ["中宁县人民政府", "海原县人民政府"]),
        ("永宁、贺兰县人民政府", ["永宁县人民政府", "贺兰县人民政府"]),
        ("兴庆、金凤、西夏区人民政府", ["兴庆区人民政府", "金凤区人民政府", "西夏区人民政府"]),
        ("市、县人民政府教育督导室", ["市人民政府教育督导室", "县人民政府教育督导室"]),
        ("各市、县（区）人民政府", ["各市人民政府", "各县（区）人民政府"]),
        ("各市、县教育局", ["各市教育局", "各县教育局"]),
        ("市、县（区）教育局", ["市教育局", "县（区）教育局"]),
        ("中卫市、中宁县人民政府", ["中卫市人民政府", "中宁县人民政府"]),
        ("市、各县（区）人民政府", ["市人民政府", "各县（区）人民政府"]),
        ("中宁、海原县", ["中宁县", "海原县"]),
    ],
)
def test_bare_place_takes_the_rest_of_the_next_full_item(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("省发展改革委、省财政厅", ["省发展改革委", "省财政厅"]),
        ("市教育局、中卫工业园区管委会", ["市教育局", "中卫工业园区管委会"]),
        ("市教育局，各县（区）人民政府", ["市教育局", "各县（区）人民政府"]),
        ("市委组织部，市教育局", ["市委组织部", "市教育局"]),
        ("市教育局，中宁县人民政府", ["市教育局", "中宁县人民政府"]),
        ("团市委、市教育局", ["团市委", "市教育局"]),
        ("市职业教育工作联席会议成员单位", ["市职业教育工作联席会议成员单位"]),
        ("县政务服务中心，县直各部门", ["县政务服务中心", "县直各部门"]),
        ("市教育局、国家税务总局中卫市税务局", ["市教育局", "国家税务总局中卫市税务局"]),
        ("市教育局、中卫海关、中宁县人民政府", ["市教育局", "中卫海关", "中宁县人民政府"]),
        ("市教育局、有关单位", ["市教育局", "有关单位"]),
        ("教育局、市财政局", ["教育局", "市财政局"]),  # no prefix written before it
    ],
)
def test_item_naming_its_own_place_is_kept(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "市教育局、发展改革委，各县（区）人民政府",
            ["市教育局", "市发展改革委", "各县（区）人民政府"],
        ),
        ("市教育局，各县（区）人民政府，财政局", ["市教育局", "各县（区）人民政府", "市财政局"]),
        ("市教育局，中宁县人民政府，财政局", ["市教育局", "中宁县人民政府", "市财政局"]),
        ("各县（区）教育局、财政局", ["各县（区）教育局", "各县（区）财政局"]),
        ("各县（区）人民政府，市教育局、财政局", ["各县（区）人民政府", "市教育局", "市财政局"]),
        (
            "自治区教育厅、财政厅，银川市人民政府、教育局",
            ["自治区教育厅", "自治区财政厅", "银川市人民政府", "银川市教育局"],
        ),
        (
            "市委组织部，市教育局、人力资源社会保障局",
            ["市委组织部", "市教育局", "市人力资源社会保障局"],
        ),
    ],
)
def test_prefix_after_a_break_by_another_place(text: str, expected: list[str]) -> None:
    assert names(text) == expected


# --- notes and conjunctions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市教育局、市财政局（列第一位的为牵头单位）", ["市教育局", "市财政局"]),
        ("市教育局、市财政局，（排名第一的为牵头单位）", ["市教育局", "市财政局"]),
        ("市教育局、财政局等", ["市教育局", "市财政局"]),
        ("市教育局等有关部门", ["市教育局"]),
        ("各县（区）人民政府按职责分工负责", ["各县（区）人民政府"]),
        ("市教育局牵头", ["市教育局"]),
        ("市教育局牵头负责", ["市教育局"]),
        ("由市教育局牵头", ["市教育局"]),
        ("市教育局 牵头", ["市教育局"]),
        ("市教育局（牵头", ["市教育局"]),
    ],
)
def test_trailing_notes_are_dropped(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_role_mark_stays_on_its_unit_for_the_caller() -> None:
    assert names("市教育局（牵头）、财政局（配合）") == ["市教育局（牵头）", "市财政局（配合）"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市人力资源和社会保障局", ["市人力资源和社会保障局"]),
        ("市旅游和文体广电局、工业和信息化局", ["市旅游和文体广电局", "市工业和信息化局"]),
        ("市住房和城乡建设局、文化和旅游局", ["市住房和城乡建设局", "市文化和旅游局"]),
        ("市林业和草原局", ["市林业和草原局"]),
        ("中宁和海原县人民政府", ["中宁县人民政府", "海原县人民政府"]),
        ("市委和市政府", ["市委", "市政府"]),
        ("市教育局和财政局", ["市教育局", "市财政局"]),
        ("市委宣传部及市教育局", ["市委宣传部", "市教育局"]),
    ],
)
def test_conjunction_splits_only_between_units(text: str, expected: list[str]) -> None:
    assert names(text) == expected


# --- spans ----------------------------------------------------------------------------------------


def test_spans_point_at_the_item_as_written() -> None:
    doc = "责任单位：市发展改革委、财政局，中宁、海原县人民政府"
    value_start = doc.index("：") + 1
    units = split_units(doc[value_start:], offset=value_start)
    assert [doc[s:e] for _, (s, e) in units] == ["市发展改革委", "财政局", "中宁", "海原县人民政府"]


def test_span_of_a_name_broken_by_a_line_covers_both_parts() -> None:
    text = "人力资源社会\n保障局"
    ((name, (start, end)),) = split_units("市教育局、" + text, offset=100)[1:]
    assert name == "市人力资源社会保障局"
    assert (start, end) == (105, 105 + len(text))


# --- inline role sentences ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lead", "coop"),
    [
        ("市教育局牵头，市财政局、市人社局配合", ["市教育局"], ["市财政局", "市人社局"]),
        ("（市发改委牵头，各县区政府负责）", ["市发改委", "各县区政府"], []),
        ("市教育局牵头，财政局、人社局参与", ["市教育局"], ["市财政局", "市人社局"]),
        ("市教育局牵头，市财政局", ["市教育局"], ["市财政局"]),
        ("牵头单位：市教育局；配合单位：财政局、人社局", ["市教育局"], ["市财政局", "市人社局"]),
        ("市教育局（牵头）、市财政局", ["市教育局"], ["市财政局"]),
        ("区教育局牵头，区财政局协助", ["区教育局"], ["区财政局"]),
        ("市教育局、市财政局", [], []),
        ("", [], []),
    ],
)
def test_lead_and_coop_from_an_inline_sentence(text: str, lead: list[str], coop: list[str]) -> None:
    found_lead, found_coop = split_lead_coop(text)
    assert ([n for n, _ in found_lead], [n for n, _ in found_coop]) == (lead, coop)


# --- the sample plan ------------------------------------------------------------------------------

_LABEL_LINE = re.compile(r"^(?:责任单位|配合单位|完成时限)：")
_NUMBERED_LINE = re.compile(r"^(?:\d+\.|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")


def joined_sample() -> str:
    """The sample with broken lines joined: a line not ending in 。 runs on unless a label or a
    numbered line follows."""
    lines = [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    out: list[str] = []
    for line in filter(None, lines):
        runs_on = out and not out[-1].endswith("。")
        if runs_on and not _LABEL_LINE.match(line) and not _NUMBERED_LINE.match(line):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def sample_fields(label: str) -> dict[str, tuple[str, int]]:
    """Task number → (value of ``label``, its offset) in the joined sample."""
    text = joined_sample()
    found: dict[str, tuple[str, int]] = {}
    for task in re.finditer(r"(?ms)^(\d+)\.(.*?)(?=^\d+\.|\Z)", text):
        m = re.search(rf"(?m)^{label}：(.*)$", task.group(2))
        if m:
            found[task.group(1)] = (m.group(1), task.start(2) + m.start(1))
    return found


GOLD_TASKS: dict[str, dict[str, Any]] = {
    t["number"]: t for t in json.loads(GOLD.read_text(encoding="utf-8"))["tasks"]
}
NUMBERS = sorted(GOLD_TASKS, key=int)
LEAD = sample_fields("责任单位")
COOP = sample_fields("配合单位")


def test_sample_has_all_25_tasks_with_lead_units() -> None:
    assert sorted(LEAD, key=int) == NUMBERS == [str(n) for n in range(1, 26)]


@pytest.mark.parametrize("number", NUMBERS)
def test_sample_units_match_gold(number: str) -> None:
    lead = names(LEAD[number][0])
    coop = names(COOP[number][0]) if number in COOP else []
    assert (lead, coop) == (GOLD_TASKS[number]["lead_units"], GOLD_TASKS[number]["coop_units"])


@pytest.mark.parametrize("fields", [LEAD, COOP], ids=["lead", "coop"])
def test_sample_spans_cover_text_found_in_their_unit(fields: dict[str, tuple[str, int]]) -> None:
    text = joined_sample()
    for value, start in fields.values():
        for name, (s, e) in split_units(value, offset=start):
            assert text[s:e] and text[s:e] in name


# --- robustness -----------------------------------------------------------------------------------

_UNITISH = st.text(
    alphabet="市县区省中宁海原教育局财政委办人民政府和、，；（）() \n牵头等各自治", max_size=40
)


@given(st.one_of(st.text(max_size=60), _UNITISH), st.integers(min_value=0, max_value=10_000))
def test_split_units_never_raises_and_spans_stay_inside(text: str, offset: int) -> None:
    for name, (start, end) in split_units(text, offset=offset):
        assert name
        assert offset <= start < end <= offset + len(text)


@given(st.one_of(st.text(max_size=60), _UNITISH))
def test_split_lead_coop_never_raises(text: str) -> None:
    lead, coop = split_lead_coop(text)
    for _, (start, end) in lead + coop:
        assert 0 <= start < end <= len(text)
