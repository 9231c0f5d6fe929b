"""``duban export …`` and ``duban import-progress``: Excel and Word files in and out.

Each family of files has its own module with a ``register(export_app, app)``; this module only
gathers them under ``duban export``.
"""

from __future__ import annotations

import typer

from duban.cli import export_ledger, export_plan, export_reports, progress

export_app = typer.Typer(
    help="Export the ledger, reports and the plan as Excel and Word files.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    for module in (export_ledger, export_reports, export_plan, progress):
        module.register(export_app, app)
    app.add_typer(export_app, name="export")
