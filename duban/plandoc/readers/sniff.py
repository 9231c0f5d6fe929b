"""Tell a file's type from its content, never from its name.

``sniff`` sorts the bytes into a zip container, a PDF or text (anything else we know by its magic
number is refused with a message that says what to do). Inside a zip, ``zip_kind`` looks at the
entry names; inside text, ``looks_like_html`` looks at the first tag.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Literal

from duban.plandoc.errors import PlanReadError

Container = Literal["zip", "pdf", "text"]
ZipKind = Literal["docx", "xlsx"]

_PDF_MAGIC = b"%PDF-"
_PDF_HEADER_WINDOW = 1024  # readers accept junk before the header; Acrobat allows 1 KB
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_REFUSED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "这是旧版 Office 文件（.doc/.xls/.wps/.et）或加密的 Office 文档，"
        "请在 Word/WPS 中另存为未加密的 .docx 或 .xlsx 后再导入",
    ),
    (b"{\\rtf", "不支持 RTF 格式，请在 Word/WPS 中另存为 .docx 后再导入"),
    (b"\x89PNG\r\n\x1a\n", "这是图片文件（PNG），无法提取文字，请提供 Word、PDF 或文本文件"),
    (b"\xff\xd8\xff", "这是图片文件（JPEG），无法提取文字，请提供 Word、PDF 或文本文件"),
    (b"GIF8", "这是图片文件（GIF），无法提取文字，请提供 Word、PDF 或文本文件"),
    (b"II*\x00", "这是图片文件（TIFF），无法提取文字，请提供 Word、PDF 或文本文件"),
    (b"MM\x00*", "这是图片文件（TIFF），无法提取文字，请提供 Word、PDF 或文本文件"),
    (b"\x1f\x8b", "这是压缩包（gzip），请解压后导入其中的方案文件"),
    (b"7z\xbc\xaf\x27\x1c", "这是压缩包（7z），请解压后导入其中的方案文件"),
    (b"Rar!\x1a\x07", "这是压缩包（rar），请解压后导入其中的方案文件"),
)

_HTML_START = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|table|div|p|h[1-6]|style|link|script)[\s>/]",
    re.IGNORECASE,
)
_LEADING_NOISE = re.compile(r"(?:\s|<!--.*?-->|<\?xml[^>]*\?>)*", re.DOTALL)
_HEAD = 65536  # characters looked at: a page may open with long comments
_MHT = re.compile(r"^MIME-Version:", re.IGNORECASE | re.MULTILINE)


def sniff(data: bytes) -> Container:
    """Classify ``data`` by magic number; refuse formats we know but do not read."""
    for magic, reason in _REFUSED_MAGIC:
        if data.startswith(magic):
            raise PlanReadError(reason)
    if data.startswith(_ZIP_MAGICS):
        return "zip"
    if _PDF_MAGIC in data[:_PDF_HEADER_WINDOW]:
        return "pdf"
    return "text"


def zip_kind(names: Collection[str]) -> ZipKind:
    """Which office format a zip holds, by its entry names; refuse other zips with advice."""
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise PlanReadError("不支持 .xlsb 格式，请在 Excel/WPS 中另存为 .xlsx 后再导入")
    if "OFD.xml" in names:
        raise PlanReadError("不支持 OFD 版式文件，请提供 PDF 或 Word 文件")
    if "mimetype" in names and "content.xml" in names:
        raise PlanReadError("不支持 ODF 文件（.odt/.ods），请另存为 .docx 或 .xlsx 后再导入")
    raise PlanReadError("这是压缩包，但不是 docx/xlsx 文件，请解压后导入其中的方案文件")


def looks_like_html(text: str) -> bool:
    """True when the decoded text starts (after comments and an XML declaration) with HTML."""
    head = text[:_HEAD]
    start = _LEADING_NOISE.match(head)
    rest = head[start.end() if start else 0 :]
    return _HTML_START.match(rest) is not None


def refuse_text_containers(text: str) -> None:
    """Refuse text-based formats that would read as markup soup: MHT archives, Office 2003 XML."""
    head = text[:4096]
    if _MHT.search(head) and "multipart/related" in head.lower():
        raise PlanReadError("不支持 MHT 网页存档，请在 Word/WPS 中另存为 .docx 后再导入")
    if head.lstrip().startswith("<?xml") and "mso-application" in head:
        raise PlanReadError("不支持 Office 2003 XML 格式，请另存为 .docx 或 .xlsx 后再导入")
