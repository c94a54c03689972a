"""The Children in Need census, as data: a child, its episodes and their steps, and their records.

Both census adapters (`cin-xml` and `cin-csv`) fill these dataclasses and share one mapping to
the exchange format, so a council that switches from the CSV template to the XML return keeps
the same source ids. The mapping follows ../shared/formats/cin-census/README.md ("Mapping
onto the exchange format"); every source id is derived from the data (council, child id and
dates), never from positions in the file, so a yearly snapshot re-imported, or next year's
return repeating an open episode, creates nothing new; a step that gained facts (factors on a
now-authorised assessment) becomes a new version of the same record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from alarmbell.ingest.convert import Record

AGENCY = "children_social_care"

REFERRAL_SOURCES: Final[dict[str, str]] = {
    **dict.fromkeys(("1A", "1B", "1C", "1D"), "other"),
    **dict.fromkeys(("2A", "2B"), "education"),
    **dict.fromkeys(("3A", "3B", "3C", "3D", "3E", "3F"), "health"),
    "4": "housing",
    **dict.fromkeys(("5A", "5B", "5C", "5D"), "other"),
    "6": "police",
    **dict.fromkeys(("7", "8", "9", "10"), "other"),
}
#: The census guide's names for referral sources (domain-facts.md), as case systems write them.
#: "Member of the public" is not here: the guide splits it between 1B and 1D.
REFERRAL_SOURCE_WORDS: Final[dict[str, str]] = {
    **dict.fromkeys(("Family", "Family member", "Relative", "Individual - family member"), "1A"),
    **dict.fromkeys(("Acquaintance", "Neighbour", "Neighbor", "Friend", "Child minder", "Childminder"), "1B"),
    **dict.fromkeys(("Self", "Self referral", "Self-referral"), "1C"),
    "Other individual": "1D",
    **dict.fromkeys(("School", "Schools"), "2A"),
    "Education services": "2B",
    "GP": "3A",
    "Health visitor": "3B",
    "School nurse": "3C",
    "Other primary health services": "3D",
    **dict.fromkeys(("A&E", "A and E", "Emergency department", "ED"), "3E"),
    "Other health services": "3F",
    "Housing": "4",
    "Police": "6",
    "Other legal agency": "7",
    "Anonymous": "9",
    "Unknown": "10",
}
FACTORS: Final[frozenset[str]] = frozenset(
    "1A 1B 1C 2A 2B 2C 3A 3B 3C 4A 4B 4C 5A 5B 5C 6A 6B 6C 7A 8B 8C 8D 8E 8F 9A 10A 11A 12A 13A "
    "14A 15A 16A 17A 18A 18B 18C 19A 19B 19C 20 21 22A 23A 24A".split()
)
CATEGORIES: Final[frozenset[str]] = frozenset({"NEG", "PHY", "SAB", "EMO", "MUL"})
#: The census guide's names for the categories of abuse, as case systems and staff write them.
CATEGORY_WORDS: Final[dict[str, str]] = {
    "Neglect": "NEG",
    "Physical abuse": "PHY",
    "Emotional abuse": "EMO",
    "Sexual abuse": "SAB",
    "Multiple": "MUL",
}
CLOSURE_REASONS: Final[frozenset[str]] = frozenset(f"RC{n}" for n in range(1, 10))
PRIMARY_NEEDS: Final[frozenset[str]] = frozenset(f"N{n}" for n in range(10))
GENDERS: Final[dict[str, str]] = {"1": "M", "2": "F", "0": "U", "9": "X", "M": "M", "F": "F", "U": "U"}
YES: Final[frozenset[str]] = frozenset({"true", "1", "yes", "y"})


@dataclass
class Assessment:
    line: int
    start: str
    authorised: str | None = None
    factors: list[str] = field(default_factory=list)


@dataclass
class CinPlan:
    line: int
    start: str
    end: str | None = None


@dataclass
class Section47:
    line: int
    start: str
    icpc_target: str | None = None
    icpc_date: str | None = None
    icpc_not_required: bool = False


@dataclass
class ProtectionPlan:
    line: int
    start: str
    end: str | None
    initial_category: str
    latest_category: str
    previous: int
    reviews: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Episode:
    line: int
    referral_date: str
    source: str | None = None
    primary_need: str | None = None
    nfa: bool = False
    has_referral: bool = True
    closure: tuple[int, str, str | None] | None = None  # line, date, reason
    icpc: tuple[int, str] | None = None
    assessments: list[Assessment] = field(default_factory=list)
    cin_plans: list[CinPlan] = field(default_factory=list)
    enquiries: list[Section47] = field(default_factory=list)
    plans: list[ProtectionPlan] = field(default_factory=list)


@dataclass
class CinChild:
    line: int
    lea: str
    la_child_id: str
    upn: str | None = None
    former_upn: str | None = None
    upn_unknown: str | None = None
    dob: str | None = None
    expected_dob: str | None = None
    sex: str | None = None
    death_date: str | None = None
    ethnicity: str | None = None
    disabilities: list[str] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    #: The last episode's referral date as sent, even when that episode is quarantined, so the
    #: death event's id does not move when the episode is corrected (None: the last kept one's).
    last_referral_date: str | None = None

    @property
    def key(self) -> str:
        return f"cin:{self.lea}:{self.la_child_id}"


def is_yes(text: str | None) -> bool:
    return (text or "").strip().lower() in YES


def person_record(child: CinChild) -> Record:
    """The census names no one: the child is carried by UPN, date of birth and sex."""
    person: Record = {
        "type": "person",
        "agency": AGENCY,
        "source_id": child.key,
        "names_withheld": True,
        "upn": child.upn,
        "dob": child.dob,
        "sex": child.sex,
        "role_hint": "child",
        "la_child_id": child.la_child_id,
        "lea": child.lea,
        "former_upn": child.former_upn,
        "upn_unknown": child.upn_unknown,
        "expected_dob": child.expected_dob,
        "ethnicity": child.ethnicity,
        "disabilities": child.disabilities,
        "death_date": child.death_date,
    }
    return {k: v for k, v in person.items() if v not in (None, [])}


class _Events:
    """Builds one child's events, keeping every source id unique within the child."""

    def __init__(self, child: CinChild) -> None:
        self.child = child
        self.out: list[tuple[int, Record]] = []
        self.used: set[str] = set()

    def add(
        self, line: int, episode: Episode, kind: str, at: str, attrs: Record, recorded: str | None = None
    ) -> None:
        base = f"{self.child.key}:{episode.referral_date}:{kind}" + ("" if kind == "referral" else f":{at}")
        source_id, n = base, 1
        while source_id in self.used:
            n += 1
            source_id = f"{base}:{n}"
        self.used.add(source_id)
        event: Record = {
            "type": "event",
            "agency": AGENCY,
            "source_id": source_id,
            "kind": kind,
            "occurred_at": at,
            "subjects": [self.child.key],
            "attrs": {k: v for k, v in attrs.items() if v is not None},
        }
        if recorded:
            event["recorded_at"] = recorded
        self.out.append((line, event))


