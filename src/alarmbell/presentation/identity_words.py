"""Identity review in words a records officer can check: values, agreement, weights and reasons.

The review page used to show raw codes ("M", ISO dates) and repeat the linker's stored note,
which could name a field the page did not show (the NHS-number check looks at every record of
both people, the pair may hold only one number). Everything here is computed from the values
the page shows, so each sentence can be checked against the table beside it. Pure: no storage.

Weights are Splink's match weights, in bits: log2 of the Bayes factor, so +1 bit doubles the
odds that two records are one person and -1 halves them. They are put into words on a scale
simplified from Jeffreys' scale for Bayes factors (WEIGHT_WORDS below).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from alarmbell.presentation.formatting import (
    date_text_label,
    nhs_number_label,
    postcode_label,
    role_label,
    sex_label,
)

#: (field, label) in the order the page shows them; the labels match the model's comparison titles.
FIELDS: Final[tuple[tuple[str, str], ...]] = (
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("dob", "Date of birth"),
    ("sex", "Sex"),
    ("postcode", "Postcode"),
    ("nhs_number", "NHS number"),
    ("upn", "UPN"),
    ("role_hint", "Child or adult"),
)

#: The title of the linker's twins veto note (identity/twins.py `TITLE`; this module imports none of ours).
TWINS_TITLE: Final = "Possible twins"

SAME, DIFFERS, ONE_MISSING, MISSING = "same", "differs", "one-missing", "missing"
TAGS: Final[dict[str, str]] = {
    SAME: "Same",
    DIFFERS: "Differs",
    ONE_MISSING: "Only one recorded",
    MISSING: "Not recorded",
}

#: (smallest |weight| in bits, Bayes factor it stands for, words for evidence of one person,
#: words for evidence of two). Below 1 bit (a factor under 2) a field barely moves the odds;
#: the cut-offs at 10 and 100 times are Jeffreys' "strong" and "decisive" steps.
WEIGHT_WORDS: Final[tuple[tuple[float, str, str, str], ...]] = (
    (
        6.64,
        "more than 100 times",
        "very strongly suggests the same person",
        "very strongly suggests different people",
    ),
    (3.32, "10 to 100 times", "strongly suggests the same person", "strongly suggests different people"),
    (1.0, "2 to 10 times", "suggests the same person", "suggests different people"),
    (0.0, "under 2 times", "makes little difference either way", "makes little difference either way"),
)

#: The model's comparison levels (identity/model.py) as a sentence ending: "Given name: ...".
LEVEL_WORDS: Final[dict[str, str]] = {
    "exact": "the same",
    "same": "the same",
    "same postcode": "the same",
    "known variant": "known forms of one name (such as Tom and Thomas)",
    "given and family transposed": "the other record's other name (given and family name swapped)",
    "Jaro-Winkler >= 0.92": "spelt almost the same",
    "Jaro-Winkler >= 0.80": "spelt similarly",
    "different": "different",
    "missing": "missing from one or both records, so not compared",
    "missing or invalid": "missing from one or both records (or failing its check digit), so not compared",
    "day and month transposed": "the same, with day and month swapped",
    "partial: year and month agree": "the same year and month (one record has only part of the date)",
    "partial: year agrees": "the same year (one record has only part of the date)",
    "one field off": "one of day, month or year different",
    "within 3 years": "different, but within 3 years",
    "year one keystroke off": "the same day and month, with the year one keystroke different (a typing slip)",
    "years apart": "more than 3 years apart",
    "same sector": "in the same postcode sector",
    "one keystroke off": "one keystroke different (a typing slip: one character wrong or two swapped)",
    "same district": "in the same postcode district",
    "different valid numbers": "two different valid numbers",
    "different valid UPNs": "two different valid UPNs",
}


#: The same levels in a few words, for chart labels.
SHORT_LEVEL_WORDS: Final[dict[str, str]] = {
    "missing": "not on both records",
    "exact": "same",
    "known variant": "known variant",
    "given and family transposed": "names swapped",
    "Jaro-Winkler >= 0.92": "almost the same",
    "Jaro-Winkler >= 0.80": "similar",
    "missing or invalid": "not on both records",
    "day and month transposed": "day and month swapped",
    "partial: year and month agree": "same year and month",
    "partial: year agrees": "same year",
    "one field off": "one part differs",
    "year one keystroke off": "year mistyped",
    "years apart": "over 3 years apart",
    "different valid numbers": "different numbers",
    "different valid UPNs": "different UPNs",
}


@dataclass(frozen=True, slots=True)
class FieldComparison:
    """One row of the side-by-side table: both values as people write them, and whether they agree."""

    field: str
    label: str
    left: str
    right: str
    state: str
    note: str = ""

    @property
    def tag(self) -> str:
        return TAGS[self.state]

    @property
    def differs(self) -> bool:
        return self.state == DIFFERS


def shown_value(field: str, raw: str | None) -> str:
    """A stored value as the page shows it: "Male", "Child", "15 July 2007", "485 777 3457"."""
    if not raw:
        return ""
    shown = {
        "sex": sex_label,
        "role_hint": role_label,
        "dob": date_text_label,
        "nhs_number": nhs_number_label,
        "postcode": postcode_label,
    }.get(field)
    return shown(raw) if shown else raw


def compare(left: Mapping[str, str | None], right: Mapping[str, str | None]) -> tuple[FieldComparison, ...]:
    """Every field of two records, compared as stored and shown as people write them."""
    return tuple(_compare(field, label, left.get(field), right.get(field)) for field, label in FIELDS)


def _compare(field: str, label: str, a: str | None, b: str | None) -> FieldComparison:
    left, right = shown_value(field, a), shown_value(field, b)
    if not a or not b:
        state = MISSING if not a and not b else ONE_MISSING
        return FieldComparison(field, label, left, right, state)
    if _key(field, a) == _key(field, b):
        return FieldComparison(field, label, left, right, SAME)
    return FieldComparison(field, label, left, right, DIFFERS, _difference(field, a, b))


def _key(field: str, value: str) -> str:
    if field in ("postcode", "nhs_number", "upn"):
        return value.replace(" ", "").upper()
    return value.strip().casefold()


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _difference(field: str, a: str, b: str) -> str:
    """A short note on how two differing values differ, where a person might miss it."""
    if field in ("given_name", "family_name") and _folded(a) == _folded(b):
        return "only in accents"
    if field == "dob":
        return _dob_difference(a, b)
    if field == "postcode":
        same_district = postcode_label(a).split(" ")[0] == postcode_label(b).split(" ")[0]
        return "same district" if same_district else ""
    return ""


def _dob_difference(a: str, b: str) -> str:
    try:
        first, second = sorted((date.fromisoformat(a), date.fromisoformat(b)))
    except ValueError:
        return ""
    if (first.year, first.month, first.day) == (second.year, second.day, second.month):
        return "day and month swapped"
    months = (second.year - first.year) * 12 + second.month - first.month - (second.day < first.day)
    years, rest = divmod(months, 12)
    parts = [_plural(years, "year"), _plural(rest, "month")] if months else ["less than a month"]
    return " ".join(p for p in parts if p) + " apart"


def _plural(count: int, noun: str) -> str:
    return "" if count == 0 else f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def weight_words(weight: float) -> str:
    """A field's match weight in words: "strongly suggests the same person"."""
    for floor, _factor, for_one, for_two in WEIGHT_WORDS:
        if abs(weight) >= floor:
            return for_one if weight > 0 else for_two
    return WEIGHT_WORDS[-1][2]


