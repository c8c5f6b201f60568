"""Settings: command-line values, then environment, then the settings file, then defaults."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config.errors import ConfigError
from config.rules import RuleBook, load_rules

DEFAULT_DB = "sqlite:///rectrack.db"
_KNOWN_SECTIONS = {"database", "rules", "clock", "logging", "smtp", "scheduler"}


@dataclass(frozen=True)
class Settings:
    """Everything configurable, resolved once at start-up and passed down."""

    db_url: str = DEFAULT_DB
    now: str | None = None
    timezone: str = "Europe/London"
    log_level: str = "WARNING"
    rules: RuleBook = field(default_factory=load_rules)
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """The raw settings file, for the parts (SMTP, scheduler) that read their own section."""


def database_url(value: str) -> str:
    """A SQLAlchemy URL; a bare path means a SQLite file."""
    return value if "://" in value else f"sqlite:///{value}"


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
        now=now or env.get("RECTRACK_NOW") or data.get("clock", {}).get("now"),
        timezone=data.get("clock", {}).get("timezone", "Europe/London"),
        log_level=(
            env.get("RECTRACK_LOG_LEVEL") or data.get("logging", {}).get("level") or "WARNING"
        ).upper(),
        rules=load_rules(Path(rules_file) if rules_file else None, rules_table),
        sections=data,
    )
