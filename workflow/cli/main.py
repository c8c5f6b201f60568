"""Entry point: runs a command and maps every error to one line on stderr and an exit code.

Exit codes: 0 done; 2 bad input; 3 refused by a guard or permission; 4 conflict with a
concurrent change; 5 the audit trail failed `audit verify`; 1 anything else (the database
is unreachable, a bug).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click
from sqlalchemy.exc import DBAPIError, OperationalError

from config import ConfigError
from config.logging import get_logger
from states import Refused
from workflow.cli.app import cli
from workflow.cli.exits import FAILED, exit_code
from workflow.cli.output import echo
from workflow.errors import RectrackError
from workflow.store.dialect import translated

log = get_logger("rectrack.cli")


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command line; returns its exit code instead of exiting."""
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="rectrack",
            standalone_mode=False,
        )
        return result if isinstance(result, int) else 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        echo("error: aborted", err=True)
        return FAILED
    except click.ClickException as exc:
        echo(f"error: {exc.format_message()}", err=True)
        return exc.exit_code
    except Exception as exc:
        return _report(exc)


def _report(exc: BaseException) -> int:
    """One `error:` line on stderr for `exc`; its exit code."""
    exc = translated(exc) or exc
    if isinstance(exc, (RectrackError, Refused, ConfigError)):
        echo(f"error: {exc}", err=True)
        return exit_code(exc)
    if isinstance(exc, OperationalError):
        echo(f"error: database unavailable: {_first_line(exc)}", err=True)
        return FAILED
    if isinstance(exc, DBAPIError):
        log.debug("database error", exc_info=exc)
        echo(f"error: database error: {_first_line(exc)}", err=True)
        return FAILED
    # A bug: say so in one line; the traceback is logged for whoever asks (RECTRACK_LOG_LEVEL).
    log.debug("internal error", exc_info=exc)
    echo(f"error: internal error ({type(exc).__name__}): {exc}", err=True)
    return FAILED


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


def main() -> None:
    sys.exit(run())
