"""Structure of plans the importer was not tuned for: other layouts, labels and numbering."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from duban.plandoc import parse_document
from duban.plandoc.model import Document, Paragraph, PlanDoc, Table

COUNTY_PLAN = """\
某某县2022年优化营商环境重点任务分工方案

为深入贯彻落实《国务院关于进一步优化营商环境的意见》（国发〔2020〕10号）和
《自治区优化营商环境条例》精神，结合我县实际，制定本方案。

一、主要目标
到2022年底，全县新增市场主体3000户以上，政务服务事项网上可办率达到95%以上。

二、重点任务
（一）提升政务服务效能
1、推进“一网通办”。全面推行网上办理，实现90%以上事项全程网办。（牵头单位：县政务服务中心；配合单位：县直各部门；完成时限：2022年6月底前）
2、压缩办理时间。企业开办时间压缩至1个工作日以内。（牵头单位：县市场监管局、税务局；完成时限：2022年底）
（二）优化市场环境
1、规范涉企收费。清理规范涉企收费项目。（责任单位：县发展改革局，县财政局；完成时限：长期坚持）

三、保障措施
（一）加强组织领导。各部门要高度重视。
"""


def parse_text(text: str) -> PlanDoc:
    return parse_document(Document((Paragraph(text),), "txt", "utf-8"))


def test_inline_fields_in_parentheses_are_read() -> None:
    plan = parse_text(COUNTY_PLAN)
    first = plan.tasks[0]
    assert first.lead_units == ["县政务服务中心"]
    assert first.coop_units == ["县直各部门"]
    assert first.deadline == dt.date(2022, 6, 30)
    assert first.title == "推进“一网通办”"
    assert "牵头单位" not in first.text


def test_numbers_restarting_per_group_are_qualified_by_group() -> None:
    plan = parse_text(COUNTY_PLAN)
    assert [t.number for t in plan.tasks] == ["1.1", "1.2", "2.1"]
    assert [t.group for t in plan.tasks] == ["提升政务服务效能", "提升政务服务效能", "优化市场环境"]
    assert {t.section for t in plan.tasks} == {"重点任务"}


def test_title_basis_sections_and_scope_of_a_county_plan() -> None:
    plan = parse_text(COUNTY_PLAN)
    assert plan.title == "某某县2022年优化营商环境重点任务分工方案"
    assert plan.basis == ["国发〔2020〕10号"]
    assert [s.title for s in plan.sections] == ["主要目标", "重点任务", "保障措施"]
    assert {(o.value, o.unit, o.scope) for o in plan.objectives} == {
        (3000, "户", "全县"),
        (95, "%", "全县"),
    }


def test_undated_time_limit_keeps_its_phrase_and_is_ongoing() -> None:
    task = parse_text(COUNTY_PLAN).tasks[2]
    assert task.deadline is None
    assert task.ongoing is True
    assert task.deadline_text == "长期坚持"
    assert task.lead_units == ["县发展改革局", "县财政局"]


def test_every_span_points_at_its_value() -> None:
    plan = parse_text(COUNTY_PLAN)
    for task in plan.tasks:
        for name, span in zip(task.lead_units, task.spans["lead_units"], strict=True):
            assert plan.text[span[0] : span[1]].endswith(name[-2:])
        start, end = task.spans["title"]
        assert plan.text[start:end] == task.title
        start, end = task.spans["deadline"]
        assert plan.text[start:end] == task.deadline_text
        for target in task.targets:
            assert target.span is not None
            assert plan.text[target.span[0] : target.span[1]] == target.quote


SUBPOINTS = """\
某市教育局2023年工作要点分工

一、重点工作
1.加强教师队伍建设。
（1）建立教师培训制度。
（2）每年培训教师500人次以上。
责任单位：市教育局、人社局
完成时限：2023年底
2.推进集团化办学。组建2个职业教育集团。
责任单位：市教育局
配合单位：市发展改革委
完成时限：2023年9月
"""


def test_fields_after_sub_points_belong_to_the_numbered_task() -> None:
    plan = parse_text(SUBPOINTS)
    assert [t.number for t in plan.tasks] == ["1", "2"]
    first = plan.tasks[0]
    assert first.lead_units == ["市教育局", "市人社局"]
    assert first.deadline == dt.date(2023, 12, 31)
    assert [(t.value, t.unit) for t in first.targets] == [(500, "人次")]
    assert plan.tasks[1].coop_units == ["市发展改革委"]


def test_first_listed_unit_leads_when_the_plan_says_so() -> None:
    text = """\
