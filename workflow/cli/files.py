"""Every `--out`: a file written whole or not at all, or standard output for `-`.

A file is written to a temporary file beside it (`.NAME.XXXXXXXX.partial`), flushed to disk,
and renamed over its name only once complete: a failure (no such directory, a directory in
the way, a full disk) leaves nothing half-written, the old file if there was one, and the
error `cannot write PATH: reason` (exit 2). A target that is not a regular file (`/dev/full`,
`/dev/null`, a named pipe) cannot be replaced by a rename, so it is written directly. A path
that is a symbolic link has its target replaced, and stays a link.

Standard output is for text only; a reader that stops early (`| head`) is not an error.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from secrets import token_hex
from typing import IO, Any, TypeVar

import click

from workflow.errors import BadInput

F = TypeVar("F", bound=Callable[..., Any])

STDOUT = "-"


def out_option(help: str) -> Callable[[F], F]:
    """The `--out PATH` option: `help` says what is written and where by default."""
    return click.option("--out", metavar="PATH", help=help)


def to_stdout(path: str | None) -> bool:
    """Whether `--out` (absent or `-`) means standard output."""
    return path is None or path == STDOUT


def refuse_stdout(path: str | None, what: str) -> None:
    """Binary output (`what`, e.g. "an XLSX workbook") needs a file: refuse none or `-`."""
    if to_stdout(path):
        raise BadInput(f"{what} is binary: it needs --out PATH, a file (not standard output)")


class _Pending:
    """One file being written: to a temporary file beside its target, or to a device directly."""

    def __init__(self, path: str, *, text: bool = False) -> None:
        self.path = path
        self.target = Path(os.path.realpath(path))
        self.direct = _is_special(self.target)
        self.written = self.target if self.direct else _temporary(self.target)
        mode = "w" if self.direct else "x"  # x: never into a file someone else just made
        # Text is UTF-8 with no newline translation: CSV's CRLF line ends go out as written.
        self.stream: IO[Any] = (
            open(self.written, mode, encoding="utf-8", newline="")  # noqa: SIM115
            if text
            else open(self.written, mode + "b")  # noqa: SIM115
        )

    def finish(self) -> None:
        """Everything written: flush it to the disk (where a full disk may yet show) and close."""
        self.stream.flush()
        if not self.direct:
            os.fsync(self.stream.fileno())
        self.stream.close()

    def publish(self) -> None:
        if not self.direct:
            os.replace(self.written, self.target)

    def discard(self) -> None:
        # The error being reported already is the one that matters.
        with suppress(OSError):
            self.stream.close()
        if not self.direct:
            with suppress(OSError):
                self.written.unlink(missing_ok=True)


def _is_special(target: Path) -> bool:
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    return not stat.S_ISREG(mode)


def _temporary(target: Path) -> Path:
    # Hidden, unique (two writers of one path do not share it), and in the target's directory,
    # so that the rename stays on one file system.
    return target.with_name(f".{target.name}.{token_hex(4)}.partial")


def cannot_write(path: str, exc: OSError) -> BadInput:
    """The one error every failed write becomes: `cannot write PATH: reason` (exit 2)."""
    return BadInput(f"cannot write {path}: {exc.strerror or exc}")


@contextmanager
def _pending(paths: Sequence[str], *, text: bool = False) -> Iterator[list[_Pending]]:
    """Files to fill; published together once the block ends without error, else discarded."""
    opened: list[_Pending] = []
    current = paths[0] if paths else ""
    try:
        for current in paths:
            opened.append(_Pending(current, text=text))
        yield opened
        for pending in opened:
            current = pending.path
            pending.finish()
        for pending in opened:
            current = pending.path
            pending.publish()
    except BaseException as exc:
        for pending in opened:
            pending.discard()
        if isinstance(exc, OSError):
            raise cannot_write(current, exc) from None
        raise


@contextmanager
def binary_output(path: str) -> Iterator[IO[bytes]]:
    """A file at `path` (not standard output: see `refuse_stdout`), written whole or not at all."""
    with _pending([path]) as (pending,):
        yield pending.stream


@contextmanager
def text_output(path: str | None) -> Iterator[IO[str]]:
    """Standard output for none or `-`, else a UTF-8 file at `path` written whole or not at all.

    Lines end as written: no newline translation (CSV's CRLF line ends go out as they are).
    """
    if to_stdout(path):
        with _stdout() as stream:
            yield stream
        return
    with _pending([str(path)], text=True) as (pending,):
        yield pending.stream


def write_files(files: Sequence[tuple[str, bytes]]) -> None:
    """Write several files (a document and its figures) all, or none of them."""
    with _pending([path for path, _ in files]) as opened:
        for pending, (_, content) in zip(opened, files, strict=True):
            pending.stream.write(content)


@contextmanager
def _stdout() -> Iterator[IO[str]]:
    try:
        yield sys.stdout
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader had enough (`| head`): not an error. Point stdout at /dev/null so that
        # flushing it at exit does not fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise click.exceptions.Exit(0) from None
    except OSError as exc:
        raise BadInput(f"cannot write to standard output: {exc.strerror or exc}") from None
