"""The JSON API under ``/api/v1`` (described at ``/api/v1/openapi.json``); its routes live in
``duban.web.api``, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from duban.web.api import actions, extensions, indicators, meetings, plans, reminders, reports

router = APIRouter(prefix="/api/v1", tags=["API v1"])
router.include_router(plans.router)
router.include_router(actions.router)
router.include_router(reports.router)
router.include_router(extensions.router)
router.include_router(indicators.router)
router.include_router(meetings.router)
router.include_router(reminders.router)
