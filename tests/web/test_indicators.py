"""指标 pages: the figure for each scope and year, the drill-down listing exactly the rows counted,
the CSV of those rows, who may open which scope, and the /data upload times in Shanghai."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from duban.db import Store
from duban.models import RecordBatch, Unit
from duban.queries.indicators import rows_counted, rows_in_base, scopes
from duban.services.records import RecordRow, replace_records

Client = Callable[[str], TestClient]
YEAR = 2022
T, F = True, False


def teacher(no: str, professional: bool, double: bool, days: int | None = None) -> dict[str, Any]:
    return {"staff_no": no, "name": f"教师{no}", "professional": professional,
            "double_qualified": double, "practice_days": days}  # fmt: skip


def upload(store: Store, school: str, kind: str, rows: list[dict[str, Any]],
           year: int = YEAR) -> None:  # fmt: skip
    with store.write() as session:
        replace_records(session, kind, school, year,
                        [RecordRow(4 + i, values) for i, values in enumerate(rows)],
                        sha256=f"{school}{kind}{len(rows)}{year}",
                        actor="reporter:学校")  # fmt: skip


def seed(store: Store) -> None:
    """市职业技术学校: 2 of 3 专业课教师 are 双师型 (T4 is not professional); 中宁县职业技术学校:
    1 of 1. So the school reads 66.67%, 中宁县 100% and the city 3 of 4, 75%."""
    upload(store, "zw-school", "teacher", [teacher("T1", T, T, 40), teacher("T2", T, F, 10),
                                           teacher("T3", T, T), teacher("T4", F, T)])  # fmt: skip
    upload(store, "zn-school", "teacher", [teacher("Z1", T, T, 30)])
    upload(store, "zw-school", "training", [{"name": "P1", "person_times": 300},
                                            {"name": "P2", "person_times": 1200}])  # fmt: skip


def line_of(html: str, key: str) -> str:
    found = re.search(rf'<tr id="i-{key}">(.*?)</tr>', html, re.S)
    assert found, key
    return found.group(1)


def value_cell(html: str, key: str) -> str:
    found = re.search(r'class="num in-value">(.*?)</td>', line_of(html, key), re.S)
    assert found
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def listed_rows(html: str) -> list[tuple[str, str]]:
    """(in-counted | in-base, the 工号 cell) of each row of the drill-down table."""
    row = r'<tr class="(in-counted|in-base)">.*?<td class="num">\d+</td>\s*<td>([^<]*)</td>'
    return re.findall(row, html, re.S)


def test_the_city_sees_every_figure_with_its_pair_and_formula(
    store: Store, client_for: Client
) -> None:
    seed(store)
    page = client_for("dudao").get(f"/indicators?year={YEAR}")
    assert page.status_code == 200
    assert value_cell(page.text, "double_qualified_share") == "75%"
    assert "3 / 4" in line_of(page.text, "double_qualified_share")
    assert (
        "教师中专业课教师为“是”且双师型教师为“是”的条数 ÷ 教师中专业课教师为“是”的条数 × 100%"
        in page.text
    )
    assert value_cell(page.text, "training_person_times") == "1,500人次"
    assert value_cell(page.text, "master_studios") == "暂无数据"  # no rows of the kind
    assert f"/indicators/double_qualified_share?scope=city&amp;year={YEAR}" in page.text
    options = re.findall(r'<option value="([^"]+)"', page.text.split('id="f-scope"')[1])
    assert options[:2] == ["city", "zn-gov"] and {"zw-school", "zn-school", "hy-school"} <= set(
        options
    )
    county = client_for("dudao").get(f"/indicators?year={YEAR}&scope=zn-gov")
    assert value_cell(county.text, "double_qualified_share") == "100%"
    school = client_for("dudao").get(f"/indicators?year={YEAR}&scope=zw-school")
    assert value_cell(school.text, "double_qualified_share") == "66.67%"


def test_an_empty_year_reads_no_data_rather_than_zero(store: Store, client_for: Client) -> None:
    seed(store)
    page = client_for("admin").get(f"/indicators?year={YEAR + 1}")
    values = {value_cell(page.text, key) for key in re.findall(r'<tr id="i-(\w+)">', page.text)}
    assert values == {"暂无数据"}  # not 0%, not an error
    assert "0 / 0" in line_of(page.text, "double_qualified_share")


def test_the_drill_down_lists_exactly_the_rows_counted(store: Store, client_for: Client) -> None:
    seed(store)
    page = client_for("leader").get(f"/indicators/double_qualified_share?scope=city&year={YEAR}")
    assert page.status_code == 200 and "75%" in page.text
    rows = listed_rows(page.text)
    # the denominator's rows (professional teachers), the numerator's marked; T4 is in neither
    assert rows == [("in-counted", "T1"), ("in-base", "T2"), ("in-counted", "T3"),
                    ("in-counted", "Z1")]  # fmt: skip
    with store.read() as session:
        counted = [r.data["staff_no"] for r in rows_counted(session, "double_qualified_share",
                                                              YEAR, "city")]  # fmt: skip
        base = [r.data["staff_no"] for r in rows_in_base(session, "double_qualified_share",
                                                         YEAR, "city")]  # fmt: skip
    assert [no for mark, no in rows if mark == "in-counted"] == counted
    assert [no for _, no in rows] == base
    count = client_for("leader").get(
        f"/indicators/training_person_times?scope=zw-school&year={YEAR}"
    )
    assert [no for _, no in listed_rows(count.text)] == ["P1", "P2"]


def test_the_rows_download_as_csv_with_the_counted_mark(store: Store, client_for: Client) -> None:
    seed(store)
    response = client_for("admin").get(
        f"/indicators/double_qualified_share/rows.csv?scope=zw-school&year={YEAR}"
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:5] == ["学校", "表中行号", "计入分子", "工号", "姓名"]
    assert {r[0] for r in table[1:]} == {"中卫市职业技术学校"}
    assert [(r[2], r[3]) for r in table[1:]] == [("是", "T1"), ("否", "T2"), ("是", "T3")]


def test_a_large_drill_down_is_paged(store: Store, client_for: Client) -> None:
    upload(store, "zw-school", "teacher", [teacher(f"N{i:03}", T, i % 2 == 0) for i in range(150)])
    client = client_for("admin")
    first = client.get(f"/indicators/double_qualified_share?scope=zw-school&year={YEAR}")
    second = client.get(f"/indicators/double_qualified_share?scope=zw-school&year={YEAR}&page=2")
    one, two = listed_rows(first.text), listed_rows(second.text)
    assert (len(one), len(two)) == (100, 50) and "第 1 / 2 页" in first.text
    at = f"/indicators/double_qualified_share?scope=zw-school&amp;year={YEAR}&amp;page="
    assert f'href="{at}2#h-rows" rel="next"' in first.text and "上一页" not in first.text
    assert f'href="{at}1#h-rows" rel="prev"' in second.text and "下一页" not in second.text
    assert [no for _, no in one + two] == [f"N{i:03}" for i in range(150)]
    assert sum(mark == "in-counted" for mark, _ in one + two) == 75


def test_a_school_sees_only_its_own_school(store: Store, client_for: Client) -> None:
    seed(store)
    zwxx = client_for("zwxx")
    page = zwxx.get(f"/indicators?year={YEAR}")
    assert value_cell(page.text, "double_qualified_share") == "66.67%"
    assert re.findall(r'<option value="([^"]+)"', page.text.split('id="f-scope"')[1]) == [
        "zw-school"
    ]
    for scope in ("zn-school", "city", "zn-gov", "nowhere"):
        assert zwxx.get(f"/indicators?year={YEAR}&scope={scope}").status_code == 404
        assert zwxx.get(f"/indicators/double_qualified_share?scope={scope}").status_code == 404
        assert (
            zwxx.get(f"/indicators/double_qualified_share/rows.csv?scope={scope}").status_code
            == 404
        )
    drill = zwxx.get(f"/indicators/double_qualified_share?year={YEAR}")
    assert "66.67%" in drill.text
    assert [no for _, no in listed_rows(drill.text)] == ["T1", "T2", "T3"]
    assert "Z1" not in drill.text


def test_a_unit_that_is_no_school_sees_the_city_figures_without_rows(
    store: Store, client_for: Client
) -> None:
    seed(store)
    jyj = client_for("jyj")
    page = jyj.get(f"/indicators?year={YEAR}")
    assert value_cell(page.text, "double_qualified_share") == "75%"
    assert jyj.get(f"/indicators?year={YEAR}&scope=zw-school").status_code == 404
    drill = jyj.get(f"/indicators/double_qualified_share?year={YEAR}")
    assert drill.status_code == 200 and "75%" in drill.text and "教师T1" not in drill.text
    assert jyj.get(f"/indicators/double_qualified_share/rows.csv?year={YEAR}").status_code == 404
    assert jyj.get("/indicators/no_such_indicator").status_code == 404


def test_the_navigation_links_school_data_and_indicators(client_for: Client) -> None:
    links = {name: re.findall(r'<a href="(/[^"]*)"', client_for(name).get("/").text)
             for name in ("dudao", "zwxx", "jyj")}  # fmt: skip
    assert "/data" in links["dudao"] and "/indicators" in links["dudao"]
    assert "/my/data" in links["zwxx"] and "/data" not in links["zwxx"]
    assert "/indicators" in links["zwxx"]
    assert "/my/data" not in links["jyj"] and "/indicators" in links["jyj"]  # no school


def test_upload_times_on_the_overview_are_shown_in_shanghai(
    store: Store, client_for: Client
) -> None:
    seed(store)
    with store.write() as session:  # 20:30 UTC is 04:30 the next morning in Shanghai
        evening = dt.datetime(2022, 9, 1, 20, 30, tzinfo=dt.UTC)
        session.execute(update(RecordBatch).values(imported_at=evening))
    page = client_for("dudao").get(f"/data?year={YEAR}")
    assert "2022年9月2日 04:30" in page.text and "2022年9月1日" not in page.text


def test_scopes_list_the_city_counties_then_schools(store: Store) -> None:
    with store.read() as session:
        kinds = [s.kind for s in scopes(session)]
        schools = session.scalars(select(Unit.key).where(Unit.kind == "school")).all()
    assert kinds[0] == "city" and kinds.count("school") == len(schools)
    assert kinds == sorted(kinds, key=["city", "county", "school"].index)
