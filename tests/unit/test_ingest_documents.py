"""Reading reports as DOCX and PDF (made here with python-docx and fpdf2), and refusing files
that cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ingest_reports import HEADER, REPORTS, Para, write_docx, write_pdf
from workflow.errors import BadInput
from workflow.intake.documents import read_lines
from workflow.intake.extract import extract

WRITERS = {"docx": write_docx, "pdf": write_pdf}


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_a_report_as_docx_or_pdf_gives_exactly_its_recommendations(
    tmp_path: Path, kind: str, name: str
) -> None:
    paras, expected = REPORTS[name]
    path = WRITERS[kind](paras, tmp_path / f"{name}.{kind}")
    lines, warnings = read_lines(path)
    result = extract(lines)
    assert [(f.ref, f.text, f.paragraph, f.category) for f in result.found] == [
        (e.ref, e.text, e.paragraph, e.category) for e in expected
    ]
    assert warnings == []


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_page_headers_and_footers_are_left_out(tmp_path: Path, kind: str) -> None:
    paras, _ = REPORTS["custody"]
    lines, _ = read_lines(WRITERS[kind](paras, tmp_path / f"custody.{kind}"))
    assert not [line for line in lines if HEADER in line or line.startswith("Page ")]


def test_a_long_pdf_loses_its_furniture_on_every_page_and_keeps_its_text(tmp_path: Path) -> None:
    body = [
        Para(f"{n}.1.1 Finding number {n} was made about custody and its staff.")
        for n in range(1, 80)
    ]
    paras = [
        *body[:40],
        Para("Recommendation 1", "heading"),
        Para("The force should review custody staffing every year."),
        *body[40:],
    ]
    path = write_pdf(paras, tmp_path / "long.pdf")
    lines, _ = read_lines(path)
    text = "\n".join(lines)
    assert text.count("\f") >= 2  # several pages
    assert HEADER not in text and "Page " not in text
    assert all(f"Finding number {n} " in text for n in range(1, 80))
    found = extract(lines).found
    assert [(f.ref, f.paragraph) for f in found] == [("R1", "40.1.1")]


def test_a_list_paragraph_in_a_docx_is_an_item(tmp_path: Path) -> None:
    paras = [
        Para("Areas for improvement", "heading"),
        Para("The force should record stop and search grounds.", "bullet"),
    ]
    lines, _ = read_lines(write_docx(paras, tmp_path / "list.docx"))
    assert "• The force should record stop and search grounds." in lines


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.md", b"  \n\n\t\n", "the file is empty"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a readable DOCX file"),
        ("text.docx", b"Recommendation 1: plain text named .docx", "not a readable DOCX file"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "not a readable PDF file"),
        ("text.pdf", b"Recommendation 1: plain text named .pdf", "not a readable PDF file"),
        ("binary.txt", bytes(range(256)) * 4, "not a text file"),
        ("report.doc", b"\xd0\xcf\x11\xe0 old Word", "unknown format .doc"),
        ("report", b"no suffix at all", "unknown format (no suffix)"),
    ],
)
def test_a_file_that_cannot_be_read_is_bad_input_naming_it(
    tmp_path: Path, name: str, content: bytes, fragment: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadInput) as refused:
        read_lines(path)
    message = str(refused.value)
    assert message.startswith(str(path)) and fragment in message
    assert "\n" not in message


def test_a_missing_file_or_a_directory_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read"):
        read_lines(tmp_path / "missing.pdf")
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(BadInput, match="cannot read"):
        read_lines(tmp_path / "folder.txt")


def test_text_not_in_utf8_is_read_as_windows_1252_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes(
        "Recommendation 1\n\nThe force should review its caf\xe9 budget.\n".encode("cp1252")
    )
    lines, warnings = read_lines(path)
    assert extract(lines).found[0].text == "The force should review its café budget."
    assert warnings == [f"{path}: not UTF-8 text: read as Windows-1252"]


def test_a_pdf_without_text_warns_that_none_could_be_read(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 50, 50)  # a drawing, as a scan has an image: no text at all
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    lines, warnings = read_lines(path)
    assert lines == [] and warnings == [f"{path}: no text could be read (a scanned image has none)"]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".md", ".docx", ".pdf"]))
def test_any_bytes_are_read_or_refused_as_bad_input(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("any") / f"file{suffix}"
    path.write_bytes(data)
    try:
        lines, _ = read_lines(path)
    except BadInput as exc:
        assert str(exc).startswith(str(path))
    else:
        extract(lines)
