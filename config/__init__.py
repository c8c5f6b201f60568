"""Settings loading (file and environment), logging set-up, and the default rules file."""

from config.errors import ConfigError
from config.rules import Rule, RuleBook, default_rules, load_rules
from config.settings import Settings, database_url, load_settings

__all__ = [
    "ConfigError",
    "Rule",
    "RuleBook",
    "Settings",
    "database_url",
    "default_rules",
    "load_rules",
    "load_settings",
]
