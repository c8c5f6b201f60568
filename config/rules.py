"""Owner and deadline rules: defaults overridable per report kind and per statutory flag."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from config.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Rule:
    """The deadline rules that apply to one recommendation."""

    response_days: int = 56
    plan_days: int = 56
    update_every_days: int = 30
    remind_before_days: int = 7
    grace_days: int = 7
    working_days: bool = False
    plan_horizon_days: int = 1095
    complete_from_in_progress: bool = False
    escalate_to: str = "Performance Board"
    rag_amber_within_days: int = 30


_TYPES: dict[str, type] = {
    f.name: {"bool": bool, "str": str}.get(str(f.type), int) for f in fields(Rule)
}
_WANTED = {bool: "true or false", int: "a whole number of days", str: "a text"}


def _overrides(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        kind = _TYPES.get(key)
        if kind is None:
            raise ConfigError(f"{where}: unknown rule {key!r} (known: {', '.join(_TYPES)})")
        # bool is an int in Python: refuse `true` for a number of days and 1 for a flag.
        if type(value) is not kind:
            raise ConfigError(f"{where}: {key} must be {_WANTED[kind]}, not {value!r}")
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise ConfigError(f"{where}: {key} must not be negative")
        out[key] = value
    return out


@dataclass(frozen=True, eq=False)
class RuleBook:
    """All the rules of one installation; `for_recommendation` resolves them for one case."""

    defaults: Rule = field(default_factory=Rule)
    statutory: Mapping[str, Any] = field(default_factory=dict)
    kinds: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    kinds_statutory: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    _resolved: dict[tuple[str, bool], Rule] = field(default_factory=dict, repr=False)

    def for_recommendation(self, kind: str | None, statutory: bool) -> Rule:
        key = (kind or "", statutory)
        rule = self._resolved.get(key)
        if rule is None:
            rule = self._resolved[key] = self._resolve(*key)
        return rule

    def _resolve(self, kind: str, statutory: bool) -> Rule:
        rule = self.defaults
        if statutory:
            rule = replace(rule, **self.statutory)
        rule = replace(rule, **self.kinds.get(kind, {}))
        if statutory:
            rule = replace(rule, **self.kinds_statutory.get(kind, {}))
        return rule

    def merged(self, other: Mapping[str, Any], where: str) -> RuleBook:
        """This book with the tables of a parsed rules document laid over it."""
        known = {"defaults", "statutory", "kind"}
        unknown = set(other) - known
        if unknown:
            raise ConfigError(f"{where}: unknown section(s) {', '.join(sorted(unknown))}")
        defaults = replace(
            self.defaults, **_overrides(other.get("defaults", {}), f"{where} [defaults]")
        )
        statutory = {
            **self.statutory,
            **_overrides(other.get("statutory", {}), f"{where} [statutory]"),
        }
        kinds = {k: dict(v) for k, v in self.kinds.items()}
        kinds_stat = {k: dict(v) for k, v in self.kinds_statutory.items()}
        for kind, table in other.get("kind", {}).items():
            table = dict(table)
            stat = table.pop("statutory", {})
            kinds.setdefault(kind, {}).update(_overrides(table, f"{where} [kind.{kind}]"))
            kinds_stat.setdefault(kind, {}).update(
                _overrides(stat, f"{where} [kind.{kind}.statutory]")
            )
        return RuleBook(defaults, statutory, kinds, kinds_stat)


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def default_rules() -> RuleBook:
    """The rules shipped in `config/rules.toml`."""
    text = resources.files("config").joinpath("rules.toml").read_text(encoding="utf-8")
    return RuleBook().merged(_parse(text, "config/rules.toml"), "config/rules.toml")


def load_rules(path: Path | None = None, table: Mapping[str, Any] | None = None) -> RuleBook:
    """The shipped rules, then a rules file, then a `[rules]` table from the settings file."""
    book = default_rules()
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read rules file: {exc.strerror}") from None
        book = book.merged(_parse(text, str(path)), str(path))
    if table:
        book = book.merged(table, "settings [rules]")
    return book
