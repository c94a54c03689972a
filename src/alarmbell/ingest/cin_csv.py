"""`cin-csv`: the Children in Need census as a CSV template, for councils without the XML to hand.

One row per step of an episode (referral, assessment, section 47, conference, plan, review,
closure), in the census's own item names and codes, so the same case-system report that feeds
the return can feed this. Rows are grouped by child (LEA + LAchildID) and episode
(CINreferralDate) and mapped by the same code as the XML (cin/model.py), with the same source
ids. A bad row is rejected alone; the child's other rows are kept.
See docs/formats/cin-csv.md.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from alarmbell.domain.codes import canonical_code, word_code
from alarmbell.domain.referrers import referrer_class
from alarmbell.ingest.base import FieldError, ParsedLine, Problems, RowErrors, SourceProgress, Warning_
from alarmbell.ingest.cin.model import (
    CATEGORIES,
    CATEGORY_WORDS,
    CLOSURE_REASONS,
    FACTORS,
    GENDERS,
    PRIMARY_NEEDS,
    REFERRAL_SOURCE_WORDS,
    REFERRAL_SOURCES,
    Assessment,
    CinChild,
    CinPlan,
    Episode,
    ProtectionPlan,
    Section47,
    child_units,
)
from alarmbell.ingest.code_values import read_as
from alarmbell.ingest.convert import Record, RecordSink, rejected
from alarmbell.ingest.csv_row import Columns
from alarmbell.ingest.tabular import (
    Row,
    column_key,
    missing_columns,
    read_rows,
    well_formed_upn,
    with_format_problems,
)

REQUIRED: Final[tuple[str, ...]] = ("lea", "lachildid", "cinreferraldate", "step", "date")
#: Steps' short names in case systems (`S47`, `ICPC`, `RCPC`), read as the step.
STEP_WORDS: Final[dict[str, str]] = {
    "S47": "section_47",
    "S47 enquiry": "section_47",
    "Section 47 enquiry": "section_47",
    "ICPC": "initial_cpc",
    "RCPC": "cp_review",
    "Review CPC": "cp_review",
    "CIN": "cin_plan",
    "Child protection plan": "cp_plan",
    "Child in need plan": "cin_plan",
}
STEPS: Final[tuple[str, ...]] = (
    "referral",
    "assessment",
    "cin_plan",
    "section_47",
    "initial_cpc",
    "cp_plan",
    "cp_review",
    "closure",
)
CHILD_COLUMNS: Final[tuple[str, ...]] = (
    "upn",
    "upnunknown",
    "personbirthdate",
    "expectedpersonbirthdate",
    "gendercurrent",
    "persondeathdate",
    "ethnicity",
    "disabilities",
)


def _code(row: Row, key: str, allowed: frozenset[str] | dict[str, str], what: str) -> str:
    value = row.required(key, what).upper()
    if value not in allowed:
        raise FieldError(row.name(key), f"{value!r} is not {what}", "one of " + " ".join(sorted(allowed)))
    return value


def _date(row: Row, key: str, *, required: bool = False) -> str | None:
    return row.date(key, required=required)


def _factors(row: Row) -> list[str]:
    text = row.text("factors") or ""
    codes = [c.upper() for c in re.split(r"[\s;,]+", text) if c]
    for code in codes:
        if code not in FACTORS:
            raise FieldError(
                row.name("factors"),
                f"{code!r} is not a census factor code",
                "codes such as 3B 16A, space-separated",
            )
    return codes


def _child_cells(row: Row) -> tuple[str, ...]:
    return tuple(row.cells.get(k, "").strip() for k in CHILD_COLUMNS)


@dataclass
class _Child:
    child: CinChild
    cells: tuple[str, ...]
    episodes: dict[str, Episode] = field(default_factory=dict)


def _new_child(row: Row) -> CinChild:
    upn = row.text("upn")
    gender = row.text("gendercurrent")
    if gender is not None and gender.upper() not in GENDERS:
        raise FieldError(row.name("gendercurrent"), f"{gender!r}", "1, 2, 0 or 9 (or M, F, U)")
    return CinChild(
        line=row.line_no,
        lea=_lea(row),
        la_child_id=row.required("lachildid", "the council's id for the child"),
        upn=well_formed_upn(upn, row.name("upn")) if upn else None,
        upn_unknown=row.text("upnunknown"),
        dob=_date(row, "personbirthdate"),
        expected_dob=_date(row, "expectedpersonbirthdate"),
        sex=GENDERS.get((gender or "").upper()),
        death_date=_date(row, "persondeathdate"),
        ethnicity=row.text("ethnicity"),
        disabilities=(row.text("disabilities") or "").split(),
    )


def _lea(row: Row) -> str:
    lea = row.required("lea", "the council's 3-digit LEA code")
    if not re.fullmatch(r"\d{3}", lea):
        raise FieldError(row.name("lea"), f"{lea!r}", "the council's 3-digit LEA code")
    return lea


def _primary_need(row: Row) -> str | None:
    need = row.text("primaryneed")
    if need is not None and need.upper() not in PRIMARY_NEEDS:
        raise FieldError(row.name("primaryneed"), f"{need!r}", "N0 to N9")
    return need


def _referral(row: Row, episode: Episode) -> None:
    """Every cell is checked, each bad one said, before the episode changes."""
    problems = Problems()
    source = problems.read(_code, row, "code", REFERRAL_SOURCES, "a referral source code")
    need = problems.read(_primary_need, row)
    nfa = bool(problems.read(row.yes_no, "nfa"))
    problems.raise_any()
    episode.line, episode.has_referral, episode.source = row.line_no, True, source
    episode.primary_need, episode.nfa = (need.upper() if need else None), nfa


def _assessment(row: Row, episode: Episode, at: str) -> None:
    problems = Problems()
    end, factors = problems.read(_date, row, "enddate"), problems.read(_factors, row)
    problems.raise_any()
    episode.assessments.append(Assessment(row.line_no, at, end, factors or []))


def _cin_plan(row: Row, episode: Episode, at: str) -> None:
    episode.cin_plans.append(CinPlan(row.line_no, at, _date(row, "enddate")))


def _section_47(row: Row, episode: Episode, at: str) -> None:
    problems = Problems()
    target, held = problems.read(_date, row, "icpctarget"), problems.read(_date, row, "icpcdate")
    not_required = bool(problems.read(row.yes_no, "icpcnotrequired"))
    problems.raise_any()
    episode.enquiries.append(
        Section47(row.line_no, at, icpc_target=target, icpc_date=held, icpc_not_required=not_required)
    )


def category_words(row: Row, warnings: list[Warning_]) -> Row:
    """A plan row whose categories are written as the census guide's words (`Neglect`,
    `Physical abuse`) with its codes in their place, each said; other values are left for `_plan`."""
    return _census_words(
        row, ("code", "latestcategory"), lambda text: word_code(text, CATEGORY_WORDS), warnings
    )


def source_words(row: Row, warnings: list[Warning_]) -> Row:
    """A referral row whose source is written as the census guide's words (`Neighbour`,
    `Police`, `Anonymous`), or as a relative (`Maternal grandmother`: 1A, family, read by
    domain/referrers), with its code in their place, said; other values are left for `_referral`."""
    return _census_words(row, ("code",), _source_code, warnings)


def _source_code(written: str) -> str | None:
    return word_code(written, REFERRAL_SOURCE_WORDS) or (
        "1A" if referrer_class(written) == "family" else None
    )


def _census_words(
    row: Row, keys: tuple[str, ...], code_of: Callable[[str], str | None], warnings: list[Warning_]
) -> Row:
    cells = {key: row.cells[key] for key in row.cells}
    for key in keys:
        written = row.text(key)
        code = code_of(written) if written is not None else None
        if code is not None:
            cells[column_key(key)] = code
            warnings.append(read_as(row.line_no, row.name(key), written, code))
    return replace(row, cells=Columns(cells))


def _latest_category(row: Row) -> str | None:
    latest = row.text("latestcategory")
    if latest is not None and latest.upper() not in CATEGORIES:
        raise FieldError(row.name("latestcategory"), f"{latest!r}", "one of " + " ".join(sorted(CATEGORIES)))
    return latest


def _plan(row: Row, episode: Episode, at: str) -> None:
    problems = Problems()
    initial = problems.read(_code, row, "code", CATEGORIES, "a category of abuse")
    latest = problems.read(_latest_category, row)
    previous = problems.read(row.integer, "previousplans", required=False)
    end = problems.read(_date, row, "enddate")
    problems.raise_any()
    assert initial is not None
    plan = ProtectionPlan(row.line_no, at, end, initial, (latest or initial).upper(), previous or 0)
    episode.plans.append(plan)


def _review(row: Row, episode: Episode, at: str) -> None:
    plans = [p for p in episode.plans if p.start <= at]
    if not plans:
        raise FieldError(
            row.name("date"),
            f"review on {at} comes before any cp_plan row of this episode",
            "the cp_plan row above its reviews",
        )
    plans[-1].reviews.append((row.line_no, at))


def _closure(row: Row, episode: Episode, at: str) -> None:
    episode.closure = (row.line_no, at, _code(row, "code", CLOSURE_REASONS, "a closure reason RC1-RC9"))


def _conference(row: Row, episode: Episode, at: str) -> None:
    episode.icpc = (row.line_no, at)


STEP_READERS: Final[dict[str, Callable[[Row, Episode, str], None]]] = {
    "assessment": _assessment,
    "cin_plan": _cin_plan,
    "section_47": _section_47,
    "initial_cpc": _conference,
    "cp_review": _review,
    "closure": _closure,
}


class CinCsvAdapter:
    name = "cin-csv"
    suffixes: tuple[str, ...] = (".cin.csv",)

    def read(
        self, path: Path, *, agency: str | None, progress: SourceProgress | None = None
    ) -> Iterator[ParsedLine]:
        children: dict[tuple[str, str], _Child] = {}
        raws: dict[int, bytes] = {}
        for row in read_rows(path, progress=progress, template=self.name):
            yield from row.notices
            warnings: list[Warning_] = []
            problem = _row_problem(row, children, warnings)
            if problem is not None:
                yield rejected(row.line_no, problem, row.raw)
            else:
                yield from warnings
                raws[row.line_no] = row.raw
        sink = RecordSink(agency)
        for entry in children.values():
            entry.child.episodes = list(entry.episodes.values())
            yield from _emit(entry.child, raws, sink)


def _row_problem(
    row: Row, children: dict[tuple[str, str], _Child], warnings: list[Warning_]
) -> FieldError | None:
    """Every problem of the row (RowErrors when several), or None once it is added to its child.

    Bad cells found as the file was read (dates, Yes/No, numbers) are reported with what the
    census's own checks find in the row's other cells, never only the first, as in police-csv."""
    problem = row.problem or missing_columns(row, REQUIRED)
    if problem is None:
        return _add(row, children, warnings)
    if not isinstance(problem, RowErrors) or missing_columns(row, REQUIRED) is not None:
        return problem
    return with_format_problems(problem, row, lambda rest: _raise(_add(rest, children, [], keep=False)))


def _raise(problem: FieldError | None) -> None:
    if problem is not None:
        raise problem


def _step(row: Row) -> str:
    written = row.required("step", "one of " + ", ".join(STEPS))
    # Case systems write `Section 47`, `CP Plan`, `Initial CPC`, or the short names `S47`, `ICPC`.
    step = canonical_code(written, STEPS) or word_code(written, STEP_WORDS)
    if step is None:
        raise FieldError(row.name("step"), f"{written!r}", "one of " + ", ".join(STEPS))
    return step


def _child_key(row: Row) -> tuple[str, str]:
    problems = Problems()
    lea = problems.read(_lea, row)
    child_id = problems.read(row.required, "lachildid", "the council's id for the child")
    problems.raise_any()
    assert lea is not None and child_id is not None
    return lea, child_id


def _add(
    row: Row, children: dict[tuple[str, str], _Child], warnings: list[Warning_], *, keep: bool = True
) -> FieldError | None:
    """The row read into its child's episode, or every problem found in it (RowErrors).

    A step reader changes its episode only once its own cells are good; a row with problems
    elsewhere, or only checked (not `keep`: it was rejected for its cells), has its step read on a
    copy of the episode, so a bad row leaves no trace."""
    problems = Problems()
    step = problems.read(_step, row)
    key = problems.read(_child_key, row)
    referral = problems.read(_date, row, "cinreferraldate", required=True)
    at = problems.read(_date, row, "date", required=True)
    entry = children.get(key) if key is not None else None
    if entry is None:
        entry = problems.read(lambda: _Child(_new_child(row), _child_cells(row)))
    elif (clash := _clash(row, entry)) is not None:
        problems.errors.append(clash)
    known = entry.episodes.get(referral) if entry is not None and referral is not None else None
    if known is not None and (problems.errors or not keep):  # a step read now must leave no trace
        known = copy.deepcopy(known)
    episode = known or Episode(row.line_no, referral or "", has_referral=False)
    # A review is placed in its episode: with no episode to look in, its placing is not judged.
    if step is not None and (step != "cp_review" or (key is not None and referral is not None)):
        problems.read(_read_step, step, row, episode, at or "", warnings)
    try:
        problems.raise_any()
    except FieldError as error:
        return error
    assert key is not None and entry is not None and referral is not None
    if not keep:
        return None
    children[key] = entry
    entry.episodes[referral] = episode
    return None


def _read_step(step: str, row: Row, episode: Episode, at: str, warnings: list[Warning_]) -> None:
    if step == "referral":
        _referral(source_words(row, warnings), episode)
    elif step == "cp_plan":
        _plan(category_words(row, warnings), episode, at)
    else:
        STEP_READERS[step](row, episode, at)


def _clash(row: Row, entry: _Child) -> FieldError | None:
    for key, mine, first in zip(CHILD_COLUMNS, _child_cells(row), entry.cells, strict=True):
        if mine and first and mine != first:
            return FieldError(
                row.name(key),
                f"{mine!r} differs from {first!r} on line {entry.child.line} for the same child",
                "the same child details on every row of a child",
            )
    return None


def _emit(child: CinChild, raws: dict[int, bytes], sink: RecordSink) -> Iterator[ParsedLine]:
    """The person on its own, then one unit per CSV row, so a record that fails validation loses
    only its own row (and a bad step on the child's first row does not lose the child)."""
    own, *episodes = child_units(child)
    yield from sink.unit(own.records, line_no=child.line, raw=raws.get(child.line, b""))
    by_line: dict[int, list[tuple[int, Record]]] = {}
    for unit in episodes:
        for line, record in unit.records:
            by_line.setdefault(line, []).append((line, record))
    for line, records in by_line.items():
        yield from sink.unit(records, line_no=line, raw=raws.get(line, b""))
