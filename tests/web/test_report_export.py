"""The supervision report (督导报告) downloaded from the web, by those who may export."""

from __future__ import annotations

import io
from collections.abc import Callable
from urllib.parse import quote

from docx import Document
from fastapi.testclient import TestClient

from duban.web.downloads import DOCX_MEDIA_TYPE

URL = "/export/report.docx"


def test_supervisors_admins_and_leaders_download_the_word_report(
    client_for: Callable[[str], TestClient],
) -> None:
    for who in ("admin", "dudao", "leader"):
        answer = client_for(who).get(URL, params={"plan": 1, "as_of": "2021-08-05"})
        assert answer.status_code == 200, who
        assert answer.headers["content-type"] == DOCX_MEDIA_TYPE
        disposition = answer.headers["content-disposition"]
        assert disposition.startswith("attachment;")
        assert quote("督导报告_2021-08-05.docx") in disposition
        texts = [p.text for p in Document(io.BytesIO(answer.content)).paragraphs]
        assert texts[0].endswith("推进情况督导报告") and "（截至2021年8月5日）" in texts
        assert "一、总体情况" in texts and texts[-1] == "2021年8月5日"


def test_reporters_may_not_export_the_report(client_for: Callable[[str], TestClient]) -> None:
    for who in ("jyj", "rsj", "zwxx", "znxx"):
        assert client_for(who).get(URL, params={"as_of": "2021-08-05"}).status_code == 403, who


def test_without_a_plan_the_latest_published_one_is_reported(
    client_for: Callable[[str], TestClient],
) -> None:
    answer = client_for("dudao").get(URL, params={"as_of": "2021-08-05"})
    assert answer.status_code == 200 and answer.content.startswith(b"PK")


def test_an_unknown_plan_or_a_bad_date_is_refused_without_a_traceback(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("dudao")
    missing = client.get(URL, params={"plan": 999, "as_of": "2021-08-05"})
    assert missing.status_code == 404 and "没有这个已发布的方案" in missing.text
    bad = client.get(URL, params={"as_of": "2021-13-45"})
    assert bad.status_code == 422 and "Traceback" not in bad.text


def test_the_dashboard_links_the_report_for_those_who_may_export(
    client_for: Callable[[str], TestClient],
) -> None:
    link = '/export/report.docx?plan=1&amp;as_of=2021-08-05"'
    assert link in client_for("dudao").get("/", params={"as_of": "2021-08-05"}).text
    assert (
        "/export/report.docx" not in client_for("jyj").get("/", params={"as_of": "2021-08-05"}).text
    )
