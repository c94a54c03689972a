"""DASH risk as police extracts carry it: answers, a score, a grade, on whichever rows the export put them.

Real extracts differ: the 27 answers on the victim's row; the whole form repeated on every row
of the occurrence; only a `DASH Score` or a risk grade column (the answers kept elsewhere); a
form's third answer "Don't know". Every row's DASH cells are read and checked, whatever the
person's role, and one form per occurrence is graded; the others are warned about if they differ.

Grading follows domain-facts.md: score = number of yes answers; 14 or more is high. The medium
line (10 or more) is common force practice, not a national rule (check locally). A recorded
grade may raise the grade from the answers or score, never lower it. No grade is ever computed
from zero answers: a form with no yes/no answer and no recorded score is `unknown`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Final

from alarmbell.domain.codes import word_code
from alarmbell.ingest.base import FieldError, Problems, Warning_
from alarmbell.ingest.code_values import read_as
from alarmbell.ingest.csv_row import NO, YES
from alarmbell.ingest.tabular import Row

QUESTIONS: Final[int] = 27
ANSWER_KEYS: Final[tuple[str, ...]] = tuple(f"q{n}" for n in range(1, QUESTIONS + 1))
HIGH_AT: Final[int] = 14
MEDIUM_AT: Final[int] = 10  # (check) force practice, not in the national DASH guidance
GRADES: Final[tuple[str, ...]] = ("standard", "medium", "high")
#: Columns holding the number of yes answers (score-only exports), by column key.
SCORE_KEYS: Final[tuple[str, ...]] = ("dash_score", "dash_total", "dash_total_score")
#: Columns holding a recorded grade: the officer's judgement or the system's final risk level.
GRADE_KEYS: Final[tuple[str, ...]] = (
    "dash_officer_grade",
    "dash_grade",
    "dash_risk",
    "dash_risk_level",
    "dash_risk_grade",
    "risk_grade",
    "risk_level",
)
#: An answer that was asked but not known, letters only ("Don't know", "Not known", "N/K").
UNKNOWN_ANSWERS: Final[frozenset[str]] = frozenset(
    {"dontknow", "donotknow", "notknown", "unknown", "dk", "nk"}
)
#: An answer written out as not asked ("Not asked", "N/A"): the same as a blank cell.
NOT_ASKED: Final[frozenset[str]] = frozenset({"notasked", "na"})
ANSWER_EXPECTED: Final[str] = "Yes, No or Don't know (or Y, N, Not known; blank when not asked)"
GRADE_EXPECTED: Final[str] = "one of " + ", ".join(GRADES)
#: Grades as officers and systems write them, read as the grade with a warning: written out
#: (`High Risk`), or shortened as forms and exports do (`H`, `Med`, `Std`; a DASH grade's
#: initial names only one of the three).
GRADE_WORDS: Final[dict[str, str]] = {
    **{g.title() + " Risk": g for g in GRADES},
    **{g[0].upper(): g for g in GRADES},
    "Med": "medium",
    "Med Risk": "medium",
    "Std": "standard",
    "Std Risk": "standard",
}


@dataclass(frozen=True)
class DashForm:
    """One row's DASH cells, checked; `answers` keeps True/False/None per question for comparison."""

    line_no: int
    role: str
    answers: tuple[bool | None, ...]
    unknown: int
    recorded_score: int | None
    recorded_grade: str | None
    first_column: str
    score_column: str
    grade_column: str

    @property
    def yes(self) -> int:
        return sum(1 for a in self.answers if a is True)

    @property
    def answered(self) -> int:
        return sum(1 for a in self.answers if a is not None)

    @property
    def has_answers(self) -> bool:
        return self.answered > 0 or self.unknown > 0

    def describe(self) -> str:
        """What the row holds, for a warning: `4 yes, 23 no` and any score or grade."""
        parts = [f"{self.yes} yes, {self.answered - self.yes} no"] if self.has_answers else []
        parts += [f"{self.unknown} not known"] if self.unknown else []
        parts += [f"score {self.recorded_score}"] if self.recorded_score is not None else []
        parts += [f"grade {self.recorded_grade}"] if self.recorded_grade else []
        return ", ".join(parts)

    def agrees_with(self, other: DashForm) -> bool:
        """Nothing on this row says otherwise: blanks agree (a grade repeated on every row, say)."""
        answers = all(a is None or a == b for a, b in zip(self.answers, other.answers, strict=False))
        unknown = not self.unknown or self.unknown == other.unknown
        score = self.recorded_score in (None, other.recorded_score)
        return answers and unknown and score and self.recorded_grade in (None, other.recorded_grade)


