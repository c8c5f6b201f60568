"""Settings loading (file and environment), logging set-up, and the default rules file."""

from config.errors import ConfigError
from config.publish import PublishSettings
from config.rules import Rule, RuleBook, default_rules, load_rules
from config.settings import (
    MailSettings,
    SchedulerSettings,
    Settings,
    database_url,
    load_settings,
)
from config.web import WebSettings

__all__ = [
    "ConfigError",
    "MailSettings",
    "PublishSettings",
    "Rule",
    "RuleBook",
    "SchedulerSettings",
    "Settings",
    "WebSettings",
    "database_url",
    "default_rules",
    "load_rules",
    "load_settings",
]
