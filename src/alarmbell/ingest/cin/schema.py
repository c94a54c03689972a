"""The DfE CIN census XSD, loaded with the few relaxations real returns need.

The shipped file (CIN_schema_2024.xsd) is a byte-for-byte copy of the upstream schema
(README.md here). It is patched in memory, each patch an exact text replacement that must match
once, so a changed upstream file fails loudly instead of silently validating less:
- `NumberOfPreviousCPP` accepts 0: a child's first plan has no previous plans, and real returns say 0.
- `Sex` (F, M, U; the 2024-25 specification) is accepted in place of `GenderCurrent`.
- Factors 18A and 19A (before 2021) are accepted, so older years' returns load.
- `Child` is a global element, so each child can be validated on its own: one bad child is
  quarantined and the rest kept, and every error of every child is listed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

XSD_PATH = Path(__file__).with_name("CIN_schema_2024.xsd")

PATCHES: tuple[tuple[str, str], ...] = (
    (
        '<xs:element name="NumberOfPreviousCPP" type="xs:positiveInteger"',
        '<xs:element name="NumberOfPreviousCPP" type="xs:nonNegativeInteger"',
    ),
    (
        '<xs:element name="GenderCurrent" type="gendertype" minOccurs="1" maxOccurs="1"/>',
        '<xs:choice><xs:element name="GenderCurrent" type="gendertype"/>'
        '<xs:element name="Sex"><xs:simpleType><xs:restriction base="xs:string">'
        '<xs:enumeration value="F"/><xs:enumeration value="M"/><xs:enumeration value="U"/>'
        "</xs:restriction></xs:simpleType></xs:element></xs:choice>",
    ),
    ('<xs:enumeration value="18B">', '<xs:enumeration value="18A"/><xs:enumeration value="18B">'),
    ('<xs:enumeration value="19B">', '<xs:enumeration value="19A"/><xs:enumeration value="19B">'),
    (
        '<xs:element name="Message" type="messagetype"/>',
        '<xs:element name="Message" type="messagetype"/><xs:element name="Child" type="childtype"/>',
    ),
)


def patched_xsd(text: str) -> str:
    for old, new in PATCHES:
        if text.count(old) != 1:
            raise RuntimeError(f"CIN XSD patch no longer applies (found {text.count(old)} times): {old}")
        text = text.replace(old, new)
    return text


@cache
def cin_schema() -> Any:
    """Built once per process: compiling the XSD takes a moment."""
    import xmlschema

    return xmlschema.XMLSchema(patched_xsd(XSD_PATH.read_text(encoding="utf-8")))
