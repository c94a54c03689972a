"""`alarmbell check`: a dry run that gives ingest's own counts and stores nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.ingest.dry_run import FileCheck, StoreView, check_file
from alarmbell.ingest.dry_run.model import kind_of
from alarmbell.ingest.dry_run.page import render_page
from alarmbell.ingest.service import default_registry
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, read_only_engine
from alarmbell.storage.tables import EventRecordRow, IngestBatch, PersonRecordRow, QuarantinedLine

from .conftest import DOC_SAMPLES, TEST_SAMPLES, ingest
from .test_cli_formats import SAMPLES

HEADER = (
    "Concern ID,Date,Time,School,UPN,Surname,Forename,Date of Birth,Gender,Year Group,Category,"
    "Body Map Site,Concern,Action Taken,DSL,Recorded By,Pupil Premium"
)
PUPIL = "Quarry Lane Primary,{upn},Harker,Maisie,14/06/2019,{sex},Reception"
ROWS = (
    # line 2: good
    "CPM-1,19/10/2023,08:55,"
    + PUPIL.format(upn="B999201500101", sex="F")
    + ",Hunger,,Hungry.,Club,Mrs A. Bell,TA,Y",
    # lines 3-4: two bad dates, one kind of error
    "CPM-2,31/02/2024,09:00,"
    + PUPIL.format(upn="B999201500101", sex="F")
    + ",Hunger,,Hungry.,Club,Mrs A. Bell,TA,Y",
    "CPM-3,2024-13-45,09:00,"
    + PUPIL.format(upn="B999201500101", sex="F")
    + ",Hunger,,Hungry.,Club,Mrs A. Bell,TA,Y",
    # line 5: a sex the template does not know
    "CPM-4,21/10/2023,09:00,"
    + PUPIL.format(upn="B999201500101", sex="Q")
    + ",Hunger,,Hungry.,Club,Mrs A. Bell,TA,Y",
    # line 6: a UPN failing its check letter: kept with a warning
    "CPM-5,22/10/2023,09:00,"
    + PUPIL.format(upn="C999201500101", sex="F")
    + ",Hunger,,Hungry.,Club,Mrs A. Bell,TA,N",
)
#: Fails modulus 11 (943 476 5919 passes; the last digit changed).
BAD_NHS_LINE = (
    '{"type": "person", "agency": "health", "source_id": "gp:1", "nhs_number": "9434765918", '
    '"given_name": "Ada", "family_name": "Lee", "dob": "2020-01-02", "sex": "F", "role_hint": "child"}\n'
)


def _bad_concerns(tmp_path: Path) -> Path:
    path = tmp_path / "bad.concerns.csv"
    path.write_text("\n".join((HEADER, *ROWS)) + "\n", encoding="utf-8")
    return path


def _check(path: Path, engine: Engine | None) -> FileCheck:
    return check_file(path=path, registry=default_registry(), engine=engine)


def _read_only(settings: Settings) -> Engine:
    engine, note = read_only_engine(settings)
    assert engine is not None, note
    return engine


def _counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as connection:
        return tuple(
            connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (PersonRecordRow, EventRecordRow, IngestBatch, QuarantinedLine)
        )


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_check_gives_the_counts_ingest_then_gives(store_settings: Settings, name: str) -> None:
    sample = DOC_SAMPLES / SAMPLES[name]
    writer = make_engine(store_settings)
    reader = _read_only(store_settings)
    try:
        before = _check(sample, reader)
        done = ingest(writer, sample).summary
        assert (before.accepted, before.rejected, before.unchanged) == (done.accepted, done.rejected, 0)
        after = _check(sample, reader)
        assert (after.accepted, after.rejected, after.unchanged) == (0, 0, done.accepted)
    finally:
        reader.dispose()
        writer.dispose()


def test_check_of_a_bad_file_matches_ingest_and_groups_its_errors(engine: Engine, tmp_path: Path) -> None:
    path = _bad_concerns(tmp_path)
    result = _check(path, None)
    done = ingest(engine, path).summary
    assert (result.accepted, result.rejected) == (done.accepted, done.rejected) == (4, 3)
    kinds = {(k.field, k.count): k for k in result.errors}
    assert set(kinds) == {("Date", 2), ("Gender", 1)}, kinds
    assert kinds[("Date", 2)].example_at == f"{path}:3"
    assert "'31/02/2024'" in kinds[("Date", 2)].example
    assert [(p.at, p.field, p.rejected) for p in result.identifiers] == [(f"{path}:6", "upn", False)]
    assert "C999201500101" in result.identifiers[0].problem


def test_a_bad_nhs_number_is_listed_under_identifiers(tmp_path: Path) -> None:
    path = tmp_path / "gp.jsonl"
    path.write_text(BAD_NHS_LINE, encoding="utf-8")
    result = _check(path, None)
    assert result.accepted == 1
    assert [(p.at, p.field) for p in result.identifiers] == [(f"{path}:1", "nhs_number")]


def test_coverage_names_an_unknown_column_ignored_and_documented_ones_used(tmp_path: Path) -> None:
    coverage = _check(_bad_concerns(tmp_path), None).coverage
    assert coverage is not None and coverage.measured
    assert ("Pupil Premium", None) in coverage.ignored
    assert ("Body Map Site", None) in coverage.used
    assert "Postcode" in coverage.missing
    assert not any(name == "Pupil Premium" for name, _ in coverage.used)


def test_coverage_of_fhir_is_by_resource_type_and_says_what_is_not_measured() -> None:
    coverage = _check(DOC_SAMPLES / SAMPLES["fhir"], None).coverage
    assert coverage is not None
    assert ("Patient", 2) in coverage.used and ("Practitioner", 1) in coverage.ignored
    assert "not measured" in coverage.note


def test_the_date_range_is_of_local_dates() -> None:
    result = _check(DOC_SAMPLES / SAMPLES["school-concerns-csv"], None)
    assert (str(result.first_event), str(result.last_event), result.events) == ("2023-10-19", "2024-02-12", 4)


def test_cli_check_stores_nothing(store_settings: Settings, tmp_path: Path) -> None:
    writer = make_engine(store_settings)
    ingest(writer, DOC_SAMPLES / SAMPLES["school-concerns-csv"])
    before = _counts(writer)
    writer.dispose()
    database = Path(store_settings.database_url.removeprefix("sqlite:///"))
    digest = hashlib.sha256(database.read_bytes()).hexdigest() if database.is_file() else None
    env = {"ALARMBELL_DATABASE_URL": store_settings.database_url}
    files = [str(_bad_concerns(tmp_path)), str(DOC_SAMPLES / SAMPLES["school-concerns-csv"])]
    result = CliRunner().invoke(app, ["check", *files, "--html", str(tmp_path / "r.html")], env=env)
    assert result.exit_code == 1, result.output  # rows would be rejected
    assert "0 would be accepted, 0 rejected, 6 unchanged" in result.output
    writer = make_engine(store_settings, upgrade=False)
    try:
        assert _counts(writer) == before
    finally:
        writer.dispose()
    if digest is not None:
        assert hashlib.sha256(database.read_bytes()).hexdigest() == digest


def test_cli_check_without_a_store_says_so_and_creates_none(tmp_path: Path) -> None:
    database = tmp_path / "none.db"
    env = {"ALARMBELL_DATABASE_URL": f"sqlite:///{database}"}
    result = CliRunner().invoke(app, ["check", str(DOC_SAMPLES / SAMPLES["fhir"])], env=env)
    assert result.exit_code == 0, result.output
    assert "no store at" in result.output and "counted as new" in result.output
    assert "7 would be accepted, 0 rejected, 0 unchanged" in result.output
    assert not database.exists()


def test_the_read_only_store_refuses_writes(store_settings: Settings) -> None:
    make_engine(store_settings).dispose()
    reader = _read_only(store_settings)
    try:
        with pytest.raises(Exception, match="(?i)read.?only"), reader.connect() as connection:
            connection.execute(text("DELETE FROM ingest_batch"))
    finally:
        reader.dispose()


def test_cli_check_names_an_unknown_format(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["check", str(DOC_SAMPLES / SAMPLES["fhir"]), "--format", "hl7"],
        env={"ALARMBELL_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
    )
    assert result.exit_code == 2
    assert "unknown format 'hl7'" in result.output


def test_the_page_has_every_section(tmp_path: Path) -> None:
    page = render_page([_check(_bad_concerns(tmp_path), None)], StoreView(False, "no store at x"))
    for anchor in ("summary", "dates-1", "identifiers-1", "coverage-1", "errors-1", "warnings-1"):
        assert f'id="{anchor}"' in page
    assert "<script" not in page and "Pupil Premium" in page


def test_an_event_whose_person_record_is_missing_would_be_held(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "orphan.jsonl"
    path.write_text(
        '{"type": "event", "agency": "health", "source_id": "ev:1", "kind": "gp_consultation", '
        '"occurred_at": "2024-02-13T09:10:00", "subjects": ["gp:nobody"]}\n',
        encoding="utf-8",
    )
    result = _check(path, None)
    done = ingest(engine, path).summary
    assert (result.accepted, result.held) == (done.accepted, done.held) == (1, 1)


def test_unquoted_values_do_not_split_a_kind() -> None:
    first = kind_of("nhs_number", "4370515110 fails the check digit; kept but never matched on")
    assert first == kind_of("nhs_number", "5246949580 fails the check digit; kept but never matched on")
    assert first[1] == "… fails the check digit; kept but never matched on"
    assert kind_of("Bundle.entry[2].resource.id", "x")[0] == "Bundle.entry[n].resource.id"
    assert "modulus-23" in kind_of("upn", "'C99' fails (expected the modulus-23 check letter)")[1]


@pytest.mark.parametrize("sample", sorted(p.name for p in TEST_SAMPLES.iterdir() if p.suffix != ".md"))
def test_check_matches_ingest_on_malformed_and_awkward_exports(store_settings: Settings, sample: str) -> None:
    path = TEST_SAMPLES / sample
    writer = make_engine(store_settings)
    reader = _read_only(store_settings)
    try:
        before = _check(path, reader)
        done = ingest(writer, path).summary
        assert (before.accepted, before.rejected, before.held) == (done.accepted, done.rejected, done.held)
        assert before.errors.total >= done.rejected
    finally:
        reader.dispose()
        writer.dispose()


@pytest.mark.parametrize(
    "pair",
    [
        ("overlap-trust.json", "overlap-gp.json"),
        ("overlap-school.concerns.csv", "overlap-school.attendance.csv"),
    ],
)
def test_overlapping_feeds_check_as_ingest_loads_them(
    store_settings: Settings, pair: tuple[str, str]
) -> None:
    writer = make_engine(store_settings)
    reader = _read_only(store_settings)
    try:
        for round_ in range(3):
            for name in pair:
                before = _check(TEST_SAMPLES / name, reader)
                done = ingest(writer, TEST_SAMPLES / name).summary
                assert (before.accepted, before.unchanged) == (done.accepted, done.unchanged), (round_, name)
    finally:
        reader.dispose()
        writer.dispose()


def test_ids_and_line_numbers_in_a_message_do_not_split_a_kind() -> None:
    one = "episode CINdetails[2] of child C30002 (referral '2023-04-03', from line 75) does not match"
    two = "episode CINdetails[1] of child C30417 (referral '2024-01-09', from line 115) does not match"
    assert kind_of("Child[2]/CINdetails[2]/X", one) == kind_of("Child[3]/CINdetails[1]/X", two)
