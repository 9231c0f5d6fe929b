"""JSON shapes of the supervision-action API (督办事项): what it reads and what it accepts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from duban.queries.actions import ActionDetail, ActionRow
from duban.queries.ladder import Proposal
from duban.web.schemas import MAX_ID, In, Text, Version

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Day = Annotated[dt.date, Field(ge=dt.date(1990, 1, 1), le=dt.date(2199, 12, 31))]
Kind = Literal["reminder", "notice", "interview", "rectification"]
Colour = Literal["blue", "yellow", "red"]
State = Literal["held", "open", "answered", "closed", "withdrawn"]


class ActionOut(BaseModel):
    """An action with its state as of the day asked (today by default)."""

    id: int
    number: str | None = Field(description="发文字号，如 中卫督办〔2026〕3号；未发出时为空")
    kind: Kind
    colour: Colour | None
    plan: int
    task: str | None = Field(description="任务序号")
    unit: str
    unit_id: int
    title: str
    issued_on: dt.date | None
    due_on: dt.date | None
    state: State
    overdue: bool = Field(description="待答复且已过答复期限")
    reason: str | None
    rule: str | None = Field(description="督办阶梯给出的缘由（三色督办单）")

    @classmethod
    def of(cls, row: ActionRow) -> ActionOut:
        return cls.model_validate(row.to_json())


class FileOut(BaseModel):
    id: int
    name: str
    size: int


class ResponseOut(BaseModel):
    id: int
    text: str
    author: str
    responded_on: dt.date
    files: list[FileOut]


class EventOut(BaseModel):
    day: dt.date
    verb: str
    state: State
    reason: str | None
    actor: str


class ActionDetailOut(ActionOut):
    body: str
    required_response: str
    version: int
    responses: list[ResponseOut]
    events: list[EventOut]

    @classmethod
    def of_detail(cls, detail: ActionDetail) -> ActionDetailOut:
        return cls.model_validate(detail.to_json())


class ActionList(BaseModel):
    as_of: dt.date
    items: list[ActionOut]
    total: int = Field(description="符合条件的督办事项总数")
    limit: int
    offset: int


class ProposalOut(BaseModel):
    key: str = Field(description="task_id:unit_id:colour，发出、暂缓或撤回时引用")
    plan: int
    task_id: int
    task: str
    task_title: str
    deadline: dt.date | None
    unit_id: int
    unit: str
    colour: Colour
    rule: str

    @classmethod
    def of(cls, p: Proposal) -> ProposalOut:
        return cls.model_validate(p.to_json())


class ProposalList(BaseModel):
    as_of: dt.date
    items: list[ProposalOut]


class ActionIn(In):
    """A new action: issued at once, or (``hold``/``withdraw`` with a reason) only recorded."""

    plan: Id
    unit: Id = Field(description="单位 id")
    kind: Kind
    task: Id | None = Field(None, description="任务 id")
    colour: Colour | None = None
    title: Text = Field("", max_length=300)
    body: Text = Field("", max_length=20000)
    required_response: Text = Field("", max_length=20000)
    due_on: Day | None = None


class ProposalIn(In):
    """Decide one of the ladder's proposals."""

    key: Text = Field(max_length=64)
    decision: Literal["issue", "hold", "withdraw"]
    reason: Text = Field("", max_length=2000, description="暂缓、撤回时必填")
    due_on: Day | None = None
    plan: Id | None = None


class StepIn(In):
    """A step on an action: the reason (withdraw and reopen need one), a new due date (issue,
    reopen) and the version the actor saw (optional; a stale one is refused with 409)."""

    reason: Text = Field("", max_length=2000)
    due_on: Day | None = None
    version: Version | None = None


class ResponseIn(In):
    """The unit's answer as JSON: text only (with files: ``POST …/responses/multipart``)."""

    text: Text = Field(min_length=1, max_length=20000)
