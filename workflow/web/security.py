"""Protection every page gets: a request id in the logs, security headers (a
Content-Security-Policy that allows no inline script), and the checks on every unsafe
request: a CSRF token bound to the session, and an Origin that is our own.

The CSRF token is an HMAC of the session's token (or, before sign-in, of a random cookie
the login page sets) under the instance's secret: it is never stored, cannot be made
without the secret, and is worthless in another browser. (asgi-csrf and starlette-csrf
implement the double-submit cookie, not bound to the session, and asgi-csrf reads no
multipart body, which evidence uploads need: hence these few lines.)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from config.logging import get_logger

log = get_logger("rectrack.web")

SESSION_COOKIE = "rectrack_session"
PRE_COOKIE = "rectrack_pre"
CSRF_FIELD = "csrf_token"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def csrf_token(secret: str, bound_to: str) -> str:
    """The token forms carry for the browser holding `bound_to` (its session token, or
    its pre-session cookie)."""
    return hmac.new(secret.encode(), f"csrf:{bound_to}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: str, bound_to: str | None, given: str | None) -> bool:
    if not bound_to or not given:
        return False
    return hmac.compare_digest(csrf_token(secret, bound_to), given)


def new_pre_token() -> str:
    return secrets.token_urlsafe(24)


def origin_ok(headers: dict[str, str], base_url: str) -> bool:
    """An unsafe request comes from our own pages: its Origin (or, failing that, its
    Referer) is the base URL's or the host it was sent to; a browser that says the request
    is cross-site is refused whatever it says of its origin."""
    if headers.get("sec-fetch-site") == "cross-site":
        return False
    claimed = headers.get("origin") or headers.get("referer")
    if not claimed or claimed == "null":
        return claimed is None  # no browser sends neither; "null" is an opaque origin
    parts = urlsplit(claimed)
    origin = f"{parts.scheme}://{parts.netloc}"
    base = urlsplit(base_url)
    ours = {f"{base.scheme}://{base.netloc}"}
    host = headers.get("host")
    if host:
        ours |= {f"http://{host}", f"https://{host}"}
    return origin in ours


class Protect:
    """ASGI middleware: a request id (bound into every log line, and sent back as
    X-Request-ID), the security headers, and one log line per request."""

    def __init__(self, app: ASGIApp, secure: bool) -> None:
        self.app = app
        from structlog.contextvars import bound_contextvars  # once, not per request

        self.bind = bound_contextvars

        self.headers = list(_HEADERS)
        if secure:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        began = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                names = {k for k, _ in headers}
                headers += [(k, v) for k, v in self.headers if k not in names]
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        with self.bind(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_headers)
            finally:
                log.info(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    ms=round((time.perf_counter() - began) * 1000, 1),
                )
