"""Worker processes that run one function over a stream of tasks, results back in task order.

Why not ProcessPoolExecutor: its results are unpickled by a management thread, which then
competes for the GIL with the writer (sqlite3 gives the GIL up and takes it back for every row
it inserts). Here the caller's own thread unpickles each result when it asks for it, and the
only other thread in the caller is multiprocessing's queue feeder, which mostly waits on the
pipe.
"""

from __future__ import annotations

import pickle
import time
import traceback
from collections.abc import Callable, Generator, Iterable
from multiprocessing import get_context
from queue import Empty
from typing import Any

#: Seconds between checks that the workers are still alive while waiting for a result.
POLL = 1.0
#: Seconds without any result, while every worker is alive, after which the workers are taken
#: as stuck and stopped. A task (about 5,000 records) takes well under a second; ten minutes
#: leaves room for a machine that is swapping, and ends the wait that used to last for ever.
STALL_SECONDS = 600.0


class WorkerFailed(RuntimeError):
    """A worker process died, or stopped returning results while alive; the work is stopped."""


def ordered_map(
    function: Callable[..., Any],
    tasks: Iterable[tuple[Any, ...]],
    *,
    workers: int,
    depth: int = 3,
    stall_seconds: float = STALL_SECONDS,
    describe: Callable[[tuple[Any, ...]], str] = lambda _task: "a task",
) -> Generator[Any, None, None]:
    """function(*task) for each task, computed in `workers` spawned processes, yielded in task
    order; at most `depth` tasks per worker are in flight, so memory stays flat. An exception
    in a worker is raised here. A worker that dies, or no result for `stall_seconds` while
    the workers live (a worker stuck in a loop), raises WorkerFailed naming the task waited
    for, as `describe` words it."""
    context = get_context("spawn")  # never fork a process that holds database connections
    inbox, outbox = context.Queue(), context.Queue()
    processes = [
        context.Process(target=_serve, args=(function, inbox, outbox), daemon=True) for _ in range(workers)
    ]
    for process in processes:
        process.start()
    waiting = _Waiting(outbox, processes, stall_seconds)
    described: dict[int, str] = {}
    sent = received = 0
    try:
        for task in tasks:
            inbox.put((sent, task))
            described[sent] = describe(task)
            sent += 1
            while sent - received >= depth * workers:
                yield waiting.result(received, described.pop(received))
                received += 1
        while received < sent:
            yield waiting.result(received, described.pop(received))
            received += 1
    finally:
        _stop(processes, inbox, outbox, finished=received == sent)


class _Waiting:
    """Results as they come back, kept until their turn, and the time the last one arrived (or
    the caller began to wait: time the caller spends writing is not the workers' stall)."""

    def __init__(self, outbox: Any, processes: list[Any], stall_seconds: float) -> None:
        self.outbox, self.processes, self.stall_seconds = outbox, processes, stall_seconds
        self.done: dict[int, Any] = {}
        self.last = 0.0

    def result(self, number: int, what: str) -> Any:
        self.last = time.monotonic()
        while number not in self.done:
            try:
                index, ok, value = self.outbox.get(timeout=POLL)
            except Empty:
                self._check(what)
                continue
            self.last = time.monotonic()
            if not ok:
                error, where = value
                raise error from _WorkerTraceback(where)
            self.done[index] = value
        return self.done.pop(number)

    def _check(self, what: str) -> None:
        if stopped := [p.exitcode for p in self.processes if not p.is_alive()]:
            raise WorkerFailed(
                f"an ingest worker process stopped unexpectedly (exit code {stopped[0]}) on {what}"
            )
        if (waited := time.monotonic() - self.last) >= self.stall_seconds:
            raise WorkerFailed(
                f"no ingest worker returned a result for {waited:.0f} s while working on {what}, "
                "so the workers were stopped"
            )


def _stop(processes: list[Any], inbox: Any, outbox: Any, *, finished: bool) -> None:
    """Ask each worker to stop; one still busy (the caller stopped early) is terminated.

    Then the tasks nobody will read are dropped: a queue's feeder thread otherwise waits, at
    the caller's exit, to write them into a pipe whose reader is gone, and the process never
    ends (a worker that died with megabytes of blocks in flight hung `alarmbell ingest`).
    """
    for _ in processes:
        inbox.put(None)
    for process in processes:
        process.join(timeout=5 if finished else 0.1)
        if process.is_alive():
            process.terminate()
            process.join()
    for queue in (inbox, outbox):
        queue.cancel_join_thread()
        queue.close()


def _serve(function: Callable[..., Any], inbox: Any, outbox: Any) -> None:
    """Worker-process loop: (index, task) in, (index, ok, result or (error, traceback)) out."""
    while (item := inbox.get()) is not None:
        index, task = item
        try:
            outbox.put((index, True, function(*task)))
        except Exception as error:  # handed to the caller, which raises it
            outbox.put((index, False, (_portable(error), "".join(traceback.format_exception(error)))))


def _portable(error: Exception) -> Exception:
    """The error as the caller can receive it.

    The queue pickles in a background thread and drops what it cannot pickle, and an error
    whose __init__ takes other arguments than its args (FieldError) fails to unpickle in the
    caller: either way the caller would wait for ever or get a confusing TypeError. Such an
    error travels as a RuntimeError naming its type and message.
    """
    try:
        return pickle.loads(pickle.dumps(error))  # type: ignore[no-any-return]
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")


class _WorkerTraceback(Exception):
    """Where in the worker process an error was raised (its traceback, as text)."""

    def __str__(self) -> str:
        return "\n" + str(self.args[0])
