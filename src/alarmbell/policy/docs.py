"""Render docs/policy.md from the policy YAML, so the documentation cannot drift from the rules.

Run ``python -m alarmbell.policy.docs [OUTPUT]`` (default ``docs/policy.md``); a test fails when
the committed file differs from what this renders.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from alarmbell.domain.health_services import KNOWN_NEED_TYPES, SERVICE_TYPES
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.domain.wording import kind_in_sentence
from alarmbell.policy.loader import default_policy
from alarmbell.policy.model import (
    AbsencePattern,
    AgenciesPattern,
    AllOfPattern,
    Condition,
    CoOccurrencePattern,
    CountPattern,
    Indicator,
    Match,
    Pattern,
    Policy,
    Selector,
    Story,
    TrendPattern,
)

_WHOSE = {
    "own": "the child's own",
    "household": "household adults'",
    "any": "the child's or household adults'",
    "household_child": "another household child's own",
    "twin": "the child's twin's own",
}
_OPS = {
    "equals": "is",
    "in": "is one of",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
    "contains": "includes",
    "contains_any": "includes any of",
    "region_in": "names a body region among",
    "regions_at_least": "names at least this many body regions:",
    "regions_beyond": "is not recorded, or names a body region other than",
    "service_in": "names a service type among",
    "explanation_in": "reads as an explanation that is",
    "referrer_in": "reads as a referral from",
    "describes": "describes one of",
}


def days(value: timedelta) -> str:
    count = round(value.total_seconds() / 86400)
    return "1 day" if count == 1 else f"{count} days"


def _condition(c: Condition) -> str:
    if c.op in ("is_true", "is_false", "is_not_false", "exists", "returned_home"):
        words = {
            "is_true": "is true",
            "is_false": "is false",
            "exists": "is recorded",
            "returned_home": "says the child returned home from care",
        }
        word = words.get(c.op, "is not recorded as false")
        return f"`{c.attr}` {word}"
    if c.op == "contains_any":
        value = ", ".join(f'"{word}"' for word in c.value)
    else:
        value = ", ".join(map(str, c.value)) if isinstance(c.value, tuple) else c.value
    return f"`{c.attr}` {_OPS[c.op]} {value}"


def _selector(s: Selector) -> str:
    kinds = ", ".join(kind_in_sentence(k) for k in sorted(s.kinds)) or "any kind"
    text = f"{_WHOSE[s.whose]} events ({kinds})"
    if s.involvement != "any":
        text += f" where the person is the {s.involvement}"
    parts = [_condition(c) for c in s.where]
    whom = "that child" if s.whose in ("household_child", "twin") else "the child"
    if s.age_from is not None:
        parts.append(f"{whom} was born" if not s.age_from else f"{whom} was at least {days(s.age_from)} old")
    if s.age_under is not None:
        parts.append(f"{whom} was under {days(s.age_under)} old")
    return text + (" where " + " and ".join(parts) if parts else "")


def describe_match(match: Match) -> str:
    return " or ".join(_selector(s) for s in match)


def describe_pattern(p: Pattern) -> str:
    """A one-paragraph plain-English summary of a pattern, for the docs."""
    if isinstance(p, CountPattern):
        span = f" within {days(p.span)} of each other" if p.span else ""
        return f"at least {p.at_least} of: {describe_match(p.match)}{span}"
    if isinstance(p, AgenciesPattern):
        span = f" within {days(p.span)} of each other" if p.span else ""
        return f"{p.at_least} or more different agencies recorded {describe_match(p.match)}{span}"
    if isinstance(p, CoOccurrencePattern):
        ended = f", unless ended by {describe_match(p.ended_by)}" if p.ended_by else ""
        when = {"before": "in the", "after": "in the", "either": "within"}[p.when]
        side = {"before": " before it", "after": " after it", "either": " of it"}[p.when]
        return (
            f"{describe_match(p.event)}, with {describe_match(p.context)} "
            f"{when} {days(p.within)}{side}{ended}"
        )
    if isinstance(p, AbsencePattern):
        return (
            f"{describe_match(p.trigger)}, with no {describe_match(p.expected)} "
            f"in the {days(p.within)} after it"
        )
    if isinstance(p, TrendPattern):
        amount = (
            f"{p.falls_by_share:.0%} of its highest earlier value" if p.falls_by_share else f"{p.falls_by:g}"
        )
        return f"`{p.attr}` fell by {amount} or more across {describe_match(p.match)}"
    if isinstance(p, AllOfPattern):
        return "all of: " + "; ".join(f"({describe_pattern(s)})" for s in p.patterns)
    return "any of: " + "; ".join(f"({describe_pattern(s)})" for s in p.patterns)


def _indicator(ind: Indicator, stories: dict[str, Story]) -> list[str]:
    decay = f"half-life {days(ind.half_life)}" if ind.half_life else "none"
    lines = [
        f"### {ind.title} (`{ind.id}`)",
        "",
        ind.description,
        "",
        f"- **Pattern:** {describe_pattern(ind.pattern)}.",
        f"- **Weight:** {ind.weight:g}",
        f"- **Window:** the last {days(ind.window)}",
        f"- **Decay:** {decay}",
    ]
    if ind.min_level is not None:
        lines.append(f"- **Minimum level:** {ind.min_level.value} while it applies")
    if ind.routes:
        lines.append(f"- **Also routed to:** {', '.join(ind.routes)}")
    if ind.story is not None:
        story = stories[ind.story]
        lines.append(
            f"- **Story:** [{story.title}](#story-{story.id}): counted with the story's other "
            f"indicators, at most {story.max_weight:g} together"
        )
    lines += [f"- **Why:** {ind.rationale}", f"- **Source:** {ind.source}", ""]
    return lines


def _stories(policy: Policy) -> list[str]:
    """Indicators that read one story count together at most the story's weight."""
    if not policy.stories:
        return []
    lines = [
        "## Stories",
        "",
        "Some indicators read the same records from different sides. Indicators that tell one",
        "story count together, heaviest first, at most the story's weight; an alert still names",
        "every one of them and its records.",
        "",
    ]
    for story in policy.stories.values():
        members = [f"`{i.id}`" for i in policy.indicators if i.story == story.id]
        lines += [
            f'### <a id="story-{story.id}"></a>{story.title} (`{story.id}`)',
            "",
            f"- **Indicators:** {', '.join(members)}",
            f"- **At most:** {story.max_weight:g} together",
            f"- **Why:** {story.rationale}",
            f"- **Source:** {story.source}",
            "",
        ]
    return lines


