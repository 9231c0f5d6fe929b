"""Helpers of the session tests (``test_sessions*.py``): copied cookies, what the cookie says, the
session rows, and time moved by editing the rows' timestamps in the database."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from duban.config import Settings
from duban.db import Store
from duban.models import User, UserSession
from duban.models.base import utcnow
from duban.web.app import create_app

Client = Callable[[str], TestClient]
COOKIE = "duban_session"


def copy_of(app: FastAPI, client: TestClient) -> TestClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    return TestClient(app, cookies={COOKIE: client.cookies[COOKIE]})


def signed_in(client: TestClient) -> bool:
    return bool(client.get("/", follow_redirects=False).status_code == 200)


def cookie_payload(client: TestClient) -> dict[str, Any]:
    """What the signed cookie says (it is signed, not encrypted: anyone holding it can read it)."""
    data = client.cookies[COOKIE].split(".")[0]
    payload: dict[str, Any] = json.loads(base64.b64decode(data + "=" * (-len(data) % 4)))
    return payload


def session_rows(store: Store, username: str) -> list[UserSession]:
    with store.read() as session:
        query = select(UserSession).join(User).where(User.username == username)
        return list(session.scalars(query.order_by(UserSession.id)))


def shift(store: Store, username: str, **ago: dt.timedelta) -> None:
    """Move a user's session timestamps (``created_at``, ``last_seen_at``) into the past."""
    now = utcnow()
    user_id = select(User.id).where(User.username == username).scalar_subquery()
    values = {column: now - delta for column, delta in ago.items()}
    with store.write() as session:
        session.execute(update(UserSession).where(UserSession.user_id == user_id).values(values))


def form(client: TestClient) -> dict[str, str]:
    return {"csrf_token": client.headers["x-csrf-token"]}


def app_with(store: Store, **settings: Any) -> FastAPI:
    """The app on ``store`` with some settings changed (rotation on, a shorter timeout)."""
    made = Settings(home=store.settings.home, database_url=store.settings.database_url,
                    secret_key="k" * 40, **settings)  # fmt: skip
    return create_app(made, store)


def age_password(store: Store, name: str, days: int) -> None:
    with store.write() as session:
        session.execute(update(User).where(User.username == name).values(
            password_changed_at=utcnow() - dt.timedelta(days=days)))  # fmt: skip
