"""`alarmbell chronology PERSON`: a person's merged multi-agency timeline, as a table or JSON."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Annotated

import typer

from alarmbell.cli.progress import stderr
from alarmbell.cli.support import store_session

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _resolve_person(session: Session, person: str) -> int:
    from alarmbell.identity import person_ids_for_records, resolve

    if person.isdigit():
        found = resolve(session, int(person))
    elif ":" in person:
        agency, source_id = person.split(":", 1)
        found = person_ids_for_records(session, [(agency, source_id)]).get((agency, source_id))
    else:
        found = None
    if found is None:
        stderr.print(
            f"no person {person!r}: give a person id (a number, see the web app or `alarmbell alerts`) "
            "or an agency record as AGENCY:SOURCE_ID, e.g. health:HEA-123"
        )
        raise typer.Exit(2)
    return found


def chronology(
    person: Annotated[str, typer.Argument(help="Person id, or an agency record as AGENCY:SOURCE_ID.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Print a person's merged multi-agency timeline, with the household adults' events."""
    from alarmbell.chronology import build_chronology
    from alarmbell.chronology.render import chronology_json, chronology_lines

    with store_session() as session:
        person_id = _resolve_person(session, person)
        chron = build_chronology(session, person_id)
    assert chron is not None
    if as_json:
        typer.echo(json.dumps(chronology_json(chron), indent=2, ensure_ascii=False))
    else:
        for line in chronology_lines(chron, width=shutil.get_terminal_size().columns):
            typer.echo(line)
