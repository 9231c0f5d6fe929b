"""Crash safety over HTTP: a real server killed with SIGKILL while a client writes through it.

A round starts ``python -m duban serve`` (uvicorn, one process) on a free port and drives writes
through the pages and the API the way the people of the cast do, one after another:

- 市教育局's clerk (jyj) sends a report on the report form — progress, figures for every target
  of the task, an evidence file of its own content (multipart, ``POST /my/report/{id}``);
- 督导室 (dudao) accepts or returns that report through the API with the version it saw
  (``POST /api/v1/reports/{id}/accept|return``);
- 市职业技术学校's clerk (zwxx) uploads a filled teacher workbook (``POST /my/data``);
- jyj uploads the bureau's filled progress workbook, two rows (``POST /my/progress``).

A write is ``tried`` before its request goes out and ``acked`` once its answer says it is stored
(tests/crash_http_client.py). After the first ACK of the round the server's process group is
killed at a random moment (seeded), mid-request most times; then tests/crash_http_checks.py
checks the store before the next round. The next servers (``AHEAD``
of them) start while a round runs, so that their start is not paid for in the round. Sessions
are signed cookies, so the cast signs in once and its cookies serve every server of the run.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import select

from duban.db import Store
from duban.models import Assignment, Target, Task, Unit
from duban.services import users
from tests.crash_common import child_env, end_backends
from tests.crash_http_client import PASSWORD, Driver, Log, Stage, progress_workbook, sign_in
from tests.factories import ADMIN, published_sample

ROOT = Path(__file__).parent.parent
SECRET = "crash-test-secret-" + "s" * 32
CAST = {"jyj": ("reporter", "zw-edu"), "dudao": ("supervisor", None),
        "zwxx": ("reporter", "zw-school")}  # fmt: skip
KILL_AFTER = (0.0, 2.0)  # seconds after the round's first acknowledged write
START_TIMEOUT = 60.0
AHEAD = 3  # servers started ahead of their round: a start takes seconds, a round one
FIRST_STEP = 120_000  # write numbers of round i start at i × this (a whole number of cycles)
STARTS = (0, 2, 3, 5)  # where in the cycle a round may start: not at a decision (it has no report)


# --- the deployment and its server ---------------------------------------------------------------


def prepare(store: Store) -> Stage:
    """The published sample and the cast's accounts, through the services."""
    published_sample(store)
    with store.write() as session:
        for name, (role, unit) in CAST.items():
            users.add_user(session, name, PASSWORD, role=role, unit_key=unit, actor=ADMIN)
    with store.read() as session:
        rows = session.execute(
            select(Assignment.id, Task.id).join(Task).join(Unit).where(Unit.key == "zw-edu")
            .order_by(Assignment.id)
        ).all()  # fmt: skip
        school = session.scalars(select(Unit.name).where(Unit.key == "zw-school")).one()
        targets: dict[int | None, list[int]] = {}
        for target_id, task_id in session.execute(select(Target.id, Target.task_id)
                                                  .order_by(Target.id)):  # fmt: skip
            targets.setdefault(task_id, []).append(target_id)
    chosen = [(a, targets.get(t, [])) for a, t in rows]
    chosen.sort(key=lambda item: (not item[1], item[0]))
    return Stage(chosen, school)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """``python -m duban serve`` on a free port, in its own process group."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "duban", "serve", "--port", str(self.port)],
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert self.proc.poll() is None, f"the server died: {self.tail()}"
            assert time.monotonic() < deadline, f"the server did not start: {self.tail()}"
            try:
                if httpx.get(f"{self.url}/login", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)

    def kill(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it died on its own since
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]


# --- the rounds ----------------------------------------------------------------------------------


@dataclass
class Figures:
    """What a run did: the figures bench/crash_bench.py prints."""

    database: str
    rounds: int = 0
    kills: int = 0
    in_flight: Counter[str] = field(default_factory=Counter)
    tried: int = 0
    acked: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    leftovers: Counter[str] = field(default_factory=Counter)
    log: Log = field(default_factory=Log)
    stage: Stage = field(default_factory=lambda: Stage([], ""))


def crash_http_rounds(store: Store, tmp_path: Path, rounds: int, seed: int) -> Figures:
    """``rounds`` servers, each killed at a random moment while the client writes; the store
    checked after every kill (tests/crash_http_checks.py)."""
    from tests.crash_http_checks import check_store  # the checks import this module's helpers

    started = time.monotonic()
    stage = prepare(store)
    rng = random.Random(seed)
    app = f"duban_crash_http_{uuid.uuid4().hex[:12]}"
    env = child_env(store, app, DUBAN_SECRET_KEY=SECRET)
    log = Log()
    figures = Figures("sqlite" if store.settings.is_sqlite else "postgresql", log=log, stage=stage)
    servers: list[Server] = []

    def spawn_until(last: int) -> None:
        while len(servers) <= min(last, rounds - 1):
            servers.append(Server(env, tmp_path / f"server-{len(servers)}.log"))

    try:
        spawn_until(AHEAD)
        servers[0].wait_ready()
        cast = {name: sign_in(servers[0].url, name) for name in CAST}
        workbook = progress_workbook(servers[0].url, cast["jyj"])
        for i in range(rounds):
            spawn_until(i + AHEAD)
            first = i * FIRST_STEP + rng.choice(STARTS)
            one_round(servers[i], Driver(servers[i].url, cast, stage, workbook, log, first), rng)
            end_backends(store, app)
            figures.leftovers = check_store(store, log, stage)
            figures.rounds += 1
    finally:
        for server in servers:
            server.kill()
        end_backends(store, app)
    figures.kills, figures.in_flight, figures.tried = figures.rounds, log.in_flight, len(log.tried)
    figures.acked = Counter(write.kind for write in log.acked.values())
    figures.seconds = time.monotonic() - started
    return figures


def one_round(server: Server, driver: Driver, rng: random.Random) -> None:
    """Start writing, wait for the first ACK, wait a random while, kill the server."""
    server.wait_ready()
    thread = threading.Thread(target=driver.run, daemon=True)
    thread.start()
    assert driver.acked.wait(START_TIMEOUT), f"nothing was acknowledged: {server.tail()}"
    assert not driver.log.errors, f"{driver.log.errors} — {server.tail()}"
    time.sleep(rng.uniform(*KILL_AFTER))
    alive = server.proc.poll() is None
    server.kill()
    thread.join(30)
    assert not thread.is_alive(), "the client did not notice the server was gone"
    assert alive, f"the server stopped before it was killed: {server.tail()}"
    assert not driver.log.errors, f"{driver.log.errors} — {server.tail()}"
    if driver.last is not None:
        driver.log.in_flight[driver.last.kind] += 1
