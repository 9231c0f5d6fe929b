"""Plain text: detect the encoding, refuse binary garbage, one Paragraph per line.

Encodings are tried from the most to the least certain: a byte-order mark, UTF-16 without a mark
(told by where the NUL bytes fall), strict UTF-8, strict GBK/GB18030, then charset-normalizer.
Whatever decoded, the text must look like text: a few stray control characters are tolerated,
a share of them (what random bytes give) is not.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer

from duban.plandoc.errors import PlanReadError
from duban.plandoc.model import Document, Paragraph

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters but tab, line breaks and \x1a (a DOS end-of-file mark some editors leave),
# surrogates, private use and noncharacters: what random bytes decode to, and text never holds.
_BAD = re.compile(
    "[\x01-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff"
    "\U000f0000-\U0010ffff]"
)
_UNASSIGNED_SAMPLE = 65536  # characters checked for unassigned code points (slow per character)
_SAMPLE = 65536  # bytes looked at to guess UTF-16 without a BOM
GARBAGE = "无法识别的文件类型：既不是文本，也不是 docx/xlsx/pdf/html"


def decode(data: bytes) -> tuple[str, str]:
    """Decode text bytes; return ``(text, encoding)`` or raise ``PlanReadError``.

    The BOM is not part of the text. Raises "文件为空" when nothing but whitespace is left and
    ``GARBAGE`` when no encoding gives something that looks like text.
    """
    text, encoding = _decode_any(data)
    if not text.strip():
        raise PlanReadError("文件为空")
    if not looks_like_text(text):
        raise PlanReadError(GARBAGE)
    return text, encoding


def read_text(text: str, encoding: str) -> Document:
    """One Paragraph per non-blank line, in order; trailing whitespace dropped, indent kept."""
    lines = (line.rstrip() for line in text.splitlines())
    blocks = tuple(Paragraph(line) for line in lines if line.strip())
    return Document(blocks=blocks, format="txt", encoding=encoding)


def looks_like_text(text: str) -> bool:
    """False when control, private-use or unassigned characters are more than noise (1%)."""
    if "\x00" in text:
        return False
    bad = len(_BAD.findall(text))
    bad += sum(1 for ch in text[:_UNASSIGNED_SAMPLE] if unicodedata.category(ch) == "Cn")
    return bad <= max(2, len(text) // 100)


def _decode_any(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding), encoding + (
                "-sig" if bom == codecs.BOM_UTF8 else ""
            )
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    for encoding in ("utf-8", "gbk", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return _normalizer_guess(data)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise PlanReadError(f"文本编码错误：按 {encoding} 解码失败（第 {exc.start} 字节）") from exc


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 when NUL bytes (the high byte of ASCII characters) fall mostly on one parity.

    The other parity may hold a few: Chinese characters such as 一 (U+4E00) have a zero byte too.
    Binary data has NULs on both parities alike; 8-bit text has none.
    """
    sample = data[:_SAMPLE]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if len(data) % 2 or max(even, odd) < 2 or min(even, odd) * 4 > max(even, odd):
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return None


def _normalizer_guess(data: bytes) -> tuple[str, str]:
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise PlanReadError(GARBAGE)
    return str(best), best.encoding