_INTRO = """\
# Early-warning policy

Generated from `src/alarmbell/policy/policies/*.yaml` by `python -m alarmbell.policy.docs`;
do not edit by hand (a test fails when this file is stale).

Policy `{id}` ({title}), version `{version}` (sha256 of its files, first 12 hex digits).
Every finding and alert records this version.

## How a child is assessed

- Only what was recorded by the moment of assessment counts (`recorded_at` <= that moment).
  Windows and decay are measured on when things happened (`occurred_at`).
- Each indicator that applies contributes its weight, halved every half-life since its
  latest supporting event (for "nothing happened" indicators, since the deadline passed).
- The score is the sum. Level: **green** below {amber:g}, **amber** from {amber:g},
  **red** from {red:g}. Some indicators force a minimum level while they apply.
- Routing: {routing}.
- Only children are assessed: under 18 by date of birth, or recorded as a child when the
  date of birth is unknown. An unborn child is assessed from 30 weeks before the birth (the
  antenatal booking NICE NG201 advises by 10 weeks of pregnancy, when a pre-birth
  assessment becomes possible), so a replay raises nothing about a child years before the
  birth. Household adults' events reach a child through the child's chronology.
- An alert is raised each time a child's level rises (green to amber, amber to red, green to
  red), including a rise after decay had lowered it.
- A child already amber or red is alerted again ("new evidence on a red child") when an
  indicator applies that did not at the previous moment. New evidence that only feeds an
  indicator already applying alerts again only when the child has no open work item (no alert
  yet, or the last item was decided); while the item is open it is added to the item instead
  (docs/triage.md, "New evidence on a child already in work").
"""

