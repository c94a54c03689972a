"""Progress bars for long commands: shown on a terminal, silent when output is piped."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from alarmbell.ingest import SourceProgress

#: Messages go out as written: no markup, so a quoted bad value such as `[x]` is shown as typed.
stderr = Console(stderr=True, highlight=False, markup=False)


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


@contextmanager
def bytes_bar(description: str, progress: SourceProgress) -> Iterator[None]:
    """A bar that follows a file being read (`progress.done_bytes`, polled) and ends full."""
    with progress_bar(description, progress.total_bytes, unit_bytes=True) as bar:
        stop = poll(lambda: set_completed(bar, progress.done_bytes))
        try:
            yield
        finally:
            stop()
        set_completed(bar, progress.total_bytes)


def advance(bar: Progress, amount: float) -> None:
    bar.advance(bar.task_ids[0], amount)


def set_completed(bar: Progress, done: float) -> None:
    bar.update(bar.task_ids[0], completed=done)


def poll(update: Callable[[], None]) -> Callable[[], None]:
    """Call `update` every 0.2 s in a thread until the returned stop function is called."""
    done = threading.Event()

    def run() -> None:
        while not done.wait(0.2):
            update()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def stop() -> None:
        done.set()
        thread.join()

    return stop
