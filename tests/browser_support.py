"""Launch Debian's Chromium for Playwright tests.

Playwright's own browser download (`playwright install`) cannot work on our machines or in CI, so
tests drive the system Chromium (`apt-get install chromium`, done by `make system-deps`) through
`executable_path`. The flags keep Chromium from phoning home (the network is closed and its
refused connections are slow and noisy) and let it run as root without a sandbox, as CI does.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
