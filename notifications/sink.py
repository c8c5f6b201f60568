"""A local SMTP server (aiosmtpd, on loopback) that keeps what it receives.

For the demo and the tests: aiosmtpd comes with the `demo` extra (`pip install rectrack[demo]`,
which `dev` includes), so only the demo and the tests import this module. It is a real server
speaking SMTP, not a mock.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """What arrived, and a switch to make the server go away after some messages."""

    messages: list[EmailMessage] = field(default_factory=list)
    fail_after: int | None = None
    controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail_after is not None and len(self.messages) >= self.fail_after:
            # The server goes down mid-delivery: refuse this message and stop listening.
            threading.Thread(target=self.stop, daemon=True).start()
            return "421 Service not available, closing transmission channel"
        msg = message_from_bytes(envelope.content, policy=policy.default)
        if not isinstance(msg, EmailMessage):  # the default policy always makes one
            return "554 Transaction failed: not a message"
        self.messages.append(msg)
        return "250 OK"

    def start(self, port: int) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            controller, self.controller = self.controller, None
            controller.stop()

    def body(self, msg: EmailMessage) -> str:
        part = msg.get_body(("plain",))
        return "" if part is None else str(part.get_content())

    def to(self) -> list[str]:
        return [str(m["To"]) for m in self.messages]
