"""Benchmark: the dashboard's server time on the national-size ledger (p50, p95), both databases.

Usage: .venv/bin/python bench/dashboard_bench.py [--db sqlite|postgresql] [--requests 200]

Builds the ledger of ``status_bench.py`` (300 plans, ≈ 700,000 reports), signs a viewer in, and
requests ``/?plan=150&as_of=…`` through the ASGI app in process (no network, so the figure is
server time: routing, session, permission check, the status of the plan, the template).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fastapi.testclient import TestClient  # noqa: E402
from status_bench import build, database  # noqa: E402

from duban.config import Settings  # noqa: E402
from duban.services import users  # noqa: E402
from duban.web.app import create_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with database(args.db) as store:
        count = build(store, args.plans, 30, 10_000)
        with store.write() as session:
            users.add_user(session, "bench", "bench-password", role="viewer", actor="bench")
        settings = Settings(home=store.settings.home, database_url=store.settings.database_url,
                            secret_key="s" * 40)  # fmt: skip
        client = TestClient(create_app(settings, store))
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert token
        client.post("/login", data={"username": "bench", "password": "bench-password",
                                    "csrf_token": token.group(1)})  # fmt: skip
        plan = (args.plans + 1) // 2
        days = [dt.date(2021, 3, 1) + dt.timedelta(days=9 * i) for i in range(args.requests)]
        client.get(f"/?plan={plan}&as_of=2023-06-10")
        samples = []
        for day in days:
            start = time.perf_counter()
            response = client.get(f"/?plan={plan}&as_of={day.isoformat()}")
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{args.db}: {count:,} reports; dashboard of one plan, {args.requests} requests, "
          f"as-of dates spread over four years")  # fmt: skip
    print(f"p50 {statistics.median(samples) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {samples[-1] * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