某市重点任务分工方案
（列第一位的为牵头单位）
一、重点任务
1.建设公共实训基地。建成1个公共实训基地。
责任单位：市人社局、市教育局、市财政局
完成时限：2022年12月31日前
"""
    task = parse_text(text).tasks[0]
    assert task.lead_units == ["市人社局"]
    assert task.coop_units == ["市教育局", "市财政局"]


def table(*rows: tuple[str, ...]) -> Table:
    return Table(tuple(rows))


HEADER = ("编号", "工作任务", "主要措施", "牵头部门", "协同单位", "时间节点")


def test_table_form_with_other_header_words_and_merged_group_rows() -> None:
    group = ("（一）构建新格局",) * 6
    doc = Document(
        (
            Paragraph("中卫市重点任务分工台账"),
            table(
                HEADER,
                group,
                (
                    "1",
                    "优化专业布局",
                    "建设3个专业群。",
                    "市教育局、发展改革委",
                    "市财政局",
                    "2021年7月前",
                ),
                ("2", "打造品牌", "打造5个品牌专业。", "中宁、海原县人民政府", "", "2023年6月底前"),
            ),
        ),
        "docx",
    )
    plan = parse_document(doc)
    assert plan.title == "中卫市重点任务分工台账"
    assert [t.number for t in plan.tasks] == ["1", "2"]
    first, second = plan.tasks
    assert first.title == "优化专业布局"
    assert first.group == "构建新格局"
    assert first.lead_units == ["市教育局", "市发展改革委"]
    assert first.coop_units == ["市财政局"]
    assert first.deadline == dt.date(2021, 7, 31)
    assert [(t.value, t.unit) for t in first.targets] == [(3, "个")]
    assert second.lead_units == ["中宁县人民政府", "海原县人民政府"]
    assert second.deadline == dt.date(2023, 6, 30)


def test_table_continued_on_next_page_without_header_and_with_a_split_row() -> None:
    doc = Document(
        (
            table(
                ("序号", "重点任务", "责任单位", "配合单位", "完成时限"),
                ("1", "建设实训基地。建成1个实训基地", "市人社局", "市财政局", "2022年底"),
                ("2", "培育产教融合企业。培育8个", "市发展改革委", "", "2023年6月"),
            ),
            table(
                ("", "市级产教融合企业。", "", "", ""),
                ("3", "建立联席会议制度。每年召开2次会议。", "市教育局", "", "长期坚持"),
            ),
        ),
        "pdf",
    )
    plan = parse_document(doc)
    assert [t.number for t in plan.tasks] == ["1", "2", "3"]
    assert "市级产教融合企业" in plan.tasks[1].text
    assert plan.tasks[2].ongoing is True
    assert plan.tasks[2].deadline is None


def test_vertically_merged_unit_cell_is_given_to_each_row() -> None:
    doc = Document(
        (
            table(
                ("序号", "重点任务", "具体内容", "责任单位", "完成时限"),
                ("1", "任务甲", "内容甲。", "市教育局", "2021年底"),
                ("2", "任务乙", "内容乙。", "市教育局", "2022年底"),
            ),
        ),
        "xlsx",
    )
    plan = parse_document(doc)
    assert [t.lead_units for t in plan.tasks] == [["市教育局"], ["市教育局"]]
    assert plan.tasks[0].spans["lead_units"] == plan.tasks[1].spans["lead_units"]


def test_document_without_tasks_parses_with_a_warning() -> None:
    plan = parse_text("关于做好春节期间安全生产工作的通知\n各单位：请做好安全生产工作。\n")
    assert plan.tasks == []
    assert plan.warnings


LABEL_FORMS = """\
某市2021年重点工作任务分工
一、重点任务
1.推进甲。建成3个基地。
牵头单位：市教育局 配合单位：市财政局、人社局 完成时限：2021年12月底
2.推进乙。内容乙。
【责任单位】市教育局（牵头），市财政局
【完成时限】2022年6月
3.推进丙。内容丙。（责任单位：市发改委；责任领导：张三；时间节点：2023年第二季度）
4.推进丁。内容丁。（市人社局牵头，市教育局、工信局配合；2022年12月底前完成）
"""


def test_fields_on_one_line_separated_by_spaces() -> None:
    task = parse_text(LABEL_FORMS).tasks[0]
    assert (task.lead_units, task.coop_units) == (["市教育局"], ["市财政局", "市人社局"])
    assert task.deadline == dt.date(2021, 12, 31)


def test_bracket_labels_and_role_marks() -> None:
    task = parse_text(LABEL_FORMS).tasks[1]
    assert (task.lead_units, task.coop_units) == (["市教育局"], ["市财政局"])
    assert task.deadline == dt.date(2022, 6, 30)


def test_leaders_are_not_units_and_quarters_end_on_their_last_day() -> None:
    task = parse_text(LABEL_FORMS).tasks[2]
    assert task.lead_units == ["市发改委"]
    assert task.deadline == dt.date(2023, 6, 30)


def test_roles_written_as_a_sentence_in_brackets() -> None:
    task = parse_text(LABEL_FORMS).tasks[3]
    assert task.lead_units == ["市人社局"]
    assert task.coop_units == ["市教育局", "市工信局"]
    assert task.deadline == dt.date(2022, 12, 31)
    assert task.text == "推进丁。内容丁。"


NOTICE = """\
银川市人民政府办公室关于印发银川市推进职业教育高质量发展重点任务分工方案的通知
银政办发〔2022〕15号
各县（市）区人民政府，市政府各部门：
现将《银川市推进职业教育高质量发展重点任务分工方案》印发给你们，请认真贯彻落实。
银川市人民政府办公室
2022年3月8日
附件
银川市推进职业教育高质量发展重点任务分工方案
为贯彻落实《关于推动现代职业教育高质量发展的意见》（中办发〔2021〕43号）精神，制定本方案。
一、工作目标
到2025年，建成2所自治区级高水平中职学校。
二、重点任务
（一）深化产教融合。建设10个市级产教融合实训基地。（牵头单位：市教育局；完成时限：2023年底前）
"""


def test_title_of_a_plan_attached_to_its_covering_notice() -> None:
    plan = parse_text(NOTICE)
    assert plan.title == "银川市推进职业教育高质量发展重点任务分工方案"
    assert plan.basis == ["中办发〔2021〕43号"]  # not the notice's own number
    assert [(o.value, o.unit) for o in plan.objectives] == [(2, "所")]
    assert [t.number for t in plan.tasks] == ["一"]
    assert plan.tasks[0].section == "重点任务"
    assert plan.tasks[0].group is None


PLAN_ALPHABET = st.sampled_from(
    [
        *"一二三四五六七八九十（）()、。，；：:.\n 0123456789年月底前市县区局委教育财政",
        *("责任单位：", "配合单位：", "完成时限：", "牵头", "各县（区）人民政府", "达到", "个"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PLAN_ALPHABET, max_size=120).map("".join))
def test_any_text_parses_and_every_span_lies_inside_it(text: str) -> None:
    plan = parse_text(text)
    size = len(plan.text)
    for task in plan.tasks:
        spans = [s for s in task.spans.values() if isinstance(s, tuple)]
        spans += [s for v in task.spans.values() if isinstance(v, list) for s in v]
        spans += [t.span for t in task.targets if t.span]
        assert all(0 <= a <= b <= size for a, b in spans)


def test_one_unit_column_holding_both_labels_and_a_leaders_column_ignored() -> None:
    doc = Document(
        (
            table(
                ("序号", "重点任务", "牵头领导", "责任单位", "完成时限"),
                (
                    "1",
                    "建设基地。建成1个基地。",
                    "张三",
                    "牵头单位：市教育局\n配合单位：市财政局",
                    "2022年底",
                ),
            ),
        ),
        "docx",
    )
    task = parse_document(doc).tasks[0]
    assert (task.lead_units, task.coop_units) == (["市教育局"], ["市财政局"])


def test_responsible_units_beside_a_lead_unit_cooperate() -> None:
    text = """\
