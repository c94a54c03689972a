"""`cin-xml`: the DfE Children in Need census return, read child by child.

The file is parsed incrementally (lxml iterparse; a big council's return holds tens of
thousands of children) and each `Child` is validated against the (patched) XSD on its own. An
error inside one episode (`CINdetails`) quarantines that episode alone, with its path
(`Message/Children/Child[3]/CINdetails[2]/...`): the child and its clean episodes are kept, as
a council's other records of the child are real. An error in the child's own items (identifiers,
characteristics) rejects the child whole, because the person record cannot be trusted; every
other child is kept. A whole-file XSD pass would fail the return on one error.
The council code (`LEA`) comes from the Header; a return without one is rejected child by
child, because without it `LAchildID` is not unique across councils.
See docs/formats/cin-xml.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from copy import deepcopy
from pathlib import Path
from typing import Any

from lxml import etree

from alarmbell.ingest.base import FieldError, ParsedLine, RejectedLine, SourceProgress
from alarmbell.ingest.cin.model import (
    GENDERS,
    Assessment,
    CinChild,
    CinPlan,
    Episode,
    ProtectionPlan,
    Section47,
    Unit,
    child_units,
    is_yes,
)
from alarmbell.ingest.cin.schema import cin_schema
from alarmbell.ingest.cin.xml_errors import episode_of, xml_path, xsd_problem
from alarmbell.ingest.convert import Describe, Record, RecordSink, expected_tail

MAX_ERRORS_LISTED = 10


def _text(element: Any, path: str) -> str | None:
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return str(found.text).strip() or None


def _line(element: Any, path: str, default: int) -> int:
    found = element.find(path)
    return int(found.sourceline) if found is not None and found.sourceline else default


def _listed(errors: list[Any], number: int) -> str:
    """One error says only its problem (its line and path head the message); several are listed."""
    if len(errors) == 1:
        return xsd_problem(errors[0])
    listed = [
        f"line {e.sourceline}: {xml_path(e.elem, number)}: {xsd_problem(e)}"
        for e in errors[:MAX_ERRORS_LISTED]
    ]
    more = f" (and {len(errors) - MAX_ERRORS_LISTED} more)" if len(errors) > MAX_ERRORS_LISTED else ""
    return "; ".join(listed) + more


def schema_problem(child: Any, number: int, errors: list[Any]) -> RejectedLine:
    """All of a child's XSD errors in one rejection of the whole child, at the first error in
    the child's own items (the reason the child is rejected whole)."""
    first = next((e for e in errors if episode_of(e.elem) is None), errors[0])
    return RejectedLine(
        int(first.sourceline or child.sourceline or 0),
        xml_path(first.elem, number),
        f"child {_who(child)} (from line {child.sourceline}) does not match the CIN census schema: "
        + _listed(errors, number),
        raw=etree.tostring(child),
    )


def episode_problem(child: Any, episode: Any, number: int, errors: list[Any]) -> RejectedLine:
    """One episode's XSD errors: that episode is quarantined, the child and the rest are kept."""
    first = errors[0]
    return RejectedLine(
        int(first.sourceline or episode.sourceline or 0),
        xml_path(first.elem, number),
        f"{_episode_name(child, episode, number)} does not match the CIN census schema: "
        + _listed(errors, number)
        + f"; {KEPT}",
        raw=_fragment(child, episode),
    )


KEPT = "this episode is quarantined; the child and their other episodes are kept"


def _who(child: Any) -> str:
    return _text(child, "ChildIdentifiers/LAchildID") or "without LAchildID"


def _episode_name(child: Any, episode: Any, number: int) -> str:
    referral = _text(episode, "CINreferralDate") or "no CINreferralDate"
    return (
        f"episode {xml_path(episode, number).rsplit('/', 1)[-1]} of child {_who(child)} "
        f"(referral {referral}, from line {episode.sourceline})"
    )