def computed_grade(score: int) -> str:
    if score >= HIGH_AT:
        return "high"
    return "medium" if score >= MEDIUM_AT else "standard"


def _answer(row: Row, key: str) -> bool | str | None:
    """True/False for yes/no, "unknown" for a don't-know spelling, None when blank."""
    value = row.text(key)
    if value is None:
        return None
    folded = value.lower()
    if folded in YES or folded in NO:
        return folded in YES
    letters = re.sub(r"[^a-z]", "", folded)
    if letters in UNKNOWN_ANSWERS:
        return "unknown"
    if letters in NOT_ASKED:
        return None
    raise FieldError(row.name(key), f"{value!r}", ANSWER_EXPECTED)


def _grade(row: Row, key: str, warnings: list[Warning_]) -> str | None:
    """The grade a cell records; `High Risk` is read as `high`, and said."""
    value = row.text(key)
    if value is None:
        return None
    folded = " ".join(value.lower().split())
    if folded in GRADES:
        return folded
    worded = word_code(value, GRADE_WORDS)
    if worded is None:
        raise FieldError(row.name(key), f"{value!r} is not a DASH grade", GRADE_EXPECTED)
    warnings.append(read_as(row.line_no, row.name(key), value, worded))
    return worded


def _score(row: Row, key: str, warnings: list[Warning_]) -> tuple[int | None, str | None]:
    """A score column holds a number of yes answers; some exports put the grade word there instead."""
    value = row.text(key)
    if value is None:
        return None, None
    if value.isascii() and value.isdigit() and int(value) <= QUESTIONS:
        return int(value), None
    if " ".join(value.lower().split()) in GRADES or word_code(value, GRADE_WORDS) is not None:
        return None, _grade(row, key, warnings)
    raise FieldError(
        row.name(key),
        f"{value!r} is not a DASH score",
        f"a whole number of yes answers, 0 to {QUESTIONS}, or a grade: Standard, Medium, High",
    )


def _highest(grades: Iterable[str | None]) -> str | None:
    known = [g for g in grades if g is not None]
    return max(known, key=GRADES.index) if known else None


def read_form(row: Row, role: str, warnings: list[Warning_]) -> DashForm | None:
    """The row's DASH cells, or None when it has none; bad cells raise FieldError (RowErrors when
    several), each naming its column."""
    problems = Problems()
    cells = [problems.read(_answer, row, key) for key in ANSWER_KEYS if key in row.names]
    scores = [
        (key, *(problems.read(_score, row, key, warnings) or (None, None)))
        for key in SCORE_KEYS
        if key in row.names
    ]
    grades = [(key, problems.read(_grade, row, key, warnings)) for key in GRADE_KEYS if key in row.names]
    problems.raise_any()
    score = next((s for _, s, _ in scores if s is not None), None)
    grade = _highest([g for _, _, g in scores] + [g for _, g in grades])
    answers = tuple(c if isinstance(c, bool) else None for c in cells)
    unknown = sum(1 for c in cells if c == "unknown")
    if not any(a is not None for a in answers) and not unknown and score is None and grade is None:
        return None
    grade_key = next((k for k, g in grades if g == grade), next((k for k, _, g in scores if g), ""))
    return DashForm(
        line_no=row.line_no,
        role=role,
        answers=answers,
        unknown=unknown,
        recorded_score=score,
        recorded_grade=grade,
        first_column=row.name(next(k for k in (*ANSWER_KEYS, *SCORE_KEYS, *GRADE_KEYS) if row.text(k))),
        score_column=row.name(next((k for k, s, _ in scores if s is not None), SCORE_KEYS[0])),
        grade_column=row.name(grade_key or GRADE_KEYS[0]),
    )


