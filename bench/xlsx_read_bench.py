"""Benchmark: reading an uploaded roster workbook row by row, against the raw readers.

Usage: .venv/bin/python bench/xlsx_read_bench.py [--rows N] [--runs N]

Generates a roster-like sheet (10 columns: text, integers, floats, dates; openpyxl write-only, so
strings are inline) and reads every row with:

- ``duban``: ``duban.exchange.xlsxread.Workbook(data).rows(sheet)`` — the checked, streaming
  reader an import uses (container checks, defusedxml, values converted);
- ``calamine``: ``python_calamine``'s whole-sheet read into Python lists (Rust; the floor);
- ``openpyxl``: ``load_workbook(read_only=True)`` and ``iter_rows(values_only=True)``, for context.

Prints a Markdown table: best-of-N seconds, rows per second, the ratio to calamine, and the peak
resident memory of a fresh process doing one read (``VmHWM``), with the same for a process
that only imports the libraries and loads the file, so the difference is the reader's own.
Also prints the tracemalloc peak of our reader (Python allocations only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHEET = "名册"
HEADERS = ["姓名", "工号", "年龄", "学院", "专业", "课时", "绩效", "入职日期", "出生日期", "备注"]


def generate(path: Path, rows: int) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append(HEADERS)
    rng = random.Random(5)
    hired, born = dt.date(1990, 1, 1), dt.date(1960, 1, 1)
    for n in range(rows):
        sheet.append([
            f"教师{n:06d}", 100000 + n, rng.randint(22, 65), f"第{n % 12 + 1}学院",
            f"专业{n % 80}", rng.randint(0, 400), round(rng.random() * 100, 2),
            hired + dt.timedelta(days=n % 12000), born + dt.timedelta(days=n % 15000),
            "兼职" if n % 3 == 0 else None,
        ])  # fmt: skip
    book.save(path)


def read_duban(path: Path) -> int:
    from duban.exchange.xlsxread import Workbook

    book = Workbook(path.read_bytes())
    return sum(1 for _ in book.rows(SHEET))


def read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    return len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())


def read_openpyxl(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    count = sum(1 for _ in book[SHEET].iter_rows(values_only=True))
    book.close()
    return count


def load_only(path: Path) -> int:
    """The baseline for memory: the libraries imported and the upload's bytes in memory."""
    import openpyxl  # noqa: F401
    import python_calamine  # noqa: F401

    import duban.exchange.xlsxread  # noqa: F401

    return len(path.read_bytes())


READERS: dict[str, Callable[[Path], int]] = {
    "duban": read_duban,
    "calamine": read_calamine,
    "openpyxl": read_openpyxl,
    "baseline": load_only,
}


def best_seconds(fn: Callable[[], int], runs: int) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(runs):
        start = time.perf_counter()
        count = fn()
        best = min(best, time.perf_counter() - start)
    return best, count


def peak_rss_mb(name: str, path: Path) -> float:
    """Peak resident memory of a fresh process running one reader."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", name, str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(result.stdout.strip()) / 1024


def child(name: str, path: Path) -> None:
    READERS["baseline"](path)
    READERS[name](path)
    print(peak_rss_kb())


def peak_rss_kb() -> int:
    """This process's peak resident set: VmHWM on Linux, which starts afresh at exec, unlike
    ru_maxrss, which a child inherits from the parent that forked it; ru_maxrss elsewhere."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def tracemalloc_mb(path: Path) -> float:
    """Peak Python allocations of our reader, the upload's bytes (held by the caller) aside."""
    from duban.exchange.xlsxread import Workbook

    data = path.read_bytes()
    tracemalloc.start()
    for _ in Workbook(data).rows(SHEET):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.xlsx"
        generate(path, args.rows)
        report(path, args.runs)


def report(path: Path, runs: int) -> None:
    sheet_size = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size
    size = path.stat().st_size
    print(f"roster: {size / 2**20:.1f} MB file, sheet XML {sheet_size / 2**20:.1f} MB")
    baseline = peak_rss_mb("baseline", path)
    names = ("duban", "calamine", "openpyxl")
    times = {name: best_seconds(lambda f=READERS[name]: f(path), runs) for name in names}
    floor = times["calamine"][0]
    print(f"\n| reader | rows | best of {runs} (s) | rows/s | vs calamine | peak RSS (MB) |")
    print("|---|---|---|---|---|---|")
    for name in names:
        seconds, count = times[name]
        rss = peak_rss_mb(name, path)
        print(
            f"| {name} | {count:,} | {seconds:.2f} | {count / seconds:,.0f} | "
            f"{seconds / floor:.1f}× | {rss:.0f} (+{rss - baseline:.0f}) |"
        )
    print(f"\nbaseline process (imports + file bytes): {baseline:.0f} MB peak RSS")
    print(f"duban tracemalloc peak (beyond the file's bytes): {tracemalloc_mb(path):.1f} MB")
    print(f"ratio duban/calamine: {times['duban'][0] / floor:.1f}× the time")


if __name__ == "__main__":
    main()
