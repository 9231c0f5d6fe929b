"""What the upload is: refuse, by content and never by name, anything that is not an .xlsx.

``refuse_by_content`` looks at the bytes before anything is opened (size, OLE files, PDFs,
images, archives, text); ``refuse_other_packages`` at the entry names of a zip container (Word,
PowerPoint, .xlsb, OFD, ODF). Each refusal names what the file is and what to do instead.
"""

from __future__ import annotations

from collections.abc import Collection

from duban.exchange.errors import ExchangeError
from duban.exchange.xlsxread.limits import ReadLimits
from duban.plandoc.readers.limits import megabytes, whole_megabytes

_SAVE_AS = "请在 Excel/WPS 中另存为 .xlsx 后再上传"
_NOT_XLSX = f"这不是 Excel 工作簿（.xlsx），{_SAVE_AS}"

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_STREAMS: tuple[tuple[str, str], ...] = (
    (
        "EncryptedPackage",
        "工作簿设置了打开密码（加密的 Office 文件），请取消密码后另存为 .xlsx 再上传",
    ),
    ("WordDocument", "这是旧版 Word 文档（.doc），不是 Excel 工作簿"),
    ("Workbook", f"这是旧版 Excel 文件（.xls），{_SAVE_AS}"),
    ("Book", f"这是旧版 Excel 文件（.xls），{_SAVE_AS}"),
    ("PowerPoint Document", "这是旧版 PowerPoint 演示文稿（.ppt），不是 Excel 工作簿"),
)
_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "这是 PDF 文件，不是 Excel 工作簿"),
    (b"{\\rtf", "这是 RTF 文档，不是 Excel 工作簿"),
    (b"\x89PNG\r\n\x1a\n", "这是图片文件（PNG），不是 Excel 工作簿"),
    (b"\xff\xd8\xff", "这是图片文件（JPEG），不是 Excel 工作簿"),
    (b"\x1f\x8b", "这是压缩包（gzip），不是 Excel 工作簿"),
    (b"7z\xbc\xaf\x27\x1c", "这是压缩包（7z），不是 Excel 工作簿"),
    (b"Rar!\x1a\x07", "这是压缩包（rar），不是 Excel 工作簿"),
)
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ZIP_KINDS: tuple[tuple[str, str], ...] = (
    ("word/document.xml", "这是 Word 文档，不是 Excel 工作簿"),
    ("ppt/presentation.xml", "这是 PowerPoint 演示文稿，不是 Excel 工作簿"),
    ("xl/workbook.bin", f"这是 .xlsb 格式的工作簿，{_SAVE_AS}"),
    ("OFD.xml", "这是 OFD 版式文件，不是 Excel 工作簿"),
)


def refuse_by_content(data: bytes, limits: ReadLimits) -> None:
    """Refuse an upload that is too large or, by its first bytes, not a zip container."""
    if len(data) > limits.max_bytes:
        raise ExchangeError(
            f"文件过大（{megabytes(len(data))}，上限 {whole_megabytes(limits.max_bytes)}）"
        )
    if not data:
        raise ExchangeError("文件为空")
    if data.startswith(_OLE):
        raise ExchangeError(_ole_kind(data))
    for magic, reason in _MAGICS:
        if data.startswith(magic):
            raise ExchangeError(reason)
    if not data.startswith(_ZIP_MAGICS):
        raise ExchangeError(_text_kind(data[:4096]))


def refuse_other_packages(names: Collection[str]) -> None:
    """Refuse a zip container that, by its entry names, holds another kind of office file."""
    for name, reason in _ZIP_KINDS:
        if name in names:
            raise ExchangeError(reason)
    if "mimetype" in names and "content.xml" in names:
        raise ExchangeError(f"这是 ODF 文件（.ods/.odt），{_SAVE_AS}")


def _ole_kind(data: bytes) -> str:
    """What an OLE compound file holds, by the stream names in its directory (UTF-16)."""
    for stream, reason in _OLE_STREAMS:
        if stream.encode("utf-16-le") + b"\x00\x00" in data:
            return reason
    return f"这是旧版 Office 文件（OLE 格式），不是 .xlsx 工作簿，{_SAVE_AS}"


def _text_kind(head: bytes) -> str:
    """Name a text upload (CSV, HTML, Office 2003 XML); binary ones we cannot tell."""
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))  # Excel's "Unicode text"
    text = head.decode("utf-16" if utf16 else "utf-8", errors="ignore")
    if "\x00" in text:
        return _NOT_XLSX
    text = text.lstrip("\ufeff \t\r\n").lower()
    if "mso-application" in text or "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return f"这是 Excel 2003 XML 表格，{_SAVE_AS}"
    if text.startswith(("<!doctype html", "<html", "<table", "<meta", "<head")):
        return f"这是网页（HTML）文件，不是真正的 Excel 工作簿，{_SAVE_AS}"
    return f"这是文本文件（如 CSV），不是 Excel 工作簿，{_SAVE_AS}"
