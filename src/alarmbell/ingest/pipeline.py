"""Worker processes that run one function over a stream of tasks, results back in task order.

Why not ProcessPoolExecutor: its results are unpickled by a management thread, which then
competes for the GIL with the writer (sqlite3 gives the GIL up and takes it back for every row
it inserts). Here the caller's own thread unpickles each result when it asks for it, and the
only other thread in the caller is multiprocessing's queue feeder, which mostly waits on the
pipe.
"""

from __future__ import annotations

import pickle
import traceback
from collections.abc import Callable, Generator, Iterable
from multiprocessing import get_context
from queue import Empty
from typing import Any

#: Seconds between checks that the workers are still alive while waiting for a result.
POLL = 1.0


def ordered_map(
    function: Callable[..., Any], tasks: Iterable[tuple[Any, ...]], *, workers: int, depth: int = 3
) -> Generator[Any, None, None]:
    """function(*task) for each task, computed in `workers` spawned processes, yielded in task
    order; at most `depth` tasks per worker are in flight, so memory stays flat. An exception
    in a worker is raised here; a worker that dies raises RuntimeError."""
    context = get_context("spawn")  # never fork a process that holds database connections
    inbox, outbox = context.Queue(), context.Queue()
    processes = [
        context.Process(target=_serve, args=(function, inbox, outbox), daemon=True) for _ in range(workers)
    ]
    for process in processes:
        process.start()
    done: dict[int, Any] = {}
    sent = received = 0
    try:
        for task in tasks:
            inbox.put((sent, task))
            sent += 1
            while sent - received >= depth * workers:
                yield _result(received, done, outbox, processes)
                received += 1
        while received < sent:
            yield _result(received, done, outbox, processes)
            received += 1
    finally:
        _stop(processes, inbox, outbox, finished=received == sent)


def _result(number: int, done: dict[int, Any], outbox: Any, processes: list[Any]) -> Any:
    while number not in done:
        try:
            index, ok, value = outbox.get(timeout=POLL)
        except Empty:
            if stopped := [p.exitcode for p in processes if not p.is_alive()]:
                raise RuntimeError(
                    f"an ingest worker process stopped unexpectedly (exit code {stopped[0]})"
                ) from None
            continue
        if not ok:
            error, where = value
            raise error from _WorkerTraceback(where)
        done[index] = value
    return done.pop(number)


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
