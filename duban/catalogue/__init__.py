"""Declared catalogues shipped with Duban: the record kinds schools upload and the indicators
computed from them. YAML files, read with ``text(name)``; the rules that read them live in
``duban.domain``.
"""

from __future__ import annotations

from importlib import resources


def text(name: str) -> str:
    """The catalogue file ``name`` (e.g. ``record_kinds.yaml``) as text."""
    return resources.files(__name__).joinpath(name).read_text("utf-8")
