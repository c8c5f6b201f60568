"""Structured logging: one processor chain for structlog and the standard library alike.

Nothing is loaded until something is logged: `configure_logging` records how lines should
look, and the loggers from `get_logger` set structlog up on their first call. A command that
logs nothing (most reads) never imports structlog. A service that wants the standard
library's loggers (APScheduler's, SQLAlchemy's) formatted from the start passes `at_once`.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

_wanted: dict[str, Any] = {"level": "WARNING", "json": None}
_done = False


def configure_logging(
    level: str = "WARNING", json: bool | None = None, *, at_once: bool = False
) -> None:
    """Send every log line to stderr: JSON when not a terminal (or `json=True`), else console.

    Applied when the first line is logged, or now with `at_once` (or if already applied).
    """
    _wanted.update(level=level, json=json)
    logging.getLogger().setLevel(level)
    if at_once or _done:
        _apply()


def _apply() -> None:
    global _done
    import structlog

    json = _wanted["json"]
    if json is None:
        json = not sys.stderr.isatty()
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    rendering: list[Any] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if json:
        # An exception as data: `"exception": [{"exc_type", "exc_value", "frames"}]`, not
        # `"exc_info": true`. Without each frame's locals, which may hold a password.
        from structlog.tracebacks import ExceptionDictTransformer

        transformer = ExceptionDictTransformer(show_locals=False)
        rendering += [structlog.processors.ExceptionRenderer(transformer)]
        rendering += [structlog.processors.JSONRenderer()]
    else:  # the console renderer formats the traceback itself: plain, without locals too
        plain = structlog.dev.plain_traceback
        rendering += [structlog.dev.ConsoleRenderer(colors=False, exception_formatter=plain)]
    handler = logging.StreamHandler(sys.stderr)
    # The same rendering for structlog's events and the standard library's records (whose
    # exc_info the formatter puts in the event), so that both carry their exception.
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=rendering)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(_wanted["level"])
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Off, so that tests' capture_logs() sees loggers created before it.
        cache_logger_on_first_use=False,
    )
    _done = True


class Logger:
    """A structlog logger made on first use (`log.info(...)`, `log.exception(...)`)."""

    __slots__ = ("_logger", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._logger: Any = None

    def __getattr__(self, method: str) -> Any:
        if self._logger is None:
            if not _done:
                _apply()
            import structlog

            self._logger = structlog.get_logger(self._name)
        return getattr(self._logger, method)


def get_logger(name: str) -> Logger:
    """The logger `name`; structlog is set up (as configured) when it first logs."""
    return Logger(name)
