"""Route modules, one per page family; ``ROUTERS`` is what the app includes."""

from __future__ import annotations

from fastapi import APIRouter

from duban.web.routes.auth import router as auth
from duban.web.routes.dashboard import router as dashboard

ROUTERS: list[APIRouter] = [auth, dashboard]
