"""``duban export report``: Word reports (督导报告) written to a file; parse, gather, render, write.

``write_file`` is shared by this module's commands: the bytes are complete before the file is
touched, written to a temporary file beside it and renamed over it, so a failure leaves no
half-written document.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from duban.cli.ledger import PlanOption, die, parse_date, pick_plan, reading
from duban.cli.render import cn_date
from duban.exchange.supervision_docx import supervision_docx
from duban.queries.supervision import supervision_report

DocxOption = Annotated[Path, typer.Option("--docx", help="Word file to write (.docx).")]
AsOfOption = Annotated[str, typer.Option("--as-of", help="Report as of this day, YYYY-MM-DD.")]


def register(export_app: typer.Typer, app: typer.Typer) -> None:
    """Add this module's commands to ``duban export``."""
    export_app.command("report")(report)


def report(docx: DocxOption, as_of: AsOfOption, plan: PlanOption = None) -> None:
    """The supervision report (督导报告) on a published plan as of a day, as a Word document."""
    day = parse_date(as_of, "--as-of")
    assert day is not None  # the option is required
    check_target(docx, ".docx")

    def build(session: Session) -> bytes:
        chosen = pick_plan(session, plan, published=True)
        if chosen.state != "published":
            die(f"方案“{chosen.title}”尚未发布，不能出督导报告")
        return supervision_docx(supervision_report(session, chosen, day))

    write_file(docx, reading(build))
    print(f"督导报告已写入 {docx}（截至{cn_date(day)}）")


def check_target(path: Path, suffix: str) -> None:
    """Refuse, before any work, a file name without ``suffix`` or in a missing folder."""
    if path.suffix.lower() != suffix:
        die(f"输出文件“{path}”的扩展名应为 {suffix}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        die(f"输出目录“{folder}”不存在")


def write_file(path: Path, data: bytes) -> None:
    """``data`` at ``path``, whole or not at all (temporary file in the same folder, renamed)."""
    folder = path.parent if str(path.parent) else Path(".")
    temp: str | None = None
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
        os.fchmod(fd, 0o644)  # mkstemp makes it private; a report is for sharing
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except OSError as exc:
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)
        die(f"无法写入“{path}”：{exc.strerror or exc}")