_SCHEMA = """\
## How indicators are written

One YAML file, or a folder of them; exactly one holds the `policy:` header.

```yaml
policy: {id, title, levels: {amber: 10, red: 25}, routing: {amber: [mash], red: [mash]}}
indicators:
  - id: snake_case_id
    title: Short title
    description: Plain English for a social worker.
    rationale: {text: Why it matters., source: Where the evidence is.}
    pattern: {type: count, match: <selector or list of selectors>, at_least: 1, span: 365d}
    weight: 10
    window: 365d            # durations: 30d, 6w, 6m, 1y
    decay: {half_life: 180d}  # or: none
    min_level: amber        # optional
    route: [team]           # optional, added to the level's routing
    explain: "{agencies} recorded {events} {about} {dates}{people}."  # optional
```

Pattern types: `count` (at least N matching events, optionally within a span),
`distinct_agencies` (N different agencies, optionally within a span), `co_occurrence`
(an `event` with a `context` event `within` a time `before`/`after`/`either`, voided by an
`ended_by` event in between), `absence` (a `trigger` with no `expected` event `within` a
time after it), `trend` (a numeric `attr` falling by `falls_by`, or by `falls_by_share` of its
highest earlier value: 0.05 is 5%), `any_of` (`patterns`: fires
when any fires) and `all_of` (`patterns`: fires only when every one fires in the window).
A selector has `kinds` (event kinds; empty means any), `whose` (`own`, `household` for the
household adults', `any` for either; `household_child` for the own events of another child of
the household, a sibling or a child of a parent or parent's partner, and `twin` for a twin's:
no other selector reads another child's events), `involvement` (`subject`, `other`, `any`; not
with `household_child` or `twin`), `age_under` (a duration: the child's age at the event, or
for another child's events that child's age), `age_from` (the age from which events count;
`0d` means from birth, leaving out the months before it, when an expected baby is already
assessed) and
`where`: a list of
conditions `{attr: name, <op>: value}` with op one of `equals`, `in`, `is_true`, `is_false`,
`is_not_false` (missing, or anything but false), `exists`, `lt`, `le`, `gt`, `ge`, `contains`,
`contains_any`, `region_in`, `regions_at_least`, `regions_beyond`, `service_in`, `explanation_in`,
`referrer_in`, `describes` and `returned_home`.
Text is compared as a reader compares it (`alarmbell.domain.recorded_text`): `equals` and `in`
ignore case, spaces, underscores and hyphens ("High", "Physical abuse", "fixed-term"), and
`contains` means the words start a word of the text, or of one of a list's texts ("supply" is in
"Possession with intent to supply", "3A" is not in "13A"); `contains_any` takes a list of such
words (`{attr: offence, contains_any: [assault, bodily harm, wounding]}`) and holds when any of
them does. `explanation_in` reads an injury's
`explanation` (the professional's judgement) or `explanation_given` (the carer's words) through
`alarmbell.domain.explanations` and takes the classes `absent` ("none", "unknown", "N/K", "Mum
not sure how it happened", "unable to explain"), `unsuitable` ("inconsistent with the injury",
"implausible", "changing account") and `suitable`; an account the words do not classify is none
of them. `referrer_in` reads a referral's `from_agency` or `referral_source` through
`alarmbell.domain.referrers` and takes `family` ("1A", "Maternal grandmother", "Aunt", "child's
father") and `community` ("1B", "9", "neighbour", "family friend", "anonymous caller");
professionals and services ("Family Support Worker", "mother and baby unit") are neither.
`describes` reads free text, the attr and its plural (`concern` and `concerns`), for the injuries
and signs it reports (`bruise`, `burn`, `fracture`, `laceration`, `bite`, `hunger`, `weight_loss`,
`violence`, `left_alone`, `treatment_withheld`, `trusted_adult_relationship`) through
`alarmbell.domain.described_signs`: "Bruising to face and eye
seen at contact" and "black eye" describe a bruise, "cuts to left forearm" a laceration and "bite
mark on arm" a bite (a cut or bite only where the words say where on the body: not "cut off
contact"), "# L) radius" a fracture (`#` only before a bone), "taking food from other children"
hunger, "concerns: weight loss" and "failure to thrive" weight loss, "assault on mother by
partner" or "punched her" violence (not "DV" alone or "punched a wall"), "toddler found home
alone" a child left alone (not "mum left alone with the baby"), "parents refused consent to
treatment for the newborn" or "did not seek medical advice" medical care withheld (not a refused
vaccination, nor "mother declined treatment for her depression"), "she and her maths teacher
were seen holding hands" an intimate relationship with an adult in a position of trust (not
"good relationship with her teacher"); "no bruising", "no visible marks
or bruises", "no concerns about weight loss" and "no physical violence" do not. `region_in`
and `regions_at_least` read a body site as agencies write it (free text such as "L ear" or
"behind ear", a body-map id, or a list; the attr and its plural, `site` and `sites`) through
`alarmbell.domain.body_sites`: `region_in` takes region names (torso, ear, neck, frenulum,
angle_of_jaw, cheek, eyelid, subconjunctiva, buttocks, genitals, head, forehead, face, mouth,
shin, knee, elbow and others) or `ten4_faces` for the TEN-4-FACESp regions. `regions_beyond`
holds unless every region the site names is among those given, so an injury whose site is not
recorded or not understood still counts; `everyday_accident` names the knees, shins, forehead
and elbows, where walking children bruise by accident. `returned_home: true` reads recorded
words or a looked-after return's code through `alarmbell.domain.care_endings` for a child going
back to live with their parents after care ("Returned home to mother's care", "reunified with
birth parents", "placement with parents", the SSDA903 reasons E4A and E4B); a return planned,
considered or refused, and a child coming home after going missing ("return home interview"),
are not one. `service_in` reads
the attr (a missed appointment's `service`) as agencies write it ("Paediatric OPD", "GP /
paediatric follow-up", "CAMHS appt", "Orthopaedic f/u", "SALT") through
`alarmbell.domain.health_services`, and takes the service types below.
"""


