"""Can these records be one person? The cluster guard's test, asked before the model joins two clusters.

Best-link clustering checks a union against the link it is made through. A chain of links, each
plausible on its own (A~B, B~C, ...), can still join records that no one would take for one
person: 22 children at one postcode, each a spelling or one date field away from the next,
became one person. So before the model joins two clusters, the records of both are judged as
one person, whatever link brought them together (docs/identity.md, "The cluster guard"). Each
record of a person may carry its own keying error, so the test is that some record's value (the
person's true one, the centre) is within one error of every other record's, and that the union
adds no record that no centre explains (`incoherence`). Within one error means:

- dates of birth: the same; day and month swapped in the same year; one digit different; two
  adjacent digits swapped; or either missing or partial (a partial date is not compared here).
  A date the model itself weighed is not refused on its own: where the two records of the link
  agree in given and family name (the same or a known variant) and one holds the person's date,
  the other's date is forgiven, whatever it is (a date copied from a sibling or parent onto one
  record; the span and generation checks still apply). Where a name drifts as well, it is not;
- given names: the same, a known variant (data/name_variants.csv), within the Jaro-Winkler
  distance the model's lowest name level accepts (0.80), none recorded, or given and family
  written the other way round;
- and, for the two records of the link itself, if both are children (identity/twins.py
  `CHILD_YEARS`) with one family name and postcode, not both a different given name and dates of
  birth far enough apart for two siblings (`SIBLING_DAYS`, a day and month swap excepted): a
  sister with a close name and the same birthday a year later needs two errors to be the same
  child, and none to be a sister (`sibling_like`).

Pure: the clustering (identity/clusters.py) holds a `Profile` per record and asks these.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from alarmbell.identity.features import variant_groups
from alarmbell.identity.names import edit_distance_at_most_one, jaro_winkler
from alarmbell.identity.rules import LinkCandidate
from alarmbell.identity.twins import is_young

T = TypeVar("T")

#: The model's lowest given-name level that is not "different" (model.py, Jaro-Winkler >= 0.80).
NAME_SIMILARITY = 0.80
#: Two births of one mother are at least this far apart (a pregnancy after a birth, born very
#: early); dates closer than this are one child's date mistyped, or twins (identity/twins.py).
SIBLING_DAYS = 180
#: The refusals' words; the review page (presentation/identity_words.py) explains each.
DATES = "the person would hold dates of birth that differ by more than one typo or a swapped day and month"
NAMES = "the person would hold given names that are not one name, a known variant or a close spelling"
SIBLINGS = "given name and date of birth both differ, at one family name and postcode (possibly siblings)"
#: Words common to the three refusals, for the review page to recognise them by.
COHERENCE_MARK = "cannot be one person"


@dataclass(frozen=True, slots=True)
class Profile:
    """What the guard compares of one record: folded names, full date of birth, postcode, age."""

    given: str
    family: str
    dob: str | None
    postcode: str | None
    young: bool


def profile(candidate: LinkCandidate, today: date | None = None) -> Profile | None:
    """The record's profile, or None when it holds no given name and no date (nothing to compare)."""
    if not candidate.given and not candidate.dob:
        return None
    return Profile(
        candidate.given, candidate.family, candidate.dob, candidate.postcode, _young(candidate.dob, today)
    )


def _young(dob: str | None, today: date | None) -> bool:
    """A child or young person (identity/twins.py `is_young`); an unreadable date counts as unknown."""
    try:
        born = date.fromisoformat(dob) if dob else None
    except ValueError:
        born = None
    return is_young(born, today)


def incoherence(
    left: Counter[Profile], right: Counter[Profile], link: tuple[Profile, Profile] | None = None
) -> str | None:
    """Why the records of two clusters (their profiles, counted) cannot be one person, or None.

    Each record may carry its own keying error, so two records of one person can differ by two
    (a day mistyped on one, day and month swapped on another). What one person's records share is
    a centre: their true value, which each record is within one error of. So a cluster is judged
    by its outliers, the records that the best centre among its own values does not explain, and
    a union may not add any: a chain of near neighbours has no centre, while a person whose
    records a rule or a reviewer joined despite a wild value keeps that value as an outlier and
    can still take in a record that agrees with the rest.

    `link`: the profiles of the two records the model links (left's, right's). A date of birth
    the model itself weighed is not refused on its own (`_weighed`): when the two records agree in
    given and family name (the same, or a known variant) and one record's date is the person's
    (within one error of the centre), the other record's date is not an outlier. A date copied
    from a sibling or parent onto one record looks like that; a chain does not, because its far
    dates were weighed against a neighbour's, never against the centre.
    """
    if _added_outliers(_dated(left), _dated(right), _date_explainer(link)):
        return f"{COHERENCE_MARK}: {DATES}"
    if _added_outliers(_named(left), _named(right), _names_explained):
        return f"{COHERENCE_MARK}: {NAMES}"
    return None


def _dated(profiles: Counter[Profile]) -> Counter[Profile]:
    return Counter({p: count for p, count in profiles.items() if p.dob})


