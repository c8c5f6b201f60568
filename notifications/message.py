"""E-mail messages: headers that cannot be injected into, and stable Message-IDs."""

from __future__ import annotations

import re
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

from notifications.render import Rendered

_SPACE = re.compile(r"\s+")
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")


def header_safe(text: str, limit: int = 200) -> str:
    """`text` on one line: CR, LF and every other run of whitespace become one space."""
    flat = _SPACE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def check_address(address: str) -> str:
    if not _ADDRESS.match(address):
        raise ValueError(f"not a deliverable address: {address!r}")
    return address


def sender_parts(sender: str) -> tuple[str, str]:
    """(display name, address) of a From setting such as 'Rectrack <rt@x.org>'."""
    name, address = parseaddr(sender)
    return header_safe(name), check_address(address)


def message_id_for(key: str, domain: str) -> str:
    """The same Message-ID every time a message is (re)sent, so a receiver can drop a repeat."""
    return f"<rectrack.{key}@{header_safe(domain).replace(' ', '')}>"


def build_message(
    rendered: Rendered, sender: str, to: str, message_id: str, date: datetime
) -> EmailMessage:
    """A multipart (text and HTML) message with safe headers."""
    msg = EmailMessage()
    name, address = sender_parts(sender)
    msg["From"] = formataddr((name, address)) if name else address
    msg["To"] = check_address(to)
    msg["Subject"] = header_safe(rendered.subject)
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(date)
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    return msg
