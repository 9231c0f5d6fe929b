"""What the supervision-action pages (``routes.actions``, the actions on 我的任务) and API
(``api.actions``) share: the deployment's escalation ladder, the published plan a request names,
the words of the supervisor's steps on an action (``services.actions.STEPS``), which both
register one route each, and the page number of a paged list.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import HTTPException, Query, Request
from pydantic import BeforeValidator, Field
from sqlalchemy.orm import Session

from duban.domain.actions import Verb
from duban.domain.ladder import Ladder, LadderError
from duban.models import Plan
from duban.queries.dashboard import published_plans
from duban.queries.ladder import load_ladder
from duban.services.errors import Invalid
from duban.web.schemas import MAX_ID


def blank(value: object) -> object:
    """A filter left at 全部 comes as ``unit=``: no filter, not an error."""
    return None if value == "" else value


PageNumber = Annotated[Annotated[int, Field(ge=1, le=MAX_ID)] | None, BeforeValidator(blank),
                       Query()]  # fmt: skip
"""Which page of a paged list: blank or left out is the first; a page past the last shows the
last (``queries.paging``); anything but a whole number from 1 is refused (422)."""

STEP_SUMMARIES = {
    Verb.ISSUE: "发出暂缓的督办事项",
    Verb.WITHDRAW: "撤回",
    Verb.CLOSE: "办结",
    Verb.REOPEN: "重新打开",
}


def ladder_for(request: Request) -> Ladder:
    """The deployment's ladder; a broken ladder file is the server's fault (500, in words)."""
    try:
        return load_ladder(request.app.state.settings)
    except (LadderError, OSError) as exc:
        raise HTTPException(500, f"督办阶梯配置有误：{exc}") from None


def published_plan(session: Session, plan_id: int | None) -> Plan | None:
    """The published plan asked for, or the newest; ``None`` when there is none (404 for a plan
    that is missing or not published)."""
    if plan_id is None:
        plans = published_plans(session)
        plan_id = plans[-1][0] if plans else None
    chosen = session.get(Plan, plan_id) if plan_id is not None else None
    if plan_id is not None and (chosen is None or chosen.state != "published"):
        raise HTTPException(404, "没有这个已发布的方案")
    return chosen


def form_day(text: str, words: str) -> dt.date | None:
    """A date field of a form: empty is ``None``; anything but YYYY-MM-DD is refused."""
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(f"{words}“{text.strip()}”不是有效日期，应为 YYYY-MM-DD") from None
