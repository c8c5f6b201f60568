"""`[ingest]`: the thresholds and the number of candidates, checked with the key at fault."""

from __future__ import annotations

from typing import Any

import pytest

from config.errors import ConfigError
from config.ingest import IngestSettings, load_ingest


def test_defaults_and_a_table_that_changes_them() -> None:
    assert load_ingest({}, "rectrack.toml") == IngestSettings()
    chosen = load_ingest(
        {"repeat_threshold": 0.5, "related_threshold": 0, "candidates": 3}, "rectrack.toml"
    )
    assert chosen == IngestSettings(0.5, 0.0, 3)
    assert IngestSettings().related_threshold <= IngestSettings().repeat_threshold


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"repeat_threshold": 1.5}, "repeat_threshold"),
        ({"repeat_threshold": "high"}, "repeat_threshold"),
        ({"repeat_threshold": True}, "repeat_threshold"),
        ({"related_threshold": -0.1}, "related_threshold"),
        ({"repeat_threshold": 0.3, "related_threshold": 0.4}, "related_threshold"),
        ({"candidates": 0}, "candidates"),
        ({"candidates": 2.5}, "candidates"),
        ({"candidates": 51}, "candidates"),
        ({"threshold": 0.3}, "threshold"),
    ],
)
def test_a_bad_value_is_refused_naming_the_file_and_the_key(
    table: dict[str, Any], key: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_ingest(table, "rectrack.toml")
    assert str(refused.value).startswith("rectrack.toml [ingest]")
    assert key in str(refused.value)


def test_a_section_that_is_not_a_table_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"\[ingest\]: expected a table"):
        load_ingest(["repeat_threshold"], "rectrack.toml")  # type: ignore[arg-type]


def test_the_settings_file_carries_the_ingest_section(tmp_path: Any) -> None:
    from config import load_settings

    path = tmp_path / "rectrack.toml"
    path.write_text("[ingest]\nrepeat_threshold = 0.6\nrelated_threshold = 0.3\n")
    assert load_settings(config=str(path)).ingest == IngestSettings(0.6, 0.3)
    path.write_text("[ingest]\nrepeat_threshold = 7\n")
    with pytest.raises(ConfigError, match="repeat_threshold"):
        load_settings(config=str(path))
