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
from pathlib import Path
from typing import Any

from lxml import etree

from alarmbell.ingest.base import ParsedLine, RejectedLine, SourceProgress
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
from alarmbell.ingest.cin.xml_errors import (
    KEPT,
    describer,
    episode_of,
    episode_problem,
    fragment,
    schema_problem,
)
from alarmbell.ingest.convert import RecordSink


def _text(element: Any, path: str) -> str | None:
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return str(found.text).strip() or None


def _line(element: Any, path: str, default: int) -> int:
    found = element.find(path)
    return int(found.sourceline) if found is not None and found.sourceline else default


def read_child(element: Any, lea: str, episodes: list[Any]) -> CinChild:
    """The child with the given CINdetails elements (those that passed the schema)."""
    every = element.findall("CINdetails")
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
    child.last_referral_date = _text(every[-1], "CINreferralDate") if every else None
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
        describe = describer(episode, number, unit, KEPT)
        raw = fragment(element, episode)
        out += sink.unit(unit.records, line_no=int(episode.sourceline), raw=raw, describe=describe)
    return out


def _own_unit(element: Any, number: int, unit: Unit, sink: RecordSink) -> list[ParsedLine]:
    """The child's person record (and death): when it fails, the whole child is rejected."""
    describe = describer(element, number, unit, "the child and all their episodes are rejected")
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
