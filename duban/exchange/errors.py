"""The one error an upload that cannot be accepted raises: every problem, by place, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded file, and where: sheet, row (1-based), column letter."""

    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    header: str | None = None
    """The column's header text, so the message reads “E列（进展情况）”."""

    def __str__(self) -> str:
        place = []
        if self.sheet:
            place.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            place.append(f"第{self.row}行")
        if self.column:
            place.append(f"{self.column}列" + (f"（{self.header}）" if self.header else ""))
        return ("".join(place) + "：" if place else "") + self.message


class ExchangeError(Exception):
    """An uploaded workbook or document refused; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return "；".join(str(p) for p in self.problems[:20]) + (
            f"；另有 {len(self.problems) - 20} 处问题" if len(self.problems) > 20 else ""
        )
