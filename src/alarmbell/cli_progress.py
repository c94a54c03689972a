"""Progress bars for long commands: shown on a terminal, silent when output is piped."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

stderr = Console(stderr=True, highlight=False)


@contextmanager
def progress_bar(description: str, total: int | None, *, unit_bytes: bool = False) -> Iterator[Progress]:
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn() if unit_bytes else MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=stderr, disable=not sys.stderr.isatty(), transient=False) as bar:
        bar.add_task(description, total=total)
        yield bar


def advance(bar: Progress, amount: float = 1) -> None:
    bar.advance(bar.task_ids[0], amount)


def set_completed(bar: Progress, done: float) -> None:
    bar.update(bar.task_ids[0], completed=done)
