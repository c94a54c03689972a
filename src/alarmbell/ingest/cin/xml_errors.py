"""Where a CIN census XML error is, and what it says, in words a council's data team can act on.

xmlschema's reasons name neither the bad value of a code list ("value must be one of [...]") nor
of an impossible date ("day is out of range for month"), and its paths carry no position for
the child or episode. Every error here quotes the value and says what was expected, and its
path counts children and episodes from 1, as XPath does: `Message/Children/Child[3]/CINdetails[2]/
Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors[2]`. The rejections are built here
too: of a whole child, or of one episode, quarantined inside its child's identifiers.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any, Final

from lxml import etree

from alarmbell.ingest.base import FieldError, RejectedLine
from alarmbell.ingest.cin.model import Unit
from alarmbell.ingest.convert import Describe, Record, expected_tail

#: Wording for the XSD's patterns, by simple type name; other patterns are quoted as they are.
PATTERN_EXPECTED: Final[dict[str, str]] = {
    "upntype": "13 characters: a letter, 11 digits, then a digit or letter",
}
DATE_EXPECTED: Final[str] = "a real date as YYYY-MM-DD"
#: xmlschema reasons that say neither the value nor the expectation: (reason contains, problem, expected).
REWORDED: Final[tuple[tuple[str, str, str], ...]] = (
    ("invalid literal for int()", "is not a whole number", "a whole number"),
    ("value must be non negative", "is below 0", "a whole number, 0 or more"),
    ("value must be positive", "is not above 0", "a whole number, 1 or more"),
    ("length cannot be lesser than", "is empty", "a value"),
)
INDEXED: Final[frozenset[str]] = frozenset({"Child", "CINdetails"})
MAX_ERRORS_LISTED: Final[int] = 10
KEPT: Final[str] = "this episode is quarantined; the child and their other episodes are kept"


def xml_path(element: Any, child_number: int) -> str:
    """The element's path from the root; `child_number` is the Child's position in the return
    (counted by the reader, because children already read are freed)."""
    parts: list[str] = []
    node = element
    while node is not None:
        parts.append(_step(node, child_number))
        node = node.getparent()
    return "/".join(reversed(parts))


def _step(node: Any, child_number: int) -> str:
    tag = str(node.tag)
    if tag == "Child":
        return f"Child[{child_number}]"
    parent = node.getparent()
    if parent is None:
        return tag
    same = [sibling for sibling in parent if sibling.tag == tag]
    if tag in INDEXED or len(same) > 1:
        return f"{tag}[{same.index(node) + 1}]"
    return tag


def episode_of(element: Any) -> Any | None:
    """The CINdetails the element is in (or is), else None: the error is the child's own."""
    node = element
    while node is not None and node.tag != "Child":
        if node.tag == "CINdetails":
            return node
        node = node.getparent()
    return None


def xsd_problem(error: Any) -> str:
    """The reason, with the bad value quoted and what was expected."""
    reason = _plain(str(error.reason or ""))
    value = _value(error)
    if value is None:
        return reason
    validator = error.validator
    enumeration = getattr(validator, "enumeration", None)
    if enumeration:
        return f"{value!r} is not one of the codes allowed here (expected one of {' '.join(enumeration)})"
    if hasattr(validator, "regexps"):
        expected = PATTERN_EXPECTED.get(str(getattr(validator.parent, "name", "") or ""))
        expected = expected or "a value matching " + " or ".join(str(r) for r in validator.regexps)
        return f"{value!r} does not have the right form (expected {expected})"
    for part, problem, expected in REWORDED:
        if part in reason:
            return f"{value!r} {problem} (expected {expected})"
    said = reason if repr(value) in reason else f"{value!r}: {reason}"
    if str(getattr(validator, "name", "")).endswith("}date"):
        return f"{said} (expected {DATE_EXPECTED})"
    return said


def _plain(reason: str) -> str:
    """xmlschema's internal class names and closing full stop removed."""
    return re.sub(r" for <class '[^']*'>", "", reason).rstrip(".")


def _value(error: Any) -> str | None:
    """The text that failed, for errors about a value (not about an element's structure)."""
    if isinstance(error.obj, etree._Element):
        return None
    element = error.elem
    if element is not None and len(element) == 0 and element.text is not None:
        return str(element.text).strip()
    return None if error.obj is None else str(error.obj)


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
        raw=fragment(child, episode),
    )


def _who(child: Any) -> str:
    return (child.findtext("ChildIdentifiers/LAchildID") or "").strip() or "without LAchildID"


def _episode_name(child: Any, episode: Any, number: int) -> str:
    referral = (episode.findtext("CINreferralDate") or "").strip() or "no CINreferralDate"
    return (
        f"episode {xml_path(episode, number).rsplit('/', 1)[-1]} of child {_who(child)} "
        f"(referral {referral}, from line {episode.sourceline})"
    )


def fragment(child: Any, episode: Any) -> bytes:
    """The episode as quarantined, inside its child's identifiers, so it can be read again."""
    copy = etree.Element("Child")
    identifiers = child.find("ChildIdentifiers")
    if identifiers is not None:
        copy.append(deepcopy(identifiers))
    copy.append(deepcopy(episode))
    return bytes(etree.tostring(copy))


def _source_element(scope: Any, line: int, value: str) -> Any:
    """The element a record's bad value came from: the leaf holding that text at or under the
    record's line, else the element at that line."""
    at_line = [e for e in scope.iter() if e.sourceline == line] or [scope]
    for top in at_line:
        for element in top.iter():
            if len(element) == 0 and (element.text or "").strip() == value:
                return element
    return at_line[0]


def describer(scope: Any, number: int, unit: Unit, suffix: str) -> Describe:
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
