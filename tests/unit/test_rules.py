"""Deadline rules: defaults, overridden per report kind and per statutory flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, Rule, default_rules, load_rules, load_settings


def test_defaults_are_those_of_the_design() -> None:
    rule = default_rules().for_recommendation("inspection", statutory=False)
    assert (rule.response_days, rule.plan_days, rule.update_every_days) == (56, 56, 30)
    assert (rule.remind_before_days, rule.grace_days, rule.working_days) == (7, 7, False)


def test_overrides_apply_in_order(tmp_path: Path) -> None:
    """defaults < statutory < kind < kind.statutory."""
    path = tmp_path / "rules.toml"
    path.write_text(
        "[defaults]\nresponse_days = 40\n"
        "[statutory]\nresponse_days = 28\nplan_days = 20\n"
        "[kind.audit]\nresponse_days = 30\nworking_days = true\n"
        "[kind.audit.statutory]\nplan_days = 10\n"
    )
    book = load_rules(path)
    assert book.for_recommendation("inspection", False).response_days == 40
    assert book.for_recommendation("inspection", True).response_days == 28
    audit = book.for_recommendation("audit", False)
    assert (audit.response_days, audit.plan_days, audit.working_days) == (30, 56, True)
    audit_stat = book.for_recommendation("audit", True)
    assert (audit_stat.response_days, audit_stat.plan_days) == (30, 10)


def test_shipped_rules_let_internal_audit_complete_from_in_progress() -> None:
    book = default_rules()
    assert book.for_recommendation("internal audit", False).complete_from_in_progress
    assert not book.for_recommendation("inspection", False).complete_from_in_progress


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[defaults]\nresponse_dayz = 3\n", "unknown rule 'response_dayz'"),
        ("[defaults]\nresponse_days = true\n", "must be a whole number of days"),
        ("[defaults]\nworking_days = 1\n", "must be true or false"),
        ("[defaults]\ngrace_days = -1\n", "must not be negative"),
        ("[deadlines]\n", "unknown section"),
        ("[defaults\n", "rules.toml"),
    ],
)
def test_bad_rules_file_is_refused_with_file_and_setting(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message) as err:
        load_rules(path)
    assert str(path) in str(err.value)


def test_settings_file_carries_rules_and_database(tmp_path: Path) -> None:
    path = tmp_path / "rectrack.toml"
    path.write_text(
        '[database]\nurl = "sqlite:///x.db"\n[rules.defaults]\nupdate_every_days = 14\n'
    )
    settings = load_settings(config=str(path), env={})
    assert settings.db_url == "sqlite:///x.db"
    assert settings.rules.for_recommendation(None, False).update_every_days == 14


def test_command_line_beats_environment_beats_file(tmp_path: Path) -> None:
    path = tmp_path / "rectrack.toml"
    path.write_text('[database]\nurl = "sqlite:///file.db"\n')
    env = {"RECTRACK_DB": "env.db", "RECTRACK_CONFIG": str(path)}
    assert load_settings(env=env).db_url == "sqlite:///env.db"
    assert load_settings(db="postgresql://h/db", env=env).db_url == "postgresql://h/db"
    assert load_settings(env={"RECTRACK_CONFIG": str(path)}).db_url == "sqlite:///file.db"


def test_rule_is_plain_data() -> None:
    assert Rule() == default_rules().defaults
