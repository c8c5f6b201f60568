"""Recommendation ids: `REPORT_KEY/REF`, e.g. `botj-2003/R1`."""

from __future__ import annotations

import re

from workflow.errors import BadInput

CODE = re.compile(r"^(?P<report>[A-Za-z0-9][A-Za-z0-9._-]*)/(?P<ref>[A-Za-z0-9][A-Za-z0-9._-]*)$")


def split_code(code: str) -> tuple[str, str]:
    """`REPORT_KEY/REF` as its two parts; BadInput if it is not shaped like one."""
    m = CODE.match(code.strip())
    if not m:
        raise BadInput(f"not a recommendation id (REPORT_KEY/REF): {code!r}")
    return m["report"], m["ref"]


def normal_code(code: str) -> str:
    """The id as stored: `REPORT_KEY/REF` without surrounding space."""
    report, ref = split_code(code)
    return f"{report}/{ref}"
