"""`alarmbell check`: a dry run of `alarmbell ingest` for a data team; stores nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alarmbell.cli.progress import bytes_bar
from alarmbell.cli.support import (
    agency_option,
    failing_on,
    input_files,
    output_file,
    read_only_store,
    write_output,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from alarmbell.ingest import AdapterRegistry, FileCheck


def check(
    files: Annotated[
        list[Path], typer.Argument(help="Files to check, in any format `alarmbell ingest` reads.")
    ],
    format_name: Annotated[
        str | None,
        typer.Option("--format", help="Input format, when the file name does not say (as for ingest)."),
    ] = None,
    agency: Annotated[str | None, typer.Option(help="Agency sending these files, as for ingest.")] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write the report as a self-contained HTML page to this file."),
    ] = None,
) -> None:
    """Dry run: what ingest would accept, reject and find unchanged; column coverage, identifiers
    failing their check, the date range and one example of each error. Stores nothing; the store
    is only read. Exit status 1 if anything would be rejected."""
    from alarmbell.ingest import StoreView, render_check_page, render_check_text

    agency = agency_option(agency)
    html = output_file(html)
    input_files(files)
    with read_only_store() as (engine, note):
        checks = _check_files(files, engine, agency, format_name)
    store = StoreView(present=engine is not None, note=note)
    typer.echo(render_check_text(checks, store), nl=False)
    if html is not None:
        write_output(html, render_check_page(checks, store))
        typer.echo(f"report written to {html}")
    raise typer.Exit(1 if any(c.rejected for c in checks) else 0)


def _check_files(
    files: list[Path], engine: Engine | None, agency: str | None, format_name: str | None
) -> list[FileCheck]:
    from alarmbell.ingest import default_registry

    registry = default_registry()
    return [_check_one(path, registry, engine, agency, format_name) for path in files]


def _check_one(
    path: Path, registry: AdapterRegistry, engine: Engine | None, agency: str | None, format_name: str | None
) -> FileCheck:
    from alarmbell.ingest import SourceProgress, check_file

    progress = SourceProgress(total_bytes=path.stat().st_size)
    with failing_on(LookupError), bytes_bar(f"Checking {path.name}", progress):
        return check_file(
            path=path,
            registry=registry,
            engine=engine,
            agency=agency,
            format_name=format_name,
            progress=progress,
        )
