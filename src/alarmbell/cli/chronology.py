"""`alarmbell chronology PERSON`: a person's merged multi-agency timeline, as a table or JSON."""

from __future__ import annotations

import json
import shutil
from typing import Annotated

import typer

from alarmbell.cli.support import audit_view, fail, failing_on, store_session


def chronology(
    person: Annotated[str, typer.Argument(help="Person id, or an agency record as AGENCY:SOURCE_ID.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Print a person's merged multi-agency timeline, with the household adults' events."""
    from alarmbell.chronology import build_chronology, chronology_json, chronology_lines
    from alarmbell.identity import PersonNotFound, find_person

    with store_session(create=False) as session:
        with failing_on(PersonNotFound):
            person_id = find_person(session, person)
        chron = build_chronology(session, person_id)
        if chron is None:
            fail(f"person {person_id} has no linked records (see `alarmbell identity history {person_id}`)")
        detail = {"command": "chronology", "format": "json" if as_json else "table"}
        audit_view(session, "person.chronology", person_id, detail)
    if as_json:
        typer.echo(json.dumps(chronology_json(chron), indent=2, ensure_ascii=False))
    else:
        for line in chronology_lines(chron, width=shutil.get_terminal_size().columns):
            typer.echo(line)
