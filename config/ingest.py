"""`[ingest]`: when `rectrack ingest` proposes a stored recommendation as repeated or related.

Scores are TF-IDF cosines in [0, 1] (see `workflow.intake.similar`); the defaults were chosen
on the labelled set in `tests/data/repeats.yaml` (see `bench/bench_repeats.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from config.errors import ConfigError

_KEYS = ("repeat_threshold", "related_threshold", "candidates")
MOST_CANDIDATES = 50


@dataclass(frozen=True)
class IngestSettings:
    """How the stored recommendations most like a new one are chosen and proposed."""

    repeat_threshold: float = 0.35
    """At or above this score the best stored recommendation is proposed as the one a new
    recommendation repeats (the draft's `repeats`)."""
    related_threshold: float = 0.25
    """At or above this score a stored recommendation is listed as a possible repeat (or
    related one) of a new recommendation."""
    candidates: int = 5
    """At most this many are listed for each new recommendation, best first."""


def _score(table: Mapping[str, Any], name: str, default: float, where: str) -> float:
    value = table.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(f"{where} [ingest] {name} {value!r}: expected a number from 0 to 1")
    return float(value)


def load_ingest(table: Mapping[str, Any], where: str) -> IngestSettings:
    """`[ingest]` from the settings file (`where` names it in errors)."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} [ingest]: expected a table of settings")
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise ConfigError(f"{where} [ingest]: unknown setting(s) {', '.join(unknown)}")
    defaults = IngestSettings()
    repeat = _score(table, "repeat_threshold", defaults.repeat_threshold, where)
    related = _score(table, "related_threshold", defaults.related_threshold, where)
    if related > repeat:
        raise ConfigError(
            f"{where} [ingest] related_threshold {related!r}: expected at most "
            f"repeat_threshold ({repeat!r})"
        )
    candidates = table.get("candidates", defaults.candidates)
    if (
        isinstance(candidates, bool)
        or not isinstance(candidates, int)
        or not 1 <= candidates <= MOST_CANDIDATES
    ):
        raise ConfigError(
            f"{where} [ingest] candidates {candidates!r}: expected a whole number from 1 to "
            f"{MOST_CANDIDATES}"
        )
    return IngestSettings(repeat, related, candidates)
