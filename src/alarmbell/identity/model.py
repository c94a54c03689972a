"""The probabilistic linkage model as data: comparisons, blocking rules, training rules, bands.

Nothing here imports Splink. `splink_runner` compiles a `ModelSpec` into Splink settings for
whichever backend runs it (DuckDB here, Spark on a cluster), and a `TrainedModel` carries the
estimated m and u probabilities and the thresholds of the three bands in a versioned JSON file
that ships inside the package (identity/models/), so a small dataset links without training.

SQL conditions are written in DuckDB's dialect with double-quoted identifiers; Splink's sqlglot
layer translates them for Spark. Values are never formatted into SQL: only column names from
this module.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from alarmbell.domain.errors import ServiceError

LevelKind = Literal["null", "exact", "groups", "jaro_winkler", "sql", "else"]
MODEL_FORMAT = "alarmbell-linkage-model/1"
SHIPPED_MODEL = "person-v1.json"


@dataclass(frozen=True, slots=True)
class Level:
    """One comparison level.

    `fixed_m` pins m: evidence we will not let EM learn away (pitfall 6). `prior_m` and `prior_u`
    stand in where training saw no example of the level (synthetic data has no sex errors, for
    instance, but real records do): without them an unseen level would weigh near-infinite bits.
    `veto`: a pair at this level never links automatically, whatever its probability. "review"
    sends it to a human when its probability reaches the lower band (two different valid NHS
    numbers: one may be mistyped); "apart" keeps it out of the queue too (a wholly different given
    name with everything else agreeing is, overwhelmingly, twins). Either outweighs any sum of
    agreeing fields, which conditional independence would otherwise let a household reach.
    """

    label: str
    kind: LevelKind
    column: str = ""
    threshold: float = 0.0
    sql: str = ""
    fixed_m: float | None = None
    prior_m: float | None = None
    prior_u: float | None = None
    veto: Literal["", "review", "apart"] = ""
    #: Adjust an exact agreement by how common the value is in the run's own records (Splink's
    #: term-frequency adjustment): a rare name agreeing is stronger evidence than a common one.
    term_frequency: bool = False
    #: For a "groups" level, a second column with each record's wider groups (a double given
    #: name's first part too: "Lacey-Mae" also reads as "Lacey"). The level then holds when one
    #: record's own groups meet the other's wider ones, never when only the wider ones meet:
    #: "Lacey-Mae" and "Lacey" are one girl written two ways, "Lacey-Mae" and "Lacey-Jo" are
    #: twin sisters, not a known variant of each other.
    wider: str = ""


@dataclass(frozen=True, slots=True)
class Comparison:
    name: str
    title: str
    levels: tuple[Level, ...]


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """The shape of a model: what is compared, how candidates are blocked, what EM trains on."""

    id: str
    rationale: str
    comparisons: tuple[Comparison, ...]
    blocking_rules: tuple[tuple[str, ...], ...]
    training_rules: tuple[tuple[str, ...], ...]
    deterministic_rules: tuple[tuple[str, ...], ...]
    #: Blocking rules for pairs in which at least one record has no date of birth. Names alone
    #: are too broad a block at a million records (every pair of John Smiths), but for a record
    #: without a date of birth (a tax form, a referral naming a sibling) they are all there is.
    undated_blocking_rules: tuple[tuple[str, ...], ...] = ()
    #: Blocking rules across two columns, each `(left, right, shared)`: one record's `left`
    #: equals the other's `right` (either way round) and `shared` agrees. They find given and
    #: family name the wrong way round when a typo in one name also changes its Soundex code, so
    #: that `names_code` no longer agrees: the "given and family transposed" level accepts such
    #: a pair, but no other rule would put it in front of the model.
    crossed_blocking_rules: tuple[tuple[str, str, str], ...] = ()

    def fingerprint(self) -> str:
        """A hash of the spec: a trained model only loads against the spec it was trained for."""
        text = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def comparison(self, name: str) -> Comparison:
        return next(c for c in self.comparisons if c.name == name)


#: Given and family name the wrong way round: one name crosses exactly and the other at least
#: sounds the same (Soundex), or each crosses within one keystroke (`_KEYSTROKE`), so a swap
#: that also carries a typo in either or both names is still seen as a swap. The noise model
#: (docs/synthetic.md) applies keying and phonetic errors to each name separately, so a swap
#: and a typo are independent events. Twins cannot reach this level: their given names would
#: both have to be within a keystroke of their shared family name.
_KEYSTROKE = 'damerau_levenshtein("{a}", "{b}") <= 1'
_CROSSED = (
    '("given_l" = "family_r" AND "family_code_l" = "given_code_r") '
    'OR ("family_l" = "given_r" AND "given_code_l" = "family_code_r") '
    f"OR ({_KEYSTROKE.format(a='given_l', b='family_r')} "
    f"AND {_KEYSTROKE.format(a='family_l', b='given_r')})"
)


def _names(column: str, title: str, *, veto_on_different: bool) -> Comparison:
    groups = f"{column}_groups"
    return Comparison(
        name=f"{column}_name",
        title=title,
        levels=(
            Level("missing", "null", column),
            Level("exact", "exact", column, term_frequency=True),
            # Given and family name the wrong way round (`_CROSSED`): a pair reaches this
            # level in both comparisons, as an exact pair reaches "exact" in both. The prior m
            # (no training data holds a swap) is a plausible clerical-error rate, u a rough
            # chance that two people's names cross.
            Level("given and family transposed", "sql", sql=_CROSSED, prior_m=0.01, prior_u=1e-4),
            Level(
                "known variant",
                "groups",
                groups,
                prior_m=0.01,
                prior_u=5e-4,
                wider=f"{column}_wider_groups" if column == "given" else "",
            ),
            Level("Jaro-Winkler >= 0.92", "jaro_winkler", column, 0.92),
            Level("Jaro-Winkler >= 0.80", "jaro_winkler", column, 0.80),
            Level("different", "else", veto="apart" if veto_on_different else ""),
        ),
    )


_TRANSPOSED = '"dob_y_l" = "dob_y_r" AND "dob_m_l" = "dob_d_r" AND "dob_d_l" = "dob_m_r"'
#: One record holds only part of a date of birth (the year and month, or the year: an age
#: rather than a date), so the full-date levels below cannot be reached; what it has still
#: counts, as agreement or, years off, as evidence against (the generation veto holds).
_PARTIAL = '("dob_l" IS NULL OR "dob_r" IS NULL)'
_PARTIAL_MONTH = f'{_PARTIAL} AND "dob_y_l" = "dob_y_r" AND "dob_m_l" = "dob_m_r"'
_PARTIAL_YEAR = f'{_PARTIAL} AND "dob_y_l" = "dob_y_r"'
#: Years a keyed date of birth may be off and still be one person rather than a parent and child
#: (see `_KEYED_YEAR`): no parent is within this many years of their child's age (the synthetic
#: generator's mothers are at least 17 at a first birth).
KEYED_YEAR_SPAN = 10
KEYED_YEAR_LABEL = "year one keystroke off"
#: The same day and month, a year off by one keystroke (one digit wrong, or two adjacent digits
#: swapped: 2013 for 2018, 2003 for 2013, 2031 for 2013) and under a generation apart. Keying
#: errors are in the noise model (`dob_wrong_digit`); a sibling with the same birthday in a year
#: one keystroke away is a 1-in-365 coincidence, and twins share the date and differ in given
#: name (that veto still holds). A keyed year a generation off stays "years apart": a
#: Junior/Senior pair with the same birthday looks exactly like it.
_KEYED_YEAR = (
    '"dob_m_l" = "dob_m_r" AND "dob_d_l" = "dob_d_r" '
    f'AND abs("dob_y_l" - "dob_y_r") <= {KEYED_YEAR_SPAN} '
    f"AND {_KEYSTROKE.format(a='dob_l', b='dob_r')}"
)
_ONE_OFF = (
    '("dob_y_l" = "dob_y_r" AND ("dob_m_l" = "dob_m_r" OR "dob_d_l" = "dob_d_r")) '
    'OR ("dob_m_l" = "dob_m_r" AND "dob_d_l" = "dob_d_r" AND abs("dob_y_l" - "dob_y_r") <= 1)'
)
_NEAR = 'abs("dob_y_l" - "dob_y_r") <= 3'
#: The full postcode (spaces removed) one keystroke off: one character wrong, added or dropped,
#: or two adjacent characters swapped ("CV2 5LA" keyed as "CV3 5LA" or "CV5 2LA"). A slip in the
#: last character stays in the sector and reaches "same sector" first; this level catches the
#: slips that cross the sector or district (the noise model's `postcode_keyed`). Ordered before
#: "same district": a neighbouring district's postcode one key away is likelier a slip than a
#: neighbour (random pairs of records reach it about 7 times in a million). Its priors stand in
#: only where training sees no example (EM on a deployment's records); the shipped m and u are
#: trained on the synthetic keying errors.
POSTCODE_KEYED_LABEL = "one keystroke off"
_KEYED_POSTCODE = _KEYSTROKE.format(a="postcode_l", b="postcode_r")

#: No level may claim that fewer than 1 in 1,000 true pairs show it (bounds every negative weight).
MIN_M = 0.001
#: Pinned m for the levels that say "two people": at most about 1 in 1,000 true pairs show them.
STRONG_AGAINST_M = 0.001

PERSON_V1 = ModelSpec(
    id="person-v1",
    rationale=(
        "Person-level model for England's agency records: names folded and compared through a "
        "variant table and Jaro-Winkler; date of birth exact, transposed, one field off, near, or "
        "years apart (pinned strong evidence against, so a parent and child of the same name stay "
        "apart); postcode full, sector, one keystroke off, district; NHS number and UPN only when "
        "check digits hold, a difference pinned as strong evidence against; sex; child or adult role."
    ),
    comparisons=(
        _names("given", "Given name", veto_on_different=True),
        _names("family", "Family name", veto_on_different=False),
        Comparison(
            "dob",
            "Date of birth",
            (
                Level("missing", "null", "dob_y"),
                Level("exact", "exact", "dob"),
                Level("partial: year and month agree", "sql", sql=_PARTIAL_MONTH, prior_m=0.01),
                Level("partial: year agrees", "sql", sql=_PARTIAL_YEAR, prior_m=0.008),
                Level("day and month transposed", "sql", sql=_TRANSPOSED),
                Level("one field off", "sql", sql=_ONE_OFF, prior_m=0.005),
                Level("within 3 years", "sql", sql=_NEAR, prior_m=0.002),
                Level(KEYED_YEAR_LABEL, "sql", sql=_KEYED_YEAR, prior_m=0.0015, prior_u=2e-4),
                Level("years apart", "else", fixed_m=STRONG_AGAINST_M, veto="review"),
            ),
        ),
        Comparison(
            "sex",
            "Sex",
            (Level("missing", "null", "sex"), Level("same", "exact", "sex"), Level("different", "else")),
        ),
        Comparison(
            "postcode",
            "Postcode",
            (
                Level("missing", "null", "postcode"),
                Level("same postcode", "exact", "postcode"),
                Level("same sector", "exact", "sector", prior_m=0.01, prior_u=2e-4),
                Level(POSTCODE_KEYED_LABEL, "sql", sql=_KEYED_POSTCODE, prior_m=0.01, prior_u=1e-4),
                Level("same district", "exact", "district"),
                Level("different", "else"),
            ),
        ),
        Comparison(
            "nhs",
            "NHS number",
            (
                Level("missing or invalid", "null", "nhs"),
                Level("same", "exact", "nhs"),
                Level("different valid numbers", "else", fixed_m=STRONG_AGAINST_M, veto="review"),
            ),
        ),
        Comparison(
            "upn",
            "UPN",
            (
                Level("missing or invalid", "null", "upn"),
                Level("same", "exact", "upn", prior_m=0.95, prior_u=1e-6),
                Level("different valid UPNs", "else", fixed_m=STRONG_AGAINST_M, veto="review"),
            ),
        ),
        Comparison(
            "role",
            "Child or adult",
            (Level("missing", "null", "role"), Level("same", "exact", "role"), Level("different", "else")),
        ),
    ),
    # Each rule is tight enough to stay near linear at a million records; together they are
    # chosen for recall (measured in benchmarks/linkage_synthetic.py, "blocking recall"). No
    # rule needs a field that a whole source may lack (sex; a date of birth, through
    # `undated_blocking_rules`): a source that records names only (tax forms) is still compared
    # on names, and `names_code` (Soundex of both names, sorted) finds pairs whose names are
    # both misspelt or entered the wrong way round.
    blocking_rules=(
        ("nhs",),
        ("upn",),
        ("given_key", "dob_sorted"),
        ("family_key", "dob_sorted"),
        ("names_code", "dob_sorted"),
        ("given_key", "family_key", "dob_y"),
        ("postcode", "given_key"),
        ("postcode", "dob_sorted"),
        ("postcode", "family_key"),
        ("postcode", "names_code"),
        ("dob_sorted", "district"),
        ("given_key", "family_key", "district"),
    ),
    # Person-level rules only (pitfall 1): each pins down one person, never a household.
    undated_blocking_rules=(("given_key", "family_key"),),
    crossed_blocking_rules=(("given_key", "family_key", "dob_sorted"),),
    training_rules=(("nhs",), ("given_key", "dob"), ("family_key", "dob")),
    deterministic_rules=(("nhs",), ("upn",), ("given", "family", "dob")),
)

SPECS: dict[str, ModelSpec] = {PERSON_V1.id: PERSON_V1}


@dataclass(frozen=True, slots=True)
class Bands:
    """Match probability bands: link at or above `upper`, review in [lower, upper), no link below."""

    upper: float
    lower: float
    chosen_by: str = ""


@dataclass
class TrainedModel:
    """A spec plus what training estimated; serialised as the versioned JSON that ships."""

    spec: ModelSpec
    version: str
    probability_two_random_records_match: float
    parameters: dict[str, list[dict[str, float | None]]]
    bands: Bands
    trained_on: str
    created_at: str
    measured: dict[str, Any] = field(default_factory=dict)
    #: How many records the prior (probability two random records match) was estimated on.
    reference_records: int = 0

    def prior_for(self, records: int) -> float:
        """The prior for a run over `records` records.

        Each person has about the same number of records whatever the population, so the chance
        that two random records match falls as 1/N: at a million records the prior estimated on
        30,000 would overstate it 33-fold and flood the review band with strangers who share a
        common name. It is only ever scaled down: a small case keeps the trained prior, which
        is the cautious choice for a household's worth of look-alike records.
        """
        lam = self.probability_two_random_records_match
        if self.reference_records and records > self.reference_records:
            return lam * self.reference_records / records
        return lam

    @property
    def decided_by(self) -> str:
        return f"alarmbell splink model {self.version}"

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "version": self.version,
            "spec": self.spec.id,
            "spec_fingerprint": self.spec.fingerprint(),
            "trained_on": self.trained_on,
            "created_at": self.created_at,
            "probability_two_random_records_match": self.probability_two_random_records_match,
            "reference_records": self.reference_records,
            "bands": asdict(self.bands),
            "parameters": self.parameters,
            "measured": self.measured,
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


class ModelError(ServiceError):
    """A model file that does not fit this version of alarmbell."""


def model_from_json(data: dict[str, Any]) -> TrainedModel:
    if data.get("format") != MODEL_FORMAT:
        raise ModelError(f"not an alarmbell linkage model (format {data.get('format')!r})")
    spec = SPECS.get(data["spec"])
    if spec is None:
        raise ModelError(f"unknown model spec {data['spec']!r}; this alarmbell knows {sorted(SPECS)}")
    if data["spec_fingerprint"] != spec.fingerprint():
        raise ModelError(
            f"model {data['version']} was trained for a different {spec.id} spec "
            "(comparisons or blocking changed): retrain with `alarmbell identity train`"
        )
    bands = data["bands"]
    return TrainedModel(
        spec=spec,
        version=data["version"],
        probability_two_random_records_match=data["probability_two_random_records_match"],
        parameters=data["parameters"],
        bands=Bands(bands["upper"], bands["lower"], bands.get("chosen_by", "")),
        trained_on=data["trained_on"],
        created_at=data["created_at"],
        measured=data.get("measured", {}),
        reference_records=int(data.get("reference_records", 0)),
    )


def load_model(path: Path | None = None) -> TrainedModel:
    """The model at `path`, or the one shipped with the package."""
    if path is not None:
        return model_from_json(json.loads(path.read_text(encoding="utf-8")))
    text = resources.files("alarmbell.identity").joinpath(f"models/{SHIPPED_MODEL}").read_text("utf-8")
    return model_from_json(json.loads(text))