def _fragment(child: Any, episode: Any) -> bytes:
    """The episode as quarantined, inside its child's identifiers, so it can be read again."""
    copy = etree.Element("Child")
    identifiers = child.find("ChildIdentifiers")
    if identifiers is not None:
        copy.append(deepcopy(identifiers))
    copy.append(deepcopy(episode))
    return bytes(etree.tostring(copy))


def read_child(element: Any, lea: str, episodes: list[Any]) -> CinChild:
    """The child with the given CINdetails elements (those that passed the schema)."""
    ids = element.find("ChildIdentifiers")
    child = CinChild(
        line=int(element.sourceline or 0),
        lea=lea,
        la_child_id=_text(ids, "LAchildID") or "",
        upn=(_text(ids, "UPN") or "").upper() or None,
        former_upn=_text(ids, "FormerUPN"),
        upn_unknown=_text(ids, "UPNunknown"),
        dob=_text(ids, "PersonBirthDate"),
        expected_dob=_text(ids, "ExpectedPersonBirthDate"),
        sex=GENDERS.get(_text(ids, "GenderCurrent") or _text(ids, "Sex") or ""),
        death_date=_text(ids, "PersonDeathDate"),
        ethnicity=_text(element, "ChildCharacteristics/Ethnicity"),
        disabilities=[
            str(d.text).strip() for d in element.iterfind("ChildCharacteristics/Disabilities/Disability")
        ],
    )
    child.episodes = [read_episode(e) for e in episodes]
    return child


def read_episode(element: Any) -> Episode:
    line = int(element.sourceline or 0)
    episode = Episode(
        line=line,
        referral_date=_text(element, "CINreferralDate") or "",
        source=_text(element, "ReferralSource"),
        primary_need=_text(element, "PrimaryNeedCode"),
        nfa=is_yes(_text(element, "ReferralNFA")),
    )
    closed = _text(element, "CINclosureDate")
    if closed:
        episode.closure = (_line(element, "CINclosureDate", line), closed, _text(element, "ReasonForClosure"))
    icpc = _text(element, "DateOfInitialCPC")
    if icpc:
        episode.icpc = (_line(element, "DateOfInitialCPC", line), icpc)
    episode.assessments = [_assessment(a) for a in element.iterfind("Assessments")]
    episode.cin_plans = [
        CinPlan(int(p.sourceline), _text(p, "CINPlanStartDate") or "", _text(p, "CINPlanEndDate"))
        for p in element.iterfind("CINPlanDates")
    ]
    episode.enquiries = [_enquiry(s) for s in element.iterfind("Section47")]
    episode.plans = [_plan(p) for p in element.iterfind("ChildProtectionPlans")]
    return episode


def _assessment(element: Any) -> Assessment:
    return Assessment(
        line=int(element.sourceline),
        start=_text(element, "AssessmentActualStartDate") or "",
        authorised=_text(element, "AssessmentAuthorisationDate"),
        factors=[
            str(f.text).strip() for f in element.iterfind("FactorsIdentifiedAtAssessment/AssessmentFactors")
        ],
    )


def _enquiry(element: Any) -> Section47:
    return Section47(
        line=int(element.sourceline),
        start=_text(element, "S47ActualStartDate") or "",
        icpc_target=_text(element, "InitialCPCtarget"),
        icpc_date=_text(element, "DateOfInitialCPC"),
        icpc_not_required=is_yes(_text(element, "ICPCnotRequired")),
    )


def _plan(element: Any) -> ProtectionPlan:
    return ProtectionPlan(
        line=int(element.sourceline),
        start=_text(element, "CPPstartDate") or "",
        end=_text(element, "CPPendDate"),
        initial_category=_text(element, "InitialCategoryOfAbuse") or "",
        latest_category=_text(element, "LatestCategoryOfAbuse") or "",
        previous=int(_text(element, "NumberOfPreviousCPP") or 0),
        reviews=[(int(r.sourceline), str(r.text).strip()) for r in element.iterfind("Reviews/CPPreviewDate")],
    )


