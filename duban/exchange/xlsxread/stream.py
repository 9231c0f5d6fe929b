"""Streaming the large parts (worksheets, shared strings) through the hardened XML parser.

Large parts are fed chunk by chunk to defusedxml's parser, whose DTD, entity and external-reference
handlers refuse hostile XML. Its element handlers are pointed straight at a small target instead of
ElementTree's tree builder: no tree is built, so there is nothing to clear and memory holds one
row. (iterparse with the elements cleared, as the plan reader does, measured 2-3 times slower
here: it builds every element and renames every tag.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from duban.exchange.errors import ExchangeError
from duban.plandoc.errors import PlanReadError
from duban.plandoc.readers.safezip import SafeZip
from duban.plandoc.readers.xmlsafe import HOSTILE_XML

MAIN = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
"""SpreadsheetML's namespace, transitional and strict."""

_CHUNK = 64 * 1024


def local(tag: str) -> str:
    """The local name of a tag written ``{uri}local``."""
    return tag.rpartition("}")[2]


def namespace(name: str, what: str) -> str:
    """``uri}`` of a root element in a SpreadsheetML namespace; refuse any other."""
    uri = name.rpartition("}")[0]
    if uri not in MAIN:
        raise ExchangeError(f"文件已损坏：{what}的内容不是 Excel 格式")
    return uri + "}"


class Target:
    """Receives one part's events: names as ``uri}local`` (expat's form), attributes as a dict."""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        raise NotImplementedError

    def end(self, name: str) -> None:
        raise NotImplementedError

    def data(self, text: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        return None


def feed(archive: SafeZip, part: str, cap: int, target: Target) -> Iterator[None]:
    """Parse ``part`` into ``target``, yielding after each chunk; errors become ExchangeError."""
    parser = SafeET.XMLParser(target=target, forbid_dtd=True)
    expat = parser.parser  # defusedxml's guards stay installed; only element events are rerouted
    expat.ordered_attributes = False
    expat.StartElementHandler = target.start
    expat.EndElementHandler = target.end
    expat.CharacterDataHandler = target.data
    try:
        with archive.open(part, cap) as stream:
            while chunk := stream.read(_CHUNK):
                parser.feed(chunk)
                yield
            parser.close()
    except PlanReadError as exc:
        raise ExchangeError(exc.reason) from exc
    except defusedxml.DefusedXmlException as exc:
        raise ExchangeError(HOSTILE_XML) from exc
    except ParseError as exc:
        line, column = exc.position
        raise ExchangeError(
            f"文件已损坏：{part} 不是有效的 XML（第 {line} 行第 {column} 列）"
        ) from exc


class ItemText:
    """Text of a string item (``si`` or ``is``): its ``t`` runs outside phonetic ``rPh`` runs."""

    def __init__(self) -> None:
        self.runs: list[str] = []
        self.collecting = False
        self.phonetic = False

    def start(self, name: str, t: str, rph: str) -> None:
        if name == t:
            self.collecting = not self.phonetic
        elif name == rph:
            self.phonetic = True

    def end(self, name: str, t: str, rph: str) -> None:
        if name == t:
            self.collecting = False
        elif name == rph:
            self.phonetic = False

    def text(self) -> str:
        return unescape("".join(self.runs))

    def reset(self) -> ItemText:
        self.runs.clear()
        self.collecting = self.phonetic = False
        return self


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """Decode OOXML's ``_xHHHH_`` escapes (how control characters are stored)."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