def odds_words(weight: float) -> str:
    """What a weight does to the odds: "about 114 times as likely if they are one person"."""
    factor = 2 ** abs(weight)
    if factor < 2:
        return "barely changes the odds"
    who = "one person" if weight > 0 else "two people"
    return f"about {_round_factor(factor)} times as likely if they are {who}"


def _round_factor(factor: float) -> str:
    """Two significant figures at most: a reviewer needs the size, not false precision."""
    if factor < 10:
        return f"{factor:.1f}".removesuffix(".0")
    digits = len(str(int(factor))) - 2
    return f"{round(factor, -digits):,.0f}"


def contribution_sentence(title: str, level: str, weight: float) -> str:
    """ "Given name: the same. This strongly suggests the same person (+6.8 bits: about ...)." """
    if weight == 0:
        return f"{title}: {level_words(level)}. It counts neither way."
    return (
        f"{title}: {level_words(level)}. This {weight_words(weight)} "
        f"({weight:+.1f} bits: {odds_words(weight)})."
    )


def level_words(level: str) -> str:
    return LEVEL_WORDS.get(level, level)


def short_level_words(level: str) -> str:
    return SHORT_LEVEL_WORDS.get(level, level)


def prior_sentence(prior: float) -> str:
    """The prior bar in one sentence: where the odds stand before any field is compared."""
    odds = _round_factor(2 ** abs(prior))
    if prior < 0:
        return (
            "Before comparing any field, two records picked at random are very unlikely to be the "
            f"same person: the odds start at about 1 in {odds} ({prior:+.1f} bits). "
            "Each field below then moves the odds up or down."
        )
    return (
        f"Before comparing any field, the odds that two records are one person start at about {odds} "
        f"to 1 ({prior:+.1f} bits). Each field below then moves the odds up or down."
    )


