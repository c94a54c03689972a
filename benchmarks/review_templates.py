"""Derive the synthetic generator's harm-trajectory templates from the review corpus.

    python benchmarks/review_templates.py            # rewrite src/alarmbell/synth/data/review_templates.json
    python benchmarks/review_templates.py --check    # exit 1 if that file is out of date

For each child in evaluation/reviews/ (and the demo case its meta file points at): every event
before the harm that names the child, the mother, or the father or mother's partner (the
household adults the synthetic household has), oldest first, with the days from the event to
the harm. The harm is measured from the start of its month or year when only that is known, as
benchmarks/policy_reviews.py does. Dropped, and why:

- the harm itself (`attrs.harm_event`) and anything on or after the harm;
- `maternity` events (the synthetic background writes births and bookings itself);
- housing and probation events (the synthetic population has only the four agencies);
- events naming only siblings, relatives or people outside the household.

Kept attrs are the structured ones docs/exchange-format.md defines (a value kept only when ingest
would accept it), plus the injury's site and the carer's explanation as the agency wrote them.
Free-text notes, `text`, titles and every name or identifier are left out; a kept text that
contains any person's name from the chronology stops the derivation. Each template cites its
review id (the corpus slug) and its half of the fixed split (alarmbell.synth.templates.half_of).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from alarmbell.ingest.attrs import ATTR_RULES, Choice
from alarmbell.synth.ids import SYNTH_AGENCIES
from alarmbell.synth.templates import DATA_FILE, half_of
from review_corpus import ROOT, ReviewCase, load_corpus

OUT = ROOT / "src" / "alarmbell" / "synth" / "data" / DATA_FILE
#: Relationship kinds (adult -> child) that make an adult one of the synthetic household's roles.
ROLE_OF_RELATIONSHIP = {"mother": "mother", "father": "man", "mother_partner": "man"}
SKIPPED_KINDS = frozenset({"maternity"})
#: Attrs that depend on the reviewed child's exact age or are the practitioner's free text.
UNKEPT_RULED = frozenset({"weight_kg", "height_cm", "action_taken", "informed", "injuries"})
KEPT_TEXT = ("site", "explanation_given", "service")
KEPT_CHOICE = {
    "explanation": ("none", "implausible", "inconsistent", "changing", "unsuitable", "consistent"),
    "medical_opinion": ("nai", "possible_nai", "suspected_nai", "accidental"),
    "bite": ("human", "animal"),
}
KEPT_FLAGS = ("patterned", "faltering_growth", "health_need_known", "no_access")
PERSON_ATTRS = ("victim", "perpetrator")
#: The corpus's own words for "the review does not say": not something an agency wrote.
UNKNOWN_TEXT = re.compile(r"not published|not stated")


def _key(source_id: str) -> str:
    """The person's number in the corpus ids (`HEA-hk16-P3` -> `P3`), shared across agencies."""
    return source_id.rsplit("-", 1)[-1]


def _lines(case: ReviewCase) -> list[dict[str, Any]]:
    return [json.loads(line) for line in case.chronology.read_text(encoding="utf-8").splitlines() if line]


def _roles(case: ReviewCase, lines: list[dict[str, Any]]) -> dict[str, str]:
    child = {_key(s) for _, s in case.child_records}
    roles = dict.fromkeys(child, "child")
    for line in lines:
        if line["type"] == "relationship" and _key(line["to"]) in child:
            role = ROLE_OF_RELATIONSHIP.get(line["kind"])
            if role is not None and _key(line["from"]) not in child:
                roles.setdefault(_key(line["from"]), role)
    return roles


def _child_dob(case: ReviewCase, lines: list[dict[str, Any]]) -> date:
    """The most precise date of birth on the child's records; a year or month alone is read
    as its middle (the age only places the template on synthetic children of about that age)."""
    dobs = [
        str(line["dob"])
        for line in lines
        if line["type"] == "person" and (line["agency"], line["source_id"]) in case.child_records
        if line.get("dob")
    ]
    if not dobs:
        raise SystemExit(f"{case.chronology}: no date of birth on any of the child's records")
    best = max(dobs, key=len)
    return date.fromisoformat({4: f"{best}-07-01", 7: f"{best}-15"}.get(len(best), best))


