"""Checks every uploaded file passes before anything is kept: its name, and its container.

Evidence, action responses and meeting attachments are kept as they arrive (never unpacked on the
server), but they are opened later on office PCs, so a zip container (docx, xlsx, zip) is checked
like the plan and workbook readers check theirs, from its directory before anything is inflated:
entry count, declared sizes and ratios (``SafeZip``); then every entry is inflated once, in chunks
and never past its declared size, so a header that lies about the size or checksum is caught.
Entry names that climb out of the archive (refused by ``SafeZip``), XML parts that declare a
DTD (entity bombs, external entities) and, in a plain zip, archives nested inside are refused. A
docx or xlsx must hold its main part: a zip of anything else renamed to .docx is refused.

File names are refused when they carry a path that climbs (``..``), an absolute path or control
characters; a Windows path that old browsers send (``C:\\…\\名称.pdf``) is cut to its last part.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PureWindowsPath

from duban.plandoc.errors import PlanReadError
from duban.plandoc.readers.limits import MB, Limits
from duban.plandoc.readers.safezip import SafeZip
from duban.services.errors import Invalid

PACKAGE_LIMITS = Limits(max_bytes=64 * MB, zip_entries=2000, zip_total_bytes=128 * MB,
                        zip_ratio=200.0, xml_part_bytes=128 * MB)  # fmt: skip
"""Caps on a kept container: the whole of it is inflated once to check it, so they bound time."""
MAIN_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
KIND = {".docx": "Word 文档", ".xlsx": "Excel 工作簿"}
_CHUNK = 256 * 1024
_HEAD = 4096
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ZIP_HEADS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_DRIVE = re.compile(r"^[A-Za-z]:\\")
MAX_NAME = 255


def upload_name(name: str, what: str = "文件") -> str:
    """The name to keep for an uploaded file; ``Invalid`` when it tries to carry a path."""
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise Invalid(f"{what}的文件名含有控制字符，请改名后再上传")
    if _DRIVE.match(name) and ".." not in PureWindowsPath(name).parts:
        name = PureWindowsPath(name).name  # old IE sends the whole Windows path
    if _climbs(name):
        raise Invalid(f"{what}的文件名“{name[:60]}”含有路径（/、\\ 或 ..），请只上传文件本身")
    name = name.strip()
    if not name or name in (".", ".."):
        raise Invalid(f"{what}没有文件名")
    return name[:MAX_NAME]


def _climbs(name: str) -> bool:
    return "/" in name or "\\" in name or name.strip() in ("..", ".") or ":" in name[:3]


def check_package(data: bytes, suffix: str, label: str) -> None:
    """Refuse a zip container (docx, xlsx, zip) that is hostile or not what its name says.

    ``label`` names the file in the refusal (佐证材料“…”).
    """
    try:
        archive = SafeZip(data, PACKAGE_LIMITS)
        names = archive.names
        for name in sorted(names):
            head = _inflate(archive, name)
            _check_entry(name, head, suffix, label)
    except PlanReadError as exc:
        raise Invalid(f"{label}{exc.reason}") from None
    main = MAIN_PART.get(suffix)
    if main is not None and (main not in names or "[Content_Types].xml" not in names):
        raise Invalid(f"{label}不是有效的{KIND[suffix]}（压缩包中缺少 {main}），请确认文件内容")


def _inflate(archive: SafeZip, name: str) -> bytes:
    """Inflate one entry to check its size and checksum; its first bytes."""
    head = b""
    with archive.open(name, archive.size(name)) as stream:
        while chunk := stream.read(_CHUNK):
            if len(head) < _HEAD:
                head += chunk[: _HEAD - len(head)]
    return head


def _check_entry(name: str, head: bytes, suffix: str, label: str) -> None:
    if name.lower().endswith((".xml", ".rels", ".vml")) and (
        _DTD.search(head) or _DTD.search(head.replace(b"\x00", b""))
    ):
        raise Invalid(f"{label}含有不允许的 XML 声明（DTD/实体），疑似恶意文件")
    if suffix == ".zip" and (head.startswith(_ZIP_HEADS) or name.lower().endswith(".zip")):
        raise Invalid(f"{label}的压缩包中又嵌套了压缩包“{name[:60]}”，请解压后上传其中的文件")
