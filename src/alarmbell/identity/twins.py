"""Pairs that may be twins: a post-Splink veto that sends them to a person instead of a link.

Twins share a surname, a date of birth and an address, so the model sees a near-perfect pair
unless the given names tell them apart. Where the recorded sex differs, or (for children and
young people, `CHILD_YEARS`) the given names cannot tell them apart (close but not the same,
such as Jayden and Jaylen; no given name, or a placeholder such as "Baby" or "Twin 1", which
`names.linkable_given` turns into none), the pair is never linked automatically; it goes to
review if its probability reaches the lower band. A wholly different given name is the model's
own "apart" veto (twins, not queued). Merging two children attaches one child's injuries, plans
and alerts to the other, so precision comes first here (docs/identity.md, "Twins: close names,
placeholder names, different sex").
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from alarmbell.identity.model import POSTCODE_KEYED_LABEL, ModelSpec, TrainedModel
from alarmbell.identity.splink_runner import ScoredPair

TITLE = "Possible twins"
#: The close or missing given-name check holds only for a shared date of birth less than this
#: many years before the day linkage runs. It covers every child (and care leaver to 25) in
#: records up to 7 years old, the retention most replays use. Adults' duplicates are mostly one
#: person with a typo'd given name at one address (FEBRL); held back, they overflowed the capped
#: review queue and were neither linked nor queued, and a split person is a safety failure too.
CHILD_YEARS = 25
#: Given-name levels that cannot tell twins apart: not the same name, nor a known variant of it.
_UNSURE = {
    "Jaro-Winkler >= 0.92": "given names close but not the same",
    "Jaro-Winkler >= 0.80": "given names close but not the same",
    "missing": "no given name to tell them apart (none recorded, or a placeholder such as Baby)",
}


@lru_cache(maxsize=8)
def _levels(spec: ModelSpec) -> tuple[int, int, int, frozenset[int], dict[int, str]]:
    """Level indices the check reads: exact dob, exact family name, different sex, the postcode
    levels that mean one address (the same postcode, or one keyed a keystroke off: a twin's
    record with a mistyped postcode is still a twin at home), and the unsure given-name levels
    with their words (looked up once per model, not per pair)."""

    def index(name: str, label: str) -> int:
        labels = [level.label for level in spec.comparison(name).levels]
        return labels.index(label) if label in labels else -1

    given = spec.comparison("given_name").levels
    unsure = {i: _UNSURE[level.label] for i, level in enumerate(given) if level.label in _UNSURE}
    return (
        index("dob", "exact"),
        index("family_name", "exact"),
        index("sex", "different"),
        frozenset({index("postcode", "same postcode"), index("postcode", POSTCODE_KEYED_LABEL)}),
        unsure,
    )


def is_young(born: date | None, today: date | None = None) -> bool:
    """True when `born` is less than `CHILD_YEARS` before `today`; unknown counts as young."""
    if born is None:
        return True
    today = today or date.today()
    try:
        cutoff = today.replace(year=today.year - CHILD_YEARS)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - CHILD_YEARS, day=28)
    return born > cutoff


def twin_vetoes(
    pair: ScoredPair, model: TrainedModel, *, today: date | None = None
) -> tuple[tuple[str, str], ...]:
    """("review", description) when the pair may be twins; () otherwise.

    `today`: the day linkage runs (default: today), which decides who is a child.
    """
    dob, family, sex_differs, one_address, unsure = _levels(model.spec)
    levels = pair.levels
    if levels["dob"] != dob or levels["family_name"] != family:
        return ()
    if levels["sex"] == sex_differs:
        return (("review", f"{TITLE}: recorded sex differs, with the same date of birth and family name"),)
    why = unsure.get(levels["given_name"])
    if why and levels["postcode"] in one_address and is_young(pair.born, today):
        return (("review", f"{TITLE}: same date of birth, family name and postcode, and {why}"),)
    return ()
