"""Benchmark: crash safety over HTTP — the server SIGKILLed N times while people write through it.

Usage: .venv/bin/python bench/crash_bench.py [--rounds 100] [--db sqlite|postgresql] [--seed N]

Runs tests/crash_http.py's rounds on a fresh store (a SQLite file, or a new PostgreSQL schema at
``DUBAN_TEST_PG_URL``): each round starts ``python -m duban serve``, writes through the report
form, the review API, the records upload and the progress workbook upload, kills the server at a
random moment and checks the store (tests/crash_http_checks.py). It stops at the first failed
check; otherwise it prints the figures of the README: rounds, kills, writes tried and
acknowledged by kind, acknowledged writes lost (0), and the time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import migrated_store  # noqa: E402
from tests.crash_http import crash_http_rounds  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20_261_129)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, migrated_store(args.db, Path(tmp)) as store:
        figures = crash_http_rounds(store, Path(tmp), args.rounds, args.seed)
    kinds = ("submit", "accept", "return", "records", "progress")
    acked, flight = figures.acked, figures.in_flight
    left = ", ".join(f"{k}: {v}" for k, v in sorted(figures.leftovers.items())) or "none"
    print(f"{figures.database}: {figures.rounds} rounds, {figures.kills} kills, "
          f"{flight.total()} with a request in flight ({_by_kind(flight, kinds)}); "
          f"{figures.tried} writes tried, {acked.total()} acknowledged ({_by_kind(acked, kinds)}); "
          f"lost 0; every check passed after every kill; {figures.seconds:.0f} s. "
          f"Left on disk: {left}.")  # fmt: skip


def _by_kind(counts: Counter[str], kinds: tuple[str, ...]) -> str:
    return ", ".join(f"{kind} {counts[kind]}" for kind in kinds)


if __name__ == "__main__":
    main()
