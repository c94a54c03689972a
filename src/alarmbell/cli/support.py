"""What every `alarmbell` command module shares: the store for one command, failing with a
message, service messages on stderr, and who is acting. One copy, so every command opens,
closes and fails the same way."""

from __future__ import annotations

import gc
import getpass
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from alarmbell.cli.progress import stderr
from alarmbell.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


@contextmanager
def store(settings: Settings, *, create: bool = True) -> Iterator[Engine]:
    """The configured store's engine, disposed when the command ends.

    A command that loads into the store (ingest, db upgrade, serve, users create, the triage
    scenario) creates it where it is not yet. One that reads (review, chronology, listings) or
    changes rows already there (a triage step, an override, a merge, disabling a user) passes
    `create=False`: a mistyped path must stop it, naming the path, not become an empty store
    that then has "no person 2" or "no item 5".
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from alarmbell.storage.db import make_engine

    if not create:
        existing_store(settings)
    try:
        engine = make_engine(settings)
    except OperationalError as error:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        fail(
            f"the store at {where} could not be opened ({error.orig}): check ALARMBELL_DATABASE_URL "
            "(docs/settings.md); for an SQLite file, its folder must exist"
        )
    try:
        yield engine
    finally:
        engine.dispose()


def existing_store(settings: Settings) -> None:
    """Stop (exit status 2) unless there is an alarmbell store where the settings point; the
    check creates nothing."""
    from alarmbell.storage.db import absent_store

    where = absent_store(settings)
    if where is not None:
        fail(
            f"no alarmbell store at {where}: check ALARMBELL_DATABASE_URL (docs/settings.md), "
            "or create one with `alarmbell ingest`"
        )


@contextmanager
def engine_session(engine: Engine) -> Iterator[Session]:
    """One step of a command that holds the store (a page of a long run): committed if the step
    succeeds, else rolled back, so each step and its audit entry commit together."""
    from alarmbell.storage.db import session_scope

    with session_scope(engine) as session:
        yield session


@contextmanager
def store_session(settings: Settings | None = None, *, create: bool = True) -> Iterator[Session]:
    """One session on the configured store: committed if the command succeeds, else rolled back.
    `create=False` for a command that reads or changes what is there (see `store`)."""
    from alarmbell.storage.db import session_scope

    with store(settings or Settings(), create=create) as engine, session_scope(engine) as session:
        yield session


@contextmanager
def read_only_store() -> Iterator[tuple[Engine | None, str]]:
    """The configured store opened read-only (None when there is none to read) and a sentence
    saying what was found; never created or upgraded, disposed when the command ends."""
    from alarmbell.storage.db import read_only_engine

    engine, note = read_only_engine(Settings())
    try:
        yield engine, note
    finally:
        if engine is not None:
            engine.dispose()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one bounded piece of work (one child's review).

    Laying out a PDF makes a quarter of a million objects, and each full collection scans them
    all (half a second of a review, measured on the demo child) to free a few megabytes of cycles
    that the process, ending right after, frees anyway. Bounded work only: a command over a whole
    store keeps collecting.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def fail(message: str) -> NoReturn:
    """Say what went wrong (and what to do) on stderr; exit status 2."""
    stderr.print(message)
    raise typer.Exit(2)


@contextmanager
def failing_on(*errors: type[Exception]) -> Iterator[None]:
    """A service's expected errors (bad input, a step not allowed) become the command's message
    on stderr and exit status 2, instead of a traceback."""
    try:
        yield
    except errors as error:
        fail(str(error))


def input_files(paths: list[Path]) -> None:
    """Every file a command is given to read exists, checked before any is read: a typo in the
    last must not stop a run half way."""
    for path in paths:
        if not path.is_file():
            fail(f"{path}: no such file (check the path, or run from the folder that holds it)")


def output_file(path: Path | None) -> Path | None:
    """A file the command is told to write, checked before any work is done (or audited): its
    folder must exist, and it must not be a folder itself."""
    if path is None:
        return None
    if path.is_dir():
        fail(f"{path} is a folder: give a file name in it (e.g. {path / 'report.html'})")
    folder = path.parent
    if not folder.is_dir():
        fail(f"cannot write {path}: the folder {folder} does not exist (create it, or choose another file)")
    return path


def write_output(path: Path, content: str | bytes) -> None:
    """Write a command's output file; a file that cannot be written is said, not a traceback."""
    try:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror or error}")


def to_stderr(message: str) -> None:
    """Print a service's message (a bad line, a warning) as it is: no markup, no wrapping."""
    print(message, file=sys.stderr)


def choice_option(written: str, values: tuple[str, ...], *, name: str, what: str) -> str:
    """An option with a fixed list of choices (`--format`, `--engine`, `--status`) read as every
    typed code is (alarmbell.domain.codes): `PDF` is `pdf`, `Reviews_Held_Out` is
    `reviews-held-out`. Anything else fails with exit status 2, naming `what` and the choices,
    before the command does any work."""
    from alarmbell.domain.codes import UnknownCode, typed_code

    with failing_on(UnknownCode):
        return typed_code(written, values, name=name, what=what)


def agency_option(agency: str | None) -> str | None:
    """`--agency` as the vocabulary's agency (ingest and check): `Police` is `police`, as intake
    reads it in a file, with the same warning; anything else fails, listing the agencies."""
    from alarmbell.domain.vocabulary import AGENCIES

    if agency is None:
        return None
    canonical = choice_option(agency, AGENCIES, name="--agency", what="an agency")
    if canonical != agency:
        to_stderr(f"--agency: read {agency!r} as {canonical!r}")
    return canonical


def actor() -> str:
    """Who the audit log records for a change made from the command line."""
    return f"cli:{getpass.getuser()}"


def audit_list(session: Session, action: str, detail: Mapping[str, object], people: list[int]) -> None:
    """A list a command prints names people (by name, or in work item titles): it is a list of
    them in the audit log, with the ids printed, under the action its web page writes, so
    `alarmbell audit who-viewed` reports it as it reports a search (docs/security.md)."""
    from alarmbell.audit import record_audit

    record_audit(session, actor=actor(), action=action, detail={**_full(detail), "people": people})


def audit_view(session: Session, action: str, person: int, detail: Mapping[str, object]) -> None:
    """A command that prints (or writes to a file) one person's record is a view of them: it
    writes its web page's audit action about them, as `cli:<login>` with the `command` where the
    web has its `route`, so `alarmbell audit who-viewed` reports it (docs/security.md)."""
    from alarmbell.audit import Subject, record_audit

    record_audit(session, actor=actor(), action=action, subject=Subject.person(person), detail=_full(detail))


def _full(detail: Mapping[str, object]) -> dict[str, object]:
    """The web's `scope` for what a command printed: the command line reads the store directly,
    so it saw the whole record (`full`), never one agency's part."""
    from alarmbell.access import Scope

    return {**detail, "scope": Scope.FULL.value}


def who(by: str | None) -> str:
    """The acting person: as given, else the operating-system login name."""
    return by or getpass.getuser()