def _named(profiles: Counter[Profile]) -> Counter[Profile]:
    return Counter({p: count for p, count in profiles.items() if p.given})


def _dates_explained(centre: Profile, other: Profile) -> bool:
    assert centre.dob is not None and other.dob is not None
    return dates_explained(centre.dob, other.dob)


def _date_explainer(link: tuple[Profile, Profile] | None) -> Callable[[Profile, Profile], bool]:
    """`explained(centre, record)` for dates of birth in the union made through `link`."""
    weighed = _weighed(link)
    if not weighed:
        return _dates_explained

    def explained(centre: Profile, other: Profile) -> bool:
        if _dates_explained(centre, other):
            return True
        return any(
            other.dob == far.dob and names_agree(other, near) and _dates_explained(centre, near)
            for far, near in weighed
        )

    return explained


def _weighed(link: tuple[Profile, Profile] | None) -> tuple[tuple[Profile, Profile], ...]:
    """(far, near) both ways round for a link whose two records agree in both names: the model
    weighed far's date against near's, so if near's date is the person's, far's is forgiven."""
    if link is None:
        return ()
    a, b = link
    if not (a.dob and b.dob) or a.dob == b.dob or not names_agree(a, b):
        return ()
    return ((a, b), (b, a))


def names_agree(a: Profile, b: Profile) -> bool:
    """Given and family names both the same or known variants (data/name_variants.csv), both
    recorded: a close spelling is not enough, since a sibling's name is often a close spelling."""
    return _same_name(a.given, b.given) and _same_name(a.family, b.family)


def _same_name(a: str, b: str) -> bool:
    return bool(a and b) and (a == b or _variants(a, b))


def _added_outliers(a: Counter[T], b: Counter[T], explained: Callable[[T, T], bool]) -> bool:
    """True when joining counts a and b leaves more outliers than each had on its own."""
    if not a or not b:
        return False
    return _outliers(a + b, explained) > _outliers(a, explained) + _outliers(b, explained)


def _outliers(values: Counter[T], explained: Callable[[T, T], bool]) -> int:
    """How many values the best centre among them does not explain (`explained(centre, value)`)."""
    return min(
        sum(count for value, count in values.items() if not explained(centre, value)) for centre in values
    )


def _names_explained(centre: Profile, other: Profile) -> bool:
    return given_explained(centre.given, other.given) or names_crossed(centre, other)


def sibling_like(a: Profile, b: Profile) -> str | None:
    """Why the two records of one link may be siblings, or None: for the linked pair itself.

    Only for the pair the model links, not every pair across the union: a name misspelt on one of
    a child's records and a date mistyped on another are two errors on two records, which is
    common; both on one record, with a close name and a sibling's address, is a sister.
    """
    if (
        a.young
        and b.young
        and a.dob is not None
        and b.dob is not None
        and _siblings_apart(a.dob, b.dob)
        and a.given
        and b.given
        and a.given != b.given
        and not _variants(a.given, b.given)
        and not names_crossed(a, b)
        and a.family == b.family
        and a.postcode is not None
        and a.postcode == b.postcode
    ):
        return f"{COHERENCE_MARK}: {SIBLINGS}"
    return None


def _siblings_apart(a: str, b: str) -> bool:
    """True when two dates could be two siblings' births: at least `SIBLING_DAYS` apart, and not
    the same year with day and month swapped (a keying slip, not a second child)."""
    if _day_month_swapped(a, b):
        return False
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days) >= SIBLING_DAYS
    except ValueError:
        return False


def dates_explained(a: str, b: str) -> bool:
    """True when one keying error turns full date a (YYYY-MM-DD) into b, or day and month swap."""
    if a == b or _day_month_swapped(a, b):
        return True
    digits_a, digits_b = a.replace("-", ""), b.replace("-", "")
    differ = [i for i, (x, y) in enumerate(zip(digits_a, digits_b, strict=True)) if x != y]
    if len(differ) == 1:
        return True
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and digits_a[differ[0]] == digits_b[differ[1]]
        and digits_a[differ[1]] == digits_b[differ[0]]
    )


def _day_month_swapped(a: str, b: str) -> bool:
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def given_explained(a: str, b: str) -> bool:
    """True when two folded given names may be one name: see the module's list."""
    if not a or not b or a == b:
        return True
    return _variants(a, b) or jaro_winkler(a, b) >= NAME_SIMILARITY


def names_crossed(a: Profile, b: Profile) -> bool:
    """Given and family name written the other way round on one record (each within a spelling)."""
    if not (a.given and a.family and b.given and b.family):
        return False
    return a.given != a.family and _crossing(a.given, b.family) and _crossing(a.family, b.given)


def _crossing(a: str, b: str) -> bool:
    """One name written in the other's place, within a spelling: the model's "given and family
    transposed" level also takes a crossing one keystroke off ("Amy" / "Ay")."""
    return given_explained(a, b) or edit_distance_at_most_one(a, b)


def _variants(a: str, b: str) -> bool:
    groups = variant_groups()
    return bool(set(groups.get(a, (a,))) & set(groups.get(b, (b,))))
