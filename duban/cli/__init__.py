"""The ``duban`` command line: thin Typer commands that call the library and print."""

from __future__ import annotations

from duban.cli.app import app


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
