"""What every request handler shares: the configured rectrack, the signing secret, where
evidence is kept, the sign-in rate limits and the page templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from config import ConfigError, WebSettings
from config.logging import get_logger
from workflow.bootstrap import App
from workflow.mail.links import SECRET_NAME
from workflow.store.secrets import stored_secret

if TYPE_CHECKING:
    from jinja2 import Environment
    from limits import RateLimitItem
    from limits.strategies import RateLimiter

log = get_logger("rectrack.web")


def evidence_root(app: App) -> Path:
    """`[storage] path`, or beside the SQLite file, or ./rectrack-evidence."""
    configured = app.settings.web.storage_path
    if configured:
        return Path(configured)
    url = make_url(app.settings.db_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database)
        return db.with_name(f"{db.stem}-evidence")
    return Path("rectrack-evidence")


@dataclass
class Web:
    """The web application's shared parts, made once when the server starts."""

    app: App
    secret: str = field(init=False)

    def __post_init__(self) -> None:
        self.secret = self.app.settings.web.secret_key or self._stored_secret()
        self.limits  # noqa: B018  a rate-limit store that cannot be used stops the start, not a sign-in

    def _stored_secret(self) -> str:
        with self.app.uow() as uow, uow.write() as tx:
            secret, made = stored_secret(tx.conn, SECRET_NAME, tx.now)
        if made:
            log.warning(
                "no [web] secret_key set: generated one and kept it in the database, "
                "so that sessions and links survive restarts"
            )
        else:
            log.info("no [web] secret_key set: using the one kept in the database")
        return secret

    @property
    def settings(self) -> WebSettings:
        return self.app.settings.web

    @cached_property
    def storage(self) -> Path:
        return evidence_root(self.app)

    @cached_property
    def templates(self) -> Environment:
        from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

        env = Environment(
            loader=PackageLoader("workflow.web", "templates"),
            autoescape=select_autoescape(["html", "j2"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        from workflow.web import filters

        filters.install(env, self.app.settings.timezone)
        return env

    @cached_property
    def limits(self) -> tuple[RateLimiter, RateLimitItem, RateLimitItem]:
        from limits import parse, storage, strategies
        from limits.errors import ConfigurationError

        where = self.settings.rate_limit_storage
        try:
            store = storage.storage_from_string(where)
        except (ConfigurationError, ValueError) as exc:
            raise ConfigError(f"[web] rate_limit_storage {where!r}: {exc}") from None
        return (
            strategies.MovingWindowRateLimiter(store),
            parse(self.settings.sign_in_per_address),
            parse(self.settings.sign_in_per_client),
        )

    def allow_sign_in(self, address: str, client: str) -> tuple[bool, bool]:
        """Whether a sign-in request from `client` for `address` is within the limits:
        (the client's, the address's). Each request counts against both."""
        limiter, per_address, per_client = self.limits
        client_ok = limiter.hit(per_client, "sign-in-client", client)
        address_ok = limiter.hit(per_address, "sign-in-address", address)
        return client_ok, address_ok
