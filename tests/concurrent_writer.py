"""A writer process for tests/test_concurrent_writes.py: threads submitting reports at once.

    python -m tests.concurrent_writer THREADS WRITES START

The database comes from the environment (``DUBAN_HOME``, ``DUBAN_DATABASE_URL``,
``DUBAN_BUSY_TIMEOUT_MS``), as for the CLI. Each of THREADS threads waits for the wall-clock time
START (so that every process starts writing together), then submits WRITES reports through
``Store.write()``, one transaction each. Prints one JSON line: the number of committed writes, the
errors (type and message) and the longest time one write took, in seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
import time

from sqlalchemy import select

from duban.config import load_settings
from duban.db import Store
from duban.models import Assignment
from duban.services import reports

REPORTER = "reporter:市教育局"


def main(threads: int, writes: int, start: float) -> None:
    store = Store(load_settings())
    with store.read() as session:
        assignments = list(session.scalars(select(Assignment.id).order_by(Assignment.id)))
    done: list[float] = []
    errors: list[str] = []

    def work(number: int) -> None:
        time.sleep(max(0.0, start - time.time()))
        for n in range(writes):
            began = time.monotonic()
            try:
                with store.write() as session:
                    reports.submit_report(session, assignments[(number * 7 + n) % len(assignments)],
                                          claimed="in_progress", at=dt.date(2021, 4, 2),
                                          actor=REPORTER)  # fmt: skip
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            done.append(time.monotonic() - began)

    pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    store.dispose()
    print(json.dumps({"committed": len(done), "errors": errors, "longest": max(done, default=0)}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))
