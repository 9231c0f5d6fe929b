"""The JSON API under ``/api/v1`` (described at ``/api/v1/openapi.json``); its routes live in
``duban.web.api``, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from duban.web.api import plans, reports

router = APIRouter(prefix="/api/v1", tags=["API v1"])
router.include_router(plans.router)
router.include_router(reports.router)
