"""uvicorn's h11 protocol with a deadline for each request's headers (slow-header clients).

uvicorn closes an idle kept-alive connection, but once any byte arrives it waits for the rest
of the headers for ever, so a client that sends one header line every few seconds holds a
connection (and its memory) as long as it likes; a few hundred of them starve the server. Here
a timer starts when a connection opens and again after each response, and is cancelled when
the request's headers are complete; if it fires first the connection gets a 408 and is closed.
Bodies are not timed: the API accepts uploads of up to 10 MB, which take a while on a slow link.
"""

from __future__ import annotations

import asyncio
import logging

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("alarmbell.security")

TIMEOUT_RESPONSE = b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class HeaderDeadlineProtocol(H11Protocol):
    """Use through `with_header_timeout(seconds)`, which sets the deadline."""

    header_timeout: float = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_header_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._stop_once_headers_are_in()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE:
            self._start_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def _start_header_timer(self) -> None:
        self._cancel_header_timer()
        if not self.transport.is_closing():
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _stop_once_headers_are_in(self) -> None:
        """h11 leaves IDLE for the peer only when a whole request head has been parsed."""
        if self.conn.their_state is not h11.IDLE:
            self._cancel_header_timer()

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        log.debug("closed a connection that did not send its headers within %s s", self.header_timeout)
        self.transport.write(TIMEOUT_RESPONSE)
        self.transport.close()


def with_header_timeout(seconds: float) -> type[HeaderDeadlineProtocol]:
    """The protocol class for uvicorn's `http=` with this deadline."""
    return type("HeaderDeadlineProtocol", (HeaderDeadlineProtocol,), {"header_timeout": seconds})
