"""The open-recommendations chart: a PNG of a fixed size, the same bytes for the same input."""

from __future__ import annotations

import struct
import subprocess
import sys
from datetime import date

import pytest

from workflow.reporting.documents.chart import open_recommendations_chart

MONTHS = [date(2003, month, 1) for month in range(1, 13)] + [date(2004, 1, 1)]
BY_STATE = {
    "monitored": [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5],
    "raised": [9, 8, 7, 6, 5, 4, 3, 2, 2, 1, 1, 0, 0],
    "responded": [0, 1, 2, 3, 3, 3, 3, 3, 2, 2, 1, 1, 1],
    "planned": [0, 0, 1, 1, 2, 2, 2, 3, 3, 3, 2, 2, 1],
    "in_progress": [0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 4, 4],
}
BY_RAG = {"RED": 2, "AMBER": 5, "GREEN": 4}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a PNG must start with."""
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def chart(by_rag: dict[str, int] = BY_RAG) -> bytes:
    return open_recommendations_chart(MONTHS, BY_STATE, by_rag, "Open recommendations, 2003")


def test_the_chart_is_a_png_of_1600_by_600_pixels() -> None:
    """The chart is a PNG, 1600 pixels wide and 600 high."""
    png = chart()
    assert png.startswith(PNG_SIGNATURE)
    assert png_size(png) == (1600, 600)


def test_the_same_input_gives_the_same_bytes_and_other_input_others() -> None:
    """Two drawings of the same data are byte-identical; a changed count changes them."""
    assert chart() == chart()
    assert chart() != chart({**BY_RAG, "RED": 3})


def test_the_png_does_not_name_the_software() -> None:
    """No tEXt chunk names matplotlib, whose version would change the bytes on upgrade."""
    assert b"matplotlib" not in chart()


def test_nothing_to_show_still_draws_a_chart() -> None:
    """With no months and no ratings the chart is still drawn, at its usual size."""
    png = open_recommendations_chart([], {}, {}, "Nothing open")
    assert png_size(png) == (1600, 600)


def test_counts_must_match_the_months() -> None:
    """A state with a count missing for some month is refused rather than drawn shifted."""
    with pytest.raises(ValueError, match="planned: 2 counts for 13 months"):
        open_recommendations_chart(MONTHS, {"planned": [1, 2]}, BY_RAG, "t")


def test_importing_the_chart_module_does_not_import_matplotlib() -> None:
    """matplotlib is imported when a chart is drawn, not when the module is imported."""
    code = "import sys, workflow.reporting.documents.chart; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
