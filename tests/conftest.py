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
