"""Configuration problems, reported with the file and the setting at fault."""


class ConfigError(Exception):
    """A settings or rules file that cannot be used as it is."""
