"""Who lives with the child, on the person page: a family diagram and the same people as a list.

MASH analysts triage alerts but cannot read reviews, so the review's diagram alone left the people
who decide on an alert without a picture of who lives with the child. This draws one with the
review's own code (presentation/genogram.py) from the person page *after* it has been cut to what
the viewer may see (web/scoping.py): the household rows left to them, names as their agency
recorded them, and counts of the chronology rows they may see. Nobody and nothing else is read,
so the diagram can show no more than the page does. A person whose page the viewer may not open
is drawn and listed without a link.

When an adult joined is the date of the chronology's "new adult in household" fact
(domain/household_facts.py); parents are there from the start. No record says when someone left,
so the page does not say so.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from alarmbell.domain.household_facts import KIND as JOINED_KIND
from alarmbell.domain.wording import kind_in_sentence
from alarmbell.presentation import Relative, layout_genogram, long_date, render_genogram
from alarmbell.web.pages.person import ChronologyRow, HouseholdRow, PersonPage

#: What the diagram's dashed outline means on the person page.
OUTLINE: Final = "Lives with the child"
#: Kinds of record counted for an adult before the rest are summed as "other records".
SHOWN_COUNTS: Final = 3


@dataclass(frozen=True, slots=True)
class HouseholdPerson:
    """One related person as the diagram and the list show them."""

    person_id: int
    name: str
    relation: str
    lives_with: bool
    #: "Joined the household 3 Mar 2010", "13 domestic incidents", "born 4 Jun 2009".
    notes: tuple[str, ...]
    #: Their own page, or None when the viewer may not open it.
    href: str | None
    recorded_by: tuple[str, ...]
    #: The relation kind and sex the diagram draws.
    kind: str
    sex: str | None
    row: HouseholdRow


def household_people(page: PersonPage) -> tuple[HouseholdPerson, ...]:
    """The page's household rows with what the viewer may see recorded about each."""
    joined = joined_dates(page.chronology)
    counts = record_counts(page.chronology)
    people = []
    for row in page.household:
        notes = [f"Joined the household {joined[row.person_id]}"] if row.person_id in joined else []
        if row.role.lower() == "child" and row.dob is not None:
            notes.append(f"Born {long_date(row.dob)}")
        notes += counts.get(row.person_id, [])
        people.append(
            HouseholdPerson(
                person_id=row.person_id,
                name=row.name,
                relation=row.relation,
                lives_with=row.lives_with,
                notes=tuple(notes),
                href=None if row.restricted else f"/people/{row.person_id}",
                recorded_by=row.recorded_by,
                kind=row.kind,
                sex=row.sex,
                row=row,
            )
        )
    return tuple(people)


def joined_dates(rows: Sequence[ChronologyRow]) -> dict[int, str]:
    """Each adult's first "new adult in household" fact among the rows the viewer may see."""
    out: dict[int, str] = {}
    for row in rows:
        if row.kind == JOINED_KIND and row.about_person_id is not None:
            out.setdefault(row.about_person_id, row.date_label)
    return out


def record_counts(rows: Sequence[ChronologyRow]) -> dict[int, list[str]]:
    """ "13 domestic incidents", most first, per adult, from the rows the viewer may see."""
    kinds: dict[int, Counter[str]] = defaultdict(Counter)
    roles: dict[int, Counter[tuple[str, str]]] = defaultdict(Counter)
    for row in rows:
        if row.about_person_id is not None and not row.own and row.kind != JOINED_KIND:
            kinds[row.about_person_id][row.kind] += 1
        for person_id, role in set(row.named):
            roles[person_id][(role, row.kind)] += 1
    out: dict[int, list[str]] = {}
    for person_id in {*kinds, *roles}:
        named = sorted(roles[person_id].items(), key=lambda item: (-item[1], item[0]))
        lines = [f"Named as {role} in {counted(n, kind)}" for (role, kind), n in named[:SHOWN_COUNTS]]
        ranked = sorted(kinds[person_id].items(), key=lambda item: (-item[1], item[0]))
        lines += [counted(n, kind) for kind, n in ranked[:SHOWN_COUNTS]]
        rest = sum(n for _, n in ranked[SHOWN_COUNTS:])
        if rest:
            lines.append(f"{rest} other record" + ("" if rest == 1 else "s"))
        out[person_id] = lines
    return out


def counted(n: int, kind: str) -> str:
    """ "1 maternity record", "13 domestic incident records": a kind's label is not always a
    countable noun (wording.counted_kind would say "2 maternities"), and records are what they are."""
    return f"{n} {kind_in_sentence(kind)} record" + ("" if n == 1 else "s")


def draws_household(page: PersonPage, people: Sequence[HouseholdPerson]) -> bool:
    """The diagram is drawn around a child (parents above, siblings beside); an adult's page,
    where the relations run the other way ("child of mother"), lists them only."""
    return bool(people) and page.summary.role.lower() == "child"


def household_svg(page: PersonPage, people: Sequence[HouseholdPerson]) -> str:
    """The diagram (escaped by render_genogram; safe to embed)."""
    s = page.summary
    child_lines = [f"Born {long_date(s.dob)}"] if s.dob else []
    relatives = [
        Relative(p.person_id, p.name, p.kind, p.sex, p.row.dob, p.lives_with, p.notes, p.href) for p in people
    ]
    layout = layout_genogram((s.name, s.sex, s.dob), child_lines, relatives)
    home = [p.name for p in people if p.lives_with]
    return render_genogram(
        layout,
        title=f"Who lives with {s.first_name}",
        description=f"{len(people)} related people; living with {s.first_name}: "
        + (", ".join(home) or "none recorded")
        + ". The same people are listed after the diagram.",
        household=OUTLINE,
        sized=True,
    )
