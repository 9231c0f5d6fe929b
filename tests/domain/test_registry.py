"""The unit registry: matching a plan's unit names, collectives, proposals and the YAML file."""

from __future__ import annotations

import json
import string
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duban.domain.registry import (
    Registry,
    RegistryError,
    UnitEntry,
    dump_registry,
    load_registry,
    normalize_name,
)
from duban.plandoc import parse_path

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(scope="module")
def zhongwei() -> Registry:
    text = resources.files("duban.samples").joinpath("zhongwei_registry.yaml").read_text("utf-8")
    return load_registry(text)


def _gold_unit_names() -> list[str]:
    gold = json.loads((FIXTURES / "zhongwei_plan.gold.json").read_text("utf-8"))
    names = (n for task in gold["tasks"] for n in task["lead_units"] + task["coop_units"])
    return list(dict.fromkeys(names))


def _two_levels() -> Registry:
    """A city and a county each with an education bureau; the city's health body has short
    names only."""
    return Registry(
        [
            UnitEntry("zw", "中卫市", kind="place"),
            UnitEntry("zn", "中宁县", kind="place", parent="zw", aliases=("中宁",)),
            UnitEntry("zw-edu", "中卫市教育局", short="市教育局"),
            UnitEntry("zn-edu", "中宁县教育局", parent="zn"),
            UnitEntry("zw-fin", "中卫市财政局", short="市财政局"),
            UnitEntry("zw-health", "中卫市卫健委", short="市卫健委", aliases=("卫健委",)),
        ]
    )


# --- normalization --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("人力资源和社会保障局", "人力资源社会保障局"),
        ("市发展和改革委员会", "市发展改革委"),
        ("中宁县人民政府", "中宁县政府"),
        ("市 教 育 局", "市教育局"),
        ("市教育局（牵头）", "市教育局"),
        ("市职业技术学校（市技工学校）", "市职业技术学校"),
        ("市财政局等部门", "市财政局"),
        ("\u2f08力资源局", "人力资源局"),  # a Kangxi radical, as PDFs give it
    ],
)
def test_normalize_name_makes_spellings_of_one_body_equal(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


def test_normalize_name_keeps_the_county_district_bracket() -> None:
    assert normalize_name("各县（区）人民政府") == "各县(区)政府"


# --- the Zhongwei registry ------------------------------------------------------------------------


@pytest.mark.parametrize("name", _gold_unit_names())
def test_every_unit_the_gold_names_matches_one_entry(zhongwei: Registry, name: str) -> None:
    match = zhongwei.match(name)
    assert match.entry is not None, (name, [c.key for c in match.candidates])
    assert match.candidates == (match.entry,)


def test_the_parsed_sample_plan_leaves_no_unknown_unit(zhongwei: Registry) -> None:
    plan = parse_path(FIXTURES / "zhongwei_plan.txt")
    names = [n for task in plan.tasks for n in task.lead_units + task.coop_units]
    assert len(plan.tasks) == 25
    assert zhongwei.propose(names) == []


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (["市人力资源和社会保障局", "市人力资源社会保障局", "市人社局", "人社局"], "zw-hrss"),
        (["市发展改革委", "市发展和改革委员会", "市发改委", "发改委", "中卫市发改委"], "zw-drc"),
        (["市工业和信息化局", "市工信局", "工业和信息化局", "中卫市工业信息化局"], "zw-iit"),
        (["中宁县人民政府", "中宁县政府", " 中宁县人民政府（牵头）"], "zn-gov"),
        (["市国资委", "国资委", "中卫市国有资产监督管理委员会"], "zw-sasac"),
        (["市扶贫办", "扶贫办", "中卫市扶贫开发办公室"], "zw-poverty"),
        (["市自然资源局", "自然资源局"], "zw-natres"),
        (["市职业技术学校", "中卫市技工学校", "市职业技术学校（市技工学校）"], "zw-school"),
        (["市委组织部", "中共中卫市委组织部", "中卫市委组织部"], "zw-org"),
        (["市卫生健康委员会", "市卫健委", "卫健委"], "zw-health"),
        (["中卫工业园区管委会", "中卫工业园区管理委员会"], "zw-park"),
    ],
)
def test_spelling_variants_map_to_one_entry(
    zhongwei: Registry, spellings: list[str], key: str
) -> None:
    assert {
        spelling: getattr(zhongwei.match(spelling).entry, "key", None) for spelling in spellings
    } == {spelling: key for spelling in spellings}


