"""The categories of a school's or nursery's safeguarding concern, and the labels logs use for them.

School logs (CPOMS, MyConcern, paper) follow Keeping Children Safe in Education 2024: the four
categories of abuse of Part one (physical, emotional, sexual, neglect) with its safeguarding
issues (child-on-child abuse), and the specific forms of abuse and safeguarding issues of Annex B
(exploitation, county lines, domestic abuse, radicalisation, FGM...). One home for the
vocabulary: the school concerns adapter maps labels with it, and the exchange format's `category`
attr accepts its names, so a category read from a log is always one the exchange format accepts
and the policy can name.
"""

from __future__ import annotations

import re
from typing import Final

#: The canonical categories, in the order the docs list them. The first eight are the original
#: ones; `sexual_exploitation` is the name the policy already reads for CSE.
CONCERN_CATEGORIES: Final[tuple[str, ...]] = (
    "hunger",
    "injury",
    "appearance",
    "behaviour",
    "disclosure",
    "attendance",
    "emotional",
    "other",
    "physical_abuse",
    "emotional_abuse",
    "sexual_abuse",
    "neglect",
    "domestic_abuse",
    "sexual_exploitation",
    "criminal_exploitation",
    "county_lines",
    "child_on_child_abuse",
    "online_safety",
    "self_harm",
    "missing_education",
    "radicalisation",
    "fgm",
    "honour_based_abuse",
    "serious_violence",
    "modern_slavery",
    "private_fostering",
    "young_carer",
    "low_level_concern",
)

#: Labels as logs write them, normalised (`normalise_label`) -> a category. Every category's own
#: name (underscores read as spaces) maps to itself, so it is not repeated here.
_LABELS: Final[dict[str, str]] = {
    "neglect hunger": "hunger",
    "food": "hunger",
    "physical injury": "injury",
    "bruising": "injury",
    "mark or injury": "injury",
    "neglect appearance": "appearance",
    "hygiene": "appearance",
    "emotional wellbeing": "emotional",
    "mental health": "emotional",
    "physical": "physical_abuse",
    "emotional abuse": "emotional_abuse",
    "sexual": "sexual_abuse",
    "neglect": "neglect",
    "domestic abuse": "domestic_abuse",
    "domestic violence": "domestic_abuse",
    "domestic violence and abuse": "domestic_abuse",
    "dv": "domestic_abuse",
    "da": "domestic_abuse",
    "dva": "domestic_abuse",
    "cse": "sexual_exploitation",
    "child sexual exploitation": "sexual_exploitation",
    "child sexual exploitation cse": "sexual_exploitation",
    "cce": "criminal_exploitation",
    "child criminal exploitation": "criminal_exploitation",
    "child criminal exploitation cce": "criminal_exploitation",
    "county lines": "county_lines",
    "child on child abuse": "child_on_child_abuse",
    "child on child": "child_on_child_abuse",
    "peer on peer abuse": "child_on_child_abuse",
    "peer on peer": "child_on_child_abuse",
    "sexual violence and sexual harassment": "child_on_child_abuse",
    "online safety": "online_safety",
    "e safety": "online_safety",
    "esafety": "online_safety",
    "self harm": "self_harm",
    "missing from education": "missing_education",
    "children missing education": "missing_education",
    "child missing education": "missing_education",
    "children missing from education": "missing_education",
    "cme": "missing_education",
    "children absent from education": "missing_education",
    "radicalisation prevent": "radicalisation",
    "prevent": "radicalisation",
    "radicalisation and extremism": "radicalisation",
    "extremism": "radicalisation",
    "radicalization": "radicalisation",
    "female genital mutilation": "fgm",
    "female genital mutilation fgm": "fgm",
    "honour based abuse": "honour_based_abuse",
    "so called honour based abuse": "honour_based_abuse",
    "hba": "honour_based_abuse",
    "forced marriage": "honour_based_abuse",
    "serious violence": "serious_violence",
    "modern slavery": "modern_slavery",
    "private fostering": "private_fostering",
    "young carer": "young_carer",
    "young carers": "young_carer",
    "low level concern": "low_level_concern",
    "low level concerns": "low_level_concern",
}

#: How a form names a category where its own name, spaced and capitalised, is not what a
#: practitioner reads in KCSIE.
_DISPLAY: Final[dict[str, str]] = {
    "sexual_exploitation": "Child sexual exploitation (CSE)",
    "criminal_exploitation": "Child criminal exploitation (CCE)",
    "child_on_child_abuse": "Child-on-child abuse",
    "self_harm": "Self-harm",
    "missing_education": "Children missing education",
    "fgm": "Female genital mutilation (FGM)",
    "honour_based_abuse": "So-called honour-based abuse",
    "low_level_concern": "Low-level concern",
}

LABELS: Final[dict[str, str]] = {c.replace("_", " "): c for c in CONCERN_CATEGORIES} | _LABELS


def normalise_label(label: str) -> str:
    """Lower case, full stops and apostrophes dropped, other punctuation read as a space.

    "Child-on-child abuse", "Peer on peer abuse", "Child Sexual Exploitation (CSE)",
    "Radicalisation / Prevent", "D.A." and "Neglect - Hunger" then meet the table however they
    are spelt.
    """
    squeezed = re.sub(r"[.'\u2019]", "", label.casefold())
    return " ".join(re.sub(r"[^\w]+|_", " ", squeezed).split())


#: Parent headings logs put before a category ("Safeguarding - Physical abuse", "Child
#: Protection > Neglect"): the category is the label after it.
_PARENTS: Final = re.compile(
    r"^(?:safeguarding(?: concerns?)?|child protection|welfare(?: concerns?)?) (?=\w)"
)


def concern_category(label: str) -> str | None:
    """The category a log's label names, under a parent heading or not; None when alarmbell
    does not know it."""
    normalised = normalise_label(label)
    return LABELS.get(normalised) or LABELS.get(_PARENTS.sub("", normalised))


def category_display(category: str) -> str:
    """The words a form shows for a category: "Sexual abuse", "Child-on-child abuse"."""
    return _DISPLAY.get(category) or category.replace("_", " ").capitalize()
