"""Browser tests: the real server on a free port, driven by Debian's Chromium through Playwright.

Screenshots go to ``test-artifacts/screenshots/`` (not committed). Without Chromium the tests
are skipped locally and fail under CI, where ``scripts/test`` installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from duban.config import Settings
from duban.db import Store
from duban.migrate import upgrade
from duban.services import plans, units, users
from duban.web.app import create_app
from tests.conftest import SAMPLE
from tests.factories import ADMIN, EFFECTIVE, sample_registry

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "correct-horse-9"
CAST = {
    "admin": ("admin", None),
    "dudao": ("supervisor", None),
    "jyj": ("reporter", "zw-edu"),
    "zwxx": ("reporter", "zw-school"),  # 市职业技术学校's clerk
    "rsj": ("reporter", "zw-hrss"),
    "leader": ("viewer", None),
}


SCHOOL_AS_COOP = (
    "配合单位：市发展改革委、财政局、云计算和大数据局、工业和信息化局、旅游和文体广电局、"
    "农业农村局、交通运输局、中卫工业园区管委会"
)


def published_with_school(store: Store) -> None:
    """The sample with 市职业技术学校 also cooperating on task 2 (its 4 专业群 are its own
    target), so a school's clerk has work to report on."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        SCHOOL_AS_COOP, SCHOOL_AS_COOP + "、市职业技术学校", 1
    )
    with store.write() as session:
        units.load_units(session, sample_registry(), actor=ADMIN)
        plan = plans.import_plan(session, text.encode(), "中卫方案.txt", effective=EFFECTIVE,
                                 actor=ADMIN).plan  # fmt: skip
        plans.publish_plan(session, plan.id, actor=ADMIN)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Deployment:
    url: str
    store: Store


@pytest.fixture(scope="module")
def server(deployment: Deployment) -> str:
    return deployment.url


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """A served deployment of the sample plan with the cast's accounts."""
    home = tmp_path_factory.mktemp("browser-home")
    store = Store(Settings(home=home))
    upgrade(store.engine)
    published_with_school(store)
    with store.write() as session:
        for name, (role, unit) in CAST.items():
            users.add_user(session, name, PASSWORD, role=role, unit_key=unit, actor=ADMIN)
    app = create_app(Settings(home=home, secret_key="b" * 40), store)
    with serving(app) as url:
        yield Deployment(url, store)
    store.dispose()


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free port; its base URL."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required under CI: scripts/test installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


def shot(page: object, name: str) -> None:
    """Save a 1366×768 screenshot as a test artifact."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
