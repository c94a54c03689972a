"""Pairs that may be twins: a post-Splink veto that sends them to a person instead of a link.

Twins share a surname, a date of birth and an address, so the model sees a near-perfect pair
unless the given names tell them apart. Where they cannot (names close but not the same, such
as Jayden and Jaylen; no given name, or a placeholder such as "Baby" or "Twin 1", which
`names.linkable_given` turns into none) or where the recorded sex differs, the pair is
never linked automatically; it goes to review if its probability reaches the lower band. A
wholly different given name is the model's own "apart" veto (twins, not queued). Merging two
children attaches one child's injuries, plans and alerts to the other, so precision comes
first here (docs/identity.md, "Twins: close names, placeholder names, different sex").
"""

from __future__ import annotations

from alarmbell.identity.model import TrainedModel
from alarmbell.identity.splink_runner import ScoredPair

TITLE = "Possible twins"
#: Given-name levels that cannot tell twins apart: not the same name, nor a known variant of it.
_UNSURE = {
    "Jaro-Winkler >= 0.92": "given names close but not the same",
    "Jaro-Winkler >= 0.80": "given names close but not the same",
    "missing": "no given name to tell them apart (none recorded, or a placeholder such as Baby)",
}


def twin_vetoes(pair: ScoredPair, model: TrainedModel) -> tuple[tuple[str, str], ...]:
    """("review", description) when the pair may be twins; () otherwise."""
    label = {c.name: c.levels[pair.levels[c.name]].label for c in model.spec.comparisons}
    if label["dob"] != "exact" or label["family_name"] != "exact":
        return ()
    if label["sex"] == "different":
        return (("review", f"{TITLE}: recorded sex differs, with the same date of birth and family name"),)
    unsure = _UNSURE.get(label["given_name"])
    if unsure and label["postcode"] == "same postcode":
        return (("review", f"{TITLE}: same date of birth, family name and postcode, and {unsure}"),)
    return ()
