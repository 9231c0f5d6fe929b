"""Indicators (指标): declared formulas over school records, and their arithmetic.

The catalogue (``duban/catalogue/indicators.yaml``) is checked against the record kinds by
``parse_indicators``: an unknown kind or field, a sum over a non-numeric field, an unknown
operator or a value of the wrong type raises ``CatalogueError`` naming the indicator and the
fault. ``indicator_value`` turns a (numerator, denominator) pair into the figure shown; an empty
denominator gives ``None`` (暂无数据), never 0% or an error. ``tally`` computes the pair from
plain rows, the reference the SQL in ``duban.queries.indicators`` is tested against.

The pairs, per measure (a row without a value for a field meets no condition on it):

- count: rows meeting ``filter`` (distinct values of ``distinct`` if set) / rows of the kind;
- sum: the sum of ``field`` over rows meeting ``filter`` / rows of the kind;
- ratio: sum of ``numerator`` / sum of ``denominator`` over rows meeting ``filter`` having both;
- share: rows meeting ``filter``, ``base`` and ``where`` / rows meeting ``filter`` and ``base``.

Pairs add up: a county's pair is the sum of its schools' pairs (distinct counts too, as the
values they count, staff numbers, belong to one school).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from duban.domain.records import CatalogueError, Field, RecordKind

MEASURES = ("count", "sum", "ratio", "share")
OPS = ("=", "!=", ">=", "<=", ">", "<", "in")
ORDERED_OPS = (">=", "<=", ">", "<")
UNITS = ("%", "个", "人", "人次", "家", "名")
NUMERIC = ("integer", "number")
_KEYS = {"key", "name", "kind", "measure", "filter", "base", "where", "field", "numerator",
         "denominator", "distinct", "unit", "percent", "metrics"}  # fmt: skip

Scalar = str | int | float | bool


@dataclass(frozen=True)
class Condition:
    """``field op value`` on one row; ``type`` is the field's type in the record kind."""

    field: str
    op: str
    value: Scalar | tuple[Scalar, ...]
    type: str

    def holds(self, row: Mapping[str, Any]) -> bool:
        """Whether ``row`` meets it; a row without a value for the field never does."""
        actual = row.get(self.field)
        if actual is None:
            return False
        if self.op == "in":
            assert isinstance(self.value, tuple)
            return actual in self.value
        return bool(_COMPARE[self.op](actual, self.value))


_COMPARE = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, "<": lambda a, b: a < b,
}  # fmt: skip


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    kind: str
    measure: str
    unit: str
    filter: tuple[Condition, ...] = ()
    base: tuple[Condition, ...] = ()
    where: tuple[Condition, ...] = ()
    field: str | None = None
    """sum: the field added up; ratio: the numerator's field."""
    denominator: str | None = None
    """ratio: the denominator's field."""
    distinct: str | None = None
    """count: count distinct values of this field instead of rows."""
    percent: bool = False
    metrics: tuple[str, ...] = ()


def parse_indicators(text: str, kinds: Mapping[str, RecordKind]) -> tuple[Indicator, ...]:
    """The indicators declared in catalogue ``text``, checked against the record ``kinds``."""
    data = yaml.safe_load(text) or {}
    found: list[Indicator] = []
    for entry in data.get("indicators") or []:
        indicator = _indicator(entry, kinds)
        if any(i.key == indicator.key for i in found):
            raise CatalogueError(f"indicator {indicator.key!r} declared twice")
        found.append(indicator)
    return tuple(found)


def _indicator(entry: Mapping[str, Any], kinds: Mapping[str, RecordKind]) -> Indicator:
    key = str(entry.get("key") or "")
    if not key or not entry.get("name"):
        raise CatalogueError(f"indicator {key!r}: needs a key and a name")
    unknown = set(entry) - _KEYS
    if unknown:
        raise CatalogueError(f"indicator {key!r}: unknown entries {sorted(unknown)}")
    kind = kinds.get(str(entry.get("kind")))
    if kind is None:
        raise CatalogueError(f"indicator {key!r}: unknown record kind {entry.get('kind')!r}")
    measure = str(entry.get("measure"))
    if measure not in MEASURES:
        raise CatalogueError(f"indicator {key!r}: measure {measure!r} is not one of {MEASURES}")
    unit = str(entry.get("unit"))
    if unit not in UNITS:
        raise CatalogueError(f"indicator {key!r}: unit {unit!r} is not one of {UNITS}")
    return _shaped(key, entry, kind, measure, unit)


def _shaped(
    key: str, entry: Mapping[str, Any], kind: RecordKind, measure: str, unit: str
) -> Indicator:
    def conditions(name: str) -> tuple[Condition, ...]:
        return tuple(_condition(key, kind, c) for c in entry.get(name) or ())

    percent = measure == "share" or bool(entry.get("percent"))
    if percent and measure in ("count", "sum"):
        raise CatalogueError(f"indicator {key!r}: a {measure} cannot be a percentage")
    indicator = Indicator(
        key=key, name=str(entry["name"]), kind=kind.key, measure=measure, unit=unit,
        filter=conditions("filter"), base=conditions("base"), where=conditions("where"),
        field=entry.get("field") or entry.get("numerator"),
        denominator=entry.get("denominator"), distinct=entry.get("distinct"),
        percent=percent, metrics=tuple(str(m) for m in entry.get("metrics") or ()),
    )  # fmt: skip
    _check_shape(indicator, kind, entry)
    return indicator


