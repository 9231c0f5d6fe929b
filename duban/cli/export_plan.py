"""``duban export plan`` and ``duban export quality``: the plan and the quality report draft.

``plan`` writes the plan as it stands after review (stored rows, not the source file) as Word
and/or Excel; without ``--plan`` it takes the only published plan, with it any plan, a draft too.
``quality`` writes the annual quality report draft (质量年度报告) of a year for the city or one
school. Files are written whole or not at all (``export_reports.write_file``); bad input exits 2
with a Chinese message before anything is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from duban.cli.export_reports import check_target, write_file
from duban.cli.ledger import PlanOption, die, pick_plan, reading
from duban.exchange.plan_files import plan_docx, plan_xlsx
from duban.exchange.quality_docx import quality_docx
from duban.queries.plan_export import plan_file
from duban.queries.quality import QualityRefused, quality_report

DocxOption = Annotated[Path | None, typer.Option("--docx", help="Word file to write (.docx).")]
XlsxOption = Annotated[Path | None, typer.Option("--xlsx", help="Excel file to write (.xlsx).")]


def register(export_app: typer.Typer, app: typer.Typer) -> None:
    """Add ``duban export plan`` and ``duban export quality``."""
    export_app.command("plan")(export_plan)
    export_app.command("quality")(export_quality)


def export_plan(docx: DocxOption = None, xlsx: XlsxOption = None, plan: PlanOption = None) -> None:
    """The plan after review edits as a Word document (official style) and/or a 分工表 workbook."""
    if docx is None and xlsx is None:
        die("请用 --docx 或 --xlsx 指明要写入的文件")
    for path, suffix in ((docx, ".docx"), (xlsx, ".xlsx")):
        if path is not None:
            check_target(path, suffix)

    def build(session: Session) -> tuple[dict[Path, bytes], int]:
        found = plan_file(session, pick_plan(session, plan, published=True))
        out = {docx: plan_docx(found)} if docx is not None else {}
        return out | ({xlsx: plan_xlsx(found)} if xlsx is not None else {}), len(found.tasks)

    files, tasks = reading(build)
    for path, data in files.items():
        write_file(path, data)
    print(f"已导出方案：{'、'.join(map(str, files))}（{tasks} 项任务）")


def export_quality(
    docx: Annotated[Path, typer.Option("--docx", help="Word file to write (.docx).")],
    year: Annotated[int, typer.Option("--year", help="Year of the report, e.g. 2022.")],
    school: Annotated[
        str | None, typer.Option("--school", help="Unit key of a school (default: the city).")
    ] = None,
    plan: PlanOption = None,
) -> None:
    """The annual quality report draft (质量年度报告) of a year, for the city or one school."""
    check_target(docx, ".docx")

    def build(session: Session) -> tuple[bytes, str]:
        chosen = pick_plan(session, plan, published=True)
        if chosen.state == "draft":
            die(f"方案“{chosen.title}”尚未发布，没有台账数据")
        try:
            found = quality_report(session, chosen, year, school_key=school)
        except QualityRefused as exc:
            die(exc.message)
        return quality_docx(found), found.title

    data, title = reading(build)
    write_file(docx, data)
    print(f"已生成《{title}》初稿：{docx}")