宝鸡市2023年卫生健康工作要点分工
一、重点工作
1.推进医保支付改革。
牵头单位：市医保局
责任单位：市卫生健康委，各县区人民政府
完成时间：2023年第三季度
"""
    task = parse_text(text).tasks[0]
    assert task.lead_units == ["市医保局"]
    assert task.coop_units == ["市卫生健康委", "各县区人民政府"]


def test_lead_and_cooperating_units_written_in_one_field() -> None:
    text = """\
洛阳市“双减”重点任务分工方案
一、重点任务
1.规范校外培训。
责任单位：市教育局牵头，市市场监管局、文化广电和旅游局配合
完成时限：2022年6月底前
"""
    task = parse_text(text).tasks[0]
    assert task.lead_units == ["市教育局"]
    assert task.coop_units == ["市市场监管局", "市文化广电和旅游局"]


def test_unit_columns_headed_lead_and_responsible() -> None:
    doc = Document(
        (
            table(
                ("序号", "重点任务", "牵头单位", "责任单位", "完成时限"),
                (
                    "1",
                    "建设基地。建成1个基地。",
                    "市教育局",
                    "市财政局、各县区人民政府",
                    "2022年底",
                ),
            ),
        ),
        "docx",
    )
    task = parse_document(doc).tasks[0]
    assert (task.lead_units, task.coop_units) == (["市教育局"], ["市财政局", "各县区人民政府"])


def test_scope_of_a_region_named_without_its_level() -> None:
    from duban.plandoc.frontmatter import default_scope

    assert default_scope("广西推动养老服务高质量发展重点任务分工方案") == "全区"
    assert default_scope("甘肃省就业工作任务分工") == "全省"
    assert default_scope("宁夏中卫市重点任务分工方案") == "全市"
    assert default_scope("海原县2022年工作要点") == "全县"
    assert default_scope("上海推进职业教育改革分工方案") == "全市"


def test_decrees_count_as_basis() -> None:
    notice = NOTICE.replace(
        "（中办发〔2021〕43号）", "（中办发〔2021〕43号）和《优化营商环境条例》（国务院令第722号）"
    )
    assert parse_text(notice).basis == ["中办发〔2021〕43号", "国务院令第722号"]
