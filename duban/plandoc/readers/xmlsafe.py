"""Parse XML from hostile files: no DTDs, no entities, no network — or a ``PlanReadError``."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree as SafeET

from duban.plandoc.errors import PlanReadError

HOSTILE_XML = "文件含有不允许的 XML 声明（DTD/实体），疑似恶意文件，已拒绝"


def parse_xml(data: bytes, part: str) -> ET.Element:
    """Parse one XML part; refuse DTDs and entity declarations, which no OOXML part needs.

    ``part`` names the entry in messages.
    """
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise PlanReadError(HOSTILE_XML) from exc
    except ET.ParseError as exc:
        line, column = exc.position
        raise PlanReadError(
            f"文件已损坏：{part} 不是有效的 XML（第 {line} 行第 {column} 列）"
        ) from exc