def test_county_governments_collective_resolves_to_the_three_governments(
    zhongwei: Registry,
) -> None:
    collective = zhongwei.match("各县（区）人民政府").entry
    assert collective is not None and collective.kind == "collective"
    members = zhongwei.resolve(collective.key)
    assert [e.name for e in members] == ["沙坡头区人民政府", "中宁县人民政府", "海原县人民政府"]
    assert {e.kind for e in members} == {"county_government"}
    assert [zhongwei.get(e.parent or "").name for e in members] == ["沙坡头区", "中宁县", "海原县"]


def test_joint_meeting_resolves_to_its_member_departments(zhongwei: Registry) -> None:
    meeting = zhongwei.match("市职业教育工作联席会议成员单位").entry
    assert meeting is not None
    members = zhongwei.resolve(meeting.key)
    assert len(members) >= 20
    assert "collective" not in {e.kind for e in members}
    for short in ("市教育局", "市人社局", "市发改委", "市税务局", "市卫健委", "市总工会"):
        assert zhongwei.match(short).entry in members, short


def test_county_inspection_offices_resolve_under_their_governments(zhongwei: Registry) -> None:
    collective = zhongwei.match("县人民政府教育督导室").entry
    assert collective is not None
    parents = [e.parent for e in zhongwei.resolve(collective.key)]
    assert parents == ["spt-gov", "zn-gov", "hy-gov"]


def test_schools_sit_under_their_county_or_city(zhongwei: Registry) -> None:
    schools = {e.key: e.parent for e in zhongwei if e.kind == "school"}
    assert schools == {"zw-school": "zw-gov", "zn-school": "zn-gov", "hy-school": "hy-gov"}


def test_a_unit_resolves_to_itself(zhongwei: Registry) -> None:
    assert zhongwei.resolve("zw-edu") == (zhongwei.get("zw-edu"),)
    with pytest.raises(KeyError):
        zhongwei.resolve("nowhere")


# --- the matching rules ---------------------------------------------------------------------------


def test_match_names_the_rule_that_found_the_entry() -> None:
    registry = _two_levels()
    assert registry.match("中卫市教育局").how == "exact"
    assert registry.match("市教育局").how == "exact"
    assert registry.match("卫健委").how == "alias"
    assert registry.match("中卫市 教育局（牵头）").how == "normalized"
    assert registry.match("县教育局").how == "prefix"
    assert registry.match("中宁教育局").entry == registry.get("zn-edu")


def test_match_never_guesses_between_two_candidates() -> None:
    match = _two_levels().match("教育局")
    assert match.entry is None and match.how is None and match.ambiguous
    assert [c.key for c in match.candidates] == ["zw-edu", "zn-edu"]


def test_the_level_prefix_picks_the_level() -> None:
    registry = _two_levels()
    assert getattr(registry.match("市教育局").entry, "key", None) == "zw-edu"
    assert getattr(registry.match("县教育局").entry, "key", None) == "zn-edu"
    assert getattr(registry.match("财政局").entry, "key", None) == "zw-fin"
    assert registry.match("县财政局").entry is None  # no county finance bureau is known


def test_two_entries_sharing_an_alias_are_candidates_not_a_match() -> None:
    registry = Registry(
        [UnitEntry("a", "甲局", aliases=("同名局",)), UnitEntry("b", "乙局", aliases=("同名局",))]
    )
    assert [c.key for c in registry.match("同名局").candidates] == ["a", "b"]
    assert registry.match("同名局").entry is None


def test_an_unknown_name_has_no_match_and_no_candidates(zhongwei: Registry) -> None:
    match = zhongwei.match("市气象局")
    assert (match.entry, match.how, match.candidates) == (None, None, ())


# --- proposals ------------------------------------------------------------------------------------


def test_unknown_full_name_of_an_abbreviated_body_is_proposed_with_it_first() -> None:
    """A body known only as 卫健委 is not matched from 市卫生健康委员会 (expanding abbreviations
    is a guess), but it heads the suggestions."""
    registry = _two_levels()
    assert registry.match("市卫生健康委员会").entry is None
    [proposal] = registry.propose(["市卫生健康委员会", "市教育局"])
    assert proposal.name == "市卫生健康委员会"
    assert proposal.suggestions[0].entry.key == "zw-health"
    scores = [s.score for s in proposal.suggestions]
    assert scores == sorted(scores, reverse=True)


def test_an_ambiguous_name_is_proposed_with_its_candidates() -> None:
    [proposal] = _two_levels().propose(["教育局", "教育局", " "])
    assert {s.entry.key for s in proposal.suggestions[:2]} == {"zw-edu", "zn-edu"}


