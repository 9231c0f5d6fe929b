"""操作日志: the audit trail with filters, and whether its hash chain holds."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from duban.permissions import Actor
from duban.queries.audit_log import AuditFilter, audit_page, chain_status
from duban.web.deps import read_session, render, require

router = APIRouter()


@router.get("/audit")
def audit_log(
    request: Request,
    actor: Annotated[Actor, Depends(require("audit.view"))],
    session: Annotated[Session, Depends(read_session)],
    who: Annotated[str, Query(alias="actor", max_length=100)] = "",
    action: Annotated[str, Query(max_length=64)] = "",
    object_type: Annotated[str, Query(max_length=32)] = "",
    since: Annotated[dt.date | None, Query()] = None,
    until: Annotated[dt.date | None, Query()] = None,
    before: Annotated[int | None, Query(ge=1)] = None,
    after: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    wanted = AuditFilter(who, action, object_type, since, until)
    page = audit_page(session, wanted, before=before, after=after)
    filters = {"actor": who, "action": action, "object_type": object_type,
               "since": since.isoformat() if since else "",
               "until": until.isoformat() if until else ""}  # fmt: skip
    return render(
        request, "audit.html", page=page, chain=chain_status(session), filters=filters,
        link=lambda **cursor: _link(filters, cursor), pretty=_pretty,
    )  # fmt: skip


def _link(filters: dict[str, str], cursor: dict[str, Any]) -> str:
    """The log's address with the current filters and a page cursor (``before`` or ``after``)."""
    query = {k: v for k, v in {**filters, **cursor}.items() if v not in ("", None)}
    return "/audit" + (f"?{urlencode(query)}" if query else "")


def _pretty(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