def _check_shape(indicator: Indicator, kind: RecordKind, entry: Mapping[str, Any]) -> None:
    key, measure = indicator.key, indicator.measure
    wanted = {"count": set(), "sum": {"field"}, "ratio": {"numerator", "denominator"},
              "share": {"where"}}[measure]  # fmt: skip
    allowed = wanted | {"count": {"distinct"}, "share": {"base"}}.get(measure, set())
    given = {k for k in ("field", "numerator", "denominator", "where", "base", "distinct")
             if entry.get(k)}  # fmt: skip
    if wanted - given or given - allowed:
        raise CatalogueError(
            f"indicator {key!r}: a {measure} needs {sorted(wanted)}, not {sorted(given - allowed)}"
        )
    for name in (indicator.field, indicator.denominator):
        if name is not None and _field(key, kind, name).type not in NUMERIC:
            raise CatalogueError(f"indicator {key!r}: field {name!r} is not a number to add up")
    if indicator.distinct is not None:
        _field(key, kind, indicator.distinct)


def _field(key: str, kind: RecordKind, name: str) -> Field:
    try:
        return kind.field(name)
    except KeyError:
        raise CatalogueError(
            f"indicator {key!r}: record kind {kind.key!r} has no field {name!r}"
        ) from None


def _condition(key: str, kind: RecordKind, entry: Mapping[str, Any]) -> Condition:
    field = _field(key, kind, str(entry.get("field")))
    op = str(entry.get("op"))
    if op not in OPS:
        raise CatalogueError(f"indicator {key!r}: operator {op!r} is not one of {OPS}")
    if op in ORDERED_OPS and field.type not in NUMERIC:
        raise CatalogueError(f"indicator {key!r}: {field.key!r} ({field.type}) cannot use {op}")
    raw = entry.get("value")
    if op == "in":
        if not isinstance(raw, list) or not raw:
            raise CatalogueError(f"indicator {key!r}: {field.key!r} in needs a list of values")
        return Condition(field.key, op, tuple(_value(key, field, v) for v in raw), field.type)
    return Condition(field.key, op, _value(key, field, raw), field.type)


def _value(key: str, field: Field, raw: object) -> Scalar:
    fits = {
        "boolean": isinstance(raw, bool),
        "integer": isinstance(raw, int | float) and not isinstance(raw, bool),
        "number": isinstance(raw, int | float) and not isinstance(raw, bool),
        "text": isinstance(raw, str),
        "choice": isinstance(raw, str) and raw in field.choices,
    }[field.type]
    if not fits:
        allowed = f"{field.type} {'/'.join(field.choices)}".strip()
        raise CatalogueError(f"indicator {key!r}: {raw!r} is not a value of {field.key!r} "
                             f"({allowed})")  # fmt: skip
    assert isinstance(raw, str | int | float | bool)
    return raw


# --- arithmetic --------------------------------------------------------------------------------


def indicator_value(indicator: Indicator, numerator: float, denominator: float) -> float | None:
    """The figure shown for the pair: ``None`` (暂无数据) when the denominator is empty."""
    if not denominator:
        return None
    if indicator.measure in ("count", "sum"):
        return numerator
    return numerator / denominator * (100 if indicator.percent else 1)


def tally(indicator: Indicator, rows: Iterable[Mapping[str, Any]]) -> tuple[float, float]:
    """The (numerator, denominator) of ``indicator`` over one scope's rows of its kind."""
    rows = list(rows)
    kept = [r for r in rows if _all(indicator.filter, r)]
    if indicator.measure == "share":
        base = [r for r in kept if _all(indicator.base, r)]
        return sum(1 for r in base if _all(indicator.where, r)), len(base)
    if indicator.measure == "ratio":
        assert indicator.field and indicator.denominator
        a, b = indicator.field, indicator.denominator
        pairs = [(r[a], r[b]) for r in kept if r.get(a) is not None and r.get(b) is not None]
        return sum(a for a, _ in pairs), sum(b for _, b in pairs)
    if indicator.measure == "sum":
        assert indicator.field
        return sum(r.get(indicator.field) or 0 for r in kept), len(rows)
    if indicator.distinct:
        values = {r.get(indicator.distinct) for r in kept} - {None}
        return len(values), len(rows)
    return len(kept), len(rows)


def _all(conditions: Sequence[Condition], row: Mapping[str, Any]) -> bool:
    return all(c.holds(row) for c in conditions)


def current_school_year(today: dt.date) -> int:
    """The school year under way on ``today``, by the year it started (September)."""
    return today.year if today.month >= 9 else today.year - 1
