"""Settings: command-line values, then environment, then the settings file, then defaults."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Any

from config.errors import ConfigError
from config.ingest import IngestSettings, load_ingest
from config.monthly import MonthlySettings, load_monthly
from config.publish import PublishSettings, load_publish
from config.rules import RuleBook, load_rules
from config.web import WebSettings, load_web

DEFAULT_DB = "sqlite:///rectrack.db"
_KNOWN_SECTIONS = {
    "database",
    "rules",
    "clock",
    "logging",
    "smtp",
    "scheduler",
    "web",
    "storage",
    "publish",
    "ingest",
    "monthly",
}


TLS_MODES = ("none", "starttls", "tls")


@dataclass(frozen=True)
class MailSettings:
    """SMTP server and sender; `tls` is none, starttls (port 587) or tls (implicit, port 465)."""

    host: str = "localhost"
    port: int = 25
    tls: str = "none"
    username: str | None = None
    password: str | None = None
    sender: str = "rectrack@localhost"
    timeout: float = 30.0


@dataclass(frozen=True)
class SchedulerSettings:
    """When the scheduler runs its jobs (cron fields, in `timezone`)."""

    sweep_cron: str = "30 6 * * *"  # away from 01:00-03:00, when clocks change
    send_every_seconds: int = 60
    misfire_grace_seconds: int = 3600
    agenda_days_before: int = 7  # a meeting's agenda is generated and sent this long before


@dataclass(frozen=True)
class Settings:
    """Everything configurable, resolved once at start-up and passed down."""

    db_url: str = DEFAULT_DB
    busy_timeout: float = 15.0  # seconds a SQLite writer waits for another
    now: str | None = None
    timezone: str = "Europe/London"
    log_level: str | None = None  # None: each command's own default
    rules: RuleBook = field(default_factory=load_rules)
    mail: MailSettings = field(default_factory=MailSettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    web: WebSettings = field(default_factory=WebSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    monthly: MonthlySettings = field(default_factory=MonthlySettings)
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """The raw settings file, for the parts (SMTP, scheduler) that read their own section."""


_BACKENDS = ("sqlite", "postgresql")


def database_url(value: str) -> str:
    """A SQLAlchemy URL of SQLite or PostgreSQL; a bare path means a SQLite file."""
    if "://" not in value:
        return f"sqlite:///{value}"
    scheme = value.split("://", 1)[0].split("+", 1)[0].lower()
    if scheme not in _BACKENDS:
        raise ConfigError(
            f"database URL {value.split('://', 1)[0]}://...: rectrack runs on SQLite "
            "(sqlite:///PATH, or a bare path) or PostgreSQL (postgresql://...)"
        )
    return value


def _read(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read settings file: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    unknown = set(data) - _KNOWN_SECTIONS
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}")
    return data


def _seconds(value: Any, what: str) -> float:
    try:
        if isinstance(value, bool):  # float(true) would be a second
            raise TypeError
        seconds = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{what} {value!r}: expected a number of seconds") from None
    if not 0 <= seconds <= 3600:
        raise ConfigError(f"{what} {value!r}: expected 0 to 3600 seconds")
    return seconds


_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _level(value: str | None) -> str | None:
    if value is None:
        return None
    if value.upper() not in _LEVELS:
        raise ConfigError(f"log level {value!r}: expected one of {', '.join(_LEVELS)}")
    return value.upper()


def _mail(table: Mapping[str, Any], env: Mapping[str, str], where: str) -> MailSettings:
    known = {"host", "port", "tls", "user", "password", "from", "timeout"}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"{where} [smtp]: unknown setting(s) {', '.join(sorted(unknown))}")
    tls = (env.get("RECTRACK_SMTP_TLS") or table.get("tls") or "none").lower()
    if tls not in TLS_MODES:
        raise ConfigError(f"SMTP TLS mode {tls!r}: expected one of {', '.join(TLS_MODES)}")
    port = _port(env.get("RECTRACK_SMTP_PORT") or table.get("port", 25))
    timeout = table.get("timeout", 30.0)
    if (
        not isinstance(timeout, (int, float))
        or isinstance(timeout, bool)
        or not 0 < timeout <= 3600  # nor nan, nor inf: no timer waits that long
    ):
        raise ConfigError(
            f"SMTP timeout {timeout!r}: expected a number of seconds above 0, up to 3600"
        )
    return MailSettings(
        host=env.get("RECTRACK_SMTP_HOST") or table.get("host") or "localhost",
        port=port,
        tls=tls,
        username=env.get("RECTRACK_SMTP_USER") or table.get("user"),
        password=env.get("RECTRACK_SMTP_PASSWORD") or table.get("password"),
        sender=_sender(env.get("RECTRACK_MAIL_FROM") or table.get("from") or "rectrack@localhost"),
        timeout=float(timeout),
    )


def _port(value: Any) -> int:
    """A whole number from 1 to 65535; as text (the environment's), digits only."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        value = int(value.strip())
    # bool is an int (true would be port 1); nor is a float taken, 25.9 as 25.
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 65535:
        raise ConfigError(f"SMTP port {value!r}: expected a whole number from 1 to 65535")
    return value


def _sender(value: str) -> str:
    """The From address, with or without a display name ("Rectrack <rt@x.org>")."""
    name, address = parseaddr(value)
    if not address or "@" not in address or any(c in address for c in ' ,;<>"'):
        raise ConfigError(
            f"mail sender {value!r}: expected an address, as rt@x.org or 'Rectrack <rt@x.org>'"
        )
    return formataddr((name, address)) if name else address


def _scheduler(table: Mapping[str, Any], where: str) -> SchedulerSettings:
    known = {"sweep_cron", "send_every_seconds", "misfire_grace_seconds", "agenda_days_before"}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"{where} [scheduler]: unknown setting(s) {', '.join(sorted(unknown))}")
    cron = table.get("sweep_cron", SchedulerSettings.sweep_cron)
    if not isinstance(cron, str):
        raise ConfigError(f"{where} [scheduler] sweep_cron {cron!r}: expected a cron line as text")
    return SchedulerSettings(
        sweep_cron=cron,
        # At least a second: APScheduler refuses no interval or grace, and 0 would be 60.
        send_every_seconds=_whole(table, "send_every_seconds", 60, 1, 86400, where),
        misfire_grace_seconds=_whole(table, "misfire_grace_seconds", 3600, 1, 7 * 86400, where),
        agenda_days_before=_whole(table, "agenda_days_before", 7, 0, 365, where),
    )


