"""Whether a recorded offence was violence, as police record systems name offences.

Police exports of domestic abuse record the offence ("Assault occasioning actual bodily harm",
"Common assault and battery", "Threats to kill", "Criminal damage"), not the exchange format's
`violence: physical`. Read as given, every police-exported domestic incident was of unknown
violence, so the indicators that ask for physical violence (during a child protection plan, with
a baby present) never heard a police export. `violence_in_offence` reads the offence's words;
`completed_violence_attrs` gives intake the `violence` a sender left out, never replacing one
they wrote.

Only offences whose name says violence against the person count. Harassment, stalking,
controlling or coercive behaviour, criminal damage and breaches of orders are abuse too, but
their names do not say whether anyone was hurt, so they leave `violence` unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, Literal

from alarmbell.domain.described_signs import described_signs
from alarmbell.domain.recorded_text import fold

Violence = Literal["physical", "threats"]

#: Offence names (Home Office counting rules, and the short forms officers write) that say a
#: person was attacked. "assault" covers common, sexual and racially aggravated assault.
_PHYSICAL: Final = re.compile(
    r"(?<!\w)(?:"
    r"assault\w*|battery|bodily harm|abh|gbh|wounding|wound with intent|s ?(?:18|20|47) oapa"
    r"|strangulation|strangling|suffocation|choking|murder|manslaughter|kidnap\w*"
    r"|false imprisonment|cruelty to (?:a )?child\w*|child cruelty|robbery"
    r")(?!\w)"
)
#: Offence names that say violence was threatened.
_THREATS: Final = re.compile(
    r"(?<!\w)(?:threats? to kill|threatening behaviour|threats? of violence|fear or provocation of violence"
    r"|affray|threatening with a (?:blade|weapon|knife))(?!\w)"
)
#: The event kinds whose `violence` attr the policy reads.
VIOLENCE_KINDS: Final = frozenset({"domestic_incident", "assault_report"})
#: Reports to children's social care whose `reason` may say, in words, that someone was attacked.
#: No indicator reads their `violence` yet: it is kept so the record says what its words say.
REPORT_KINDS: Final = frozenset(
    {"referral", "family_member_report", "neighbour_report", "child_welfare_concern"}
)


def violence_in_offence(offence: str) -> Violence | None:
    """`physical` or `threats` when the offence's name says so; None when it does not."""
    text = fold(offence)
    if _PHYSICAL.search(text):
        return "physical"
    if _THREATS.search(text):
        return "threats"
    return None


def completed_violence_attrs(kind: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The `violence` a record without one lacks: a domestic incident's or assault's from its
    `offence`; a referral's or report's from its `reason` in words ("referral following assault
    on mother by partner"), read by `alarmbell.domain.described_signs`, denials left out."""
    if "violence" in attrs:
        return {}
    if kind in VIOLENCE_KINDS:
        offence = attrs.get("offence")
        found = violence_in_offence(offence) if isinstance(offence, str) else None
        return {"violence": found} if found else {}
    if kind in REPORT_KINDS and "violence" in described_signs(attrs.get("reason")):
        return {"violence": "physical"}
    return {}
