"""Serving the web application with uvicorn: in this process, or in N worker processes
that each build the application from the same settings (passed in the environment)."""

from __future__ import annotations

import os
import socket
from typing import Any

from config import load_settings
from config.logging import configure_logging, get_logger
from workflow.bootstrap import App
from workflow.store.engine import check_initialised

log = get_logger("rectrack.web")
# Each request holds a connection while it reads or writes; a worker serves many at once
# (its thread pool runs 40), and a connection opened and closed per burst costs more than
# the page. Kept open: up to 20, and 20 more under a burst.
POOL = {"pool_size": 20, "max_overflow": 20}


def from_environment() -> Any:
    """The application of a worker process: settings from RECTRACK_* (see `serve`)."""
    settings = load_settings()
    configure_logging(settings.log_level or "INFO", at_once=True)
    from workflow.web.app import create_app

    return create_app(App(settings, engine_options=dict(POOL)))


def serve(app: App, host: str, port: int, workers: int, config_path: str | None) -> None:
    """Run the server until it is stopped (SIGINT or SIGTERM)."""
    import uvicorn

    check_initialised(app.engine)
    configure_logging(app.settings.log_level or "INFO", at_once=True)
    log.info(
        "serving",
        url=f"http://{host}:{port}",
        base_url=app.settings.web.base_url,
        workers=workers,
        now=app.settings.now,
    )
    common: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": None,
        "access_log": False,  # one structured line per request comes from the application
        "server_header": False,
        "proxy_headers": False,
    }
    if workers == 1:
        from workflow.web.app import create_app

        uvicorn.run(create_app(App(app.settings, engine_options=dict(POOL))), **common)
        return
    os.environ["RECTRACK_DB"] = app.settings.db_url
    if app.settings.now:
        os.environ["RECTRACK_NOW"] = app.settings.now
    if config_path:
        os.environ["RECTRACK_CONFIG"] = os.path.abspath(config_path)
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        "workflow.web.server:from_environment", factory=True, workers=workers, **common
    )
    Multiprocess(config, sockets=[listening_socket(host, port)]).run()


def listening_socket(host: str, port: int) -> socket.socket:
    """The socket the workers share, made as uvicorn's `bind_socket` does but with its
    protocol said: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on connections
    accepted from a socket whose `proto` is IPPROTO_TCP, and uvicorn leaves it 0, so every
    keep-alive response would wait ~40 ms for the client's delayed ACK (uvicorn issue 3149).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock
