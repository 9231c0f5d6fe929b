"""The one error the importer raises for input it cannot read."""

from __future__ import annotations


class PlanReadError(Exception):
    """A plan file that cannot be read: empty, garbage, damaged, hostile or too large.

    ``reason`` is a one-line message in Chinese for the user, naming what is wrong (the caller adds
    the file name). Raised before anything is stored or printed.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
