"""The public register's settings: `[publish]` (its title, and whose names it may show)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from config.errors import ConfigError

DEFAULT_TITLE = "Register of inspection recommendations"
_KEYS = {"title", "named_titles"}
_LONGEST = 200  # a job title is at most what `person.title` holds


@dataclass(frozen=True)
class PublishSettings:
    """What `rectrack publish` writes about people, and the register's heading."""

    title: str = DEFAULT_TITLE
    named_titles: tuple[str, ...] = ()
    """Job titles senior enough to be named: an owner holding one is shown as "Name, Title";
    anyone else by their title, their group or "the force", never by name."""

    def names(self, title: str | None) -> bool:
        """Whether a person with job `title` may be named in the register."""
        return title is not None and same_title(title) in {same_title(t) for t in self.named_titles}


def same_title(title: str) -> str:
    """A job title as compared: case and spacing do not matter."""
    return " ".join(title.split()).casefold()


def _text(value: Any, name: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > _LONGEST:
        raise ConfigError(
            f"{where} [publish] {name} {value!r}: expected text of 1 to {_LONGEST} characters"
        )
    return value.strip()


def load_publish(table: Any, where: str) -> PublishSettings:
    """`[publish]` from the settings file."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} [publish]: expected a table of settings")
    unknown = set(table) - _KEYS
    if unknown:
        raise ConfigError(f"{where} [publish]: unknown setting(s) {', '.join(sorted(unknown))}")
    titles = table.get("named_titles", [])
    if not isinstance(titles, list):
        raise ConfigError(
            f"{where} [publish] named_titles {titles!r}: expected a list of job titles, "
            'as ["Chief Constable", "Deputy Chief Constable"]'
        )
    return PublishSettings(
        title=_text(table.get("title", DEFAULT_TITLE), "title", where),
        named_titles=tuple(_text(t, "named_titles", where) for t in titles),
    )
