"""The one writer behind every --out: a file appears whole, or not at all, or an exit-2 error."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pytest

from workflow.cli import files
from workflow.cli.files import binary_output, text_output, write_files
from workflow.errors import BadInput


def test_a_full_disk_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC when the data reaches the disk: `cannot write PATH: ...`, and nothing changed."""
    target = tmp_path / "trail.csv"
    target.write_text("old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    message = f"cannot write {target}: No space left on device"
    with pytest.raises(BadInput, match=f"^{re.escape(message)}$"), text_output(str(target)) as out:
        out.write("new")
    assert os.listdir(tmp_path) == ["trail.csv"] and target.read_text() == "old"


def test_an_error_while_writing_discards_every_file(tmp_path: Path) -> None:
    """Whatever stops the writing, no file of the set appears, no temporary file is left."""
    with pytest.raises(RuntimeError), binary_output(str(tmp_path / "a.xlsx")) as out:
        out.write(b"half")
        raise RuntimeError("the database went away")
    (tmp_path / "b-chart.png").mkdir()
    with pytest.raises(BadInput, match=r"b-chart\.png: Is a directory$"):
        write_files([(str(tmp_path / "b.md"), b"text"), (str(tmp_path / "b-chart.png"), b"")])
    assert os.listdir(tmp_path) == ["b-chart.png"]


def test_files_are_replaced_through_a_link_and_text_goes_out_as_written(tmp_path: Path) -> None:
    """A symbolic link stays a link to the new file; CRLF line ends are not translated."""
    real = tmp_path / "real.csv"
    real.write_text("old")
    (tmp_path / "link.csv").symlink_to(real)
    with text_output(str(tmp_path / "link.csv")) as out:
        out.write("a,b\r\n1,2\r\n")
    assert (tmp_path / "link.csv").is_symlink()
    assert real.read_bytes() == b"a,b\r\n1,2\r\n"
    assert sorted(os.listdir(tmp_path)) == ["link.csv", "real.csv"]