def total_sentence(match_weight: float, probability: float) -> str:
    """The sum of the bars, as odds and as the probability the queue is sorted by."""
    if match_weight >= 0:
        odds = f"odds of about {_round_factor(2**match_weight)} to 1 that they are one person"
    else:
        odds = f"odds of about 1 in {_round_factor(2**-match_weight)} that they are one person"
    chance = percent(probability)
    return f"Added up, the fields give {match_weight:+.1f} bits: {odds}, a match probability of {chance}."


def percent(probability: float) -> str:
    """0.9863 -> "98.6%"; never "100.0%" or "0.0%", which would claim a certainty the model lacks."""
    value = round(probability * 100, 1)
    if value >= 100:
        return "over 99.9%"
    if value <= 0:
        return "under 0.1%"
    return f"{value:.1f}%"


@dataclass(frozen=True, slots=True)
class HeldIdentifier:
    """An NHS number or UPN on one of a person's records, as the page lists it."""

    kind: str  # the field: "nhs_number" or "upn"
    value: str
    agency: str
    source_id: str


@dataclass(frozen=True, slots=True)
class Side:
    """Who one record belongs to now, as far as the reason needs: a name and the identifiers held."""

    person: str
    identifiers: tuple[HeldIdentifier, ...]


@dataclass(frozen=True, slots=True)
class OneAgency:
    """Both records of a pair come from one agency: its name as shown, and the two record ids."""

    agency: str
    source_ids: tuple[str, str]
    #: The agency declared its ids unique (ALARMBELL_UNIQUE_ID_AGENCIES): each record a person.
    declared_unique: bool = False


def one_agency_sentence(pair: OneAgency) -> str:
    """Why one agency's two records can be one person, or why the agency says they are not.

    A records officer expects one agency to hold a person once; the sentence says that it may
    not, with the everyday ways it happens, and what accepting changes (not the agency's records).
    """
    a, b = pair.source_ids
    opening = f"Both records come from {pair.agency} ({a} and {b})"
    if pair.declared_unique:
        return (
            f"{opening}, and {pair.agency} has told alarmbell that each of its records is a different "
            "person, so alarmbell never joins two of them by itself. Accept only if you know "
            f"{pair.agency} holds this person twice."
        )
    return (
        f"{opening}. One agency can hold the same person twice: a school registering a child again, "
        "a second hospital record, a police record created again. Accepting makes them one person "
        f"in alarmbell; {pair.agency}'s own records are not changed."
    )


