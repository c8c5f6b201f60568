"""Delivering messages over SMTP with aiosmtplib: each message sent, retried, or rejected."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

TLS_MODES = ("none", "starttls", "tls")


@dataclass(frozen=True, slots=True)
class SmtpServer:
    """Where and how to send: `tls` is none, starttls (587) or tls (implicit, 465)."""

    host: str = "localhost"
    port: int = 25
    tls: str = "none"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.tls not in TLS_MODES:
            raise ValueError(f"SMTP TLS mode must be one of {', '.join(TLS_MODES)}")


class Delivery(enum.Enum):
    SENT = "sent"
    RETRY = "retry"  # temporary: the server is away, busy, or said 4xx
    REJECTED = "rejected"  # permanent: the server said 5xx for this message


ResultHandler = Callable[[int, Delivery, str | None], None]
BeforeSend = Callable[[int], bool]


def _classify(exc: BaseException) -> Delivery:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        return Delivery.REJECTED if codes and all(c >= 500 for c in codes) else Delivery.RETRY
    if isinstance(exc, aiosmtplib.SMTPResponseException) and not isinstance(
        exc, aiosmtplib.SMTPServerDisconnected
    ):
        return Delivery.REJECTED if exc.code >= 500 else Delivery.RETRY
    return Delivery.RETRY


async def _send_all(
    server: SmtpServer,
    messages: Sequence[tuple[int, EmailMessage]],
    on_result: ResultHandler,
    before_send: BeforeSend,
) -> None:
    client = aiosmtplib.SMTP(
        hostname=server.host,
        port=server.port,
        use_tls=server.tls == "tls",
        start_tls=server.tls == "starttls",  # explicit: never upgrade (or not) by surprise
        username=server.username,
        password=server.password,
        timeout=server.timeout,
    )
    try:
        async with asyncio.timeout(server.timeout):
            await client.connect()
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        for key, _ in messages:
            on_result(key, Delivery.RETRY, f"cannot connect: {exc}")
        return
    try:
        for n, (key, message) in enumerate(messages):
            if not before_send(key):
                continue  # no longer ours to send: nothing to report
            try:
                # `timeout` bounds each socket operation; this bounds the whole message.
                async with asyncio.timeout(server.timeout):
                    await client.send_message(message)
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                outcome = _classify(exc)
                on_result(key, outcome, str(exc) or type(exc).__name__)
                if outcome is Delivery.RETRY and not client.is_connected:
                    for later, _ in messages[n + 1 :]:
                        on_result(later, Delivery.RETRY, "connection lost")
                    return
                continue
            on_result(key, Delivery.SENT, None)
    finally:
        if client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                client.close()


def send_batch(
    server: SmtpServer,
    messages: Sequence[tuple[int, EmailMessage]],
    on_result: ResultHandler,
    before_send: BeforeSend = lambda key: True,
) -> None:
    """Send each message over one connection; `before_send` says, just before each, whether
    it is still to be sent; `on_result` hears about every one sent or tried as it goes."""
    if messages:
        asyncio.run(_send_all(server, messages, on_result, before_send))
