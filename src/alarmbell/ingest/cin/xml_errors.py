"""Where a CIN census XML error is, and what it says, in words a council's data team can act on.

xmlschema's reasons name neither the bad value of a code list ("value must be one of [...]") nor
of an impossible date ("day is out of range for month"), and its paths carry no position for
the child or episode. Every error here quotes the value and says what was expected, and its
path counts children and episodes from 1, as XPath does: `Message/Children/Child[3]/CINdetails[2]/
Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors[2]`.
"""

from __future__ import annotations

import re
from typing import Any, Final

from lxml import etree

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
