"""The indicators through /api/v1: figures with their pair and formula, the rows behind one,
paged, and the same reach as the pages."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from duban.db import Store
from tests.web.test_indicators import YEAR, seed

Client = Callable[[str], TestClient]
API = "/api/v1"


def test_the_figures_come_with_numerator_denominator_and_formula(
    store: Store, client_for: Client
) -> None:
    seed(store)
    answer = client_for("leader").get(f"{API}/indicators?scope=zn-gov&year={YEAR}")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["year"], body["scope"]) == (YEAR, {"key": "zn-gov", "name": "中宁县人民政府",
                                                    "kind": "county"})  # fmt: skip
    items = {i["key"]: i for i in body["items"]}
    double = items["double_qualified_share"]
    assert (double["value"], double["numerator"], double["denominator"]) == (100, 1, 1)
    assert double["percent"] and double["unit"] == "%"
    assert double["formula"].endswith("÷ 教师中专业课教师为“是”的条数 × 100%")
    assert items["training_person_times"]["value"] is None  # 中宁县 has no training rows
    city = client_for("leader").get(f"{API}/indicators?year={YEAR}").json()
    assert city["scope"]["key"] == "city"
    assert {i["key"]: i["value"] for i in city["items"]}["double_qualified_share"] == 75


def test_the_rows_are_exactly_those_counted_and_paged(store: Store, client_for: Client) -> None:
    seed(store)
    client = client_for("dudao")
    url = f"{API}/indicators/double_qualified_share/rows?scope=city&year={YEAR}"
    body = client.get(url).json()
    assert (body["total"], body["counted"]) == (4, 3)
    assert [(r["data"]["staff_no"], r["counted"]) for r in body["items"]] == [
        ("T1", True), ("T2", False), ("T3", True), ("Z1", True)]  # fmt: skip
    assert body["items"][0]["school"] == "中卫市职业技术学校" and body["items"][0]["row"] == 4
    assert body["indicator"]["value"] == 75
    page = client.get(url + "&limit=2&offset=2").json()
    assert [r["data"]["staff_no"] for r in page["items"]] == ["T3", "Z1"]
    assert client.get(f"{API}/indicators/nothing/rows").status_code == 404


def test_a_school_reads_only_its_own_and_another_unit_no_rows(
    store: Store, client_for: Client
) -> None:
    seed(store)
    zwxx = client_for("zwxx")
    own = zwxx.get(f"{API}/indicators?year={YEAR}").json()
    assert own["scope"]["key"] == "zw-school"
    rows = zwxx.get(f"{API}/indicators/double_qualified_share/rows?year={YEAR}").json()
    assert [r["data"]["staff_no"] for r in rows["items"]] == ["T1", "T2", "T3"]
    for scope in ("city", "zn-school", "zn-gov"):
        refused = zwxx.get(f"{API}/indicators?scope={scope}")
        assert refused.status_code == 404 and refused.json()["error"]
    jyj = client_for("jyj")
    assert jyj.get(f"{API}/indicators?year={YEAR}").json()["scope"]["key"] == "city"
    assert jyj.get(f"{API}/indicators?scope=zw-school").status_code == 404
    rows_refused = jyj.get(f"{API}/indicators/double_qualified_share/rows?year={YEAR}")
    assert rows_refused.status_code == 403 and "T1" not in rows_refused.text
    anonymous = TestClient(client_for("jyj").app)
    assert anonymous.get(f"{API}/indicators").status_code == 401