def choose_form(forms: list[DashForm], warnings: list[Warning_]) -> DashForm | None:
    """The occurrence's DASH: the victim's form (the highest, if several), else another row's, said so."""
    if not forms:
        return None
    victims = [f for f in forms if f.role == "victim"]
    chosen = max(victims or forms, key=lambda f: (GRADES.index(_score_grade(f) or "standard"), f.yes))
    chosen = _filled(chosen, forms)
    if not victims and chosen.has_answers:
        warnings.append(
            Warning_(
                chosen.line_no,
                chosen.first_column,
                f"DASH answers are on the {_role(chosen)}'s row, not the victim's: used for the occurrence",
            )
        )
    for form in forms:
        if form.line_no != chosen.line_no and not form.agrees_with(chosen):
            warnings.append(
                Warning_(
                    form.line_no,
                    form.first_column,
                    f"the DASH on the {_role(form)}'s row ({form.describe()}) differs from the one "
                    f"on line {chosen.line_no} ({chosen.describe()}): line {chosen.line_no} used",
                )
            )
    return chosen


def _filled(chosen: DashForm, forms: list[DashForm]) -> DashForm:
    """A score or grade the chosen row lacks, from the occurrence's other rows (often repeated there)."""
    score = chosen.recorded_score
    if score is None:
        score = next((f.recorded_score for f in forms if f.recorded_score is not None), None)
    grade = chosen.recorded_grade or _highest(f.recorded_grade for f in forms)
    grade_column = next((f.grade_column for f in forms if f.recorded_grade == grade), chosen.grade_column)
    return replace(chosen, recorded_score=score, recorded_grade=grade, grade_column=grade_column)


def _role(form: DashForm) -> str:
    return form.role.title()


def _score_grade(form: DashForm) -> str | None:
    score = _kept_score(form)
    return None if score is None else computed_grade(score)


def _kept_score(form: DashForm) -> int | None:
    """The recorded score or the yes count, the higher; None when neither says anything."""
    if form.recorded_score is None:
        return form.yes if form.answered else None
    return max(form.recorded_score, form.yes)


def _contradicts(form: DashForm) -> bool:
    """A recorded score below the yes answers given, or above what the unanswered ones could add."""
    if form.recorded_score is None or not form.answered:
        return False
    unanswered = len(form.answers) - form.answered
    return not form.yes <= form.recorded_score <= form.yes + unanswered


def dash_attrs(form: DashForm | None, *, domestic: bool, warnings: list[Warning_]) -> dict[str, Any]:
    """Event attrs for the occurrence's DASH; `dash_risk` `unknown` on a domestic kind without one."""
    if form is None:
        return {"dash_risk": "unknown"} if domestic else {}
    if _contradicts(form):
        warnings.append(
            Warning_(
                form.line_no,
                form.score_column,
                f"{form.recorded_score} contradicts the answers on this row ({form.yes} yes, "
                f"{form.answered - form.yes} no, {form.unknown} not known): the higher score, "
                f"{_kept_score(form)}, is kept",
            )
        )
    from_score = _score_grade(form)
    _check_recorded_grade(form, from_score, warnings)
    attrs: dict[str, Any] = {
        "dash_risk": _highest([from_score, form.recorded_grade]) or "unknown",
        "dash_score": _kept_score(form),
        "dash_answered": form.answered,
        "dash_unknown": form.unknown,
        "dash_computed_grade": computed_grade(form.yes) if form.answered else None,
        "dash_recorded_score": form.recorded_score,
        "dash_officer_grade": form.recorded_grade,
    }
    return {k: v for k, v in attrs.items() if v is not None and (k != "dash_unknown" or v)}


def _check_recorded_grade(form: DashForm, from_score: str | None, warnings: list[Warning_]) -> None:
    """Judgement can raise a grade, never lower it: a lower recorded grade is kept as an attr and said."""
    grade = form.recorded_grade
    if grade is None or from_score is None or GRADES.index(grade) >= GRADES.index(from_score):
        return
    source = "the answers give" if form.recorded_score is None else "the score gives"
    warnings.append(
        Warning_(
            form.line_no,
            form.grade_column,
            f"{grade} is below the {from_score} {source} ({_kept_score(form)} yes); "
            f"judgement can raise a grade, never lower it: {from_score} kept",
        )
    )
