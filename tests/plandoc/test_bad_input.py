"""Unreadable and hostile files are refused fast, in bounded memory, with a one-line Chinese reason.

These files come from anonymous office PCs: empty, garbage, old formats, damaged containers,
zip and XML bombs, oversized files, scans.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from duban.plandoc.errors import PlanReadError
from duban.plandoc.model import Table
from duban.plandoc.readers import MAX_INPUT_BYTES, Limits, read_document, read_path
from tests.plandoc import docmaker

DOCS = Path(__file__).resolve().parents[1] / "fixtures" / "docs"
MB = 1024 * 1024


def refused(data: bytes, limits: Limits | None = None) -> str:
    """The reason ``data`` is refused; it must be one line and name no Python internals."""
    with pytest.raises(PlanReadError) as caught:
        read_document(data, "plan.bin", limits=limits or Limits())
    reason = caught.value.reason
    assert reason and "\n" not in reason and "Traceback" not in reason
    return reason


@contextmanager
def bounded(seconds: float, megabytes: float) -> Iterator[None]:
    """Fail unless the block ends within ``seconds`` and peaks under ``megabytes`` of heap."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.2f} s"
    assert peak < megabytes * MB, f"peak {peak / MB:.1f} MB"


# --- empty, garbage, formats we do not read ------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b" \r\n\t ", b"\xef\xbb\xbf", b"\xff\xfe \x00\n\x00"])
def test_empty_or_blank_file_is_refused_as_empty(data: bytes) -> None:
    assert refused(data) == "文件为空"


def test_random_bytes_are_not_text() -> None:
    data = random.Random(7).randbytes(4096)
    assert refused(data) == "无法识别的文件类型：既不是文本，也不是 docx/xlsx/pdf/html"


def test_text_with_binary_junk_is_not_text() -> None:
    data = "责任单位：市教育局".encode() + bytes(range(32)) * 20
    assert refused(data).startswith("无法识别的文件类型")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), ".docx"),
        (b"{\\rtf1\\ansi 1.x}", "RTF"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "图片"),
        (b"\x1f\x8b\x08\x00" + bytes(64), "压缩包"),
        (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n", "MHT"),
        (
            b'<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument/>',
            "2003",
        ),
    ],
)
def test_known_unsupported_formats_say_what_to_do(data: bytes, says: str) -> None:
    assert says in refused(data)


@pytest.mark.parametrize(
    ("names", "says"),
    [
        (("readme.txt",), "不是 docx/xlsx"),
        (("OFD.xml", "Doc_0/Document.xml"), "OFD"),
        (("mimetype", "content.xml"), "ODF"),
        (("xl/workbook.bin",), ".xlsb"),
    ],
)
def test_zip_that_is_no_office_file_is_refused(names: tuple[str, ...], says: str) -> None:
    assert says in refused(docmaker.zip_bytes({name: b"<x/>" for name in names}))


def test_valid_document_without_text_is_refused() -> None:
    assert refused(docmaker.docx_from_body("<w:p/><w:p><w:r><w:t> </w:t></w:r></w:p>")) == (
        "文件中没有可读取的文字"
    )


# --- size ----------------------------------------------------------------------------------------


def test_input_over_the_size_limit_is_refused() -> None:
    assert refused(b"x" * (MAX_INPUT_BYTES + 1)) == "文件过大（20.0 MB，上限 20 MB）"
    assert refused("一、总体要求".encode() * 100, Limits(max_bytes=1024)) == (
        "文件过大（1.8 KB，上限 1 KB）"
    )


def test_huge_file_on_disk_is_refused_from_its_size_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.docx"
    with path.open("wb") as handle:
        handle.truncate(50 * MB)  # sparse: takes no disk space

    def no_reading(self: Path) -> bytes:
        raise AssertionError("read a file it should have refused")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with bounded(seconds=0.5, megabytes=5), pytest.raises(PlanReadError) as caught:
        read_path(path)
    assert caught.value.reason == "文件过大（50.0 MB，上限 20 MB）"


def test_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(PlanReadError, match=r"^无法读取文件：文件不存在$"):
        read_path(tmp_path / "missing.docx")
    with pytest.raises(PlanReadError, match=r"^无法读取文件：这是文件夹，不是文件$"):
        read_path(tmp_path)


# --- damaged and hostile containers --------------------------------------------------------------


