"""The server `alarmbell serve` runs, live on 127.0.0.1: whose address counts, and slow clients.

Issue 19, defect 11: the sign-in rate limit believed any client's X-Forwarded-For (uvicorn's
default trusts it from 127.0.0.1, which is every client of a server behind nothing), and a
client that sent its headers slowly held a connection for as long as it liked (300 such
connections were held 61 s). These tests start the real server from `server_config` and talk
to it over real sockets, with time limits, so they cannot hang.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from alarmbell.settings import Settings
from alarmbell.web.server import server_config

#: Connections the slow-header test holds open at once (the attack in the issue used 300).
SLOW_CLIENTS = 300
HEADER_TIMEOUT = 1.0


@contextmanager
def live(settings: Settings) -> Iterator[tuple[str, int]]:
    """The configured server on a free loopback port, in a thread; stopped afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    config = server_config(settings.model_copy(update={"host": "127.0.0.1", "port": port}))
    config.log_level = "warning"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start within 15 s"
        time.sleep(0.05)
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _settings(folder: Path, **update: Any) -> Settings:
    return Settings(database_url=f"sqlite:///{folder / 'store.db'}", login_rate_per_minute=3, **update)


def _failed_sign_ins(base: str, forwarded_for: list[str]) -> list[int]:
    """One wrong-password attempt per address claimed; the status of each."""
    statuses = []
    with httpx.Client(base_url=base, timeout=10) as client:
        for address in forwarded_for:
            page = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token
            response = client.post(
                "/login",
                data={"csrf_token": token.group(1), "username": "nobody", "password": "wrong password 123"},
                headers={"X-Forwarded-For": address},
            )
            statuses.append(response.status_code)
    return statuses


def test_the_rate_limit_ignores_forwarded_for_from_an_untrusted_client(tmp_path: Path) -> None:
    with live(_settings(tmp_path)) as (host, port):
        statuses = _failed_sign_ins(f"http://{host}:{port}", [f"203.0.113.{n}" for n in range(6)])
    assert statuses[:3] == [400, 400, 400]
    assert statuses[3:] == [429, 429, 429], "a new X-Forwarded-For each time must not reset the limit"


def test_a_configured_proxy_is_believed(tmp_path: Path) -> None:
    settings = _settings(tmp_path, trusted_proxies="127.0.0.1")
    with live(settings) as (host, port):
        statuses = _failed_sign_ins(f"http://{host}:{port}", ["203.0.113.7"] * 4 + ["198.51.100.9"])
    assert statuses == [400, 400, 400, 429, 400], "limited per client address the proxy reports"


def _slow_clients(host: str, port: int, count: int) -> list[socket.socket]:
    clients = []
    for _ in range(count):
        client = socket.create_connection((host, port), timeout=5)
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        client.setblocking(False)
        clients.append(client)
    return clients


def _closed_by_server(client: socket.socket) -> bool:
    try:
        data = client.recv(4096)
    except BlockingIOError:
        return False
    except OSError:
        return True
    return data == b"" or data.startswith(b"HTTP/1.1 408")


def _trickle_until_closed(clients: list[socket.socket], limit: float) -> float:
    """Send one more header line to each open client every 0.2 s; seconds until all were cut off."""
    started = time.monotonic()
    open_ = list(clients)
    while open_ and time.monotonic() - started < limit:
        still = []
        for client in open_:
            if _closed_by_server(client):
                continue
            try:
                client.send(b"X-Slow: 1\r\n")
                still.append(client)
            except OSError:
                continue
        open_ = still
        time.sleep(0.2)
    assert not open_, f"{len(open_)} of {len(clients)} slow clients still connected after {limit} s"
    return time.monotonic() - started


def test_slow_headers_are_cut_off(tmp_path: Path) -> None:
    settings = _settings(tmp_path, header_timeout_seconds=HEADER_TIMEOUT)
    with live(settings) as (host, port):
        clients = _slow_clients(host, port, SLOW_CLIENTS)
        try:
            took = _trickle_until_closed(clients, limit=HEADER_TIMEOUT + 4)
            with httpx.Client(timeout=5) as normal:
                assert normal.get(f"http://{host}:{port}/healthz").status_code == 200
        finally:
            for client in clients:
                client.close()
    assert took <= HEADER_TIMEOUT + 4


def test_a_kept_alive_connection_cannot_trickle_its_next_request(tmp_path: Path) -> None:
    settings = _settings(tmp_path, header_timeout_seconds=HEADER_TIMEOUT)
    with live(settings) as (host, port), socket.create_connection((host, port), timeout=5) as client:
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert client.recv(4096).startswith(b"HTTP/1.1 200")
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        client.setblocking(False)
        _trickle_until_closed([client], limit=HEADER_TIMEOUT + 4)


@pytest.mark.parametrize("seconds", [0, -1])
def test_the_header_timeout_must_be_positive(seconds: float) -> None:
    with pytest.raises(ValueError, match="header_timeout_seconds"):
        Settings(header_timeout_seconds=seconds)


def test_trusted_proxies_must_be_addresses() -> None:
    assert Settings(trusted_proxies=" 10.0.0.5 , 10.1.0.0/16").trusted_proxies == "10.0.0.5,10.1.0.0/16"
    with pytest.raises(ValueError, match="'proxy.example' is not an IP address"):
        Settings(trusted_proxies="10.0.0.5,proxy.example")
