"""Claims in report narratives, and whether a claimed figure agrees with the records."""

from __future__ import annotations

import pytest

from duban.domain.claims import Verdict, check, fits, mentions, parse_number

BASES = ["产教融合实训基地", "实训基地"]


@pytest.mark.parametrize(
    ("text", "words", "unit", "expected"),
    [
        ("已建成3个实训基地，正在申报第4个。", BASES, "个", [(3.0, "已建成3个实训基地")]),
        ("今年建成三个产教融合实训基地", BASES, "个", [(3.0, "今年建成三个产教融合实训基地")]),
        ("实训基地2个", BASES, "个", [(2.0, "实训基地2个")]),
        # the word must be in the same clause as the number
        ("新增合作企业5家，实训基地正在建设", BASES, "个", []),
        ("双师型教师比例达到52.5%", ["双师型"], "%", [(52.5, "双师型教师比例达到52.5%")]),
        ("双师型教师比例达到52.5％", ["双师型"], "%", [(52.5, "双师型教师比例达到52.5％")]),
        # a percentage is no count, a count no percentage
        ("实训基地建设完成80%", BASES, "个", []),
        ("双师型教师达到120人", ["双师型"], "%", []),
        ("全年开展职业技能培训1.2万人次", ["职业技能培训"], "人次",
         [(12000.0, "全年开展职业技能培训1.2万人次")]),
        ("培训教师十二名，职业技能培训800人次", ["职业技能培训"], "人次",
         [(800.0, "职业技能培训800人次")]),
        # a number far from the word, or with a measure word of another kind, is not a claim
        ("2021年投入资金300万元用于建设实训基地", BASES, "个", []),
        ("", BASES, "个", []),
        ("建成3个实训基地", [], "个", []),
    ],
)  # fmt: skip
def test_mentions(
    text: str, words: list[str], unit: str, expected: list[tuple[float, str]]
) -> None:
    assert [(m.value, m.quote) for m in mentions(text, words, unit)] == expected


def test_a_long_word_matches_by_its_tail() -> None:
    found = mentions("已建成3个实训基地", ["产教融合实训基地"], "个")
    assert [m.value for m in found] == [3.0]


@pytest.mark.parametrize(
    ("claimed", "computed", "unit", "verdict"),
    [
        (3, 2, "个", Verdict.DIFFERS),
        (3, 3, "个", Verdict.AGREES),
        (52.5, 52.2, "%", Verdict.AGREES),
        (52.5, 51.9, "%", Verdict.DIFFERS),
        (12000, 12046, "人次", Verdict.AGREES),  # within 1% of the records' figure
        (12000, 12200, "人次", Verdict.DIFFERS),
        (0, 0, "个", Verdict.AGREES),
        (3, None, "个", Verdict.NO_DATA),
    ],
)
def test_check(claimed: float, computed: float | None, unit: str, verdict: Verdict) -> None:
    assert check(claimed, computed, unit) == verdict


@pytest.mark.parametrize(
    ("measure", "unit", "ok"),
    [("个", "个", True), ("家", "个", True), ("人", "人次", True), ("名", "人", True),
     ("%", "%", True), ("％", "%", True), ("个", "%", False), ("%", "个", False),
     ("人", "个", False), ("个", None, False)],
)  # fmt: skip
def test_fits(measure: str, unit: str | None, ok: bool) -> None:
    assert fits(measure, unit) is ok


@pytest.mark.parametrize(
    ("token", "value"),
    [("3", 3.0), ("1.2万", 12000.0), ("三", 3.0), ("十二", 12.0), ("两", 2.0), ("万", None)],
)
def test_parse_number(token: str, value: float | None) -> None:
    assert parse_number(token) == value


def test_a_long_modifier_between_number_and_word_still_counts() -> None:
    text = "已建成3个高水平专业化产教融合实训基地，运行良好"
    found = mentions(text, ["高水平专业化产教融合实训基地", "产教融合实训基地"], "个")
    assert [(m.value, m.quote) for m in found] == [(3.0, "已建成3个高水平专业化产教融合实训基地")]
