"""Running the web app: `alarmbell serve` calls `serve(settings)`."""

from __future__ import annotations

import logging

import uvicorn

from alarmbell.settings import Settings
from alarmbell.web.app import create_app
from alarmbell.web.escalation_runner import escalation_runner
from alarmbell.web.header_deadline import with_header_timeout


class DropQueryStrings(logging.Filter):
    """Access-log lines keep the path but lose the query: `?q=` holds the names people search for."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def server_config(settings: Settings) -> uvicorn.Config:
    """How `alarmbell serve` runs uvicorn (the tests start a live server from the same config).

    Forwarded headers are believed only from ALARMBELL_TRUSTED_PROXIES: uvicorn's own default
    trusts 127.0.0.1, which is every client when nothing sits in front, so the sign-in rate
    limit could be dodged with a made-up X-Forwarded-For. Headers must arrive within
    ALARMBELL_HEADER_TIMEOUT_SECONDS (web.header_deadline).
    """
    proxies = settings.trusted_proxies
    return uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        http=with_header_timeout(settings.header_timeout_seconds),
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )


def serve(settings: Settings) -> None:
    """Serve the app on settings.host:settings.port until interrupted, escalating overdue work
    as it goes (web.escalation_runner)."""
    logging.getLogger("uvicorn.access").addFilter(DropQueryStrings())
    runner = escalation_runner(settings)
    if runner is not None:
        runner.start()
    try:
        uvicorn.Server(server_config(settings)).run()
    finally:
        if runner is not None:
            runner.stop()
