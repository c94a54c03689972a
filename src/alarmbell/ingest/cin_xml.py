"""`cin-xml`: the DfE Children in Need census return, read child by child.

The file is parsed incrementally (lxml iterparse; a big council's return holds tens of
thousands of children) and each `Child` is validated against the (patched) XSD on its own:
a child with any schema error is rejected whole, with every error and its line listed, and
every other child is kept. A whole-file XSD pass would fail the return on one error.
The council code (`LEA`) comes from the Header; a return without one is rejected child by
child, because without it `LAchildID` is not unique across councils.
See docs/formats/cin-xml.md.
"""

from __future__ import annotations

import re
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
    child_records,
    is_yes,
)
from alarmbell.ingest.cin.schema import cin_schema
from alarmbell.ingest.convert import Record, RecordSink, expected_tail

MAX_ERRORS_LISTED = 10


def _text(element: Any, path: str) -> str | None:
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return str(found.text).strip() or None


def _line(element: Any, path: str, default: int) -> int:
    found = element.find(path)
    return int(found.sourceline) if found is not None and found.sourceline else default


def _reason(error: Any) -> str:
    """xmlschema's reason, with its internal type names turned into what the sender should write."""
    reason = str(error.reason or "").rstrip(".")
    return re.sub(r" for <class '[^']*\.(Date10|DateTime10)'>", lambda m: " (expected YYYY-MM-DD)", reason)


def schema_problem(child: Any, errors: list[Any]) -> RejectedLine:
    """All of a child's XSD errors in one rejection, at the first error's line."""
    first = errors[0]
    listed = [f"line {e.sourceline}: {e.path}: {_reason(e)}" for e in errors[:MAX_ERRORS_LISTED]]
    more = f" (and {len(errors) - MAX_ERRORS_LISTED} more)" if len(errors) > MAX_ERRORS_LISTED else ""
    who = _text(child, "ChildIdentifiers/LAchildID") or "without LAchildID"
    return RejectedLine(
        int(first.sourceline or child.sourceline or 0),
        str(first.path),
        f"child {who} (from line {child.sourceline}) does not match the CIN census schema: "
        + "; ".join(listed)
        + more,
        raw=etree.tostring(child),
    )


def read_child(element: Any, lea: str) -> CinChild:
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
    child.episodes = [read_episode(e) for e in element.iterfind("CINdetails")]
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


def _describe(record: Record, error: Any) -> tuple[str, str]:
    return (
        error.field,
        f"{expected_tail(error)} [in the {record['type']} {record['source_id']} from this child]",
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
        events = etree.iterparse(
            str(path), events=("end",), tag=("LEA", "Child"), resolve_entities=False, no_network=True
        )
        try:
            for _, element in events:
                if element.tag == "LEA":
                    lea = (element.text or "").strip() or None
                    continue
                yield from self._child(element, lea, sink)
                _free(element)
        except etree.XMLSyntaxError as error:
            line = error.position[0] if error.position else 0
            yield RejectedLine(
                line, "(file)", f"not well-formed XML: {error.msg} (expected the CIN census XML); "
                "children before this point were read", raw=b""
            )  # fmt: skip

    def _child(self, element: Any, lea: str | None, sink: RecordSink) -> list[ParsedLine]:
        errors = list(cin_schema().iter_errors(element))
        if errors:
            return [schema_problem(element, errors)]
        if lea is None:
            return [
                RejectedLine(
                    int(element.sourceline),
                    "Header/Source/LEA",
                    "missing: the return has no council code (expected the 3-digit LEA in the Header; "
                    "LAchildID is unique only within a council)",
                    raw=etree.tostring(element),
                )
            ]
        records = child_records(read_child(element, lea))
        return sink.unit(
            records, line_no=int(element.sourceline), raw=etree.tostring(element), describe=_describe
        )


def _free(element: Any) -> None:
    """Drop each child once read, so memory stays flat however large the return."""
    element.clear()
    while element.getprevious() is not None:
        parent = element.getparent()
        if parent is None:
            break
        del parent[0]
