"""Links in e-mail: each recommendation a message names links to its page under the web
application's base URL, with a token that signs the recipient in.

The token is signed (HMAC-SHA256, by itsdangerous) with the instance's secret, names its
recipient and the instant it expires, and is checked against the one clock: it signs in only
that person, only while they are active, and only until it expires.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import Connection

from workflow.store.secrets import stored_secret

if TYPE_CHECKING:
    from itsdangerous import URLSafeSerializer

SECRET_NAME = "web"
_SALT = "rectrack.mail-link"
RecLink = Callable[[str], str]
"""A recommendation's id to its page's address, for one recipient."""


def serializer(secret: str) -> URLSafeSerializer:
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(secret, salt=_SALT)


def rec_path(code: str) -> str:
    """The page of recommendation `code` (REPORT_KEY/REF), relative to the base URL."""
    report, _, ref = code.partition("/")
    return f"/recs/{quote(report, safe='')}/{quote(ref, safe='')}"


class MailLinks:
    """The links of one transaction's messages. Made for every transaction, so it does
    nothing until a message asks for a link: then the secret is read (or made) and the
    signer built, once."""

    __slots__ = ("_conn", "_days", "_expires", "_now", "_secret", "_signer", "_tokens", "base_url")

    def __init__(
        self,
        conn: Connection,
        now: datetime,
        base_url: str,
        days: int,
        secret: str | None = None,
    ) -> None:
        self._conn = conn
        self._now = now
        self.base_url = base_url
        self._days = days
        self._secret = secret
        self._signer: URLSafeSerializer | None = None
        self._expires = 0
        self._tokens: dict[str, str] = {}

    def token(self, recipient: str) -> str:
        """A token that signs `recipient` in until the links expire."""
        found = self._tokens.get(recipient)
        if found is None:
            if self._signer is None:
                secret = self._secret or stored_secret(self._conn, SECRET_NAME, self._now)[0]
                self._signer = serializer(secret)
                self._expires = int((self._now + timedelta(days=self._days)).timestamp())
            found = self._tokens[recipient] = str(self._signer.dumps([recipient, self._expires]))
        return found

    def to(self, recipient: str) -> RecLink:
        """Links to recommendations' pages that sign `recipient` in."""
        token = self.token(recipient)
        return lambda code: f"{self.base_url}{rec_path(code)}?t={token}"


def read_token(secret: str, token: str, now: datetime) -> str | None:
    """The recipient a mail-link token was made for, if it is genuine and not expired."""
    from itsdangerous import BadData

    try:
        recipient, expires = serializer(secret).loads(token)
    except (BadData, ValueError, TypeError):
        return None
    if not isinstance(recipient, str) or not isinstance(expires, int):
        return None
    return recipient if now.timestamp() < expires else None
