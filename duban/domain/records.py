"""Record kinds (学校数据): what a school uploads per school year, and how one cell is read.

The kinds are declared in ``duban/catalogue/record_kinds.yaml``; ``parse_kinds`` checks that
file, ``read_cell`` turns one uploaded cell into the field's value or a Chinese reason it cannot
be. Pure: no database, no files (the caller passes the catalogue's text).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

FIELD_TYPES = ("text", "integer", "number", "boolean", "choice")
TYPE_LABELS = {"text": "文字", "integer": "整数", "number": "数字", "boolean": "是/否",
               "choice": "下拉选项"}  # fmt: skip
MAX_TEXT = 2000
Value = str | int | float | bool | None

_TRUE = {"是", "√", "✓", "有", "y", "yes", "true", "1", "t"}
_FALSE = {"否", "×", "✗", "无", "n", "no", "false", "0", "f"}


class CatalogueError(ValueError):
    """The record-kind catalogue is malformed (a developer's error, named precisely)."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    note: str = ""


@dataclass(frozen=True)
class RecordRow:
    """One checked row of an upload: its values by field key, and the sheet row it came from."""

    row: int
    values: Mapping[str, Value]


@dataclass(frozen=True)
class RecordKind:
    key: str
    label: str
    fields: tuple[Field, ...]
    identity: tuple[str, ...]
    """The fields that tell one row from another within a school and year."""

    def field(self, key: str) -> Field:
        for field in self.fields:
            if field.key == key:
                return field
        raise KeyError(key)


def parse_kinds(text: str) -> dict[str, RecordKind]:
    """The kinds declared in catalogue ``text``, by key; ``CatalogueError`` names any fault."""
    data = yaml.safe_load(text) or {}
    kinds: dict[str, RecordKind] = {}
    for entry in data.get("kinds") or []:
        kind = _kind(entry)
        if kind.key in kinds:
            raise CatalogueError(f"record kind {kind.key!r} declared twice")
        kinds[kind.key] = kind
    return kinds


def _kind(entry: dict[str, Any]) -> RecordKind:
    key = str(entry.get("key") or "")
    fields = tuple(_field(key, f) for f in entry.get("fields") or [])
    names = [f.key for f in fields]
    if not key or not fields or len(set(names)) != len(names):
        raise CatalogueError(f"record kind {key!r}: needs a key and distinct fields")
    identity = tuple(entry.get("identity") or ())
    if not identity or any(k not in names for k in identity):
        raise CatalogueError(f"record kind {key!r}: identity {identity!r} must name its fields")
    return RecordKind(key, str(entry.get("label") or key), fields, identity)


def _field(kind: str, entry: dict[str, Any]) -> Field:
    ftype = str(entry.get("type") or "")
    if ftype not in FIELD_TYPES:
        raise CatalogueError(f"record kind {kind!r}: field {entry.get('key')!r} has type {ftype!r}")
    choices = tuple(str(c) for c in entry.get("choices") or ())
    if (ftype == "choice") != bool(choices):
        raise CatalogueError(f"record kind {kind!r}: field {entry.get('key')!r} choices")
    return Field(
        key=str(entry["key"]), label=str(entry.get("label") or entry["key"]), type=ftype,
        required=bool(entry.get("required")), choices=choices, minimum=entry.get("min"),
        maximum=entry.get("max"), note=str(entry.get("note") or ""),
    )  # fmt: skip


def read_cell(field: Field, raw: object) -> tuple[Value, str | None]:
    """``raw`` (as a spreadsheet gives it) as ``field``'s value, or ``(None, reason)``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ("必填，不能为空" if field.required else None)
    reader = _READERS[field.type]
    value, reason = reader(field, raw)
    if reason is None and isinstance(value, int | float) and not isinstance(value, bool):
        reason = _range(field, value)
    return (None, reason) if reason else (value, None)


def _text(field: Field, raw: object) -> tuple[Value, str | None]:
    if isinstance(raw, dt.date):
        return None, "应为文字，Excel 把它当成了日期，请将单元格设为“文本”格式后重填"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    return (text, None) if len(text) <= MAX_TEXT else (None, f"过长（上限 {MAX_TEXT} 字）")


def _number(field: Field, raw: object) -> tuple[Value, str | None]:
    if isinstance(raw, bool | dt.date):
        return None, f"应为{TYPE_LABELS[field.type]}，不能是“{_shown(raw)}”"
    if isinstance(raw, int | float):
        number: float = raw
    else:
        cleaned = str(raw).strip().replace(",", "").replace("，", "")
        try:
            number = float(cleaned)
        except ValueError:
            return None, f"“{_shown(raw)}”不是{TYPE_LABELS[field.type]}"
    if not math.isfinite(number):
        return None, f"“{_shown(raw)}”不是{TYPE_LABELS[field.type]}"
    if field.type == "integer":
        if not float(number).is_integer():
            return None, f"应为整数，不能是 {number:g}"
        return int(number), None
    return float(number), None


def _boolean(field: Field, raw: object) -> tuple[Value, str | None]:
    if isinstance(raw, bool):
        return raw, None
    text = str(int(raw) if isinstance(raw, float) and raw.is_integer() else raw).strip().lower()
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return None, f"“{_shown(raw)}”应为“是”或“否”"


def _choice(field: Field, raw: object) -> tuple[Value, str | None]:
    text = _shown(raw).strip()
    if text in field.choices:
        return text, None
    return None, f"“{text}”不是可选项，应为：{'、'.join(field.choices)}"


_READERS = {"text": _text, "integer": _number, "number": _number, "boolean": _boolean,
            "choice": _choice}  # fmt: skip


def _range(field: Field, value: float) -> str | None:
    if field.minimum is not None and value < field.minimum:
        return f"{value:g} 小于下限 {field.minimum:g}"
    if field.maximum is not None and value > field.maximum:
        return f"{value:g} 大于上限 {field.maximum:g}"
    return None


def _shown(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.date):
        return f"{raw.year}年{raw.month}月{raw.day}日"
    return str(raw)


def school_year_label(year: int) -> str:
    """``2022`` → ``2022—2023学年`` (a school year is named by the year it starts)."""
    return f"{year}—{year + 1}学年"
