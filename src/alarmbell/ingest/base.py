"""What every format adapter produces, and the registry that picks an adapter for a file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from alarmbell.domain.codes import canonical_code
from alarmbell.domain.errors import ServiceError

T = TypeVar("T")


class FieldError(ServiceError):
    """A record failed validation: which field, what was wrong, what was expected."""

    def __init__(self, field: str, problem: str, expected: str | None = None) -> None:
        self.field = field
        self.problem = problem
        self.expected = expected
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.field}: {self.problem}" + (f" (expected {self.expected})" if self.expected else "")


class RowErrors(FieldError):
    """Every problem of one input row, so the sender fixes them in one pass; reads as the first."""

    def __init__(self, errors: list[FieldError]) -> None:
        first = errors[0]
        super().__init__(first.field, first.problem, first.expected)
        self.errors = errors


def errors_of(error: FieldError) -> list[FieldError]:
    """Each problem an error stands for: a RowErrors' every one, else itself."""
    return list(error.errors) if isinstance(error, RowErrors) else [error]


class Problems:
    """A row's problems gathered as each reading is tried, so the row reports all of them at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def read(self, reading: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """reading(*args, **kwargs), or None with its problems kept when it raises FieldError."""
        try:
            return reading(*args, **kwargs)
        except FieldError as error:
            said = {(e.field, e.problem) for e in self.errors}  # two readings of one cell say it once
            self.errors += [e for e in errors_of(error) if (e.field, e.problem) not in said]
            return None

    def raise_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise RowErrors(self.errors)


@dataclass(slots=True)
class ValidRecord:
    """A validated exchange-format record, ready for the store.

    `row` holds the current-table columns; `parties` the (person_source_id, involvement)
    pairs of an event. Not frozen, though nothing changes one: a frozen dataclass's __init__
    sets each field through object.__setattr__, several times slower, and a bulk load makes
    one per line (twice with worker processes).
    """

    record_type: str
    agency: str
    source_id: str
    content_hash: str
    row: dict[str, Any]
    line_no: int
    parties: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class RejectedLine:
    line_no: int
    field: str
    problem: str
    raw: bytes
    #: The row's further problems, (field, problem) each: a row reports all of them at once.
    also: tuple[tuple[str, str], ...] = ()

    def message(self, source: str) -> str:
        return f"{source}:{self.line_no}: {self.field}: {self.problem}"

    def messages(self, source: str) -> list[str]:
        """One message per problem, each with the file, line and field."""
        return [self.message(source)] + [f"{source}:{self.line_no}: {f}: {p}" for f, p in self.also]

    @property
    def all_problems(self) -> str:
        """The problem as quarantine keeps it: the first, then each further one on its own line."""
        return "\n".join([self.problem, *(f"{f}: {p}" for f, p in self.also)])


@dataclass(frozen=True, slots=True)
class Warning_:
    """Accepted, but worth telling the sender (an invalid NHS check digit, say)."""

    line_no: int
    field: str
    problem: str


ParsedLine = ValidRecord | RejectedLine | Warning_


@dataclass
class SourceProgress:
    """Bytes consumed so far, for progress bars."""

    total_bytes: int
    done_bytes: int = 0


class Adapter(Protocol):
    """Reads one file of some format and yields validated records or rejections, in file order."""

    name: str
    suffixes: tuple[str, ...]

    def read(
        self, path: Path, *, agency: str | None, progress: SourceProgress | None = None
    ) -> Iterator[ParsedLine]: ...


@dataclass
class AdapterRegistry:
    adapters: dict[str, Adapter] = field(default_factory=dict)

    def register(self, adapter: Adapter) -> None:
        self.adapters[adapter.name] = adapter

    def for_path(self, path: Path, format_name: str | None = None) -> Adapter:
        if format_name:
            name = canonical_code(format_name, tuple(self.adapters))  # `FHIR`, `Police CSV`
            if name is None:
                known = ", ".join(sorted(self.adapters))
                raise LookupError(f"unknown format {format_name!r}; known formats: {known}")
            return self.adapters[name]
        adapter = self._by_ending(path.name.lower())
        if adapter is not None:
            return adapter
        known = ", ".join(s for a in self.adapters.values() for s in a.suffixes)
        raise LookupError(
            f"{path}: cannot tell the format from the file name (known endings: {known}); "
            "name the format with --format"
        )

    def _by_ending(self, name: str) -> Adapter | None:
        """The adapter with the longest matching ending, so `x.police.csv` beats a bare `.csv`."""
        best: tuple[int, Adapter | None] = (0, None)
        for adapter in self.adapters.values():
            for suffix in adapter.suffixes:
                if name.endswith(suffix) and len(suffix) > best[0]:
                    best = (len(suffix), adapter)
        return best[1]
