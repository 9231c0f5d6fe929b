"""Server-rendered SVG charts: no JavaScript, printable, readable without colour (labels)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

COLOURS = {
    "overdue": "#b3261e",
    "due_soon": "#8a5a00",
    "unreported": "#6b4fa3",
    "on_track": "#1d6fb8",
    "done_late": "#4f7a28",
    "done": "#1e7a3c",
}


def stacked_bar(
    parts: Sequence[tuple[str, int, str]], *, width: int = 520, height: int = 22
) -> Markup:
    """One horizontal bar split into ``(status, count, label)`` parts, with a text title."""
    total = sum(count for _, count, _ in parts) or 1
    x = 0.0
    rects = []
    for status, count, label in parts:
        if not count:
            continue
        w = width * count / total
        rects.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" '
            f'fill="{COLOURS.get(status, "#777")}"><title>{escape(label)} {count}</title></rect>'
        )
        x += w
    summary = "，".join(f"{label} {count}" for _, count, label in parts if count)
    return Markup(
        f'<svg class="bar" viewBox="0 0 {width} {height}" width="100%" height="{height}" '
        f'role="img" aria-label="{escape(summary)}" preserveAspectRatio="none">'
        + "".join(rects)
        + "</svg>"
    )


def timeline(
    rows: Sequence[tuple[str, int, int]], *, width: int = 560, height: int = 180
) -> Markup:
    """Columns of tasks due per period, the done part filled, with labels under each column."""
    if not rows:
        return Markup("")
    top = max(due for _, due, _ in rows) or 1
    step = width / len(rows)
    bar = step * 0.6
    plot = height - 36 - 14  # room for the labels above the tallest column and below all
    parts = []
    for i, (label, due, done) in enumerate(rows):
        x = i * step + (step - bar) / 2
        h_due, h_done = plot * due / top, plot * done / top
        parts.append(
            f'<rect x="{x:.1f}" y="{plot - h_due + 18:.1f}" width="{bar:.1f}" '
            f'height="{h_due:.1f}" fill="#d9e3ee"/><rect x="{x:.1f}" y="{plot - h_done + 18:.1f}" '
            f'width="{bar:.1f}" height="{h_done:.1f}" fill="#1e7a3c"/>'
            f'<text x="{x + bar / 2:.1f}" y="{plot - h_due + 14:.1f}" text-anchor="middle" '
            f'class="num">{done}/{due}</text>'
            f'<text x="{x + bar / 2:.1f}" y="{height - 8}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    text = "；".join(f"{label}到期{due}项，已完成{done}项" for label, due, done in rows)
    return Markup(
        f'<svg class="timeline" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(text)}">' + "".join(parts) + "</svg>"
    )
