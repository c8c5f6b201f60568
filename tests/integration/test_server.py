"""`rectrack serve`: the socket its workers share turns Nagle's algorithm off, and several
workers serve the application."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from notifications.sink import free_port
from tests.e2e.conftest import CHECKOUT, RECTRACK
from workflow.web.server import listening_socket


def test_connections_accepted_from_the_shared_socket_have_tcp_nodelay() -> None:
    sock = listening_socket("127.0.0.1", 0)
    assert sock.proto == socket.IPPROTO_TCP
    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted = transport.get_extra_info("socket")
            seen.append(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def run() -> None:
        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        port = sock.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()

    asyncio.run(run())
    assert seen == [1]


def test_two_workers_serve_the_application(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rectrack.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECTRACK_")}
    env["PYTHONPATH"] = CHECKOUT
    subprocess.run([RECTRACK, "--db", db, "init"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [RECTRACK, "--db", db, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as got:
                    assert got.status == 200 and b"Sign in" in got.read()
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not start")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json") as got:
            assert got.headers["content-type"] == "application/json"
    finally:
        server.terminate()
        server.wait(timeout=30)