def _names(lines: list[dict[str, Any]]) -> set[str]:
    return {
        line[field].lower()
        for line in lines
        if line["type"] == "person"
        for field in ("given_name", "family_name")
        if line.get(field)
    }


def _kept_value(kind: str, name: str, value: Any) -> bool:
    if value is None:
        return False
    if name in KEPT_TEXT:
        return isinstance(value, str) and not UNKNOWN_TEXT.search(value)
    if name in KEPT_CHOICE:
        return value in KEPT_CHOICE[name]
    if name in KEPT_FLAGS:
        return isinstance(value, bool)
    rule = ATTR_RULES.get(name)
    if rule is None or name in UNKEPT_RULED or name in PERSON_ATTRS:
        return False
    if isinstance(rule, Choice):
        return value in rule.values and (rule.kinds is None or kind in rule.kinds)
    return rule.problem(value) is None


def _attrs(kind: str, raw: Mapping[str, Any], roles: dict[str, str]) -> dict[str, Any]:
    attrs = {k: v for k, v in sorted(raw.items()) if _kept_value(kind, k, v)}
    for name in PERSON_ATTRS:
        role = roles.get(_key(raw[name])) if isinstance(raw.get(name), str) else None
        if role is not None:
            attrs[name] = role
    return attrs


def _people(ids: Iterable[str], roles: dict[str, str], skip: tuple[str, ...] = ()) -> list[str]:
    out: list[str] = []
    for source_id in ids:
        role = roles.get(_key(source_id))
        if role is not None and role not in out and role not in skip:
            out.append(role)
    return out


def _check_names(case: ReviewCase, event: dict[str, Any], names: set[str]) -> None:
    for value in event.get("attrs", {}).values():
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            words = set(re.findall(r"[a-zà-ÿ'-]+", str(text).lower()))
            if words & names:
                raise SystemExit(f"{case.chronology}: a kept attr names a person: {text!r}")


def _event(line: dict[str, Any], roles: dict[str, str], harm: date) -> dict[str, Any] | None:
    raw = line.get("attrs") or {}
    day = date.fromisoformat(line["occurred_at"][:10])
    if raw.get("harm_event") or day >= harm or line["kind"] in SKIPPED_KINDS:
        return None
    if line["agency"] not in SYNTH_AGENCIES:
        return None
    subjects = _people(line.get("subjects", []), roles)
    if not subjects:
        return None
    out: dict[str, Any] = {
        "gap_days": (harm - day).days,
        "agency": line["agency"],
        "kind": line["kind"],
        "subjects": subjects,
    }
    others = _people(line.get("others", []), roles, tuple(subjects))
    if others:
        out["others"] = others
    attrs = _attrs(line["kind"], raw, roles)
    if attrs:
        out["attrs"] = attrs
    return out


def template(case: ReviewCase) -> dict[str, Any]:
    lines = _lines(case)
    roles, harm, names = _roles(case, lines), case.harm_from, _names(lines)
    events = [e for line in lines if line["type"] == "event" if (e := _event(line, roles, harm))]
    for event in events:
        _check_names(case, event, names)
    events.sort(key=lambda e: -e["gap_days"])  # stable: same-day events keep the file's order
    return {
        "review": case.slug,
        "half": half_of(case.slug),
        "child_age_days": (harm - _child_dob(case, lines)).days,
        "events": events,
    }


def document() -> dict[str, Any]:
    return {
        "generated_by": "python benchmarks/review_templates.py",
        "split": "half_of(review): held_out when the SHA-256 of the review id is even, else train",
        "templates": [template(case) for case in load_corpus()],
    }


def rendered() -> str:
    return json.dumps(document(), indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = rendered()
    if argv == ["--check"]:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date: run python benchmarks/review_templates.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
