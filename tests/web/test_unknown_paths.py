"""Paths and methods the application does not have: the API answers in its own JSON shape, the
pages with the error page in Chinese; never the framework's default body."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

Client = Callable[[str], TestClient]


def test_an_unknown_api_path_answers_in_the_apis_error_shape(client_for: Client) -> None:
    answer = client_for("dudao").get("/api/v1/no-such-thing")
    assert answer.status_code == 404
    assert answer.json() == {"error": "没有这个页面或接口，请检查地址", "status": 404}
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_wrong_method_on_the_api_is_a_405_in_the_same_shape(client_for: Client) -> None:
    answer = client_for("dudao").delete("/api/v1/me")
    assert answer.status_code == 405
    assert answer.json()["status"] == 405


def test_an_unknown_page_is_the_chinese_error_page(client_for: Client) -> None:
    answer = client_for("dudao").get("/no-such-page")
    assert answer.status_code == 404
    assert "未找到" in answer.text and "没有这个页面或接口" in answer.text
    assert "text/html" in answer.headers["content-type"]
