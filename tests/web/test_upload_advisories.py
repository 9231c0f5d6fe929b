"""One regression test per published upload-parsing advisory of Starlette and python-multipart.

Each sends the advisory's attack to our own routes and requires a prompt refusal (a 4xx within
``PROMPT`` seconds) and a site that still answers afterwards. The versions that fix them are the
minimums pinned in pyproject.toml (starlette>=1.3.1, python-multipart>=0.0.27).
"""

from __future__ import annotations

import re
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from duban.db import Store
from tests.browser.conftest import serving
from tests.factories import assignment_id
from tests.web.test_hostile_load import signed_in

Client = Callable[[str], TestClient]
PROMPT = 1.0
B = "advisory-boundary"
MULTIPART = f"multipart/form-data; boundary={B}"


def timed(call: Callable[[], httpx.Response], attempts: int = 3) -> tuple[httpx.Response, float]:
    """The answer and the best of up to ``attempts`` timings (the test machine is shared)."""
    best = float("inf")
    for _ in range(attempts):
        start = time.perf_counter()
        response = call()
        best = min(best, time.perf_counter() - start)
        if best < PROMPT / 4:
            break
    return response, best


def refused_promptly(
    client: TestClient, url: str, body: bytes, content_type: str, words: str = ""
) -> None:
    """A 4xx within ``PROMPT`` seconds, saying ``words`` when given, and the site still up."""
    headers = {"content-type": content_type}
    response, seconds = timed(lambda: client.post(url, content=body, headers=headers))
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:200])
    assert seconds < PROMPT, seconds
    assert "Traceback" not in response.text
    assert words in response.text, response.text[-600:]
    assert client.get("/").status_code == 200  # still answering


def field(name: str, value: bytes) -> bytes:
    return (
        f'--{B}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"
    )


END = f"--{B}--\r\n".encode()


def test_ghsa_2jv5_9r88_3w3p_content_type_options_redos(client_for: Client) -> None:
    """python-multipart < 0.0.7 (also GHSA-93gm-qmq6-w238, GHSA-qf9m-vfgh-m389): an unclosed
    quoted boundary full of backslashes sent parse_options_header's regex into backtracking."""
    evil = 'multipart/form-data; boundary="' + "\\" * 20000 + "a"
    refused_promptly(client_for("jyj"), "/my/progress", b"x" * 10, evil)


@pytest.mark.parametrize("url", ["/my/progress", "/plans/import"])
def test_ghsa_74m5_2c7w_9w3x_too_many_fields_or_files(url: str, client_for: Client) -> None:
    """Starlette < 0.25.0: no limit on the number of parts; ours allow ten fields, one file,
    and say so in Chinese (not in Starlette's English)."""
    client = client_for("admin" if url.startswith("/plans") else "jyj")
    many_fields = b"".join(field(f"f{n}", b"") for n in range(5000)) + END
    refused_promptly(client, url, many_fields, MULTIPART, "表单项过多：一个表单至多 10 项")
    files = b"".join(
        f'--{B}\r\nContent-Disposition: form-data; name="file"; filename="{n}.xlsx"\r\n\r\n\r\n'
        .encode() for n in range(2000)
    ) + END  # fmt: skip
    refused_promptly(client, url, files, MULTIPART, "文件过多：一次至多上传 1 个文件")


def test_ghsa_74m5_the_default_limits_hold_on_a_fastapi_file_route(
    client_for: Client,
) -> None:
    """A route declared with FastAPI's ``File()`` (meeting attachments) keeps Starlette's
    defaults: more than 1,000 files is refused before the route runs."""
    admin = client_for("admin")
    files = b"".join(
        f'--{B}\r\nContent-Disposition: form-data; name="file"; filename="{n}.pdf"\r\n\r\n\r\n'
        .encode() for n in range(1100)
    ) + END  # fmt: skip
    response, seconds = timed(lambda: admin.post("/meetings/1/files", content=files,
                                                 headers={"content-type": MULTIPART}))  # fmt: skip
    assert response.status_code == 400 and seconds < PROMPT
    assert "文件过多：一次至多上传 1000 个文件" in response.text


def test_ghsa_f96h_pmfr_66vw_a_huge_field_without_filename(client_for: Client) -> None:
    """Starlette < 0.40.0: a part without a filename was buffered whole, without limit; now a
    field past 1 MB is refused, and the refusal holds little memory."""
    client = client_for("jyj")
    body = field("csrf_token", b"x" * (8 * 2**20)) + END
    refused_promptly(client, "/my/progress", body, MULTIPART, "文件以外的每项至多 1024 KB")
    tracemalloc.start()
    try:
        client.post("/my/progress", content=body, headers={"content-type": MULTIPART})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20, peak


def test_ghsa_59g5_xgcq_4qw3_and_mj87_hwqh_73pj_preamble_and_epilogue(
    client_for: Client,
) -> None:
    """python-multipart < 0.0.18 skipped CR/LF before the first boundary byte by byte with a log
    line each, and < 0.0.26 still handled a large preamble or epilogue slowly."""
    client = client_for("jyj")
    preamble = b"\r\n" * (2 * 2**20)
    epilogue = b"-" * (2 * 2**20)
    refused_promptly(client, "/my/progress", preamble + field("x", b"1") + END, MULTIPART)
    refused_promptly(client, "/my/progress", field("x", b"1") + END + epilogue, MULTIPART)


