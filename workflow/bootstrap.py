"""Where the concrete parts meet: settings in, an engine, a clock and units of work out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from config import RuleBook, Settings, WebSettings
from workflow.audit.trail import AuditWriter
from workflow.clock import Clock, make_clock
from workflow.mail.links import MailLinks
from workflow.store.engine import check_initialised, make_engine
from workflow.store.uow import LinksFactory, UnitOfWork

_DEFAULT_WEB = WebSettings()


def mail_links(web: WebSettings) -> LinksFactory:
    """Links in e-mail under `web.base_url`, signed with its secret (or the stored one)."""
    return lambda conn, now: MailLinks(conn, now, web.base_url, web.mail_link_days, web.secret_key)


def unit_of_work(
    engine: Engine, clock: Clock, rules: RuleBook, web: WebSettings = _DEFAULT_WEB
) -> UnitOfWork:
    """A unit of work whose transactions write the audit trail, and whose messages link to
    the web application."""
    return UnitOfWork(engine, clock, rules, AuditWriter, mail_links(web))


@dataclass
class App:
    """One configured rectrack: the engine is made on first use, not at start-up."""

    settings: Settings
    engine_options: dict[str, Any] = field(default_factory=dict)
    """Passed to the engine when it is made (a server's connection pool, say)."""
    clock: Clock = field(init=False)
    _engine: Engine | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.clock = make_clock(self.settings.now, self.settings.timezone)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(
                self.settings.db_url, self.settings.busy_timeout, **self.engine_options
            )
        return self._engine

    def uow(self, check: bool = True) -> UnitOfWork:
        """A unit of work; by default first checks that the schema is initialised."""
        if check:
            check_initialised(self.engine)
        return unit_of_work(self.engine, self.clock, self.settings.rules, self.settings.web)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
