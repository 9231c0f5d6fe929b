"""Hostile files, built in memory: bombs, entity tricks, lying zips, traversal, disguises.

Each builder takes the office kind the surface expects (``docx`` or ``xlsx``) so the hostile part
sits where a reader would look for it. Large builds are cached: the test modules reuse them.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

MAIN = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
         b'package/2006/content-types"/>')  # fmt: skip
BODY = {
    "docx": b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>",
    "xlsx": b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheets><sheet name="%s" sheetId="1"/></sheets></workbook>',
}


def _laughs(levels: int = 9) -> bytes:
    """The billion-laughs prolog: each entity is ten of the one before (10**9 "lol"s)."""
    names = [b"lol"] + [b"lol%d" % i for i in range(1, levels + 1)]
    entities = b"".join(b'<!ENTITY %s "%s">' % (names[i], b"&%s;" % names[i - 1] * 10)
                        for i in range(1, levels + 1))  # fmt: skip
    return b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + entities + b"]>"


LAUGHS = _laughs()
XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + bytes(range(256)) * 16
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def package(kind: str, parts: dict[str, bytes] | None = None, *, text: bytes = b"x") -> bytes:
    """A minimal docx/xlsx: content types, the main part (``text`` in it) and ``parts``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr(MAIN[kind], BODY[kind] % text)
        for name, data in (parts or {}).items():
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@cache
def bomb(kind: str) -> bytes:
    """200 MB of zeros deflated to about 200 KB beside a valid main part (ratio ~1000)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr(MAIN[kind], BODY[kind] % b"x")
        with archive.open("media/zeros.bin", "w", force_zip64=True) as entry:
            chunk = bytes(2**20)
            for _ in range(200):
                entry.write(chunk)
    return out.getvalue()


def declared_bomb(kind: str) -> bytes:
    """A small zip whose directory declares 3.75 GB for one entry (nothing that large inside)."""
    return _patch_sizes(package(kind, {"media/big.bin": b"\0" * 1000}), "media/big.bin",
                        0xF0000000)  # fmt: skip


def lying_size(kind: str) -> bytes:
    """The main part inflates to 2 MB but both headers declare 100 bytes."""
    data = package(kind, text=b"x" * (2 * 2**20))
    return _patch_sizes(data, MAIN[kind], 100)


def lying_name(kind: str) -> bytes:
    """The local header names another entry than the central directory does."""
    data = package(kind)
    name = MAIN[kind].encode()
    at = data.index(name)  # local headers come first
    assert data[at - 30 : at - 26] == b"PK\x03\x04"
    return data[:at] + name[:-5] + b"X.xml" + data[at + len(name) :]


def nested(kind: str) -> bytes:
    """A zip holding only zips (the 42.zip shape), named as the surface expects."""
    inner = bomb(kind)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for n in range(4):
            archive.writestr(f"part{n}.zip", inner)
    return out.getvalue()


@cache
def many_entries(kind: str) -> bytes:
    """10,000 entries (the limit is 2,000)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr(MAIN[kind], BODY[kind] % b"x")
        for n in range(10_000):
            archive.writestr(f"e/{n}", b"")
    return out.getvalue()


def junk_zip(kind: str) -> bytes:
    """A zip of anything but an office file (the name will say docx/xlsx)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", "不是 Office 文件")
        archive.writestr("data.bin", bytes(range(256)) * 8)
    return out.getvalue()


def _patch_sizes(data: bytes, name: str, size: int) -> bytes:
    """Set the uncompressed size of ``name`` in its local header and its directory record."""
    out = bytearray(data)
    raw = name.encode()
    at = 0
    while (at := out.find(raw, at + 1)) > 0:
        if out[at - 30 : at - 26] == b"PK\x03\x04":
            struct.pack_into("<I", out, at - 30 + 22, size)
        elif out[at - 46 : at - 42] == b"PK\x01\x02":
            struct.pack_into("<I", out, at - 46 + 24, size)
    return bytes(out)


@dataclass(frozen=True)
class Case:
    """One hostile file: what it is, how to build it for a kind, and the reason expected."""

    key: str
    build: Callable[[str], bytes]
    name: str  # "{s}" is the surface's suffix
    reason: str  # a regular expression the refusal must match


def cases() -> list[Case]:
    zips = r"压缩|条目|损坏|不是|声明不符|疑似|不安全|缺少"
    return [
        Case("bomb", bomb, "炸弹{s}", r"压缩比|压缩炸弹|过大"),
        Case("declared-bomb", declared_bomb, "声明{s}", r"过大|压缩炸弹"),
        Case("nested-zip", nested, "嵌套{z}", r"压缩|不是|嵌套|过大|缺少"),
        Case("entity-bomb", lambda k: with_main(k, LAUGHS, b"&lol9;"), "实体{s}", r"DTD|实体"),
        Case("xxe", lambda k: with_main(k, XXE, b"&e;"), "外部实体{s}", r"DTD|实体"),
        Case("10000-entries", many_entries, "条目{s}", r"条目过多"),
        Case("lying-size", lying_size, "伪造大小{s}", zips),
        Case("lying-name", lying_name, "伪造名称{s}", zips),
        Case("entry-dotdot", lambda k: package(k, {"../../etc/x": b"x"}), "穿越{s}", r"不安全"),
        Case("entry-absolute", lambda k: package(k, {"/etc/passwd": b"x"}), "绝对{s}", r"不安全"),
        Case("entry-backslash", lambda k: package(k, {"..\\..\\x": b"x"}), "反斜杠{s}", r"不安全"),
        Case("name-dotdot", package, "../../etc/x{s}", r"路径"),
        Case("name-absolute", package, "/etc/x{s}", r"路径"),
        Case("name-backslash", package, "..\\..\\x{s}", r"路径"),
        Case("elf-as-office", lambda k: ELF, "程序{s}", r"不是|类型|不符|不支持|无法|损坏|文字"),
        Case("pdf-as-office", lambda k: PDF, "伪装{s}", r"不是|类型|不符|不支持|无法|损坏"),
        Case("junk-zip", junk_zip, "空壳{s}", r"不是|缺少"),
    ]


def with_main(kind: str, prolog: bytes, text: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr(MAIN[kind], prolog + BODY[kind] % text)
    return out.getvalue()
