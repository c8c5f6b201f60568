"""The web application's settings: `[web]` (its address, its secret, how long links and
sessions last, how often people may ask for a sign-in link) and `[storage]` (evidence files)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from config.errors import ConfigError

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
# limits' notation: "N per MINUTES minutes", "N/hour" ...
_RATE = re.compile(r"^\s*\d+\s*(/|per)\s*(\d+\s*)?(second|minute|hour|day)s?\s*$")


@dataclass(frozen=True)
class WebSettings:
    """How the web application runs and what the links in e-mail point to."""

    base_url: str = DEFAULT_BASE_URL
    secret_key: str | None = None
    """None: generated once and kept in the database (see `workflow.store.secrets`)."""
    sign_in_minutes: int = 15
    mail_link_days: int = 14
    session_hours: int = 12
    sign_in_per_address: str = "5 per 15 minutes"
    sign_in_per_client: str = "20 per 15 minutes"
    rate_limit_storage: str = "memory://"
    """Where rate-limit counters live (a `limits` storage URI); memory is per worker."""
    storage_path: str | None = None
    """Where evidence files are kept; None: beside the SQLite file (or ./rectrack-evidence)."""
    max_upload_bytes: int = 20 * 1024 * 1024

    @property
    def secure(self) -> bool:
        """Cookies are Secure when the application is reached over https."""
        return self.base_url.startswith("https://")


_WEB_KEYS = {
    "base_url",
    "secret_key",
    "sign_in_minutes",
    "mail_link_days",
    "session_hours",
    "sign_in_per_address",
    "sign_in_per_client",
    "rate_limit_storage",
}
_STORAGE_KEYS = {"path", "max_upload_mb"}


def base_url(value: str) -> str:
    """An http(s) address with no query or fragment, without its trailing slash."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            f"web base_url {value!r}: expected an http or https address, as https://rectrack.example.org"
        )
    return value.strip().rstrip("/")


def _whole(table: Mapping[str, Any], name: str, default: int, top: int, where: str) -> int:
    value = table.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
        raise ConfigError(f"{where} {name} {value!r}: expected a whole number from 1 to {top}")
    return value


def _rate(value: Any, name: str) -> str:
    if not isinstance(value, str) or not _RATE.match(value):
        raise ConfigError(f"[web] {name} {value!r}: expected a rate such as '5 per 15 minutes'")
    return value


def load_web(
    web: Mapping[str, Any], storage: Mapping[str, Any], env: Mapping[str, str], where: str
) -> WebSettings:
    """`[web]` and `[storage]` from the settings file, with RECTRACK_BASE_URL and
    RECTRACK_SECRET_KEY from the environment winning."""
    for table, known, name in ((web, _WEB_KEYS, "web"), (storage, _STORAGE_KEYS, "storage")):
        unknown = set(table) - known
        if unknown:
            raise ConfigError(f"{where} [{name}]: unknown setting(s) {', '.join(sorted(unknown))}")
    secret = env.get("RECTRACK_SECRET_KEY") or web.get("secret_key")
    if secret is not None and (not isinstance(secret, str) or len(secret) < 32):
        raise ConfigError("web secret_key: expected at least 32 characters")
    path = storage.get("path")
    if path is not None and not isinstance(path, str):
        raise ConfigError(f"{where} [storage] path: expected a directory")
    return WebSettings(
        base_url=base_url(env.get("RECTRACK_BASE_URL") or web.get("base_url") or DEFAULT_BASE_URL),
        secret_key=secret,
        sign_in_minutes=_whole(web, "sign_in_minutes", 15, 24 * 60, f"{where} [web]"),
        mail_link_days=_whole(web, "mail_link_days", 14, 365, f"{where} [web]"),
        session_hours=_whole(web, "session_hours", 12, 24 * 90, f"{where} [web]"),
        sign_in_per_address=_rate(
            web.get("sign_in_per_address", "5 per 15 minutes"), "sign_in_per_address"
        ),
        sign_in_per_client=_rate(
            web.get("sign_in_per_client", "20 per 15 minutes"), "sign_in_per_client"
        ),
        rate_limit_storage=str(web.get("rate_limit_storage", "memory://")),
        storage_path=env.get("RECTRACK_STORAGE") or path,
        max_upload_bytes=_whole(storage, "max_upload_mb", 20, 1024, f"{where} [storage]")
        * 1024
        * 1024,
    )
