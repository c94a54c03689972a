"""One CSV row: its cells by column, and the checked readings of them every CSV format uses.

Every error names the column as the file's own header spells it, quotes the bad value and says
what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from alarmbell.domain.codes import word_code
from alarmbell.domain.timeparse import parse_moment
from alarmbell.domain.yes_no import FLAG_WORDS
from alarmbell.ingest.base import FieldError, Warning_
from alarmbell.ingest.csv_dates import DATE_EXPECTED, read_date, read_moment, read_time
from alarmbell.ingest.csv_templates import KEYS, column_key

_UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
#: A Yes/No cell: the yes/no words of every format (domain/yes_no.py), and 1 or 0 as exports write them.
YES = frozenset({word for word, flag in FLAG_WORDS.items() if flag} | {"1"})
NO = frozenset({word for word, flag in FLAG_WORDS.items() if not flag} | {"0"})


class Columns(Mapping[str, str]):
    """Values by column, looked up by any spelling of the column (`concern_id`, `Concern ID`)."""

    def __init__(self, by_key: dict[str, str]) -> None:
        self._by_key = by_key

    def __getitem__(self, name: str) -> str:
        return self._by_key[column_key(name)]

    def get(self, name: str, default: Any = None) -> Any:  # hot: every cell of every row
        return self._by_key.get(KEYS.get(name) or column_key(name), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and column_key(name) in self._by_key

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_key)

    def __len__(self) -> int:
        return len(self._by_key)


@dataclass(frozen=True)
class Row:
    """One CSV record: its cells by column, where it starts in the file, and its raw bytes.

    `notices` are warnings about the file found by the time this row was read (its encoding,
    columns the template does not know); the adapter passes them on before the row's records.
    """

    line_no: int
    cells: Mapping[str, str]
    names: Mapping[str, str]
    raw: bytes
    problem: FieldError | None = None
    notices: tuple[Warning_, ...] = ()

    def name(self, key: str) -> str:
        """The column as the file's header spells it, for messages."""
        return self.names.get(key, key)

    def text(self, key: str, *, required: bool = False, expected: str = "a value") -> str | None:
        value = self.cells.get(key, "").strip()
        if value:
            return value
        if required:
            raise FieldError(self.name(key), "empty", expected)
        return None

    def required(self, key: str, expected: str = "a value") -> str:
        value = self.text(key, required=True, expected=expected)
        assert value is not None
        return value

    def date(self, key: str, *, required: bool = False) -> str | None:
        value = self.text(key, required=required, expected=DATE_EXPECTED)
        return None if value is None else read_date(value, self.name(key))

    def moment(self, date_key: str, time_key: str | None = None, *, required: bool = True) -> str | None:
        """A date column, with an optional separate time column, as an ISO date or date-time.

        A date cell may carry its own time; a separate time cell then only fills a midnight
        (exports write `00:00:00` for "no time") and must otherwise agree with it.
        """
        value = self.text(date_key, required=required, expected=DATE_EXPECTED)
        if value is None:
            return None
        moment = read_moment(value, self.name(date_key))
        clock_text = self.text(time_key) if time_key else None
        if clock_text is None or time_key is None:
            return moment
        clock = read_time(clock_text, self.name(time_key))
        if "T" not in moment or moment[11:] == "00:00:00":
            return f"{moment[:10]}T{clock}"
        if moment[11:19] == clock:
            return moment
        raise FieldError(
            self.name(time_key),
            f"{clock_text!r} differs from the time in {self.name(date_key)} {value!r}",
            "the same time in both, or the time in one of them",
        )

    def integer(self, key: str, *, required: bool = True, minimum: int = 0) -> int | None:
        value = self.text(key, required=required, expected="a whole number")
        if value is None:
            return None
        if not value.isascii() or not value.isdigit():
            raise FieldError(self.name(key), f"{value!r}", f"a whole number, {minimum} or more")
        number = int(value)
        if number < minimum:
            raise FieldError(self.name(key), f"{number}", f"a whole number, {minimum} or more")
        return number

    def number(self, key: str) -> float | None:
        """A decimal number (`8.6`, `112`), as a measurement column holds it; blank is None."""
        value = self.text(key)
        if value is None:
            return None
        if not _NUMBER.match(value):
            raise FieldError(self.name(key), f"{value!r}", "a number such as 8.6 (digits, one decimal point)")
        return float(value)

    def yes_no(self, key: str) -> bool | None:
        value = self.text(key)
        if value is None:
            return None
        folded = value.lower()
        if folded in YES:
            return True
        if folded in NO:
            return False
        raise FieldError(self.name(key), f"{value!r}", "Yes or No (or Y/N; blank when not known)")

    def upn(self, key: str = "upn", *, required: bool = True) -> str | None:
        value = self.text(key, required=required, expected="the pupil's 13-character UPN")
        return None if value is None else well_formed_upn(value, self.name(key))


def well_formed_upn(value: str, column: str) -> str:
    """The UPN in capitals, or an error when it is not 13 characters of a UPN's shape.

    Its check letter is not enforced here: a UPN that fails it is kept with a warning and never
    keys or matches the record (validate.py), the same in every format. The adapter keys the
    pupil by something else (school_concerns.pupil_key). Spaces are dropped: a UPN typed in
    groups (`B999 2015 00101`) is the same UPN.
    """
    upn = "".join(value.split()).upper()
    if not _UPN_SHAPE.match(upn):
        raise FieldError(
            column, f"{value!r}", "13 characters: a check letter, 11 digits, then a digit or letter"
        )
    return upn


def missing_columns(row: Row, required: tuple[str, ...]) -> FieldError | None:
    """A required column absent from the header: every row is rejected with the same message."""
    absent = [key for key in required if key not in row.names]
    if not absent:
        return None
    return FieldError(
        absent[0],
        "column missing from the header (line 1)",
        "a header with the columns " + ", ".join(required),
    )


def when(value: str) -> datetime:
    """For ordering only: an ISO date or date-time from `Row.moment`, as a UTC instant (a time
    with an offset and one without compare as the instants they are)."""
    return parse_moment(value)


SEXES_IN = {
    "m": "M",
    "male": "M",
    "f": "F",
    "female": "F",
    "x": "X",
    "indeterminate": "X",
    "u": "U",
    "unknown": "U",
    "not known": "U",
}


#: Words staff write for a sex in place of a code, read as the vocabulary's F or M with a
#: warning (csv_reader rewrites the cell, so the format reads the code).
SEX_WORDS: Final[dict[str, str]] = {"Woman": "F", "Girl": "F", "Man": "M", "Boy": "M"}


def sex_word(value: str) -> str | None:
    """The vocabulary's sex a staff word stands for (`Woman` -> `F`); None for anything else."""
    return word_code(value, SEX_WORDS)


def sex_in_words(written: str, values: tuple[str, ...]) -> str | None:
    """The sex of `values` that `Female`, `Male`, `Unknown` or a staff word (`Girl`) names, as a
    Gender column is read; the exchange format reads its `sex` this way too."""
    sex_code = SEXES_IN.get(written.strip().lower()) or sex_word(written)
    return sex_code if sex_code in values else None


def sex(row: Row, key: str) -> str | None:
    """Sex or gender as exports spell it (M, Male, F, Female...) mapped to the format's M/F/X/U."""
    value = row.text(key)
    if value is None:
        return None
    mapped = SEXES_IN.get(value.lower()) or sex_word(value)
    if mapped is None:
        raise FieldError(row.name(key), f"{value!r}", "M, F, X or U (or Male, Female, Unknown)")
    return mapped
