"""检索: full-text search over tasks and progress reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.domain.choices import REPORT_STATE_LABELS
from duban.permissions import Actor
from duban.queries.search import MAX_QUERY, search
from duban.web.deps import read_session, render, require

router = APIRouter()
LIMIT = 50
STATE_LABELS = {s.value: label for s, label in REPORT_STATE_LABELS.items()}


@router.get("/search")
def search_page(
    request: Request,
    actor: Annotated[Actor, Depends(require("plan.view"))],
    session: Annotated[Session, Depends(read_session)],
    q: Annotated[str, Query()] = "",
) -> Response:
    if "\x00" in q:
        raise HTTPException(400, "检索词含有无效字符")
    needle = q.strip()
    message, hits = None, []
    if len(needle) > MAX_QUERY:
        message = "检索词过长，请不超过100个字"
    elif needle:
        hits = search(session, actor, needle, limit=LIMIT)
    tasks = [h for h in hits if h.kind == "task"]
    reports = [h for h in hits if h.kind == "report"]
    return render(
        request, "search.html", q=q[: 2 * MAX_QUERY],
        needle=needle, message=message, tasks=tasks, reports=reports, limit=LIMIT,
        states=STATE_LABELS, max_query=MAX_QUERY,
    )  # fmt: skip
