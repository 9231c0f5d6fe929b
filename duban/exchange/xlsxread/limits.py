"""Caps on an upload: sizes, counts and ratios beyond which it is refused."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Caps on an upload; everything beyond them is refused. Tests pass smaller values."""

    max_bytes: int = 100 * MB
    """The upload itself; larger is refused before opening."""
    zip_entries: int = 2000
    zip_total_bytes: int = 1024 * MB
    """Declared uncompressed total of all entries."""
    zip_ratio: float = 200.0
    part_bytes: int = 512 * MB
    """One worksheet part (streamed, never held whole)."""
    shared_strings_bytes: int = 200 * MB
    """The shared-strings part, whose strings are held in memory."""
    rows: int = 1_100_000
    columns: int = 256


DEFAULT_READ_LIMITS = ReadLimits()
