"""Where linking's memory goes: RSS sampled through `link_people`, by the function running.

    python benchmarks/link_memory_profile.py STORE.db [--every 0.005]

Links a copy of STORE.db (an ingested, not yet linked store: `benchmarks/link_results.py
--ingest` makes one) in this process while a thread samples RSS and the innermost alarmbell
function of the main thread. Prints RSS after imports, the peak with the stack it was reached
in, and each function's largest RSS, in the order they were first seen.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * 4096 / 2**20


def _stack(frame: object) -> str:
    names = []
    while frame is not None:
        code = frame.f_code  # type: ignore[attr-defined]
        if "alarmbell" in code.co_filename:
            names.append(f"{Path(code.co_filename).stem}.{code.co_name}")
        frame = frame.f_back  # type: ignore[attr-defined]
    return " < ".join(names[:3]) or "-"


class Sampler(threading.Thread):
    def __init__(self, every: float) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.main = threading.main_thread().ident
        self.by_stack: dict[str, float] = {}
        self.peak = (0.0, "-")
        self.running = True

    def run(self) -> None:
        while self.running:
            frame = sys._current_frames().get(self.main or 0)
            where, rss = _stack(frame), rss_mb()
            self.by_stack[where] = max(self.by_stack.get(where, 0.0), rss)
            if rss > self.peak[0]:
                self.peak = (rss, where)
            time.sleep(self.every)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--every", type=float, default=0.005)
    args = parser.parse_args(argv)
    from alarmbell.identity import link_people
    from alarmbell.settings import Settings
    from alarmbell.storage.db import make_engine, session_scope

    with tempfile.TemporaryDirectory(prefix="alarmbell-linkprof-") as folder:
        db = Path(folder) / "store.db"
        shutil.copy(args.store, db)
        engine = make_engine(Settings(database_url=f"sqlite:///{db}"), upgrade=False)
        print(f"after imports: {rss_mb():.1f} MB")
        sampler = Sampler(args.every)
        sampler.start()
        started = time.process_time()
        with session_scope(engine) as session:
            link_people(session)
        sampler.running = False
        sampler.join()
        engine.dispose()
    print(f"CPU s: {time.process_time() - started:.1f}")
    print(f"peak: {sampler.peak[0]:.1f} MB in {sampler.peak[1]}")
    for where, rss in sampler.by_stack.items():
        print(f"{rss:8.1f}  {where}")


if __name__ == "__main__":
    main(sys.argv[1:])