def test_ghsa_pp6c_gr5w_3c5g_unbounded_part_headers(client_for: Client) -> None:
    """python-multipart < 0.0.27: no limit on the number or size of a part's header lines (the
    part headers' CRLF-separated block)."""
    client = client_for("jyj")
    many = f"--{B}\r\n".encode() + b"X-A: b\r\n" * 100_000 + b"\r\nv\r\n" + END
    huge = f'--{B}\r\nContent-Disposition: form-data; name="x"\r\nX-Big: '.encode()
    huge += b"a" * (4 * 2**20) + b"\r\n\r\nv\r\n" + END
    refused_promptly(client, "/my/progress", many, MULTIPART)
    refused_promptly(client, "/my/progress", huge, MULTIPART)


@pytest.mark.parametrize("shape", ["many", "large"])
def test_ghsa_82w8_qh3p_5jfq_urlencoded_limits(app: FastAPI, shape: str) -> None:
    """Starlette < 1.3.1 ignored max_fields and max_part_size for urlencoded bodies, such as the
    sign-in form anyone can post to."""
    client = TestClient(app, raise_server_exceptions=False)
    body = "&".join(f"f{n}=v" for n in range(200_000)) if shape == "many" else "x=" + "a" * 2**22
    response, seconds = timed(lambda: client.post("/login", content=body.encode(), headers={
        "content-type": "application/x-www-form-urlencoded"}))  # fmt: skip
    assert 400 <= response.status_code < 500 and seconds < PROMPT, (response.status_code, seconds)
    assert client.get("/login").status_code == 200


@pytest.fixture
def served(app: FastAPI) -> Iterator[str]:
    with serving(app) as url:
        yield url


def raw(url: str, request: bytes) -> bytes:
    """Send bytes as they are over a socket; the start of the answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=5) as sock:
        sock.sendall(request)
        return sock.recv(4096)


@pytest.mark.parametrize("length", ["-1", "abc", "1, 2"])
def test_cve_2026_53540_a_negative_or_bad_content_length(served: str, length: str) -> None:
    """python-multipart < 0.0.31 read until EOF on a negative Content-Length (in parse_form, which
    Starlette does not call); the server refuses such a request outright."""
    start = time.perf_counter()
    head = (f"POST /my/progress HTTP/1.1\r\nHost: x\r\nContent-Type: {MULTIPART}\r\n"
            f"Content-Length: {length}\r\n\r\n")  # fmt: skip
    answer = raw(served, head.encode() + b"x" * 100)
    assert re.match(rb"HTTP/1\.1 4\d\d", answer), answer[:100]
    assert time.perf_counter() - start < PROMPT
    assert httpx.get(f"{served}/login").status_code == 200


def test_ghsa_2c2j_9gv5_cj73_a_large_upload_does_not_stall_other_requests(
    served: str, store: Store
) -> None:
    """Starlette < 0.47.2 rolled a spooled upload over to disk on the event loop; while a 15 MB
    file is parsed other requests keep being answered."""
    clerk, reader = signed_in(served, "jyj"), signed_in(served, "rsj")
    with store.read() as session:
        from sqlalchemy import func, select

        from duban.models import Plan

        plan = session.scalar(select(func.min(Plan.id))) or 1
    url = f"/my/report/{assignment_id(store, plan, '2', 'zw-edu')}"
    big = b"%PDF-1.4\n" + bytes(15 * 2**20)
    answers: list[int] = []
    form = {"action": "draft", "claimed": "in_progress", "narrative": "大文件"}
    thread = threading.Thread(
        target=lambda: answers.append(
            clerk.post(
                url, data=form, files={"evidence": ("大.pdf", big, "application/pdf")}
            ).status_code
        )
    )
    thread.start()
    slowest = 0.0
    while thread.is_alive():
        response, seconds = timed(lambda: reader.get("/login"))
        assert response.status_code == 200
        slowest = max(slowest, seconds)
    thread.join()
    assert answers and answers[0] in (303, 400), answers
    assert slowest < PROMPT, slowest
    clerk.close()
    reader.close()


def test_ghsa_7f5h_v6xp_fcq8_many_ranges_on_a_download(client_for: Client, store: Store) -> None:
    """Starlette < 0.49.1 merged Range headers in O(n²) in FileResponse, which serves evidence."""
    clerk = client_for("jyj")
    with store.read() as session:
        from sqlalchemy import func, select

        from duban.models import Evidence, Plan

        plan = session.scalar(select(func.min(Plan.id))) or 1
    url = f"/my/report/{assignment_id(store, plan, '2', 'zw-edu')}"
    sent = clerk.post(url, data={"action": "draft", "claimed": "in_progress", "narrative": "x"},
                      files={"evidence": ("a.pdf", b"%PDF-1.4\n" + b"0" * 5000, "application/pdf")},
                      follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303, sent.text[:300]
    with store.read() as session:
        evidence = session.scalar(select(func.max(Evidence.id)))
    ranges = "bytes=" + ",".join(f"{n}-{n}" for n in range(0, 100_000, 2))
    response, seconds = timed(lambda: clerk.get(f"/evidence/{evidence}", headers={"range": ranges}))
    assert response.status_code in (200, 206, 400, 416) and seconds < PROMPT, seconds
    assert clerk.get(f"/evidence/{evidence}").status_code == 200