def test_a_name_at_another_level_ranks_below_one_at_the_same_level(zhongwei: Registry) -> None:
    [proposal] = zhongwei.propose(["市教育体育局"])
    assert proposal.suggestions[0].entry.key == "zw-edu"


def test_propose_limits_and_cuts_off() -> None:
    [proposal] = _two_levels().propose(["局"], limit=2, cutoff=0.0)
    assert len(proposal.suggestions) == 2
    [proposal] = _two_levels().propose(["完全不同的名字"])
    assert proposal.suggestions == ()


# --- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([UnitEntry("a", "甲"), UnitEntry("a", "乙")], "repeated key"),
        ([UnitEntry("a", "甲"), UnitEntry("b", "甲")], "repeated name"),
        ([UnitEntry("a b", "甲")], "key must be"),
        ([UnitEntry("a", " ")], "name is blank"),
        ([UnitEntry("a", "甲", aliases=("甲\n乙",))], "line break"),
        ([UnitEntry("a", "甲", kind="city")], "unknown kind"),
        ([UnitEntry("a", "甲", parent="b")], "unknown"),
        ([UnitEntry("a", "甲", members=("a",))], "only a collective"),
        ([UnitEntry("a", "甲", kind="collective")], "needs members"),
        ([UnitEntry("a", "甲", parent="b"), UnitEntry("b", "乙", parent="a")], "cycle"),
        (
            [
                UnitEntry("a", "甲", kind="collective", members=("b",)),
                UnitEntry("b", "乙", kind="collective", members=("a",)),
            ],
            "cycle",
        ),
    ],
)
def test_a_registry_that_contradicts_itself_is_refused(
    entries: list[UnitEntry], message: str
) -> None:
    with pytest.raises(RegistryError, match=message):
        Registry(entries)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("units: [", "not YAML"),
        ("- a", "mapping"),
        ("version: 2\nunits: []", "version"),
        ("units: [a]", "unit 1: expected a mapping"),
        ("units: [{key: a, name: 甲, kind: body, colour: red}]", "unknown field"),
        ("units: [{key: a, kind: body}]", "required"),
        ("units: [{key: a, name: 甲, kind: body, short: 1}]", "strings"),
        ("units: [{key: a, name: 甲, kind: body, aliases: 乙}]", "lists of strings"),
        ("units: [{key: a, name: 甲, kind: body, parent: z}]", "unknown"),
        ("units: [!!python/object:os.system {}]", "not YAML"),
    ],
)
def test_a_bad_registry_file_is_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        load_registry(text)


# --- the file round-trips -------------------------------------------------------------------------


def test_the_zhongwei_registry_round_trips(zhongwei: Registry) -> None:
    text = dump_registry(zhongwei)
    again = load_registry(text)
    assert again.entries == zhongwei.entries
    assert dump_registry(again) == text
    assert "aliases: [中卫市发展改革委," in text  # lists stay on one line, Chinese unescaped


_words = st.text(
    st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"]), min_size=1, max_size=12
).filter(lambda s: bool(s.strip()))
_keys = st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=8).filter(
    lambda s: s[0] != "-"
)


@st.composite
def _registries(draw: st.DrawFn) -> Registry:
    keys = draw(st.lists(_keys, min_size=1, max_size=6, unique=True))
    names = draw(st.lists(_words, min_size=len(keys), max_size=len(keys), unique=True))
    entries = []
    for index, (key, name) in enumerate(zip(keys, names, strict=True)):
        parent = draw(st.sampled_from([None, *keys[:index]]))
        short = draw(st.none() | _words)
        aliases = tuple(draw(st.lists(_words, max_size=3)))
        kind = draw(st.sampled_from(["department", "school", "body", "place"]))
        entries.append(UnitEntry(key, name, short, aliases, kind, parent))
    if len(keys) > 1 and draw(st.booleans()):
        entries.append(UnitEntry("all", "全部", kind="collective", members=tuple(keys[1:])))
    return Registry(entries)


@given(_registries())
def test_any_registry_round_trips_through_yaml(registry: Registry) -> None:
    assert load_registry(dump_registry(registry)).entries == registry.entries


@given(st.text())
def test_match_and_propose_never_raise(name: str) -> None:
    registry = _two_levels()
    match = registry.match(name)
    assert match.entry is None or match.candidates == (match.entry,)
    registry.propose([name])


@given(st.text(st.sampled_from("市县区中宁卫教育局人民政府和（）() 牵头委员会各")))
def test_match_never_raises_on_registry_words(name: str) -> None:
    _two_levels().match(name)
