"""The task page's drawings: the target bar and the source excerpt with its fields marked.

The bar shows actual against goal, with the share due by now (序时进度) marked: server-rendered
SVG, no JavaScript; the figures are also said in words (``aria-label`` and the table beside it),
so the bar is never the only way to read them. The excerpt is the task's paragraph of the plan's
repaired text with the fields the importer found there in ``<mark>``.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from duban.queries.task_detail import TargetBar

PACE_COLOURS = {
    "met": "#1e7a3c",
    "on_pace": "#1d6fb8",
    "behind": "#8a5a00",
    "far_behind": "#b3261e",
    "no_data": "#8a96a6",
}


def number(value: float | None, unit: str | None = None) -> str:
    """``40``, ``12.5``, ``50%``: a figure as the page writes it."""
    if value is None:
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".") + (unit or "")


def target_bar(bar: TargetBar, *, width: int = 300, height: int = 24) -> Markup:
    """A track as long as the largest of goal, actual and expected; the actual filled in the pace
    colour, the goal a solid tick, the expected value a dashed tick."""
    view = bar.view
    top = max(bar.value, view.actual or 0.0, view.expected or 0.0) or 1.0

    def x(value: float) -> float:
        return max(0.0, min(width, width * value / top))

    parts = [
        f'<rect class="track" x="0" y="4" width="{width}" height="{height - 8}" fill="#e6ebf1"/>'
    ]
    if view.actual is not None:
        fill = PACE_COLOURS.get(view.pace, "#777")
        parts.append(
            f'<rect x="0" y="4" width="{x(view.actual):.1f}" height="{height - 8}" fill="{fill}"/>'
        )
    if view.expected is not None and view.pace != "met":
        ex = min(x(view.expected), width - 1)
        parts.append(
            f'<line x1="{ex:.1f}" x2="{ex:.1f}" y1="0" y2="{height}" stroke="#1c2430" '
            'stroke-width="2" stroke-dasharray="3 2"/>'
        )
    gx = min(x(bar.value), width - 1.5)
    parts.append(
        f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="0" y2="{height}" '
        'stroke="#1c2430" stroke-width="3"/>'
    )
    words = f"实际 {number(view.actual, bar.unit)}，目标 {view.goal}"
    if view.expected is not None and view.pace != "met":
        words += f"，序时应达 {number(view.expected, bar.unit)}"
    return Markup(
        f'<svg class="tbar" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(words)}"><title>{escape(words)}</title>'
        + "".join(parts)
        + "</svg>"
    )


MARKED = {"title": "title", "lead_units": "lead", "coop_units": "coop", "deadline": "deadline"}


def marked_excerpt(text: str, spans: dict[str, Any]) -> Markup:
    """The task's paragraph, from its number to its last field, with the title, units and
    deadline in ``<mark class="f-…">`` where the importer found them; empty without spans."""
    marks = sorted(
        (start, end, kind)
        for key, kind in MARKED.items()
        for start, end in _spans(spans.get(key), len(text))
    )
    bounds = [s for key in ("number", "text") for s in _spans(spans.get(key), len(text))]
    bounds += [(start, end) for start, end, _ in marks]
    if not bounds:
        return Markup("")
    at, end = min(s for s, _ in bounds), max(e for _, e in bounds)
    out = []
    for s, e, kind in marks:
        if s < at:
            continue  # overlaps the mark before: keep the first
        out.append(f'{escape(text[at:s])}<mark class="f-{kind}">{escape(text[s:e])}</mark>')
        at = e
    return Markup("".join(out) + str(escape(text[at:end])))


def _spans(value: Any, length: int) -> list[tuple[int, int]]:
    """One span ``[start, end]`` or a list of them, as stored in JSON; bad ones are dropped."""
    if not isinstance(value, list | tuple) or not value:
        return []
    items = value if isinstance(value[0], list | tuple) else [value]
    pairs = [tuple(i[:2]) for i in items if isinstance(i, list | tuple) and len(i) >= 2]
    return [
        (s, e)
        for s, e in pairs
        if isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= length
    ]
