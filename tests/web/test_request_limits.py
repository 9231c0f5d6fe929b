"""The whole request's size (``DUBAN_MAX_REQUEST_MB``, ``duban.web.limits``) against a served
instance (uvicorn on loopback, as in ``test_upload_advisories``): a body declared past the limit
is refused 413 from its header, before sign-in is even looked at; one sent chunked (no
Content-Length) is cut off with 413 once counted past it; both in the page's or the API's error
shape, nothing written; a form within the limit passes, declared or chunked. And the form
parser's own refusals (too many files or fields, a field too long) in Chinese, naming the limit.
"""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from duban.config import Settings, SettingsError, load_settings
from duban.db import Store
from duban.models import Evidence, Plan
from duban.web.limits import request_limit
from tests.browser.conftest import serving
from tests.factories import assignment_id
from tests.web.conftest import cast_app
from tests.web.test_actions import issue_for_edu
from tests.web.test_hostile_load import signed_in
from tests.web.test_hostile_uploads import snapshot

Client = Callable[[str], TestClient]
MB = 2**20
LIMIT_MB = 3
TOO_LARGE = f"提交的内容过大（上限 {LIMIT_MB} MB），未保存任何内容"
PROMPT = 1.0
B = "limits-boundary"
MULTIPART = f"multipart/form-data; boundary={B}"
PDF = b"%PDF-1.4\n"


@pytest.fixture
def app(store: Store) -> FastAPI:
    """The web tests' app with the request limit set to a few MB (cheap to pass)."""
    return cast_app(store, max_request_mb=LIMIT_MB)


@pytest.fixture
def served(app: FastAPI) -> Iterator[str]:
    with serving(app) as url:
        yield url


def report_url(store: Store) -> str:
    with store.read() as session:
        plan = session.scalar(select(func.min(Plan.id))) or 1
    return f"/my/report/{assignment_id(store, plan, '2', 'zw-edu')}"


def field(name: str, value: str) -> bytes:
    return f'--{B}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()


