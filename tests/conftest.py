"""Shared test helpers: paths to fixtures and the plan scorer."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "zhongwei_plan.txt"
GOLD = FIXTURES / "zhongwei_plan.gold.json"


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_plan", FIXTURES / "score_plan.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def scorer() -> ModuleType:
    return load_scorer()


@pytest.fixture(scope="session")
def gold() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLD.read_text(encoding="utf-8"))
    return data


# --- databases: every store test runs on SQLite and on PostgreSQL -----------------------------

import os  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402

from duban.config import Settings  # noqa: E402
from duban.db import Store  # noqa: E402
from duban.migrate import upgrade  # noqa: E402

PG_URL = os.environ.get("DUBAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_reachable() -> bool:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


_PG_UP: bool | None = None


def _require_postgres() -> None:
    global _PG_UP
    if _PG_UP is None:
        _PG_UP = postgres_reachable()
    if not _PG_UP:
        if os.environ.get("DUBAN_TEST_REQUIRE_PG") or os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required (CI) but {PG_URL} is not reachable")
        pytest.skip("PostgreSQL is not reachable")


@contextmanager
def migrated_store(kind: str, home: Path) -> Iterator[Store]:
    """A migrated, empty store: a SQLite file under ``home``, or a fresh PostgreSQL schema that
    is dropped afterwards."""
    if kind == "sqlite":
        db = Store(Settings(home=home / "home"))
        try:
            upgrade(db.engine)
            yield db
        finally:
            db.dispose()
        return
    _require_postgres()
    schema = f"duban_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    db = Store(Settings(home=home / "home", database_url=url))
    try:
        upgrade(db.engine)
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty store for one test, on each database."""
    with migrated_store(request.param, tmp_path) as db:
        yield db
