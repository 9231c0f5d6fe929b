"""The importer on the bundled Zhongwei plan, scored against the hand-made gold annotation."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from duban.plandoc import parse_bytes
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def rows(scorer: ModuleType, gold: dict[str, Any]) -> dict[str, tuple[float, ...]]:
    plan = parse_bytes(SAMPLE.read_bytes(), SAMPLE.name).to_json()
    result: dict[str, tuple[float, ...]] = scorer.score(gold, plan)
    return result


def test_headline_score_reaches_097(scorer: ModuleType, rows: dict[str, tuple[float, ...]]) -> None:
    assert scorer.headline(rows) >= 0.97


def test_targets_f1_reaches_090(rows: dict[str, tuple[float, ...]]) -> None:
    assert rows["targets"][2] >= 0.90


def test_objectives_f1_reaches_085(rows: dict[str, tuple[float, ...]]) -> None:
    assert rows["objectives"][2] >= 0.85


@pytest.mark.parametrize(
    "measure", ["tasks", "lead_units", "coop_units", "basis"], ids=lambda m: f"{m}_f1"
)
def test_structure_is_exact(rows: dict[str, tuple[float, ...]], measure: str) -> None:
    assert rows[measure][2] == 1.0


@pytest.mark.parametrize("measure", ["title", "group", "deadline", "ongoing", "doc_title"])
def test_fields_are_exact(rows: dict[str, tuple[float, ...]], measure: str) -> None:
    assert rows[measure][0] == 1.0
