"""Web page latency under concurrent load: the real app under uvicorn, on the demo store.

    python benchmarks/web_latency.py [--requests 200] [--concurrency 1,4,16] [--json]
    python benchmarks/web_latency.py --quick              # 80 requests per level

The demo store (`build_demo` with the demo's default 600 synthetic children: the demo case plus
the background population, linked and alerted) is built once into benchmarks/out/web/ and reused.
A MASH analyst is created through the access service with a session, before the server starts.
The real app is served by uvicorn (`alarmbell.web.server.serve`, as `alarmbell serve` runs it,
access log included) in a subprocess on 127.0.0.1 on a free port, and stopped at the end.
This process drives closed-loop load with a thread pool of httpx clients (one client per
thread, each reusing the session cookie) at each concurrency level: a fixed number of requests,
round robin over the mix: the alerts list `/`, the demo child's person page `/people/{leo}`,
a search `/people?q=Brennan` and the JSON chronology `/api/v1/people/{leo}/chronology`. One
request of each page warms up first (not counted). Reported per level and page: p50/p95/p99
latency and requests/s (that page's completed requests over the level's wall time). Our target
(there is no issue target and no baseline): person page p95 under 500 ms at concurrency 4.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import machine

NAME = "web_latency"
TITLE = "Web page latency under concurrent load (demo store, uvicorn)"
OUT = Path(__file__).resolve().parent / "out" / "web"
DEMO_CHILDREN = 600  # `alarmbell demo`'s default
USERNAME = "bench-web-analyst"
LEVELS = (1, 4, 16)
TARGET_PAGE = "person"
TARGET_LEVEL = 4
TARGET_P95_MS = 500.0
SERVER = "from alarmbell.settings import Settings; from alarmbell.web.server import serve; serve(Settings())"


#: The request mix: page name -> path, `{leo}` standing for the demo child's person id.
PAGES = {
    "alerts": "/",
    "person": "/people/{leo}",
    "search": "/people?q=Brennan",
    "chronology": "/api/v1/people/{leo}/chronology",
}


def pages(leo_id: int) -> dict[str, str]:
    return {name: path.replace("{leo}", str(leo_id)) for name, path in PAGES.items()}


def demo_store(children: int) -> tuple[str, int]:
    """(database URL, Leo's person id): built once, then reused from benchmarks/out/web/."""
    from alarmbell.alerts.service import alerted_people
    from alarmbell.demo import build_demo
    from alarmbell.settings import Settings
    from alarmbell.storage.db import make_engine, session_scope

    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"demo-{children}.db"
    marker = OUT / f"demo-{children}.json"
    url = f"sqlite:///{db}"
    if marker.is_file() and db.is_file():
        return url, int(json.loads(marker.read_text())["leo_id"])
    marker.unlink(missing_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    print(f"  web: building the demo store ({children} children) ...", file=sys.stderr, flush=True)
    build_demo(Settings(database_url=url), children=children)
    engine = make_engine(Settings(database_url=url))
    with session_scope(engine) as session:
        leo = next(p for p in alerted_people(session) if p.display_name == "Leo Brennan")
        leo_id = leo.person_id
    engine.dispose()
    marker.write_text(json.dumps({"leo_id": leo_id, "children": children}) + "\n")
    return url, leo_id


def session_cookie(url: str) -> str:
    """A MASH analyst (made once, through the access service) and a fresh session for them."""
    from alarmbell.access.sessions import start_session
    from alarmbell.access.users import create_user, find_user
    from alarmbell.settings import Settings
    from alarmbell.storage.db import make_engine, session_scope

    engine = make_engine(Settings(database_url=url))
    try:
        with session_scope(engine) as session:
            user = find_user(session, USERNAME) or create_user(
                session, username=USERNAME, role="mash_analyst"
            )
            return start_session(session, user=user, method="bench", lifetime=timedelta(hours=2))
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ALARMBELL_DATABASE_URL": url,
        "ALARMBELL_HOST": "127.0.0.1",
        "ALARMBELL_PORT": str(port),
    }
    with log.open("wb") as handle:
        return subprocess.Popen(
            [sys.executable, "-c", SERVER],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


def wait_ready(server: subprocess.Popen[bytes], base: str, log: Path, timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited ({server.returncode}):\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not start in {timeout:g} s:\n{log.read_text()[-2000:]}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def _client(base: str, cookie: str) -> Any:
    import httpx

    from alarmbell.web.auth import SESSION_COOKIE

    return httpx.Client(base_url=base, cookies={SESSION_COOKIE: cookie}, timeout=120, follow_redirects=False)


def warm_up(base: str, cookie: str, mix: dict[str, str]) -> dict[str, int]:
    """One request per page; every page must answer 200 (else the set-up is wrong). Returns sizes."""
    sizes = {}
    with _client(base, cookie) as client:
        for page, path in mix.items():
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"warm-up {page} {path}: HTTP {response.status_code}")
            if page == "person" and "Leo Brennan" not in response.text:
                raise RuntimeError("the person page does not show Leo Brennan")
            sizes[page] = len(response.content)
    return sizes


def load_level(
    base: str, cookie: str, mix: dict[str, str], concurrency: int, requests: int
) -> dict[str, Any]:
    """`requests` requests, round robin over the mix, from `concurrency` threads (one client each)."""
    names = list(mix)
    plan = [names[i % len(names)] for i in range(requests)]
    shares = [plan[i::concurrency] for i in range(concurrency)]
    lock = threading.Lock()
    samples: dict[str, list[float]] = {name: [] for name in names}
    errors: list[str] = []

    def worker(share: list[str]) -> None:
        with _client(base, cookie) as client:
            for page in share:
                started = time.perf_counter()
                try:
                    response = client.get(mix[page])
                    status = str(response.status_code)
                except Exception as error:  # counted, reported, the level goes on
                    status = type(error).__name__
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if status == "200":
                        samples[page].append(elapsed)
                    else:
                        errors.append(f"{page}: {status}")

    load_before = machine.load()[0]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(worker, share) for share in shares]:
            future.result()
    wall = time.perf_counter() - started
    every = [ms for values in samples.values() for ms in values]
    return {
        "concurrency": concurrency,
        "requests": requests,
        "seconds": round(wall, 3),
        "errors": len(errors),
        "error_sample": errors[:5],
        "load": round(max(load_before, machine.load()[0]), 2),
        "all": _stats(every, wall),
        "pages": {name: _stats(values, wall) for name, values in samples.items()},
    }


def _stats(values: list[float], wall: float) -> dict[str, Any]:
    if not values:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None, "rps": 0.0}
    cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else [values[0]] * 99
    return {
        "n": len(values),
        "p50_ms": round(cuts[49], 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "max_ms": round(max(values), 1),
        "rps": round(len(values) / wall, 1),
    }


def measure(requests: int, levels: tuple[int, ...], children: int = DEMO_CHILDREN) -> dict[str, Any]:
    url, leo_id = demo_store(children)
    cookie = session_cookie(url)
    mix = pages(leo_id)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = OUT / "server.log"
    server = start_server(url, port, log)
    try:
        wait_ready(server, base, log)
        sizes = warm_up(base, cookie, mix)
        results = []
        for level in levels:
            print(f"  web: concurrency {level}, {requests} requests ...", file=sys.stderr, flush=True)
            results.append(load_level(base, cookie, mix, level, requests))
    finally:
        stop_server(server)
    return {
        "children": children,
        "leo_id": leo_id,
        "requests_per_level": requests,
        "paths": dict(PAGES),
        "bytes": sizes,
        "levels": results,
    }


def checks(m: dict[str, Any]) -> list[dict[str, Any]]:
    level = next((r for r in m["levels"] if r["concurrency"] == TARGET_LEVEL), None)
    if level is None:
        return []
    page = level["pages"][TARGET_PAGE]
    p95 = page["p95_ms"]
    return [
        {
            "name": f"person page p95, concurrency {TARGET_LEVEL} ({page['n']} requests)",
            "target": f"< {TARGET_P95_MS:g} ms (our target)",
            "median": f"p95 {p95} ms (p50 {page['p50_ms']} ms)",
            "baseline": "none",
            "ratio": None,
            "passed": p95 is not None and p95 < TARGET_P95_MS and level["errors"] == 0,
        }
    ]


def run(*, quick: bool, requests: int | None = None, levels: tuple[int, ...] | None = None) -> dict[str, Any]:
    """The entry point used by run.py."""
    measured = measure(requests or (80 if quick else 200), levels or LEVELS)
    return {
        "name": NAME,
        "title": TITLE,
        "command": _command(quick, requests, levels),
        "measured": measured,
        "checks": checks(measured),
    }


def _command(quick: bool, requests: int | None, levels: tuple[int, ...] | None) -> str:
    parts = ["python benchmarks/web_latency.py"]
    if quick and not requests:
        parts.append("--quick")
    if requests:
        parts.append(f"--requests {requests}")
    if levels:
        parts.append(f"--concurrency {','.join(str(c) for c in levels)}")
    return " ".join(parts)


NOTES = (
    "Client and server share the machine's cores (the load generator's threads take CPU from "
    "uvicorn's single process), so the rates are a floor. The requests/s of one page is its share "
    "of the level's throughput, not its rate alone. The server writes an access log and an audit "
    "row for each person-page and chronology read, as in production."
)


def markdown(result: dict[str, Any]) -> str:
    """The detail table run.py puts under this benchmark in docs/benchmarks.md."""
    m = result["measured"]
    lines = [
        "| concurrency | page | path | requests | p50 ms | p95 ms | p99 ms | max ms | requests/s | errors "
        "| load (1 min) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for level in m["levels"]:
        rows = [*level["pages"].items(), ("all", level["all"])]
        for name, s in rows:
            path = m["paths"].get(name, "mix")
            errors = level["errors"] if name == "all" else ""
            load = level["load"] if name == "all" else ""
            lines.append(
                f"| {level['concurrency']} | {name} | `{path}` | {s['n']} | {s['p50_ms']} | {s['p95_ms']} | "
                f"{s['p99_ms']} | {s['max_ms']} | {s['rps']} | {errors} | {load} |"
            )
    sizes = ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in m["bytes"].items())
    lines += [
        "",
        f"Demo store: {m['children']} synthetic children plus the demo case. Response sizes: {sizes}.",
    ]
    return "\n".join(lines) + "\n\n" + NOTES


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="80 requests per level, for development")
    parser.add_argument("--requests", type=int, help="requests per concurrency level (default 200)")
    parser.add_argument("--concurrency", help="comma-separated levels (default 1,4,16)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args(argv)
    levels = tuple(int(c) for c in args.concurrency.split(",")) if args.concurrency else None
    result = run(quick=args.quick, requests=args.requests, levels=levels)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(markdown(result))
    for check in result["checks"]:
        verdict = "pass" if check["passed"] else "FAIL"
        print(f"{check['name']}: {check['median']} (target {check['target']}) {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
