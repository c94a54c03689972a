"""Code values written in another case or spacing (`Police`, `ED attendance`, `High`, `f`) are read
as the vocabulary's own, stored canonical and warned about; values that do not fold keep their
precise error (ingest/code_values.py)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from alarmbell.domain.codes import canonical_code, fold
from alarmbell.domain.concern_categories import CONCERN_CATEGORIES
from alarmbell.domain.injuries import INJURY_TYPES
from alarmbell.domain.vocabulary import AGENCIES, EVENT_KINDS, RELATIONSHIP_KINDS, ROLE_HINTS, SEXES
from alarmbell.domain.wording import DATE_PRECISIONS
from alarmbell.ingest.attrs import ATTR_RULES, Choice
from alarmbell.ingest.base import Warning_
from alarmbell.ingest.service import IngestSummary, ingest_file
from alarmbell.ingest.validate import validate
from alarmbell.storage.tables import EventRecordRow, PersonRecordRow, QuarantinedLine, RelationshipRecordRow
from tests.helpers import event, person, relationship, write_jsonl

_TABLES: dict[str, type[PersonRecordRow | EventRecordRow | RelationshipRecordRow]] = {
    "person": PersonRecordRow,
    "event": EventRecordRow,
    "relationship": RelationshipRecordRow,
}

#: (line 3 of a file after persons P1 and P2, the field warned about, the value as written, the
#: value stored, where the payload holds it).
VARIANTS: list[tuple[dict[str, Any], str, str, str, tuple[str | int, ...]]] = [
    (person("P3", agency="Police"), "agency", "Police", "police", ("agency",)),
    ({**person("P3"), "type": "Person"}, "type", "Person", "person", ("type",)),
    ({**event("E1", ["P1"]), "type": "EVENT"}, "type", "EVENT", "event", ("type",)),
    (person("P3", sex="f"), "sex", "f", "F", ("sex",)),
    # A sex in words, as CSV exports and case systems write it (session 15, set 3's `Female`).
    (person("P3", sex="Female"), "sex", "Female", "F", ("sex",)),
    (person("P3", sex="male "), "sex", "male ", "M", ("sex",)),
    (person("P3", sex="Girl"), "sex", "Girl", "F", ("sex",)),
    (person("P3", role_hint="Child"), "role_hint", "Child", "child", ("role_hint",)),
    (relationship("R1", "P2", "P1", "Father"), "kind", "Father", "father", ("kind",)),
    (relationship("R1", "P2", "P1", "Step-Parent"), "kind", "Step-Parent", "step_parent", ("kind",)),
    (event("E1", ["P1"], kind="ED_attendance"), "kind", "ED_attendance", "ed_attendance", ("kind",)),
    (event("E1", ["P1"], kind="ed attendance"), "kind", "ed attendance", "ed_attendance", ("kind",)),
    (event("E1", ["P1"], kind=" Domestic - Incident "), "kind", " Domestic - Incident ",
     "domestic_incident", ("kind",)),
    (event("E1", ["P1"], date_precision="Month"), "date_precision", "Month", "month", ("date_precision",)),
    (event("E1", ["P1"], attrs={"dash_risk": "High"}), "attrs.dash_risk", "High", "high",
     ("attrs", "dash_risk")),
    (event("E1", ["P1"], attrs={"violence": "Physical"}), "attrs.violence", "Physical", "physical",
     ("attrs", "violence")),
    (event("E1", ["P1"], kind="referral", attrs={"outcome": "S47"}), "attrs.outcome", "S47", "s47",
     ("attrs", "outcome")),
    (event("E1", ["P1"], kind="referral", attrs={"outcome": "CP plan"}), "attrs.outcome", "CP plan",
     "cp_plan", ("attrs", "outcome")),
    (event("E1", ["P1"], kind="injury_observed", attrs={"injury": "Head injury"}), "attrs.injury",
     "Head injury", "head_injury", ("attrs", "injury")),
    # Injury words clinicians write: `#` is a fracture, a scald a burn (intake15).
    (event("E1", ["P1"], kind="ed_attendance", attrs={"injury": "#"}), "attrs.injury", "#", "fracture",
     ("attrs", "injury")),
    (event("E1", ["P1"], kind="ed_attendance", attrs={"injury": "Scald"}), "attrs.injury", "Scald", "burn",
     ("attrs", "injury")),
    (event("E1", ["P1"], kind="injury_observed", attrs={"injury": "Bruising"}), "attrs.injury", "Bruising",
     "bruise", ("attrs", "injury")),
    (event("E1", ["P1"], kind="injury_observed", attrs={"injury": "lac"}), "attrs.injury", "lac",
     "laceration", ("attrs", "injury")),
    # A referral's outcome in a case system's words (intake15).
    (event("E1", ["P1"], kind="referral", attrs={"outcome": "CP Plan - Neglect"}), "attrs.outcome",
     "CP Plan - Neglect", "cp_plan", ("attrs", "outcome")),
    (event("E1", ["P1"], kind="referral", attrs={"outcome": "Section 47 enquiry"}), "attrs.outcome",
     "Section 47 enquiry", "s47", ("attrs", "outcome")),
    (event("E1", ["P1"], kind="referral", attrs={"outcome": "No further action"}), "attrs.outcome",
     "No further action", "nfa", ("attrs", "outcome")),
    (event("E1", ["P1"], kind="referral", attrs={"outcome": "Single assessment"}), "attrs.outcome",
     "Single assessment", "assessment", ("attrs", "outcome")),
    (event("E1", ["P1"], kind="school_concern", attrs={"category": "Neglect"}), "attrs.category",
     "Neglect", "neglect", ("attrs", "category")),
]  # fmt: skip


def _ingest(engine: Engine, path: Path, agency: str | None = None) -> tuple[IngestSummary, list[str]]:
    messages: list[str] = []
    summary = ingest_file(engine=engine, path=path, agency=agency, report=messages.append)
    return summary, messages


def _stored(engine: Engine, record_type: str, source_id: str) -> Any:
    table = _TABLES[record_type]
    with engine.connect() as connection:
        return connection.execute(select(table).where(table.source_id == source_id)).one()


def _at(payload: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        payload = payload[step]
    return payload


@pytest.mark.parametrize(("line", "field", "written", "canonical", "path"), VARIANTS)
def test_a_code_in_another_case_or_spacing_is_stored_as_the_vocabularys_and_warned(
    engine: Engine,
    tmp_path: Path,
    line: dict[str, Any],
    field: str,
    written: str,
    canonical: str,
    path: tuple[str | int, ...],
) -> None:
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), person("P2", role_hint="adult"), line])
    summary, messages = _ingest(engine, file)
    assert (summary.accepted, summary.rejected, summary.warnings) == (3, 0, 1), messages
    assert messages == [f"{file}:3: {field}: warning: read {written!r} as {canonical!r}"]
    stored = _stored(engine, line["type"].lower(), line["source_id"])
    assert _at(stored.payload, path) == canonical
    if len(path) == 1 and path[0] in stored._fields:  # the column every reader filters on
        assert getattr(stored, str(path[0])) == canonical
    again, messages_again = _ingest(engine, file)
    assert (again.accepted, again.rejected, again.unchanged) == (0, 0, 3)
    assert messages_again == messages
    assert _stored(engine, line["type"].lower(), line["source_id"]).content_hash == stored.content_hash


def test_a_canonical_file_after_a_capitalised_one_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    written = event("E1", ["P1"], kind="Domestic Incident", attrs={"dash_risk": "HIGH", "violence": "Verbal"})
    canonical = event("E1", ["P1"], attrs={"dash_risk": "high", "violence": "verbal"})
    _ingest(engine, write_jsonl(tmp_path / "a.jsonl", [person("P1", sex="m"), written]))
    summary, messages = _ingest(engine, write_jsonl(tmp_path / "b.jsonl", [person("P1", sex="M"), canonical]))
    assert (summary.accepted, summary.unchanged, messages) == (0, 2, [])


def test_body_map_injuries_are_read_point_by_point(engine: Engine, tmp_path: Path) -> None:
    points = [{"site": "head", "injury": "Head injury"}, {"site": "arm", "injury": "bruise"},
              {"site": "leg", "injury": "BITE"}, {"site": "hand", "injury": "Scald"},
              {"site": "L) forearm", "injury": "#"}, {"site": "cheek", "injury": "scratch"}]  # fmt: skip
    line = event("E1", ["P1"], kind="injury_observed", attrs={"injuries": points})
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), line])
    summary, messages = _ingest(engine, file)
    assert (summary.accepted, summary.rejected) == (2, 0)
    assert messages == [
        f"{file}:2: attrs.injuries: warning: item 1, injury: read 'Head injury' as 'head_injury'",
        f"{file}:2: attrs.injuries: warning: item 3, injury: read 'BITE' as 'bite'",
        f"{file}:2: attrs.injuries: warning: item 4, injury: read 'Scald' as 'scald'",
        f"{file}:2: attrs.injuries: warning: item 5, injury: read '#' as 'fracture'",
        f"{file}:2: attrs.injuries: warning: item 6, injury: read 'scratch' as 'mark'",
    ]
    stored = _stored(engine, "event", "E1").payload["attrs"]
    assert [p["injury"] for p in stored["injuries"]] == [
        "head_injury",
        "bruise",
        "bite",
        "scald",
        "fracture",
        "mark",
    ]
    assert (stored["injury"], stored["site"]) == ("fracture", "L) forearm")  # the most serious, filled in


#: Values that do not fold onto the vocabulary: no synonym is guessed, the error is as before.
NOT_FOLDING: list[tuple[dict[str, Any], str]] = [
    (event("E1", ["P1"], kind="da_incident"),
     "kind: 'da_incident' (expected an event kind from the vocabulary (docs/exchange-format.md))"),
    # `female` is read as F now, as a CSV Gender column reads it (VARIANTS); a word that is no sex is not.
    (person("P3", sex="Femme"), "sex: 'Femme' is not allowed (expected one of F, M, U, X)"),
    (person("P3", role_hint="Kid"), "role_hint: 'Kid' is not allowed (expected one of adult, child)"),
    (person("P3", agency="Met Police"), "agency: 'Met Police' (expected one of children_social_care, "
     "education, health, housing, other, police, probation)"),
    ({**person("P3"), "agency": ["police"]}, "agency: ['police'] (expected one of children_social_care, "
     "education, health, housing, other, police, probation)"),
    (event("E1", ["P1"], kind=["referral"]),
     "kind: ['referral'] (expected an event kind from the vocabulary (docs/exchange-format.md))"),
    (relationship("R1", "P2", "P1", "Dad"), "kind: 'Dad' (expected one of carer, father, father_partner, "
     "grandparent, household_member, mother, mother_partner, other, sibling, step_parent)"),
    (event("E1", ["P1"], date_precision="Monthly"),
     "date_precision: 'Monthly' (expected one of day, month, year, period, illustrative "
     "(docs/exchange-format.md))"),
    # A step is no outcome (a strategy discussion may decide on no enquiry): still refused, now
    # saying what to send instead (session 15).
    (event("E1", ["P1"], kind="referral", attrs={"outcome": "Strategy discussion", "dash_risk": "High"}),
     "attrs.outcome: 'Strategy discussion' is a step (strategy_discussion), not an outcome of the "
     "referral (expected one of nfa, early_help, assessment, s47, cp_plan, closed, or no outcome until "
     "the referral has one; send the strategy discussion as its own event, kind strategy_discussion, "
     "on its own date)"),
    (event("E1", ["P1"], kind="referral", attrs={"outcome": "ICPC"}),
     "attrs.outcome: 'ICPC' is a step (cp_conference), not an outcome of the referral (expected one "
     "of nfa, early_help, assessment, s47, cp_plan, closed, or no outcome until the referral has one; "
     "send the cp conference as its own event, kind cp_conference, on its own date)"),
    (event("E1", ["P1"], kind="referral", attrs={"outcome": "Referred on"}),
     "attrs.outcome: 'Referred on' is not allowed "
     "(expected one of nfa, early_help, assessment, s47, cp_plan, closed)"),
    # An injury word that could be several kinds is not guessed.
    (event("E1", ["P1"], kind="ed_attendance", attrs={"injury": "wound"}),
     "attrs.injury: 'wound' is not allowed "
     "(expected one of fracture, bruise, burn, head_injury, bite, laceration, other)"),
    (event("E1", ["P1"], kind="ed_attendance", attrs={"injury": "##"}),
     "attrs.injury: '##' is not allowed "
     "(expected one of fracture, bruise, burn, head_injury, bite, laceration, other)"),
    (event("E1", ["P1"], kind="injury_observed", attrs={"injuries": [{"site": "arm", "injury": "Wound"}]}),
     "attrs.injuries: item 1: injury 'Wound' is not allowed (expected a list of "
     '{"site": text, "injury": one of ' + ", ".join(INJURY_TYPES) + "})"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "message"), NOT_FOLDING)
def test_a_value_that_does_not_fold_keeps_its_precise_error(
    engine: Engine, tmp_path: Path, line: dict[str, Any], message: str
) -> None:
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), person("P2"), line])
    summary, messages = _ingest(engine, file)
    assert (summary.accepted, summary.rejected) == (2, 1)
    assert messages == [f"{file}:3: {message}"]  # and no warning about a line not kept
    with engine.connect() as connection:
        assert connection.execute(select(QuarantinedLine.line_no)).scalar_one() == 3


def test_the_agency_of_an_upload_is_compared_as_read(engine: Engine, tmp_path: Path) -> None:
    rows = [person("P1", agency="POLICE"), person("P2", agency="Health")]
    file = write_jsonl(tmp_path / "in.jsonl", rows)
    summary, messages = _ingest(engine, file, agency="police")
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert messages == [
        f"{file}:1: agency: warning: read 'POLICE' as 'police'",
        f"{file}:2: agency: 'Health' is not the agency this upload is for (police: the --agency option, "
        "or the agency of the API token) (expected records of police only)",
    ]
    assert _stored(engine, "person", "P1").agency == "police"


@pytest.mark.parametrize(
    ("line", "canonical"),
    [(line, canonical) for line, _, _, canonical, _ in VARIANTS if line["type"] != "person"],
)
def test_the_compiled_fast_path_never_takes_a_value_it_would_store_unread(
    line: dict[str, Any], canonical: str
) -> None:
    """A warning shows the precise validator read the line: the fast path, which does not fold,
    refused it rather than storing `High`."""
    warnings: list[Warning_] = []
    record = validate(copy.deepcopy(line), line_no=1, agency_override=None, warnings=warnings)
    assert len(warnings) == 1 and warnings[0].problem.endswith(f"as {canonical!r}")
    assert f'"{canonical}"' in record.row["payload"]


VOCABULARIES: list[tuple[str, ...]] = [
    AGENCIES, tuple(EVENT_KINDS), RELATIONSHIP_KINDS, SEXES, ROLE_HINTS, DATE_PRECISIONS,
    CONCERN_CATEGORIES, tuple(INJURY_TYPES),
    *(rule.values for rule in ATTR_RULES.values() if isinstance(rule, Choice)),
]  # fmt: skip


@pytest.mark.parametrize("values", VOCABULARIES)
def test_every_vocabulary_value_is_read_back_from_any_case_and_spacing(values: tuple[str, ...]) -> None:
    """Also: no two values of one vocabulary fold alike (canonical_code would refuse to build)."""
    for value in values:
        shouted = f"  {value.upper().replace('_', ' - ')} "
        assert canonical_code(shouted, values) == value
        assert canonical_code(value, values) == value
    assert canonical_code("not a code", values) is None
    assert canonical_code(7, values) is None


def test_fold_forgives_only_case_and_spacing() -> None:
    assert fold(" CP-plan ") == fold("cp__plan") == fold("Cp Plan") == "cp_plan"
    assert fold("S47") != fold("section_47")


@pytest.mark.parametrize("role", ["Form tutor", "class teacher", "Football Coach"])
def test_a_position_of_trust_written_as_the_role_is_read_as_true(
    engine: Engine, tmp_path: Path, role: str
) -> None:
    """Before, `"position_of_trust": "Form tutor"` was stored and never read: the policy asks
    for true, so the concern raised nothing."""
    line = event("E1", ["P1"], kind="referral", attrs={"position_of_trust": role})
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), line])
    summary, messages = _ingest(engine, file)
    assert (summary.accepted, summary.rejected) == (2, 0)
    assert messages == [
        f"{file}:2: attrs.position_of_trust: warning: read {role!r} as true (a role in a position of trust)"
    ]
    attrs = _stored(engine, "event", "E1").payload["attrs"]
    assert attrs == {"position_of_trust": True, "position_of_trust_role": role}
    assert _ingest(engine, file)[0].accepted == 0


# Not "yes" any more: a yes/no word is read as the flag it writes (test_flag_words.py).
@pytest.mark.parametrize("written", ["Mr Smith", "somebody"])
def test_a_position_of_trust_in_other_words_is_refused_precisely(
    engine: Engine, tmp_path: Path, written: str
) -> None:
    line = event(
        "E1", ["P1"], kind="school_concern", attrs={"category": "other", "position_of_trust": written}
    )
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), line])
    summary, messages = _ingest(engine, file)
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert messages == [
        f"{file}:2: attrs.position_of_trust: {written!r} is text "
        "(expected true or false, written without quotes)"
    ]


def test_a_referral_whose_reason_says_someone_was_attacked_is_stored_with_its_violence(
    engine: Engine, tmp_path: Path
) -> None:
    lines = [
        person("P1"),
        event(
            "E1", ["P1"], kind="referral", attrs={"reason": "referral following assault on mother by partner"}
        ),
        event("E2", ["P1"], kind="referral", attrs={"reason": "no physical violence reported"}),
    ]
    file = write_jsonl(tmp_path / "in.jsonl", lines)
    assert _ingest(engine, file)[0].accepted == 3
    assert _stored(engine, "event", "E1").payload["attrs"]["violence"] == "physical"
    assert "violence" not in _stored(engine, "event", "E2").payload["attrs"]
    assert _ingest(engine, file)[0].accepted == 0


def test_every_bad_attr_of_a_line_is_reported_at_once(engine: Engine, tmp_path: Path) -> None:
    """Before, only the first attr by name was reported: the sender fixed `delay_in_presentation`,
    sent the line again, and only then heard that `was_not_brought` was text too."""
    # "maybe", not "Y": a yes/no word is now read as the flag (test_flag_words.py).
    attrs = {"injury": "wound", "delay_in_presentation": "maybe", "weight_kg": -5, "mobile": False}
    file = write_jsonl(
        tmp_path / "in.jsonl", [person("P1"), event("E1", ["P1"], kind="ed_attendance", attrs=attrs)]
    )
    summary, messages = _ingest(engine, file)
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert messages == [
        f"{file}:2: attrs.delay_in_presentation: 'maybe' is text "
        "(expected true or false, written without quotes)",
        f"{file}:2: attrs.injury: 'wound' is not allowed "
        "(expected one of fracture, bruise, burn, head_injury, bite, laceration, other)",
        f"{file}:2: attrs.weight_kg: -5 is out of range (expected a number from 0.2 to 200 kg)",
    ]
    with engine.connect() as connection:
        assert connection.execute(select(QuarantinedLine.line_no)).scalars().all() == [2]


def test_every_bad_field_of_a_person_line_is_reported_at_once(engine: Engine, tmp_path: Path) -> None:
    """Before, a person line reported its first bad field only (set 1's `ed-export.jsonl:16`)."""
    bad = person("P2", dob="2019-02-30", nhs_number="99900000", role_hint="Kid", sex="Femme")
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), bad])
    summary, messages = _ingest(engine, file)
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert messages == [
        f"{file}:2: nhs_number: '99900000' (expected 10 digits)",
        f"{file}:2: dob: '2019-02-30' (expected YYYY-MM-DD, YYYY-MM or YYYY)",
        f"{file}:2: sex: 'Femme' is not allowed (expected one of F, M, U, X)",
        f"{file}:2: role_hint: 'Kid' is not allowed (expected one of adult, child)",
    ]
