"""``duban serve --workers 2``: two workers slow to start are kept, both serve, it stops cleanly.

uvicorn's own health check gave a worker 5 s to answer; a spawned worker imports the whole
command line before it can, which took 8.5 s on a loaded machine, and it was killed and replaced
over and over. ``serve`` gives it ``WORKER_HEALTHCHECK_SECONDS``. The slow start is reproduced
with a ``sitecustomize`` that makes every spawned worker sleep before it starts.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from duban.db import Store
from tests.crash_http import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
KEY = "k" * 48
SLOW_START = 6.0  # seconds a worker sleeps before starting: beyond uvicorn's default 5 s


def test_two_workers_slow_to_start_serve_and_stop_cleanly(store: Store, tmp_path: Path) -> None:
    with Served(store, tmp_path, slow_start=SLOW_START) as served:
        served.check()
    assert "died" not in served.log() and "not ready" not in served.log()


class Served:
    """``python -m duban serve --workers 2`` on a free port; stopped with SIGTERM on exit,
    which must end it (status 0) and its workers within 30 s."""

    def __init__(self, store: Store, tmp_path: Path, *, slow_start: float) -> None:
        self.port = free_port()
        self.workers_seen: set[int] = set()
        self.path = tmp_path / "serve.log"
        env = {**os.environ, "DUBAN_HOME": str(store.settings.home), "DUBAN_SECRET_KEY": KEY}
        if store.settings.database_url:
            env["DUBAN_DATABASE_URL"] = store.settings.database_url
        if slow_start:
            site = tmp_path / "site"
            site.mkdir()
            (site / "sitecustomize.py").write_text(
                "import sys, time\n"
                f"if '--multiprocessing-fork' in sys.argv: time.sleep({slow_start})\n"
            )
            env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
        self.started = time.monotonic()
        with self.path.open("wb") as out:
            command = [sys.executable, "-m", "duban", "serve", "--workers", "2",
                       "--port", str(self.port)]  # fmt: skip
            self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT)  # fmt: skip

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"serve did not stop on SIGTERM: {self.log()[-2000:]}") from None
        if exc[0] is None:
            assert code == 0, self.log()[-2000:]
            for pid in self.workers_seen:
                assert not Path(f"/proc/{pid}").exists(), f"worker {pid} outlived serve"

    def log(self) -> str:
        return self.path.read_text(encoding="utf-8", errors="replace")

    def check(self) -> None:
        """Both workers finish starting, and requests are answered while they stay the same
        two processes (none killed and replaced)."""
        deadline = time.monotonic() + 90
        while len(self.ready_workers()) < 2:
            assert self.proc.poll() is None, f"serve died: {self.log()[-2000:]}"
            assert time.monotonic() < deadline, f"workers did not start: {self.log()[-2000:]}"
            time.sleep(0.2)
        self.workers_seen = self.ready_workers()
        for _ in range(8):
            with httpx.Client(timeout=10) as client:  # a new connection each time
                assert client.get(f"http://127.0.0.1:{self.port}/login").status_code == 200
        assert self.ready_workers() == self.workers_seen
        assert all(Path(f"/proc/{pid}").exists() for pid in self.workers_seen)
        assert len(re.findall(r"Started server process", self.log())) == 2, self.log()[-2000:]

    def ready_workers(self) -> set[int]:
        """The workers' pids, once as many have logged that their startup is complete."""
        log = self.log()
        pids = {int(p) for p in re.findall(r"Started server process \[(\d+)\]", log)}
        return pids if log.count("Application startup complete") >= len(pids) else set()
