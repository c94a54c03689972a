"""A referral's outcome as case systems and staff write it, read as the exchange format's code.

Children's social care systems (Liquidlogic, Mosaic) record a contact's or referral's outcome in
their own words: "No further action", "Early Help", "Single assessment", "Section 47 enquiry",
"CP Plan - Neglect". The exchange format's `outcome` is one of nfa, early_help, assessment, s47,
cp_plan, closed, and only case and spacing were forgiven, so "CP Plan - Neglect" rejected the
whole referral. `outcome_word` reads the words that name exactly one of those codes. Steps that
are not outcomes of this list ("Strategy discussion", "ICPC") are not guessed: a strategy
discussion may decide on no enquiry, and an initial conference may make no plan. They are events
of their own in the vocabulary (`strategy_discussion`, `cp_conference`), with their own dates,
which one referral line cannot give; `step_kind` names the kind, so the error can say what to
send instead.
"""

from __future__ import annotations

import re
from typing import Final

from alarmbell.domain.recorded_text import fold

#: Folded words -> outcome. A plan "- Neglect" or "(physical abuse)" after the plan's name
#: records its category, which the outcome does not change.
_OUTCOMES: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern), outcome)
    for pattern, outcome in (
        (r"^(?:cp|child protection) plan(?:$|[ :,(/-])", "cp_plan"),
        (r"^(?:no further action|nfa)(?:$|[ :,(/-])", "nfa"),
        (r"^(?:early help|eh)(?: (?:assessment|referral|offer|team|hub))?$", "early_help"),
        (r"^(?:s ?47|s\. ?47|section 47)(?: (?:enquiry|enquiries|investigation))?$", "s47"),
        (r"^(?:single|child and family|c&f|cfa|statutory|social work) assessment$", "assessment"),
        (r"^(?:case )?closed(?: to (?:csc|social care))?$", "closed"),
    )
)


def outcome_word(written: str, values: tuple[str, ...]) -> str | None:
    """The outcome of `values` the words name ("CP Plan - Neglect" -> cp_plan), or None."""
    words = fold(written)
    for pattern, outcome in _OUTCOMES:
        if pattern.search(words) and outcome in values:
            return outcome
    return None


#: Folded words that name a step of the child protection process, not an outcome -> its event kind.
_STEPS: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"^(?:strategy|strat)(?: (?:discussion|meeting|disc|mtg))?$", "strategy_discussion"),
        (
            r"^(?:i ?cpc|r ?cpc|(?:initial |review )?(?:child protection|cp|case) conference"
            r"|(?:initial|review) cpc)$",
            "cp_conference",
        ),
    )
)


def step_kind(written: str) -> str | None:
    """The event kind of the step the words name ("Strategy discussion" -> strategy_discussion,
    "ICPC" -> cp_conference), or None."""
    words = fold(written)
    return next((kind for pattern, kind in _STEPS if pattern.search(words)), None)
