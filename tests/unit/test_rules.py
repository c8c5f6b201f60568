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


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        # Each was taken silently: 0 and false as 25 (the default), 25.9 as 25, true as 1.
        ("[smtp]\nport = 0\n", "SMTP port 0: expected a whole number from 1 to 65535"),
        ("[smtp]\nport = false\n", "SMTP port False: expected a whole number"),
        ("[smtp]\nport = true\n", "SMTP port True: expected a whole number"),
        ("[smtp]\nport = 25.9\n", "SMTP port 25.9: expected a whole number"),
        ("[smtp]\nport = 25.0\n", "SMTP port 25.0: expected a whole number"),
        ("[smtp]\nport = -25\n", "SMTP port -25: expected a whole number"),
        ("[smtp]\nport = 65536\n", "SMTP port 65536: expected a whole number"),
        ('[smtp]\nport = "2_5"\n', "SMTP port '2_5': expected a whole number"),
        ("[smtp]\nport = []\n", "SMTP port []: expected a whole number"),
        # The other numbers: no bool for a number, nor a number no timer can wait.
        ("[database]\nbusy_timeout = true\n", "busy_timeout True: expected a number of seconds"),
        ("[database]\nbusy_timeout = nan\n", "busy_timeout nan: expected 0 to 3600 seconds"),
        ("[smtp]\ntimeout = true\n", "SMTP timeout True: expected a number of seconds"),
        ("[smtp]\ntimeout = nan\n", "SMTP timeout nan: expected a number of seconds"),
        ("[smtp]\ntimeout = inf\n", "SMTP timeout inf: expected a number of seconds"),
        ("[smtp]\ntimeout = 0\n", "SMTP timeout 0: expected a number of seconds"),
        ("[scheduler]\nsend_every_seconds = true\n", "send_every_seconds True: expected"),
        ("[scheduler]\nsend_every_seconds = 1.5\n", "send_every_seconds 1.5: expected"),
        ("[scheduler]\nsend_every_seconds = 0\n", "send_every_seconds 0: expected"),
        ("[scheduler]\nmisfire_grace_seconds = 0\n", "misfire_grace_seconds 0: expected"),
        ("[scheduler]\nagenda_days_before = -1\n", "agenda_days_before -1: expected"),
        ("[scheduler]\nagenda_days_before = 10000000000\n", "agenda_days_before 10000000000"),
        ("[scheduler]\nsweep_cron = 5\n", "sweep_cron 5: expected"),
    ],
)
def test_a_number_in_the_settings_file_is_checked_for_type_and_range(
    tmp_path: Path, toml: str, message: str
) -> None:
    path = tmp_path / "rectrack.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as err:
        load_settings(config=str(path), env={})
    assert message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("toml", "env", "port"),
    [
        ("", {}, 25),
        ("[smtp]\nport = 587\n", {}, 587),
        ('[smtp]\nport = "587"\n', {}, 587),
        ("[smtp]\nport = 587\n", {"RECTRACK_SMTP_PORT": "465"}, 465),
        ("", {"RECTRACK_SMTP_PORT": " 2525 "}, 2525),
        ("", {"RECTRACK_SMTP_PORT": "65535"}, 65535),
        ("", {"RECTRACK_SMTP_PORT": "1"}, 1),
    ],
)
def test_a_port_is_a_whole_number_from_the_file_or_digits_from_the_environment(
    tmp_path: Path, toml: str, env: dict[str, str], port: int
) -> None:
    path = tmp_path / "rectrack.toml"
    path.write_text(toml)
    assert load_settings(config=str(path), env=env).mail.port == port


@pytest.mark.parametrize("value", ["0", "+25", "2_5", "25.0", "٢٥", "-1", "99999", "x"])
def test_a_port_from_the_environment_is_digits_for_1_to_65535(value: str) -> None:
    with pytest.raises(ConfigError, match=r"SMTP port .*: expected a whole number from 1 to 65535"):
        load_settings(env={"RECTRACK_SMTP_PORT": value})