def _service_types() -> str:
    """The health-service vocabulary, from the module itself so the list cannot drift."""
    rows = [
        f"| `{name}` | {label} | {'yes' if name in KNOWN_NEED_TYPES else 'no (routine)'} |"
        for name, label in SERVICE_TYPES.items()
    ]
    return "\n".join(
        [
            "### Health service types (`service_in`)",
            "",
            "Free text naming no type below gives none: an unknown service never counts as a known",
            'need. A bare "dental" or "dentist" is a routine check-up; only words for treatment',
            "(treatment, decay, caries, extraction, fillings) make it dental treatment. Text naming",
            'two services gives both ("GP / paediatric follow-up": gp and paediatrics).',
            "",
            "| Type | Covers | A known health need |",
            "| --- | --- | --- |",
            *rows,
            "",
        ]
    )


_FAIRNESS = """\
## Fairness: what the policy never reads

No indicator reads a family's ethnicity, religion, nationality, language, disability,
immigration status or income, nor proxies for them such as the use of an interpreter or
how much English someone speaks, nor the Children in Need factor codes for disability or
unaccompanied asylum seeking. The loader rejects any condition on such an attr, and a test
scans the policy files for them.

The reason is the record of predictive screening tools. The Allegheny Family Screening
Tool was criticised for opacity and for bias by association: families were scored on who
they were and which public services they used, not on what had happened to the child.
Eckerd Rapid Safety Feedback flagged thousands of children while missing deaths, and
machine-learning models trialled in four English councils did not work well enough to use
(What Works for Children's Social Care, 2020). alarmbell's indicators therefore describe
events about the child and the adults around the child (incidents, injuries, hunger, missed
appointments, agencies' concerns), every alert names the records behind it in plain
English, and the decision stays with a practitioner.
"""


def render(policy: Policy) -> str:
    """The whole of docs/policy.md for `policy`."""
    routing = "; ".join(
        f"{level.value} to {', '.join(policy.routing[level])}"
        for level in (AlertLevel.AMBER, AlertLevel.RED)
        if level in policy.routing
    )
    intro = _INTRO.format(
        id=policy.id,
        title=policy.title,
        version=policy.version,
        amber=policy.amber,
        red=policy.red,
        routing=routing or "none configured",
    )
    lines = [intro, "## Indicators", ""]
    for indicator in policy.indicators:
        lines += _indicator(indicator, policy.stories)
    lines += _stories(policy)
    return "\n".join([*lines, _SCHEMA, _service_types(), _FAIRNESS]).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    target = Path(args[0] if args else "docs/policy.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(default_policy()), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