def referral_outcome(episode: Episode) -> str | None:
    """NFA, or the furthest step the episode reached (README mapping)."""
    reason = episode.closure[2] if episode.closure else None
    if episode.nfa:
        return "nfa"
    if episode.plans:
        return "cp_plan"
    if episode.enquiries:
        return "s47"
    if reason == "RC9":
        return "early_help"
    return "assessment" if episode.assessments else None


@dataclass
class Unit:
    """Records that stand or fall together: the child (person, and death if any), or one episode.

    An episode whose records do not all validate is quarantined alone; the child and its other
    episodes are kept.
    """

    episode: Episode | None
    records: list[tuple[int, Record]]


def child_units(child: CinChild) -> list[Unit]:
    """The child's own unit first, then one unit per episode, in file order."""
    events = _Events(child)
    episodes: list[Unit] = []
    for episode in child.episodes:
        start = len(events.out)
        _episode_events(events, episode)
        episodes.append(Unit(episode, events.out[start:]))
    start = len(events.out)
    if child.death_date:
        kept = child.episodes[-1].referral_date if child.episodes else child.death_date
        last = Episode(child.line, child.last_referral_date or kept)
        events.add(
            child.line, last, "other", child.death_date, {"event": "death", "census_item": "PersonDeathDate"}
        )
    return [Unit(None, [(child.line, person_record(child)), *events.out[start:]]), *episodes]


def child_records(child: CinChild) -> list[tuple[int, Record]]:
    """(line, record) pairs: the person first, then every step of every episode."""
    return [pair for unit in child_units(child) for pair in unit.records]


def _episode_events(events: _Events, episode: Episode) -> None:
    if episode.has_referral:
        events.add(
            episode.line,
            episode,
            "referral",
            episode.referral_date,
            {
                "from_agency": REFERRAL_SOURCES.get(episode.source or ""),
                "referral_source": episode.source,
                "primary_need": episode.primary_need,
                "outcome": referral_outcome(episode),
            },
        )
    for assessment in episode.assessments:
        factors = assessment.factors if assessment.authorised else None
        attrs = {"factors": factors, "authorised_at": assessment.authorised}
        events.add(assessment.line, episode, "assessment", assessment.start, attrs, assessment.authorised)
    for plan in episode.cin_plans:
        events.add(
            plan.line, episode, "family_support", plan.start, {"plan": "cin_plan", "ended_at": plan.end}
        )
    _protection_events(events, episode)
    if episode.closure:
        line, at, reason = episode.closure
        outcome = {"RC8": "nfa", "RC9": "early_help"}.get(reason or "", "closed")
        events.add(line, episode, "case_closed", at, {"reason_for_closure": reason, "outcome": outcome})


def _protection_events(events: _Events, episode: Episode) -> None:
    conferences: dict[str, tuple[int, str]] = {}
    for enquiry in episode.enquiries:
        outcome = "no_icpc" if enquiry.icpc_not_required else ("icpc" if enquiry.icpc_date else None)
        attrs = {
            "icpc_target": enquiry.icpc_target,
            "icpc_date": enquiry.icpc_date,
            "icpc_not_required": enquiry.icpc_not_required,
            "outcome": outcome,
        }
        events.add(enquiry.line, episode, "section_47", enquiry.start, attrs)
        if enquiry.icpc_date:
            conferences.setdefault(enquiry.icpc_date, (enquiry.line, "initial"))
    if episode.icpc:
        conferences.setdefault(episode.icpc[1], (episode.icpc[0], "initial"))
    for plan in episode.plans:
        start = {"category": plan.initial_category, "previous_plans": plan.previous}
        events.add(plan.line, episode, "cp_plan_start", plan.start, start)
        if plan.end:
            events.add(plan.line, episode, "cp_plan_end", plan.end, {"category": plan.latest_category})
        for line, review in plan.reviews:
            conferences.setdefault(review, (line, "review"))
    for at, (line, conference) in sorted(conferences.items()):
        events.add(line, episode, "cp_conference", at, {"conference": conference})
