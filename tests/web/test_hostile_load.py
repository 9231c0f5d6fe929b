"""Ten hostile uploads at once against a served instance (uvicorn on loopback) while a clerk keeps
using the site: every hostile upload refused with a 4xx, every page answered, none slowly."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi import FastAPI

from duban.db import Store
from tests import hostile
from tests.browser.conftest import serving
from tests.web.conftest import PASSWORD

UPLOADERS = 10
ROUNDS = 10  # hostile uploads per uploader
SLOWEST = 3.0  # seconds: no page may take longer while the uploads run. A clean CI run on
# 2 cores once took 2.06 s for the page asked just as the ten uploads started (every later page
# about 0.2 s); the median below is what shows the site kept answering.
MEDIAN = 0.5


def signed_in(url: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    page = client.post("/login", data={"username": name, "password": PASSWORD,
                                       "csrf_token": token[1], "next": "/"},
                       follow_redirects=True)  # fmt: skip
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert page.status_code == 200 and found, page.text[:300]
    client.headers["x-csrf-token"] = found[1]
    return client


def hostile_posts() -> Iterator[tuple[str, str, str, bytes]]:
    """(who, url, name, file) round the surfaces that unpack: plan import and 离线填报."""
    builders: list[Callable[[str], bytes]] = [
        hostile.bomb, hostile.nested, hostile.many_entries, hostile.lying_size,
        lambda k: hostile.with_main(k, hostile.XXE, b"&e;"),
        lambda k: hostile.with_main(k, hostile.LAUGHS, b"&lol9;"),
    ]  # fmt: skip
    while True:
        for build in builders:
            yield "admin", "/plans/import", "方案.docx", build("docx")
            yield "jyj", "/my/progress", "填报表.xlsx", build("xlsx")


@pytest.fixture
def served(app: FastAPI) -> Iterator[str]:
    with serving(app) as url:
        yield url


def test_ten_hostile_uploads_at_once_leave_the_site_answering(served: str, store: Store) -> None:
    clients = {name: [signed_in(served, name) for _ in range(UPLOADERS // 2)]
               for name in ("admin", "jyj")}  # fmt: skip
    reader = signed_in(served, "rsj")
    quiet = [_timed_get(reader) for _ in range(10)]
    posts = hostile_posts()
    jobs = [[next(posts) for _ in range(ROUNDS)] for _ in range(UPLOADERS)]

    def upload(n: int) -> list[int]:
        statuses = []
        for who, url, name, data in jobs[n]:
            client = clients[who][n % (UPLOADERS // 2)]
            files = {"file": (name, data, "application/octet-stream")}
            form = {"effective": "2021-01-01"}
            statuses.append(client.post(url, files=files, data=form).status_code)
        return statuses

    with ThreadPoolExecutor(UPLOADERS) as pool:
        futures = [pool.submit(upload, n) for n in range(UPLOADERS)]
        busy: list[tuple[int, float]] = []
        while not all(f.done() for f in futures) or len(busy) < 10:
            busy.append(_timed_get(reader))
        statuses = [s for f in futures for s in f.result()]
    assert len(statuses) == UPLOADERS * ROUNDS
    assert all(s in (400, 413) for s in statuses), statuses
    assert all(status == 200 for status, _ in busy), [s for s, _ in busy]
    seconds = [t for _, t in busy]
    baseline = statistics.median(t for _, t in quiet)
    assert max(seconds) <= SLOWEST and statistics.median(seconds) <= MEDIAN, (
        f"pages under load: median {statistics.median(seconds):.3f} s, "
        f"slowest {max(seconds):.3f} s (quiet median {baseline:.3f} s)"
    )
    print(f"\n{len(statuses)} hostile uploads by {UPLOADERS} threads; {len(busy)} pages: median "
          f"{statistics.median(seconds) * 1000:.0f} ms, slowest {max(seconds) * 1000:.0f} ms "
          f"(quiet median {baseline * 1000:.0f} ms)")  # fmt: skip
    for group in clients.values():
        for client in group:
            client.close()
    reader.close()


def _timed_get(client: httpx.Client) -> tuple[int, float]:
    start = time.perf_counter()
    status = client.get("/my").status_code
    return status, time.perf_counter() - start