def agreement_sentence(rows: Sequence[FieldComparison]) -> str:
    """ "They agree on given name and sex; they differ on date of birth (2 years apart)." """
    same = [_lower(r.label) for r in rows if r.state == SAME]
    differs = [_lower(r.label) + (f" ({r.note})" if r.note else "") for r in rows if r.differs]
    one = [_lower(r.label) for r in rows if r.state == ONE_MISSING]
    parts = []
    if same:
        parts.append(f"they agree on {_listing(same)}")
    if differs:
        parts.append(f"they differ on {_listing(differs)}")
    if one:
        parts.append(f"only one of them records {_listing(one)}")
    if not parts:
        return "Neither record holds a field the other holds."
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _listing(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _lower(label: str) -> str:
    """ "Date of birth" -> "date of birth", but "NHS number" and "UPN" keep their capitals."""
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def _name(field: str) -> str:
    return "NHS number" if field == "nhs_number" else "UPN"


def reason(
    note: str,
    rows: Sequence[FieldComparison],
    sides: tuple[Side, Side],
    *,
    probability: float,
    one_agency: OneAgency | None = None,
) -> tuple[str, ...]:
    """Why this pair is on the queue, in sentences that name only what the page shows.

    `note` is the linker's stored note ("uncertain band", a veto such as "Date of birth: years
    apart", or "would link, but <check>"); it chooses the explanation, and the values quoted
    come from `rows` (the table) and `sides` (each person's records), never from the note.
    `one_agency`, for two records of one agency, adds a sentence saying so.
    """
    by_field = {r.field: r for r in rows}
    if note.startswith("would link, but "):
        first = _refusal(note.removeprefix("would link, but "), by_field, sides, probability)
    elif note == "uncertain band":
        first = (
            f"The model was not sure. Its match probability, {percent(probability)}, is between the "
            "level at which it ignores a pair and the level at which it links one without asking."
        )
    else:
        first = " ".join(_veto(part.strip(), by_field) for part in note.split(";") if part.strip())
    first = first or "The model sent this pair for a person to check."
    if one_agency is not None:
        return (first, one_agency_sentence(one_agency), agreement_sentence(rows))
    return (first, agreement_sentence(rows))


def _veto(text: str, by_field: Mapping[str, FieldComparison]) -> str:
    title, _, level = text.partition(": ")
    field = next((f for f, label in FIELDS if label == title), None)
    row = by_field.get(field) if field else None
    decide = "The model may not link these records without a person's decision"
    if title == TWINS_TITLE:  # identity/twins.py: the pair looks like twins
        return f"The two records may be twins: {level}. {decide}."
    if row is None:
        return decide + "."
    if field in ("nhs_number", "upn") and row.differs:
        return _different_identifiers(field, row)
    values = f" ({row.left} and {row.right})" if row.left and row.right else ""
    if field == "dob":
        return f"The dates of birth are {level_words(level)}{values}. {decide}."
    return f"{decide}: {_lower(title)} {level_words(level)}{values}."


def _refusal(
    check: str, by_field: Mapping[str, FieldComparison], sides: tuple[Side, Side], probability: float
) -> str:
    opening = (
        f"The model would link them (match probability {percent(probability)}), but a safety check stopped it"
    )
    if check in ("different valid NHS numbers", "different valid UPNs"):
        field = "nhs_number" if "NHS" in check else "upn"
        return opening + _identifier_clash(field, by_field[field], sides)
    if check.startswith("dates of birth"):
        return (
            f"{opening}: the dates of birth on the two people's records are "
            f"{check.removeprefix('dates of birth ')}. Each person's records are listed below."
        )
    if check.startswith("recorded sex differs"):
        return (
            f"{opening}: the two people's records include a boy and a girl with the same date of birth "
            "and family name, who may be twins. Recorded sex is sometimes wrong, so a person decides."
        )
    if "cannot be one person" in check:  # identity/coherence.py: the cluster guard
        return (
            f"{opening}: joining them would put records into one person that one keying error cannot "
            f"explain ({check.partition(': ')[2]}). Each person's records are listed below."
        )
    if check.startswith("an agency recorded them as two different people"):
        return (
            f"{opening}: an agency named a record of each as two different people in one event "
            "(a referral naming two children, the victim and the suspect of one incident)."
        )
    if check.startswith("a reviewer decided"):
        return f"{opening}: a reviewer has already decided that these two people are different people."
    if check.startswith("both are already people"):
        return (
            f"{opening}: both records already belong to people alarmbell knows ({sides[0].person} and "
            f"{sides[1].person}), and joining two known people takes a person's decision."
        )
    return opening + "."


def _identifier_clash(field: str, row: FieldComparison, sides: tuple[Side, Side]) -> str:
    name = _name(field)
    if row.differs:
        return ". " + _different_identifiers(field, row)
    clash = _held_clash(field, sides)
    if clash is None:
        return (
            f". When the pair was queued, one of them was joined to a record with a different {name}; "
            "neither person's records hold that clash now, so judge from the fields below."
        )
    mine, theirs = clash
    return (
        f": {sides[0].person} already has {name} {mine.value} (on the {mine.agency} record "
        f"{mine.source_id}), and {sides[1].person} has {name} {theirs.value} (on the {theirs.agency} "
        f"record {theirs.source_id}). Two valid {name}s normally mean two people, unless one was "
        "recorded wrongly. Both people's records are listed below."
    )


def _different_identifiers(field: str, row: FieldComparison) -> str:
    name = _name(field)
    return (
        f"The two records have different {name}s ({row.left} and {row.right}). Two valid {name}s "
        "normally mean two people, unless one was recorded wrongly."
    )


def _held_clash(field: str, sides: tuple[Side, Side]) -> tuple[HeldIdentifier, HeldIdentifier] | None:
    for mine in sides[0].identifiers:
        for theirs in sides[1].identifiers:
            if mine.kind == theirs.kind == field and _key(field, mine.value) != _key(field, theirs.value):
                return mine, theirs
    return None
