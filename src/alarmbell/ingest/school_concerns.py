"""`school-concerns-csv`: a school's safeguarding concerns log, as CPOMS-style systems export it.

One row per concern. The pupil is keyed by UPN (national, so the same child at two schools is
one education record) when its check letter holds. A UPN that fails it is most likely mistyped
and would link the concern to the wrong child: the row is kept, the UPN stays on the record with
a warning, and the pupil is keyed by what the school says of them (pupil_key), as in every
other format. See docs/formats/school-concerns-csv.md.
"""

from __future__ import annotations

import hashlib
from typing import Final

import orjson

from alarmbell.domain.body_sites import body_site, region_label, regions, same_place
from alarmbell.domain.concern_categories import CONCERN_CATEGORIES, concern_category
from alarmbell.domain.described_signs import described_injuries, placed_injuries
from alarmbell.domain.identifiers import upn_check_problem, upn_is_valid
from alarmbell.domain.injuries import injury_attrs
from alarmbell.ingest.base import FieldError
from alarmbell.ingest.convert import Record
from alarmbell.ingest.tabular import Row, RowAdapter, sex

AGENCY = "education"
#: Kinds read from a concern's words that yield the body map to a bruise, burn or fracture named too.
WOUNDS_READ_SECOND: Final[frozenset[str]] = frozenset({"laceration", "bite"})
#: Concerns whose words, with no site marked, are read for where the child is injured.
INJURY_CATEGORIES: Final[frozenset[str]] = frozenset({"injury", "physical_abuse"})


def pupil_key(row: Row, upn: str) -> str:
    """`upn:<UPN>` when the check letter holds; else `pupil:h-<hash>` of the school, the pupil's
    names and date of birth, never the bad UPN.

    The hash is stable, so re-loading the extract finds the same record, and the school's
    concerns log and attendance extract give the same key for the same pupil.
    """
    if upn_is_valid(upn):
        return f"upn:{upn}"
    school = row.text("school")
    surname, forename = pupil_names(row)
    dob = _dob(row)
    if not (surname or forename) or dob is None:
        raise FieldError(
            row.name("upn"),
            f"{upn!r} {upn_check_problem(upn)}, and the row has no name and date of birth to key "
            "the pupil by instead",
            "a UPN with the right check letter, or Surname or Forename and Date of Birth",
        )
    identity = [(v or "").casefold() for v in (school, surname, forename, dob)]
    digest = hashlib.blake2b(orjson.dumps(identity), digest_size=10).hexdigest()
    return f"pupil:h-{digest}"


def pupil_names(row: Row) -> tuple[str | None, str | None]:
    """(surname, forename): from Surname and Forename, or else from one `Student` cell written
    `Surname, Forename` as CPOMS and SIMS export it (`Brennick, Tyler`).

    A name cell without exactly one comma (`Tyler Brennick`, `Brennick`) does not say which
    word is the surname, so it gives no names (`student_name_problem` says so)."""
    surname, forename = row.text("surname"), row.text("forename")
    if surname or forename:
        return surname, forename
    written = row.text("student")
    if written is None or written.count(",") != 1:
        return None, None
    family, given = (part.strip() or None for part in written.split(","))
    return family, given


def student_name_problem(row: Row) -> str | None:
    """The warning for a `Student` cell read for no names, when Surname and Forename are absent."""
    written = row.text("student")
    if written is None or row.text("surname") or row.text("forename") or written.count(",") == 1:
        return None
    return (
        f"{written!r} is not read as the pupil's names: kept out of the record, since it does not "
        "say which is the surname (expected Surname, Forename, as CPOMS and SIMS write it)"
    )


def _dob(row: Row) -> str | None:
    """`Date of Birth`, or `DOB` as SIMS and many other school exports head it."""
    return row.date("date_of_birth") or row.date("dob")


def pupil_record(row: Row, upn: str, extract: str = "concerns") -> Record:
    """The pupil as the school holds them; keyed by UPN so every school's rows meet (pupil_key).

    `feed` names the extract and the school: a school's concerns log and attendance extract
    hold different columns for the same pupil, and are merged, not versions (ingest/feeds.py).
    """
    school = row.text("school")
    surname, forename = pupil_names(row)
    person: Record = {
        "type": "person",
        "agency": AGENCY,
        "source_id": pupil_key(row, upn),
        "feed": f"{extract}:{school}" if school else extract,
        "upn": upn,
        "given_name": forename,
        "family_name": surname,
        "dob": _dob(row),
        "sex": sex(row, "gender"),
        "postcode": row.text("postcode"),
        "role_hint": "child",
    }
    return {k: v for k, v in person.items() if v is not None}


def _category(row: Row) -> tuple[str, str | None, list[str]]:
    """The category, and a warning when the log's label is not one alarmbell knows.

    An unknown label is kept as `other` (the label stays in `category_label`), never rejected:
    a school's concern must not be lost for the word its log uses.
    """
    label = row.required("category", "a concern category")
    category = concern_category(label)
    if category is not None:
        return category, None, []
    listed = list(dict.fromkeys(c for part in label.split(",") if (c := concern_category(part)) is not None))
    if listed:
        return listed[0], _first_of_list(label, listed), listed if len(listed) > 1 else []
    known = ", ".join(sorted(CONCERN_CATEGORIES))
    return (
        "other",
        f"{label!r} is not a category alarmbell knows: kept as other, with the log's label in "
        f"category_label (expected one of {known}; docs/formats/school-concerns-csv.md)",
        [],
    )


