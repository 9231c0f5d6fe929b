"""Route modules, one per page family; ``ROUTERS`` is what the app includes."""

from __future__ import annotations

from fastapi import APIRouter

from duban.web.routes.account import router as account
from duban.web.routes.actions import router as actions
from duban.web.routes.admin import router as admin
from duban.web.routes.api import router as api
from duban.web.routes.audit import router as audit
from duban.web.routes.auth import router as auth
from duban.web.routes.dashboard import router as dashboard
from duban.web.routes.extensions import router as extensions
from duban.web.routes.indicator_bindings import router as indicator_bindings
from duban.web.routes.indicators import router as indicators
from duban.web.routes.ledger_export import router as ledger_export
from duban.web.routes.meetings import router as meetings
from duban.web.routes.my_actions import router as my_actions
from duban.web.routes.plan_export import router as plan_export
from duban.web.routes.plans import router as plans
from duban.web.routes.progress import router as progress
from duban.web.routes.public import router as public
from duban.web.routes.records import router as records
from duban.web.routes.reminders import router as reminders
from duban.web.routes.report_export import router as report_export
from duban.web.routes.review import router as review
from duban.web.routes.search import router as search
from duban.web.routes.tasks import router as tasks
from duban.web.routes.workspace import router as workspace

ROUTERS: list[APIRouter] = [
    auth, account, dashboard, audit, admin, public, tasks, plans, review, workspace, api, search,
    ledger_export, report_export, plan_export, progress, records,
    indicator_bindings, indicators,  # bindings first: /indicators/bindings is no indicator
    meetings, reminders, actions, my_actions, extensions,
]  # fmt: skip