def _whole(
    table: Mapping[str, Any], name: str, default: int, low: int, top: int, where: str
) -> int:
    value = table.get(name, default)
    # Not a bool (true is 1), nor a float (1.5 seconds would be cut to 1).
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= top:
        raise ConfigError(
            f"{where} [scheduler] {name} {value!r}: expected a whole number from {low} to {top}"
        )
    return value


def load_settings(
    db: str | None = None,
    now: str | None = None,
    config: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve settings; the arguments are the command-line values (None when not given)."""
    env = os.environ if env is None else env
    config = config or env.get("RECTRACK_CONFIG")
    data = _read(Path(config)) if config else {}
    database = data.get("database", {})
    rules_table = dict(data.get("rules", {}))
    rules_file = rules_table.pop("file", None)
    if rules_file is not None and config:
        rules_file = Path(config).parent / rules_file
    return Settings(
        db_url=database_url(db or env.get("RECTRACK_DB") or database.get("url") or DEFAULT_DB),
        busy_timeout=_seconds(
            env.get("RECTRACK_BUSY_TIMEOUT") or database.get("busy_timeout", 15.0),
            "database busy_timeout",
        ),
        now=now or env.get("RECTRACK_NOW") or data.get("clock", {}).get("now"),
        timezone=data.get("clock", {}).get("timezone", "Europe/London"),
        log_level=_level(env.get("RECTRACK_LOG_LEVEL") or data.get("logging", {}).get("level")),
        rules=load_rules(Path(rules_file) if rules_file else None, rules_table),
        mail=_mail(data.get("smtp", {}), env, config or "settings"),
        scheduler=_scheduler(data.get("scheduler", {}), config or "settings"),
        web=load_web(data.get("web", {}), data.get("storage", {}), env, config or "settings"),
        publish=load_publish(data.get("publish", {}), config or "settings"),
        ingest=load_ingest(data.get("ingest", {}), config or "settings"),
        monthly=load_monthly(data.get("monthly", {}), config or "settings"),
        sections=data,
    )