def _first_of_list(label: str, categories: list[str]) -> str:
    """CPOMS exports a concern's several categories in one cell, comma-separated; the first that
    alarmbell knows is the concern's category, said in a warning with the others read."""
    others = f"; also {', '.join(categories[1:])}, kept in categories" if len(categories) > 1 else ""
    return (
        f"read {label!r} as {categories[0]}, the first category of the list alarmbell knows{others} "
        "(the log's label is kept in category_label)"
    )


def _sites(row: Row) -> tuple[list[str], list[str]]:
    """The body-map sites named, and a warning for each part that is not a map site.

    A school writes "Left cheek" or "top of arm" as often as a map id: such a part is kept as
    written (the policy reads free-text sites by region, domain/body_sites.py), never rejected,
    so the injury concern is never lost for the way its site was spelt.
    """
    text = row.text("body_map_site")
    if text is None:
        return [], []
    kept: list[str] = []
    warnings: list[str] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        site = body_site(part)
        if site is not None:
            kept.append(site)
            continue
        kept.append(part)
        found = regions(part)
        read_as = ", ".join(sorted(region_label(r) for r in found))
        warnings.append(
            f"{part!r} is not a body-map site: kept as written"
            + (f", read as {read_as}" if found else ", and not read as a part of the body")
            + " (body-map sites: docs/formats/school-concerns-csv.md)"
        )
    return kept, warnings


class SchoolConcernsAdapter(RowAdapter):
    name = "school-concerns-csv"
    suffixes: tuple[str, ...] = (".concerns.csv",)
    required = ("concern_id", "date", "upn", "category")
    #: A concern naming several pupils comes one row per pupil: one event, every pupil a subject.
    shared_columns = (
        "date",
        "time",
        "category",
        "body_map_site",
        "concern",
        "action_taken",
        "dsl",
        "recorded_by",
    )

    def convert(self, row: Row) -> list[Record]:
        upn = row.upn()
        assert upn is not None
        pupil = pupil_record(row, upn)
        if (name_problem := student_name_problem(row)) is not None:
            self.warn(row, "student", name_problem)
        category, category_warning, categories = _category(row)
        if category_warning is not None:
            self.warn(row, "category", category_warning)
        attrs: Record = {"category": category}
        if categories:
            attrs["categories"] = categories
        sites, site_warnings = _sites(row)
        for warning in site_warnings:
            self.warn(row, "body_map_site", warning)
        if sites:
            attrs["site"] = sites[0]
            attrs["sites"] = sites
        attrs.update(_body_map(sites, row.text("concern"), category))
        for key in ("action_taken", "dsl", "category_label", "school", "year_group"):
            value = row.text(key if key != "category_label" else "category")
            if value is not None:
                attrs[key] = value
        event: Record = {
            "type": "event",
            "agency": AGENCY,
            "source_id": "concern:" + row.required("concern_id", "the log's id for the concern"),
            "kind": "school_concern",
            "occurred_at": row.moment("date", "time"),
            "subjects": [pupil["source_id"]],
            "attrs": attrs,
        }
        for key, column in (("text", "concern"), ("author", "recorded_by")):
            value = row.text(column)
            if value is not None:
                event[key] = value
        return [pupil, event]


def _body_map(sites: list[str], concern: str | None, category: str) -> Record:
    """The body map: each marked site with the injuries the concern's words place there, and
    each injury the words place elsewhere.

    Logs mark where on the body and say what in words ("Bruising and a cut to the left forearm",
    "finger-tip bruising to left upper arm and a red mark on right cheek"). The early-warning
    indicators read `injury`, `site` and `bruise_sites`, so each injury is put at the site its
    words give it (domain/described_signs.placed_injuries), and a marked site matched by none
    takes the one kind the words name without a place ("Bruising seen", marked "Left cheek"). A
    concern with no site marked is mapped from its words only when it is about an injury or
    physical abuse: in another concern ("Tyler said Liam gave mummy a black eye") the injury the
    words name may not be the child's.
    """
    placed = list(placed_injuries(concern)) if concern else []
    if not sites:
        return injury_attrs(placed) if category in INJURY_CATEGORIES else {}
    points = [(site, kind) for site in sites for where, kind in placed if same_place(site, where)]
    points += [(where, kind) for where, kind in placed if not any(same_place(s, where) for s in sites)]
    unplaced = [site for site in sites if all(site != s for s, _ in points)]
    points += [(site, kind) for site in unplaced for kind in _one_kind(concern)]
    if not points:
        return {}
    attrs = injury_attrs(list(dict.fromkeys(points)))
    attrs["sites"] = list(dict.fromkeys([*sites, *attrs["sites"]]))  # every marked site, injured or not
    return attrs


def _one_kind(concern: str | None) -> tuple[str, ...]:
    """The one kind of injury the words name, if they name one. Words naming two kinds without
    placing them ("a bruise and a burn") do not say which site holds which: none. A cut or bite
    named beside a bruise, burn or fracture yields to it, as before cuts and bites were read."""
    described = described_injuries(concern) if concern else frozenset()
    if len(described) > 1:
        described -= WOUNDS_READ_SECOND
    return tuple(described) if len(described) == 1 else ()
