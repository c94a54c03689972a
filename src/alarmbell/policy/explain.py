"""Plain-English explanations of findings and assessments.

Every alert must be explainable to a social worker without opening the policy: which agencies
recorded what, when, and about whom. Indicators may give their own sentence template (the
`explain` field); the placeholders are filled here from the evidence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime

from alarmbell.domain.alerts import Assessment
from alarmbell.domain.chronology import Chronology, ChronologyEntry
from alarmbell.domain.wording import agency_label, counted_kind, join_words, short_date, teams_sentence
from alarmbell.domain.wording import relation_label as _relation_words
from alarmbell.policy.hits import Hit
from alarmbell.policy.model import (
    AbsencePattern,
    AllOfPattern,
    AnyOfPattern,
    CoOccurrencePattern,
    Indicator,
    Pattern,
)

_DEFAULT_TEMPLATES = {
    "count": "{agencies} recorded {events} {about} {dates}{people}.",
    "distinct_agencies": "{n_agencies} agencies ({agencies}) recorded {events} {about} {dates}.",
    "co_occurrence": (
        "{agencies} recorded {events} {about} {dates}, and {context_agencies} recorded "
        "{context_events} {context_about} {context_dates}."
    ),
    "absence": "{agencies} recorded {events} {about} {dates}, and nothing expected followed "
    "within {days} days.",
    "trend": "{agencies} recorded {attr} falling from {from_value} to {to_value} {dates}.",
}


def format_date(moment: datetime) -> str:
    """`3 Feb 2010`: the form social workers write in chronologies."""
    return short_date(moment)


def first_name(chronology: Chronology) -> str:
    parts = chronology.display_name.split()
    return parts[0] if parts else "the child"


def _agencies(entries: Sequence[ChronologyEntry]) -> str:
    names = sorted({e.agency for e in entries})
    return join_words([agency_label(n) for n in names])


def _events(entries: Sequence[ChronologyEntry]) -> str:
    """`4 domestic incidents`, or `2 school concerns and 1 hunger observed` for mixed kinds."""
    counts = Counter(e.kind for e in entries)
    kinds = sorted(counts, key=lambda k: (-counts[k], k))
    return join_words([counted_kind(kind, counts[kind]) for kind in kinds])


def _dates(entries: Sequence[ChronologyEntry]) -> str:
    if not entries:
        return ""
    first = min(e.occurred_at for e in entries)
    last = max(e.occurred_at for e in entries)
    if first.date() == last.date():
        return f"on {format_date(first)}"
    return f"between {format_date(first)} and {format_date(last)}"


def _about(entries: Sequence[ChronologyEntry], child: str) -> str:
    own = any(e.is_own for e in entries)
    household = any(not e.is_own for e in entries)
    if own and household:
        return f"about {child} and the household"
    return "in the household" if household else f"about {child}"


def relation_label(relation: str) -> str:
    return _relation_words(relation)


def _people(entries: Sequence[ChronologyEntry], child: str) -> str:
    relations = sorted({e.relation for e in entries if e.relation})
    if not relations:
        return ""
    return f" (involving {child}'s {join_words([relation_label(r) for r in relations])})"


def _age_then(dob: date, moment: datetime) -> str:
    """`4 months old` or `3 years old` at `moment` (whole months under two years)."""
    months = (moment.year - dob.year) * 12 + moment.month - dob.month - (moment.day < dob.day)
    if months < 0:
        return ""
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''} old"
    return f"{months // 12} years old"


def _other_children(entries: Sequence[ChronologyEntry], chronology: Chronology) -> str:
    """`sibling Mia (4 months old then)`: which other child of the household the events were about.

    First names only, and the child's age at the first of their events: what a social worker
    needs to find the record, and nothing about the family beyond it.
    """
    found: dict[int, ChronologyEntry] = {}
    for entry in sorted(entries, key=lambda e: e.occurred_at):
        if entry.other_child is not None:
            found.setdefault(entry.other_child, entry)
    words = []
    for person_id, first in found.items():
        member = chronology.other_child(person_id)
        if member is None:
            words.append("another child of the household")
            continue
        name = member.display_name.split()[0] if member.display_name.split() else "a child"
        age = _age_then(member.dob, first.occurred_at) if member.dob is not None else ""
        words.append(f"{relation_label(member.relation)} {name}" + (f" ({age} then)" if age else ""))
    return join_words(words) or "another child of the household"


def _injuries(entries: Sequence[ChronologyEntry]) -> str:
    """` with a fracture and a bruise`: the injuries recorded on the events, or nothing."""
    found = sorted({str(e.attrs["injury"]) for e in entries if e.attrs.get("injury")})
    if not found:
        return ""
    words = ["an injury" if kind == "other" else _a(kind.replace("_", " ")) for kind in found]
    return " with " + join_words(words)


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _template_for(pattern: Pattern, hit: Hit) -> str:
    if isinstance(pattern, AnyOfPattern | AllOfPattern):
        if hit.detail:
            return _DEFAULT_TEMPLATES["trend"]
        return _DEFAULT_TEMPLATES["co_occurrence" if hit.context else "count"]
    return _DEFAULT_TEMPLATES[pattern.type]


def _days(pattern: Pattern) -> str:
    if isinstance(pattern, AbsencePattern | CoOccurrencePattern):
        return f"{round(pattern.within.total_seconds() / 86400)}"
    return ""


def template_values(indicator: Indicator, hit: Hit, chronology: Chronology) -> dict[str, str]:
    """The placeholder values a sentence template may use (see loader.TEMPLATE_FIELDS)."""
    child = first_name(chronology)
    evidence, context = list(hit.evidence), list(hit.context)
    n_agencies = len({e.agency for e in evidence})
    values = {
        "child": child,
        "n": str(len(evidence)),
        "events": _events(evidence),
        "agencies": _agencies(evidence),
        "n_agencies": str(n_agencies),
        "dates": _dates(evidence),
        "about": _about(evidence, child),
        "people": _people([*evidence, *context], child),
        "context_events": _events(context),
        "context_agencies": _agencies(context),
        "context_dates": _dates(context),
        "context_about": _about(context, child) if context else "",
        "days": _days(indicator.pattern),
        "attr": hit.detail.get("attr", "").replace("_", " "),
        "from_value": hit.detail.get("from_value", ""),
        "to_value": hit.detail.get("to_value", ""),
        "other_child": _other_children([*evidence, *context], chronology),
        "injuries": _injuries([e for e in [*evidence, *context] if e.other_child is not None] or evidence),
    }
    return values


def finding_sentence(indicator: Indicator, hit: Hit, chronology: Chronology) -> str:
    """One sentence naming agencies, dates and whose events, for one finding."""
    template = indicator.explain or _template_for(indicator.pattern, hit)
    sentence = template.format_map(template_values(indicator, hit, chronology))
    sentence = " ".join(sentence.split())
    return sentence[0].upper() + sentence[1:] if sentence else sentence


def explain(assessment: Assessment, chronology: Chronology) -> str:
    """A short paragraph for the whole alert: the level, why, and who should look."""
    child = chronology.display_name or "This child"
    level = assessment.level.value.upper()
    head = (
        f"{child} is rated {level} on {format_date(assessment.at)} "
        f"(score {assessment.score:g}, policy version {assessment.policy_version})."
    )
    if not assessment.findings:
        return f"{head} No early-warning indicator applies."
    parts = [head, f"{len(assessment.findings)} indicator(s) apply:"]
    parts.extend(f"{f.title}: {f.explanation}" for f in assessment.findings)
    if assessment.routes:
        parts.append(f"For review by: {teams_sentence(list(assessment.routes))}.")
    parts.append("These are signals for a practitioner to weigh, not a finding of harm.")
    return " ".join(parts)


def new_evidence_sentence(assessment: Assessment, news: Sequence[str]) -> str:
    """The opening of a re-notification: that it is new evidence, and which indicators it fed."""
    level = assessment.level.value
    titles = [
        f.title.lower() if f.title[:2] != f.title[:2].upper() else f.title
        for f in assessment.findings
        if f.indicator_id in news
    ]
    return f"New evidence on {'an' if level == 'amber' else 'a'} {level} child: {join_words(titles)}."