def test_truncated_docx_is_damaged() -> None:
    data = (DOCS / "zhongwei_table.docx").read_bytes()
    assert refused(data[: len(data) // 2]).startswith("文件已损坏：")


def test_docx_with_a_flipped_byte_is_damaged() -> None:
    data = bytearray(
        docmaker.docx_from_body("<w:p><w:r><w:t>" + "市教育局" * 500 + "</w:t></w:r></w:p>")
    )
    start = data.find(b"word/document.xml") + len("word/document.xml")  # its local header
    data[start + 20] ^= 0xFF  # inside its compressed data
    assert refused(bytes(data)).startswith("文件已损坏：")


def test_zip_bomb_declaring_gigabytes_is_refused_before_unpacking() -> None:
    bomb = docmaker.zip_bomb(2 * 1024 * MB)  # 2 GB of zeros in a 2 MB file
    with bounded(seconds=1.0, megabytes=50):
        reason = refused(bomb)
    assert reason == "压缩包解压后过大（2048.0 MB，上限 200 MB），疑似压缩炸弹"


def test_zip_bomb_within_the_total_is_refused_by_its_ratio() -> None:
    bomb = docmaker.zip_bomb(100 * MB)
    with bounded(seconds=1.0, megabytes=50):
        reason = refused(bomb)
    assert reason.startswith("压缩比异常（word/document.xml：")
    assert reason.endswith("上限 200 倍），疑似压缩炸弹")


def test_entry_inflating_past_its_declared_size_is_stopped() -> None:
    honest = docmaker.zip_bomb(30 * MB)
    lying = docmaker.patch_entry(honest, "word/document.xml", size=100 * 1024)  # says 100 KB
    with bounded(seconds=1.0, megabytes=50):
        reason = refused(lying)
    assert reason.startswith("文件已损坏：")


def test_huge_declared_size_on_a_small_zip_is_refused() -> None:
    small = docmaker.docx_from_body("<w:p><w:r><w:t>一、总体要求</w:t></w:r></w:p>")
    lying = docmaker.patch_entry(small, "word/document.xml", size=0xFFFFFFF0)
    assert refused(lying).startswith("压缩包解压后过大（4096.0 MB")


def test_zip_with_ten_thousand_entries_is_refused_from_its_directory_record() -> None:
    crowded = docmaker.many_entries_zip(10_000)
    with bounded(seconds=1.0, megabytes=50):
        reason = refused(crowded)
    assert reason == "压缩包条目过多（10000 个，上限 2000）"


def test_entity_bomb_in_document_xml_is_refused() -> None:
    with bounded(seconds=1.0, megabytes=50):
        reason = refused(docmaker.entity_bomb_docx())
    assert reason == "文件含有不允许的 XML 声明（DTD/实体），疑似恶意文件，已拒绝"


def test_external_entity_in_document_xml_is_refused() -> None:
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    assert "疑似恶意文件" in refused(docmaker.docx_with_document_xml(xml))


def test_malformed_document_xml_is_damaged() -> None:
    reason = refused(docmaker.docx_with_document_xml(b"<w:document><w:body>"))
    assert reason.startswith("文件已损坏：word/document.xml 不是有效的 XML")


def test_deeply_nested_tables_are_refused() -> None:
    body = "<w:tbl><w:tr><w:tc>" * 150 + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * 150
    assert refused(docmaker.docx_from_body(body)) == "文档结构嵌套过深（超过 100 层），疑似恶意文件"


def test_xlsx_merge_over_the_whole_sheet_is_refused_before_openpyxl_sees_it() -> None:
    with bounded(seconds=1.0, megabytes=50):
        reason = refused(docmaker.xlsx_with_merge("A1:XFD1048576"))
    assert reason == "工作簿过大（超过 500000 个单元格）"


def test_xlsx_with_a_modest_merge_still_reads() -> None:
    document = read_document(docmaker.xlsx_with_merge("A1:C1"))
    assert document.format == "xlsx"


def test_html_spans_are_clipped_to_the_table() -> None:
    page = '<table><tr><td rowspan="65534" colspan="1000">一、总体要求</td></tr></table>'
    with bounded(seconds=1.0, megabytes=50):
        document = read_document(page.encode())
    assert document.blocks == (Table(rows=(("一、总体要求",) * 1000,)),)


# --- pdf -----------------------------------------------------------------------------------------


def test_pdf_without_text_layer_is_taken_for_a_scan() -> None:
    reason = refused(docmaker.image_only_pdf(), Limits(pdf_isolated=False))
    assert reason == "PDF 没有文字层（可能是扫描件），请提供可复制文字的 PDF 或 Word 文件"


def test_password_protected_pdf_is_refused() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Plan")
    reason = refused(bytes(pdf.output()), Limits(pdf_isolated=False))
    assert reason == "PDF 已加密，需要密码才能打开，请提供未加密的文件"


def test_pdf_of_garbage_after_the_header_is_refused() -> None:
    data = b"%PDF-1.7\n" + random.Random(3).randbytes(2048)
    refused(data, Limits(pdf_isolated=False))


def test_pdf_with_too_many_pages_is_refused() -> None:
    data = (DOCS / "zhongwei_prose.pdf").read_bytes()
    assert refused(data, Limits(pdf_isolated=False, pdf_pages=3)) == "PDF 页数过多（超过 3 页）"


def test_pdf_stream_bomb_is_stopped_in_the_child_process() -> None:
    bomb = docmaker.pdf_with_stream_bomb(2 * 1024 * MB)  # 2 GB of spaces in a 2 MB file
    with bounded(seconds=10.0, megabytes=50):
        reason = refused(bomb, Limits(pdf_memory_bytes=300 * MB))
    assert reason == "文件解析占用内存过多或解析器崩溃（疑似恶意构造或已损坏），已停止"


def test_pdf_parse_overrunning_its_time_is_stopped() -> None:
    data = (DOCS / "zhongwei_table.pdf").read_bytes()
    assert refused(data, Limits(pdf_seconds=0.05)).startswith("PDF 解析超时（超过 0.05 秒）")


def test_isolated_pdf_errors_come_back_as_plan_read_errors() -> None:
    assert refused(b"%PDF-1.4\n%%EOF\n").startswith("文件已损坏：PDF 无法解析")
