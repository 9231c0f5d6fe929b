"""Benchmark: how long `duban parse` takes on each test document, against the raw reader.

Usage: .venv/bin/python bench/parse_bench.py [--runs N]

For each document the full pipeline (read → repair → structure → fields → targets) is timed
against the floor: the bare library read the pipeline cannot avoid (decoding the text; opening the
docx with python-docx; pdfplumber's text extraction of every page; loading the workbook with
openpyxl). Prints a Markdown table: median milliseconds, the ratio to the floor, and the peak
memory (tracemalloc) of one full parse.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from duban.plandoc import parse_bytes, parse_document  # noqa: E402
from duban.plandoc.readers import Limits, read_document  # noqa: E402
from duban.plandoc.repair import repair  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def floor_txt(data: bytes) -> object:
    return data.decode("utf-8-sig").splitlines()


def floor_docx(data: bytes) -> object:
    import docx

    document = docx.Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs] + [len(t.rows) for t in document.tables]


def floor_pdf(data: bytes) -> object:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() for page in pdf.pages]


def floor_xlsx(data: bytes) -> object:
    import openpyxl

    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


FLOORS: dict[str, Callable[[bytes], object]] = {
    ".txt": floor_txt,
    ".docx": floor_docx,
    ".pdf": floor_pdf,
    ".xlsx": floor_xlsx,
}


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm caches (OpenCC dictionaries, imports)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def documents() -> list[Path]:
    docs = [FIXTURES / "zhongwei_plan.txt"]
    docs += sorted(p for p in (FIXTURES / "docs").glob("*") if p.suffix in FLOORS)
    return docs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    print("| document | size | parse (ms) | floor (ms) | ratio | peak memory |")
    print("|---|---|---|---|---|---|")
    for path in documents():
        data = path.read_bytes()
        floor = FLOORS[path.suffix]
        if path.suffix == ".txt" and not data.startswith((b"\xef\xbb\xbf", b"\xe4")):
            floor = floor_txt_any
        full = median_ms(lambda d=data, n=path.name: parse_bytes(d, n), runs)
        bare = median_ms(lambda d=data, f=floor: f(d), runs)
        memory = peak_mb(lambda d=data, n=path.name: parse_bytes(d, n))
        print(
            f"| {path.relative_to(FIXTURES)} | {len(data) / 1024:.0f} KB | {full:.1f} | "
            f"{bare:.1f} | {full / bare:.1f}× | {memory:.1f} MB |"
        )
    stages(runs)


def stages(runs: int) -> None:
    """Where the time goes on the sample, and the cost of reading PDFs in a child process."""
    data = (FIXTURES / "zhongwei_plan.txt").read_bytes()
    doc = read_document(data)
    read = median_ms(lambda: read_document(data), runs)
    rep = median_ms(lambda: repair(doc), runs)
    whole = median_ms(lambda: parse_document(doc), runs)
    print(f"\nsample (txt): read {read:.1f} ms, repair {rep:.1f} ms, ", end="")
    print(f"structure + fields + targets {whole - rep:.1f} ms")
    pdf = (FIXTURES / "docs" / "zhongwei_table.pdf").read_bytes()
    inline = Limits(pdf_isolated=False)
    in_process = median_ms(lambda: read_document(pdf, limits=inline), max(3, runs // 4))
    isolated = median_ms(lambda: read_document(pdf), max(3, runs // 4))
    print(f"table pdf read: {in_process:.0f} ms in-process, {isolated:.0f} ms isolated")


def floor_txt_any(data: bytes) -> object:
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            return data.decode(encoding).splitlines()
        except UnicodeDecodeError:
            continue
    return None


if __name__ == "__main__":
    main()
