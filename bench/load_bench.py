"""Benchmark: the served application under load on loopback — task list, sign-ins, deadline hour.

Usage: .venv/bin/python bench/load_bench.py --db sqlite|postgresql --what tasks|signin|deadline
       [--workers N]

The server is a child process (uvicorn with uvloop and httptools, ``--workers`` processes, one by
default) so that the load
generator — an open-loop async httpx driver in this process, requests sent on a fixed schedule
whatever the answers do — does not share its interpreter. Latency is measured from the moment a
request was scheduled, so a slow server cannot hide its queue (no coordinated omission).

- ``tasks``: a signed-in viewer's ``/tasks`` (the sample plan, published) at ``--rate`` for
  ``--seconds``; then the floor, a bare Starlette route in the same server process running the
  same query (``task_list``) and answering JSON, at the same rate; then both flat out (``--conns``
  requests always in flight) for the throughput ratio, and the cold floor: the status evaluated
  afresh for every request (what the first request after each write costs).
- ``signin``: ``--signins`` sign-ins (GET the form, POST the password) spread over ``--seconds``;
  argon2id is deliberately slow (m=19 MiB, t=2, p=1), so this measures the hashing budget.
- ``deadline``: ``--units`` reporter accounts each send one report (figures and an evidence file)
  through the report form at random moments within ``--seconds``; then the store is read back:
  every acknowledged report must be there with its figures, evidence and audit event.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from duban.db import Store  # noqa: E402
from duban.domain import clock  # noqa: E402
from duban.models import (  # noqa: E402
    Assignment,
    AuditEvent,
    Evidence,
    Report,
    ReportFigure,
    Target,
    Unit,
)
from duban.services import users  # noqa: E402
from tests.conftest import migrated_store  # noqa: E402
from tests.crash_http_client import PASSWORD, sign_in  # noqa: E402
from tests.factories import ADMIN, published_sample  # noqa: E402

SECRET = "load-bench-secret-" + "s" * 32
WARM_UP = 64
"""Requests sent at once to each path before a run: enough to reach every worker."""


# --- the server (child process) --------------------------------------------------------------


def bench_app() -> Any:
    """Duban's app with the floor routes mounted beside it (a factory: each worker builds one).

    - ``/floor/tasks``: the same query as /tasks (the plan, then ``task_list``) answering JSON,
      with no session, template or checks; ``task_list`` remembers its result per state of the
      database as the page does, so this is the same SQL the page runs.
    - ``/floor/tasks?cold=1``: the same after forgetting what was remembered: the status
      evaluation itself, as the first request after every write pays it.
    """

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Mount, Route

    from duban.config import load_settings
    from duban.models import Plan
    from duban.queries import memo
    from duban.queries.task_detail import task_list
    from duban.web.app import create_app, settle_memory

    settings = load_settings()
    floor_store = Store(settings)

    def floor(request: Request) -> JSONResponse:
        if request.query_params.get("cold"):
            memo.forget()
        with floor_store.read() as session:
            plan = session.scalars(select(Plan).order_by(Plan.id.desc())).first()
            assert plan is not None
            rows = task_list(session, plan, clock.today())
            body = [[r.number, r.title, r.status, r.leads] for r in rows]
        return JSONResponse(body)

    app = Starlette(routes=[Route("/floor/tasks", floor), Mount("/", create_app(settings))])
    settle_memory()  # as duban serve does
    return app


def serve(port: int, workers: int) -> None:
    """The child: ``bench_app`` on uvloop + httptools, ``workers`` processes."""
    import uvicorn

    uvicorn.run("load_bench:bench_app", factory=True, host="127.0.0.1", port=port,
                workers=workers, loop="uvloop", http="httptools", log_level="warning",
                access_log=False, timeout_worker_healthcheck=120)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """The child server on a free port, for ``store``'s database."""

    def __init__(self, store: Store, workers: int = 1) -> None:
        self.port = _free_port()
        env = {**os.environ, "DUBAN_HOME": str(store.settings.home), "DUBAN_SECRET_KEY": SECRET,
               "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)])}  # fmt: skip
        if store.settings.database_url:
            env["DUBAN_DATABASE_URL"] = store.settings.database_url
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(self.port), "--workers", str(workers)],
            env=env,
            cwd=ROOT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.url + "/login", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


