"""Identity linking under concurrency: parallel `link_people` calls never give a record two people.

Issue 19, defect 5: four API ingesters linked at once and 400 person records ended with 2-4
active links, because each call read the unlinked records, then wrote links for all of them.
The linker now runs one at a time per store (alarmbell.identity.serial) and the database
refuses a second active link for a record (migration 0008), so these tests run real threads
against a real file database (and PostgreSQL when configured).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_lines
from alarmbell.settings import Settings
from alarmbell.storage.db import session_scope
from alarmbell.storage.tables import PersonLink
from tests.helpers import person


def _records(children: int) -> list[bytes]:
    """Each child known to police and health: two records that the NHS number links."""
    import json

    lines = []
    for n in range(children):
        nhs = _nhs_number(n)
        common = {"given_name": f"Child{n}", "family_name": "Parallel", "dob": f"2015-0{1 + n % 9}-1{n % 9}"}
        for agency in ("police", "health"):
            lines.append(
                json.dumps(person(f"{agency[0].upper()}{n}", agency, nhs_number=nhs, **common)).encode()
            )
    return lines


def _nhs_number(n: int) -> str:
    """A valid (mod 11) NHS number from n."""
    base = f"{400000000 + 20 * n:09d}"
    for bump in range(20):
        digits = f"{int(base) + bump:09d}"
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return digits + str(check)
    raise AssertionError("no valid NHS number near " + base)


def _link_in_parallel(engine: Engine, workers: int) -> list[BaseException]:
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            with session_scope(engine) as session:
                link_people(session, probabilistic=False)
        except BaseException as error:  # reported by the test
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _records_with_many_links(engine: Engine) -> int:
    with session_scope(engine) as session:
        counts = (
            select(PersonLink.person_record_id)
            .where(PersonLink.ended_at.is_(None))
            .group_by(PersonLink.person_record_id)
            .having(func.count() > 1)
        )
        return len(session.scalars(counts).all())


def test_parallel_link_calls_give_every_record_exactly_one_person(engine: Engine) -> None:
    ingest_lines(engine=engine, source="test", lines=_records(150))
    errors = _link_in_parallel(engine, workers=4)
    assert errors == []
    assert _records_with_many_links(engine) == 0
    with session_scope(engine) as session:
        linked = session.scalar(
            select(func.count()).select_from(PersonLink).where(PersonLink.ended_at.is_(None))
        )
        people = session.scalar(
            select(func.count(func.distinct(PersonLink.person_id))).where(PersonLink.ended_at.is_(None))
        )
    assert (linked, people) == (300, 150)


def test_linking_again_changes_nothing(engine: Engine) -> None:
    ingest_lines(engine=engine, source="test", lines=_records(20))
    with session_scope(engine) as session:
        link_people(session, probabilistic=False)
    with session_scope(engine) as session:
        before = sorted(session.execute(select(PersonLink.person_record_id, PersonLink.person_id)).all())
        summary = link_people(session, probabilistic=False)
        after = sorted(session.execute(select(PersonLink.person_record_id, PersonLink.person_id)).all())
    assert summary.newly_linked == 0 and before == after


def test_the_database_refuses_a_second_active_link_for_a_record(engine: Engine) -> None:
    ingest_lines(engine=engine, source="test", lines=_records(1))
    with session_scope(engine) as session:
        link_people(session, probabilistic=False)
    with session_scope(engine) as session:
        existing = session.scalars(select(PersonLink)).first()
        assert existing is not None
        record_id, person_id = existing.person_record_id, existing.person_id
    now = datetime.now(UTC)
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(
            PersonLink(person_record_id=record_id, person_id=person_id, method="test", decided_by="test",
                       created_at=now)
        )  # fmt: skip
        session.flush()
    with session_scope(engine) as session:  # an ended link beside the active one is history, and allowed
        session.add(
            PersonLink(person_record_id=record_id, person_id=person_id, method="test", decided_by="test",
                       created_at=now, ended_at=now, ended_reason="test")
        )  # fmt: skip


def test_migration_0008_ends_duplicate_links_already_stored_keeping_the_oldest(
    empty_store_settings: Settings,
) -> None:
    from alembic import command
    from sqlalchemy import text

    from alarmbell.storage.db import alembic_config, make_engine, upgrade_schema
    from alarmbell.storage.tables import EvaluationDue

    engine = make_engine(empty_store_settings, upgrade=False)
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
        # Today's ingest writes evaluation_due; 0007 adds it later.
        EvaluationDue.metadata.tables["evaluation_due"].create(connection)
    ingest_lines(engine=engine, source="test", lines=_records(2))
    with session_scope(engine) as session:
        link_people(session, probabilistic=False)
        first = session.scalars(select(PersonLink).order_by(PersonLink.id)).first()
        assert first is not None
        session.add(  # what a racing linker left behind before 0008
            PersonLink(person_record_id=first.person_record_id, person_id=first.person_id, method="race",
                       decided_by="test", created_at=datetime.now(UTC))
        )  # fmt: skip
    with engine.begin() as connection:
        EvaluationDue.metadata.tables["evaluation_due"].drop(connection)
    upgrade_schema(engine)
    with session_scope(engine) as session:
        links = session.scalars(
            select(PersonLink)
            .where(PersonLink.person_record_id == first.person_record_id)
            .order_by(PersonLink.id)
        ).all()
        assert [link.ended_at is None for link in links] == [True, False]
        assert "migration 0008" in (links[1].ended_reason or "")
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() is not None
    assert _records_with_many_links(engine) == 0
    engine.dispose()
