"""Launch Debian's Chromium for Playwright tests.

Playwright's own browser download (`playwright install`) cannot work on our machines or in CI, so
tests drive the system Chromium (`apt-get install chromium`, done by `make system-deps`) through
`executable_path`. The flags keep Chromium from phoning home (the network is closed and its
refused connections are slow and noisy) and let it run as root without a sandbox, as CI does.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn

if TYPE_CHECKING:
    from fastapi import FastAPI
    from playwright.sync_api import Browser, Playwright

DEFAULT_CHROMIUM = "/usr/bin/chromium"

CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path() -> str:
    """The Chromium binary: $ALARMBELL_CHROMIUM if set, else Debian's /usr/bin/chromium."""
    return os.environ.get("ALARMBELL_CHROMIUM") or DEFAULT_CHROMIUM


def launch_chromium(playwright: Playwright) -> Browser:
    """A headless Chromium from the system, never one downloaded by Playwright."""
    return playwright.chromium.launch(
        executable_path=chromium_path(),
        headless=True,
        args=list(CHROMIUM_ARGS),
    )


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """uvicorn serving `app` on a free loopback port in a background thread; the base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 15 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless system Chromium for one test, closed afterwards: skipped without Playwright,
    failed without Chromium (`require_chromium`). What every browser test did by hand."""
    sync_api = pytest.importorskip("playwright.sync_api")
    require_chromium()
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


def require_chromium() -> None:
    """Fail (not skip) without Chromium: `make test` installs it, so its absence is a broken setup."""
    if not Path(chromium_path()).exists():
        raise AssertionError(
            f"no Chromium at {chromium_path()}: run `make system-deps` (Debian package chromium) "
            "or set ALARMBELL_CHROMIUM"
        )