def _source_element(scope: Any, line: int, value: str) -> Any:
    """The element a record's bad value came from: the leaf holding that text at or under the
    record's line, else the element at that line."""
    at_line = [e for e in scope.iter() if e.sourceline == line] or [scope]
    for top in at_line:
        for element in top.iter():
            if len(element) == 0 and (element.text or "").strip() == value:
                return element
    return at_line[0]


def _describer(scope: Any, number: int, unit: Unit, suffix: str) -> Describe:
    """How a record of this child or episode that fails validation is reported: the XML path of
    the value, the value quoted (validate quotes it), and the record it would have made."""

    lines = {id(record): line for line, record in unit.records}

    def describe(record: Record, error: FieldError) -> tuple[str, str]:
        name = error.field.rsplit(".", 1)[-1]
        value = record.get(name, (record.get("attrs") or {}).get(name))
        element = _source_element(scope, lines.get(id(record), 0), "" if value is None else str(value))
        where = f"[{error.field} of the {record['type']} {record['source_id']}; {suffix}]"
        return xml_path(element, number), f"{expected_tail(error)} {where}"

    return describe


class CinXmlAdapter:
    name = "cin-xml"
    suffixes: tuple[str, ...] = (".xml",)

    def read(
        self, path: Path, *, agency: str | None, progress: SourceProgress | None = None
    ) -> Iterator[ParsedLine]:
        if progress is not None:
            progress.done_bytes += path.stat().st_size
        sink = RecordSink(agency)
        lea: str | None = None
        number = 0
        events = etree.iterparse(
            str(path), events=("end",), tag=("LEA", "Child"), resolve_entities=False, no_network=True
        )
        try:
            for _, element in events:
                if element.tag == "LEA":
                    lea = (element.text or "").strip() or None
                    continue
                number += 1
                yield from child_lines(element, number, lea, sink)
                _free(element)
        except etree.XMLSyntaxError as error:
            line = error.position[0] if error.position else 0
            yield RejectedLine(
                line, "(file)", f"not well-formed XML: {error.msg} (expected the CIN census XML); "
                "children before this point were read", raw=b""
            )  # fmt: skip


def child_lines(element: Any, number: int, lea: str | None, sink: RecordSink) -> list[ParsedLine]:
    """The child's records, with each episode kept or quarantined on its own."""
    errors = list(cin_schema().iter_errors(element))
    if any(episode_of(e.elem) is None for e in errors):
        return [schema_problem(element, number, errors)]
    if lea is None:
        return [
            RejectedLine(
                int(element.sourceline),
                "Message/Header/Source/LEA",
                "missing: the return has no council code (expected the 3-digit LEA in the Header; "
                "LAchildID is unique only within a council)",
                raw=etree.tostring(element),
            )
        ]
    episodes = element.findall("CINdetails")
    bad: dict[int, list[Any]] = {}
    for error in errors:
        bad.setdefault(episodes.index(episode_of(error.elem)), []).append(error)
    good = [e for i, e in enumerate(episodes) if i not in bad]
    units = child_units(read_child(element, lea, good))
    own = _own_unit(element, number, units[0], sink)
    if any(isinstance(item, RejectedLine) for item in own):
        return own
    kept = iter(units[1:])
    out = own
    for i, episode in enumerate(episodes):
        if i in bad:
            out.append(episode_problem(element, episode, number, bad[i]))
            continue
        unit = next(kept)
        describe = _describer(episode, number, unit, KEPT)
        raw = _fragment(element, episode)
        out += sink.unit(unit.records, line_no=int(episode.sourceline), raw=raw, describe=describe)
    return out


def _own_unit(element: Any, number: int, unit: Unit, sink: RecordSink) -> list[ParsedLine]:
    """The child's person record (and death): when it fails, the whole child is rejected."""
    describe = _describer(element, number, unit, "the child and all their episodes are rejected")
    return sink.unit(
        unit.records, line_no=int(element.sourceline), raw=etree.tostring(element), describe=describe
    )


def _free(element: Any) -> None:
    """Drop each child once read, so memory stays flat however large the return."""
    element.clear()
    while element.getprevious() is not None:
        parent = element.getparent()
        if parent is None:
            break
        del parent[0]