# --- the load generator ----------------------------------------------------------------------


@dataclass
class Run:
    """What one load run saw: latencies (s) of the good answers, errors by kind, wall time."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def row(self, name: str) -> str:
        lat = sorted(self.latencies)
        p = (lambda q: lat[min(len(lat) - 1, int(len(lat) * q))] * 1000) if lat else (lambda q: 0.0)
        done = len(lat) + sum(self.errors.values())
        errors = sum(self.errors.values())
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.errors.items()))
        return (f"| {name} | {done:,} | {done / self.seconds:,.0f}/s | "
                f"{statistics.median(lat) * 1000 if lat else 0:.1f} ms | {p(0.99):.1f} ms | "
                f"{p(1.0):.0f} ms | {errors}{' (' + kinds + ')' if kinds else ''} |")  # fmt: skip


HEADER = "| run | requests | achieved | p50 | p99 | max | errors |\n|---|---|---|---|---|---|---|"


async def fixed_rate(url: str, cookie: str, path: str, rate: float, seconds: float) -> Run:
    """Open loop: request i is sent at i / rate whatever happened to the others. aiohttp, as
    httpx's client costs too much CPU per request to keep 300 a second on the shared cores."""
    run, loop = Run(), asyncio.get_running_loop()
    headers = {"Cookie": f"duban_session={cookie}"}
    connector = aiohttp.TCPConnector(limit=1000)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(url, headers=headers, connector=connector,
                                     timeout=timeout) as client:  # fmt: skip
        start = loop.time()

        async def one(due: float) -> None:
            try:
                async with client.get(path, allow_redirects=False) as answer:
                    await answer.read()
                    status = answer.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                run.error(type(exc).__name__)
                return
            if status == 200:
                run.latencies.append(loop.time() - due)
            else:
                run.error(str(status))

        pending = []
        for i in range(int(rate * seconds)):
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - loop.time()))
            pending.append(asyncio.create_task(one(due)))
        await asyncio.gather(*pending)
        run.seconds = loop.time() - start
    return run


async def flat_out(client: httpx.AsyncClient, path: str, conns: int, seconds: float) -> Run:
    """Closed loop: ``conns`` requests always in flight for ``seconds``; the throughput."""
    run, loop = Run(), asyncio.get_running_loop()
    start = loop.time()

    async def worker() -> None:
        while loop.time() - start < seconds:
            sent = loop.time()
            try:
                answer = await client.get(path)
            except httpx.HTTPError as exc:
                run.error(type(exc).__name__)
                continue
            if answer.status_code == 200:
                run.latencies.append(loop.time() - sent)
            else:
                run.error(str(answer.status_code))

    await asyncio.gather(*(worker() for _ in range(conns)))
    run.seconds = loop.time() - start
    return run


def _client(url: str, cookie: str = "", conns: int = 400) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=conns, max_keepalive_connections=conns)
    cookies = {"duban_session": cookie} if cookie else None
    return httpx.AsyncClient(base_url=url, cookies=cookies, limits=limits, timeout=30)


# --- the three benchmarks --------------------------------------------------------------------


def bench_tasks(store: Store, args: argparse.Namespace) -> None:
    with store.write() as session:
        users.add_user(session, "leader", PASSWORD, role="viewer", actor=ADMIN)
    server = Server(store, args.workers)
    try:
        cookie = sign_in(server.url, "leader").cookie

        async def go() -> list[tuple[str, Run]]:
            async with _client(server.url, cookie) as client:
                # warm up every worker (each compiles its templates and evaluates the status
                # once): the runs measure the steady state, not the first request of each
                for path in ("/tasks", "/floor/tasks"):
                    answers = await asyncio.gather(*(client.get(path) for _ in range(WARM_UP)))
                    assert all(answer.status_code == 200 for answer in answers)
            return [
                (f"{path} at {args.rate:g}/s",
                 await fixed_rate(server.url, cookie, path, args.rate, args.seconds))
                for path in ("/tasks", "/floor/tasks")
            ]  # fmt: skip

        runs = asyncio.run(go())
        flat = []
        for name, path in (("/tasks", "/tasks"), ("floor", "/floor/tasks"),
                           ("cold floor", "/floor/tasks?cold=1")):  # fmt: skip
            label = f"{name} flat out ({args.conns} in flight, {_flat_tool()})"
            flat.append((label, _flat_out(server.url + path, cookie, args)))
    finally:
        server.stop()
    print(HEADER)
    for name, run in runs:
        print(run.row(name))
    for name, (rate, p50, p99) in flat:
        print(f"| {name} | | {rate:,.0f}/s | {p50:.1f} ms | {p99:.1f} ms | | |")
    app, floor, cold = flat[0][1][0], flat[1][1][0], flat[2][1][0]
    print(
        f"throughput /tasks {app:,.0f}/s vs floor {floor:,.0f}/s: /tasks is {app / floor:.2f} "
        f"of the floor; the status evaluated afresh each time (cold floor) {cold:,.0f}/s"
    )