def file_head(name: str, filename: str) -> bytes:
    return (f'--{B}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n").encode()  # fmt: skip


END = f"\r\n--{B}--\r\n".encode()


def chunked_form(fields: dict[str, str], part: str, size: int) -> Iterator[bytes]:
    """A form with one PDF of ``size`` bytes, sent in 64 KB pieces (httpx sends a generator
    chunked, without Content-Length)."""
    yield b"".join(field(k, v) for k, v in fields.items()) + file_head(part, "证明.pdf") + PDF
    left = size - len(PDF)
    while left > 0:
        piece = min(left, 64 * 1024)
        yield bytes(piece)
        left -= piece
    yield END


def raw_answer(url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` over a socket as it is; the answer's status, headers and body."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=5) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head, body = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        pairs = (line.split(": ", 1) for line in lines[1:])
        headers = {name.lower(): value for name, value in pairs}
        while len(body) < int(headers.get("content-length", "0")):
            body += sock.recv(65536)
    return int(lines[0].split()[1]), headers, body


def test_the_limit_follows_the_upload_limits_unless_set() -> None:
    assert request_limit(Settings()) == 401 * MB  # 20 evidence files of 20 MB, 1 MB beside
    assert request_limit(Settings(evidence_max_bytes=2 * MB)) == 101 * MB  # a 100 MB workbook
    assert request_limit(Settings(max_request_mb=50)) == 50 * MB
    assert load_settings({"DUBAN_MAX_REQUEST_MB": "64"}).max_request_mb == 64
    assert load_settings({"DUBAN_MAX_REQUEST_MB": ""}).max_request_mb is None
    for bad in ("0", "-5", "ten"):
        with pytest.raises(SettingsError, match="DUBAN_MAX_REQUEST_MB"):
            load_settings({"DUBAN_MAX_REQUEST_MB": bad})


@pytest.mark.parametrize("where", ["page", "api"])
def test_a_body_declared_past_the_limit_is_refused_from_the_header(
    served: str, store: Store, where: str
) -> None:
    """No session, and only the first bytes of a body declared 1 GB: the answer is the 413, not
    the sign-in redirect or 401 — nothing of the request was looked at past its header."""
    url = report_url(store) if where == "page" else "/api/v1/actions/1/responses/multipart"
    head = (f"POST {url} HTTP/1.1\r\nHost: x\r\nContent-Type: {MULTIPART}\r\n"
            f"Content-Length: {2**30}\r\n\r\n").encode()  # fmt: skip
    before, start = snapshot(store), time.perf_counter()
    status, headers, body = raw_answer(served, head + field("text", "x"))
    assert status == 413 and time.perf_counter() - start < PROMPT
    if where == "api":
        assert headers["content-type"] == "application/json"
        assert json.loads(body) == {"error": TOO_LARGE, "status": 413}
    else:
        assert headers["content-type"].startswith("text/html")
        assert TOO_LARGE in body.decode() and "内容过大" in body.decode()
    assert headers["x-frame-options"] == "DENY"  # the security headers as on every answer
    assert snapshot(store) == before
    assert httpx.get(f"{served}/login").status_code == 200


@pytest.mark.parametrize("where", ["page", "api"])
def test_a_chunked_body_past_the_limit_is_cut_off_once_counted(
    served: str, store: Store, client_for: Client, where: str
) -> None:
    clerk = signed_in(served, "jyj")
    if where == "page":
        url, part = report_url(store), "evidence"
        fields = {"action": "draft", "claimed": "in_progress", "narrative": "过大"}
    else:
        action = issue_for_edu(client_for("dudao"))
        url, part, fields = f"/api/v1/actions/{action}/responses/multipart", "files", {"text": "x"}
    before = snapshot(store)
    sent = clerk.post(url, content=chunked_form(fields, part, (LIMIT_MB + 2) * MB),
                      headers={"content-type": MULTIPART})  # fmt: skip
    assert "content-length" not in sent.request.headers  # chunked
    assert sent.status_code == 413, sent.text[:300]
    if where == "api":
        assert sent.json() == {"error": TOO_LARGE, "status": 413}
    else:
        assert TOO_LARGE in sent.text
    assert snapshot(store) == before
    assert clerk.get("/my").status_code == 200  # the same connection goes on being answered
    clerk.close()


def test_a_form_within_the_limit_passes_declared_or_chunked(served: str, store: Store) -> None:
    clerk, url = signed_in(served, "jyj"), report_url(store)
    fields = {"action": "draft", "claimed": "in_progress", "narrative": "两份证明"}
    chunked = clerk.post(url, content=chunked_form(fields, "evidence", 2 * MB),
                         headers={"content-type": MULTIPART}, follow_redirects=False)  # fmt: skip
    assert chunked.status_code == 303, chunked.text[:300]
    draft = chunked.headers["location"].split("?")[0]  # /my/draft/{id}
    version = re.search(r'name="version" value="(\d+)"', clerk.get(draft).text)
    assert version
    another = ("另一份.pdf", PDF + bytes(2 * MB), "application/pdf")
    declared = clerk.post(draft, data={**fields, "version": version[1]},
                          files={"evidence": another}, follow_redirects=False)  # fmt: skip
    assert "content-length" in declared.request.headers
    assert declared.status_code == 303, declared.text[:300]
    with store.read() as session:
        assert session.scalar(select(func.count(Evidence.id))) == 2
    clerk.close()


def test_too_many_files_or_fields_are_refused_in_chinese_naming_the_limit(
    client_for: Client, store: Store
) -> None:
    """Starlette's English refusals, in the page's words (the API's: ``test_actions_api``)."""
    clerk, url = client_for("jyj"), report_url(store)
    action = issue_for_edu(client_for("dudao"))
    before = snapshot(store)
    files = [("evidence", (f"{n}.pdf", PDF, "application/pdf")) for n in range(21)]
    form = {"action": "draft", "claimed": "in_progress", "narrative": "多"}
    for target, part in ((url, "evidence"), (f"/my/actions/{action}/respond", "files")):
        many = clerk.post(target, data=form | {"text": "多"},
                          files=[(part, f) for _, f in files])  # fmt: skip
        assert many.status_code == 400 and "文件过多：一次至多上传 20 个文件" in many.text
        assert "Too many" not in many.text
    fields = b"".join(field(f"f{n}", "") for n in range(50)) + END
    page = clerk.post("/my/progress", content=fields, headers={"content-type": MULTIPART})
    assert page.status_code == 400 and "表单项过多：一个表单至多 10 项" in page.text
    long = field("csrf_token", "x" * (2 * MB)) + END
    page = clerk.post("/my/progress", content=long, headers={"content-type": MULTIPART})
    assert page.status_code == 400 and "文件以外的每项至多 1024 KB" in page.text
    broken = clerk.post("/my/progress", content=b"junk", headers={"content-type": MULTIPART})
    assert broken.status_code == 400 and "表单无法解析" in broken.text
    assert snapshot(store) == before
