"""LibreOffice, for the tests that count a document's pages as its readers will see them.

Debian's `libreoffice-writer-nogui` turns a DOCX into PDF and poppler's `pdfinfo` counts its
pages. Where they are missing the tests that need them skip, unless RECTRACK_TEST_OFFICE is
set (as CI sets it, after installing them): then a missing LibreOffice is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest


def _tools() -> tuple[str, str] | None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    info = shutil.which("pdfinfo")
    return (office, info) if office and info else None


def docx_pages(content: bytes, folder: Path) -> int:
    """How many pages LibreOffice lays `content` (a DOCX) out on."""
    tools = _tools()
    if tools is None:
        if os.environ.get("RECTRACK_TEST_OFFICE"):
            pytest.fail("RECTRACK_TEST_OFFICE is set but soffice or pdfinfo is missing")
        pytest.skip("no LibreOffice (set RECTRACK_TEST_OFFICE to require it)")
    office, info = tools
    source = folder / "paper.docx"
    source.write_bytes(content)
    profile = folder / "profile"  # its own profile: parallel workers do not share a lock
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    shown = subprocess.run(
        [info, str(folder / "paper.pdf")], check=True, capture_output=True, text=True
    ).stdout
    found = re.search(r"^Pages:\s+(\d+)", shown, re.MULTILINE)
    assert found, shown
    return int(found.group(1))