def _flat_tool() -> str:
    return "wrk" if shutil.which("wrk") else "httpx"


def _flat_out(url: str, cookie: str, args: argparse.Namespace) -> tuple[float, float, float]:
    """Requests per second, p50 and p99 (ms) with ``--conns`` requests always in flight: wrk
    (one thread) when installed, as it costs the shared cores less than the Python driver."""
    if shutil.which("wrk"):
        out = subprocess.run(
            ["wrk", "-t1", f"-c{args.conns}", f"-d{args.flat_seconds:.0f}s", "--latency",
             "--timeout", "30s", "-H", f"Cookie: duban_session={cookie}", url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
        assert "Non-2xx" not in out and "Socket errors" not in out, out
        return rate, _wrk_ms(out, "50%"), _wrk_ms(out, "99%")

    async def go() -> Run:
        async with _client(url.rsplit("/", 1)[0], cookie) as client:
            return await flat_out(client, "/" + url.rsplit("/", 1)[1], args.conns,
                                  args.flat_seconds)  # fmt: skip

    run = asyncio.run(go())
    lat = sorted(run.latencies)
    return len(lat) / run.seconds, lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.99)] * 1000


def _wrk_ms(out: str, pct: str) -> float:
    value, unit = re.search(rf"{pct}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def bench_signin(store: Store, args: argparse.Namespace) -> None:
    names = [f"u{i}" for i in range(10)]
    with store.write() as session:
        for name in names:
            users.add_user(session, name, PASSWORD, role="viewer", actor=ADMIN)
    server = Server(store, args.workers)

    async def one(client: httpx.AsyncClient, name: str, run: Run, due: float) -> None:
        loop = asyncio.get_running_loop()
        try:
            form = await client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert token
            answer = await client.post("/login", data={"username": name, "password": PASSWORD,
                                                       "csrf_token": token.group(1)})  # fmt: skip
        except httpx.HTTPError as exc:
            run.error(type(exc).__name__)
            return
        if answer.status_code == 303 and "duban_session" in answer.cookies:
            run.latencies.append(loop.time() - due)
        else:
            run.error(str(answer.status_code))

    async def go() -> Run:
        run, loop = Run(), asyncio.get_running_loop()
        # the clients first (an httpx client builds its TLS context: ~10 ms each), then the clock
        clients = [_client(server.url, conns=4) for _ in range(args.signins)]
        start, pending = loop.time(), []
        for i, client in enumerate(clients):
            due = start + i * args.seconds / args.signins
            await asyncio.sleep(max(0.0, due - loop.time()))
            pending.append(asyncio.create_task(one(client, names[i % len(names)], run, due)))
        await asyncio.gather(*pending)
        run.seconds = loop.time() - start
        for client in clients:
            await client.aclose()
        return run

    try:
        run = asyncio.run(go())
    finally:
        server.stop()
    print(HEADER)
    print(run.row(f"{args.signins} sign-ins over {args.seconds:.0f} s"))
    print(f"all done in {run.seconds:.1f} s (wall)")


def bench_deadline(store: Store, args: argparse.Namespace) -> None:
    published_sample(store)
    with store.read() as session:
        rows = session.execute(
            select(Assignment.id, Unit.key, Assignment.task_id).join(Unit).order_by(Assignment.id)
        ).all()  # fmt: skip
        targets: dict[int, list[int]] = {}
        for target_id, task_id in session.execute(select(Target.id, Target.task_id)):
            targets.setdefault(task_id, []).append(target_id)
    chosen = [rows[i % len(rows)] for i in range(args.units)]
    with store.write() as session:
        for i, (_, unit_key, _) in enumerate(chosen):
            users.add_user(session, f"r{i}", PASSWORD, role="reporter", unit_key=unit_key,
                           actor=ADMIN)  # fmt: skip
    server = Server(store, args.workers)
    try:
        t0 = time.monotonic()
        cast = [sign_in(server.url, f"r{i}") for i in range(args.units)]
        print(
            f"signed {args.units} reporters in ({len({u for _, u, _ in chosen})} units, "
            f"{len({a for a, _, _ in chosen})} assignments) in {time.monotonic() - t0:.0f} s"
        )
        rng = random.Random(20_261_129)
        moments = sorted(rng.uniform(0, args.seconds) for _ in range(args.units))
        run, acked = Run(), {}

        async def one(i: int, due: float) -> None:
            assignment, _, task = chosen[i]
            who = cast[i]
            data = {
                "action": "submit",
                "claimed": "in_progress",
                "narrative": f"截止前报送{i}",
                "late_reason": "截止前集中报送",
                "csrf_token": who.csrf,
                **{f"figure_{t}": str(i + k) for k, t in enumerate(targets.get(task, []))},
            }
            files = [("evidence", (f"佐证{i}.txt", f"第{i}份佐证\n".encode() * 50, "text/plain"))]
            loop = asyncio.get_running_loop()
            cookies = {"duban_session": who.cookie}
            async with httpx.AsyncClient(base_url=server.url, timeout=60, cookies=cookies) as http:
                try:
                    answer = await http.post(f"/my/report/{assignment}", data=data, files=files)
                except httpx.HTTPError as exc:
                    run.error(type(exc).__name__)
                    return
            sent = re.match(r"/my\?sent=(\d+)#", answer.headers.get("location", ""))
            if answer.status_code == 303 and sent:
                run.latencies.append(loop.time() - due)
                acked[i] = int(sent.group(1))
            else:
                run.error(str(answer.status_code))
                if args.verbose:
                    print(answer.text[-3000:])

        async def go() -> None:
            loop = asyncio.get_running_loop()
            start, pending = loop.time(), []
            for i, moment in enumerate(moments):
                await asyncio.sleep(max(0.0, start + moment - loop.time()))
                pending.append(asyncio.create_task(one(i, start + moment)))
            await asyncio.gather(*pending)
            run.seconds = loop.time() - start

        asyncio.run(go())
    finally:
        server.stop()
    stored = _stored(store, acked, chosen, targets)
    print(HEADER)
    print(run.row(f"{args.units} reports within {args.seconds:.0f} s"))
    print(
        f"acknowledged {len(acked)}, stored with figures, evidence and audit event {stored}, "
        f"lost {len(acked) - stored}"
    )


def _stored(store: Store, acked: dict[int, int], chosen: list, targets: dict) -> int:  # type: ignore[type-arg]
    """How many acknowledged reports are in the store whole: the row with its narrative, one
    figure per target, its evidence file on disk, and its audit event."""
    whole = 0
    with store.read() as session:
        for i, report_id in acked.items():
            report = session.get(Report, report_id)
            if report is None or report.narrative != f"截止前报送{i}":
                continue
            figures = session.scalar(
                select(func.count()).where(ReportFigure.report_id == report_id)
            )
            evidence = session.scalars(
                select(Evidence).where(Evidence.report_id == report_id)
            ).all()
            audit = session.scalar(select(func.count()).where(
                AuditEvent.object_type == "report", AuditEvent.object_id == report_id))  # fmt: skip
            if figures == len(targets.get(chosen[i][2], [])) and len(evidence) == 1 and audit:
                whole += 1
    return whole


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--what", choices=["tasks", "signin", "deadline"], default="tasks")
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--flat-seconds", type=float, default=10)
    parser.add_argument("--conns", type=int, default=32)
    parser.add_argument("--signins", type=int, default=300)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.workers)
        return
    if args.seconds is None:
        args.seconds = {"tasks": 20, "signin": 30, "deadline": 60}[args.what]
    print(f"{args.db}, {args.what}, {args.workers} worker(s), on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp, migrated_store(args.db, Path(tmp)) as store:
        if args.what == "tasks":
            published_sample(store)
            bench_tasks(store, args)
        elif args.what == "signin":
            bench_signin(store, args)
        else:
            bench_deadline(store, args)


if __name__ == "__main__":
    main()
