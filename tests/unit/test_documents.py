"""Documents in Markdown, HTML and DOCX: the same content, escaped, shaded and laid out."""

from __future__ import annotations

import base64
import re
import struct
import subprocess
import sys
import zlib
from datetime import UTC, datetime
from html.parser import HTMLParser
from io import BytesIO

import docx
import pytest
from docx.oxml.ns import qn

from workflow.reporting.documents import (
    BulletList,
    Document,
    Figure,
    Heading,
    Paragraph,
    Table,
    document_files,
    render,
)
from workflow.reporting.documents.docx import to_docx
from workflow.reporting.documents.html import to_html
from workflow.reporting.documents.markdown import md_block, to_markdown


def tiny_png() -> bytes:
    """A valid 2 x 1 pixel PNG, so that these tests need no drawing library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)  # 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\x00\xff")
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PNG = tiny_png()
SCRIPT = "<script>alert(1)</script>"
HEADERS = ("No", "Recommendation", "Lead", "RAG")
ROWS = (
    ("R1", f"Aims {SCRIPT}", "ACPRS", "RED"),
    ("R2", "a | b", "Head of Corporate Planning\nHead of Best Value", "AMBER"),
    ("R3", "Integrate best value\ninto day to day processes", "ACHR", "GREEN"),
)
SAMPLE = Document(
    title="Inspections & <reviews>",
    subtitle="Report 14 of the 14 September 2006 meeting of the PPR Committee",
    blocks=(
        Paragraph("14", label="Report"),
        Paragraph("14 September 2006", label="Date"),
        Paragraph("Commissioner", label="By"),
        Heading("Summary"),
        Paragraph("This report provides an update.\n# not a heading"),
        Heading("A. Recommendations"),
        BulletList(("members note this report;", "the changes are publicised."), ordered=True),
        Heading("B. Supporting information", level=2),
        BulletList(("statutory requirements", "unnecessary bureaucracy")),
        BulletList(("first of another list", "second"), ordered=True),
        Heading("Progress", level=3),
        Table(HEADERS, ROWS, caption="Action plan progress summary", rag_column=3),
        Figure(PNG, "Open recommendations by state", name="open.png"),
    ),
)
WHEN = datetime(2006, 9, 14, 10, 0, tzinfo=UTC)


# Markdown


def table_lines(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


def test_markdown_table_rows_have_one_cell_per_header() -> None:
    """Every table line splits on its unescaped pipes into exactly one cell per header."""
    lines = table_lines(to_markdown(SAMPLE))
    assert len(lines) == 2 + len(ROWS)  # header, delimiter, rows
    for line in lines:
        assert len(re.split(r"(?<!\\)\|", line)) == len(HEADERS) + 2, line
    assert "| R2 | a \\| b |" in lines[3]


def test_markdown_cells_break_lines_and_escape_html() -> None:
    """A multi-line cell stays on its row with <br>, and a script tag is shown, not run."""
    lines = table_lines(to_markdown(SAMPLE))
    assert "Head of Corporate Planning<br>Head of Best Value" in lines[3]
    assert "Aims \\<script>alert(1)\\</script>" in lines[2]


def test_markdown_labelled_paragraphs_bold_their_label() -> None:
    """Labelled paragraphs come out as meta lines with the label in bold."""
    markdown = to_markdown(SAMPLE)
    for line in ("**Report:** 14", "**Date:** 14 September 2006", "**By:** Commissioner"):
        assert f"\n{line}\n" in markdown


def test_markdown_headings_sit_below_the_title() -> None:
    """The title is the one level-1 heading; heading levels 1 to 3 become ## to ####."""
    headings = [line for line in to_markdown(SAMPLE).splitlines() if line.startswith("#")]
    assert headings == [
        "# Inspections & \\<reviews>",
        "## Summary",
        "## A. Recommendations",
        "### B. Supporting information",
        "#### Progress",
    ]


def test_markdown_lists_and_line_breaks() -> None:
    """Ordered lists are numbered, two lists in a row stay apart, newlines are hard breaks."""
    markdown = to_markdown(SAMPLE)
    assert "1. members note this report;\n2. the changes are publicised.\n" in markdown
    assert "- unnecessary bureaucracy\n\n<!-- -->\n\n1. first of another list" in markdown
    assert "This report provides an update.\\\n\\# not a heading" in markdown


def test_markdown_links_figures_only_when_given_a_directory() -> None:
    """Without a directory the figure is only captioned; with one it is linked from there."""
    plain = to_markdown(SAMPLE)
    assert "![" not in plain and "*Open recommendations by state*" in plain
    linked = to_markdown(SAMPLE, "figures dir", figure_prefix="r-")
    assert "![Open recommendations by state](figures%20dir/r-open.png)" in linked


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# Report", "\\# Report"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("> not a quote", "\\> not a quote"),
        ("2003.5 and #3 stay", "2003.5 and #3 stay"),
        ("*bold* _it_ `code` [link]", "\\*bold\\* \\_it\\_ \\`code\\` \\[link\\]"),
        ("&lt; but R&D", "\\&lt; but R&D"),
        ("one\n\ntwo", "one\\\ntwo"),
    ],
)
def test_markdown_escapes_what_would_become_markup(text: str, escaped: str) -> None:
    """Text that Markdown would read as markup is escaped; harmless text is left alone."""
    assert md_block(text) == escaped


# HTML


class Page(HTMLParser):
    """The start tags of a page, and each table cell's style and text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.cells: list[tuple[str | None, str]] = []
        self.images: list[str] = []
        self._cell: tuple[str | None, list[str]] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "td":
            self._cell = (dict(attrs).get("style"), [])
        if tag == "img":
            self.images.append(dict(attrs)["src"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.cells.append((self._cell[0], "".join(self._cell[1])))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1].append(data)


def test_html_escapes_everything_user_supplied() -> None:
    """The script in a recommendation is text, not a tag, and the title is escaped too."""
    html = to_html(SAMPLE)
    page = Page(html)
    assert "script" not in page.tags
    assert "Aims &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<title>Inspections &amp; &lt;reviews&gt;</title>" in html
    assert (None, f"Aims {SCRIPT}") in page.cells


def test_html_shades_rag_cells_and_keeps_their_text() -> None:
    """RAG cells carry their colour as a background and still say RED, AMBER or GREEN."""
    shaded = {text: style for style, text in Page(to_html(SAMPLE)).cells if style}
    assert shaded == {
        "RED": "background-color: #f4cccc",
        "AMBER": "background-color: #fde9c7",
        "GREEN": "background-color: #d9ead3",
    }


def test_html_is_a_page_with_its_layout() -> None:
    """A standalone page: doctype, stylesheet, headings one level below the title, lists."""
    html = to_html(SAMPLE)
    page = Page(html)
    assert html.startswith("<!DOCTYPE html>")
    assert {"style", "h1", "h2", "h3", "h4", "ol", "ul", "table", "thead", "caption"} <= set(
        page.tags
    )
    assert page.tags.count("h1") == 1
    assert '<p class="meta"><strong>Report:</strong> 14</p>' in html


def test_html_breaks_lines_in_cells_and_embeds_figures() -> None:
    """Newlines in a cell become <br>; the figure is the PNG itself, as a data URI."""
    html = to_html(SAMPLE)
    assert "Head of Corporate Planning<br>\nHead of Best Value</td>" in html
    (src,) = Page(html).images
    prefix = "data:image/png;base64,"
    assert src.startswith(prefix) and base64.b64decode(src[len(prefix) :]) == PNG


# DOCX


def open_docx(blob: bytes) -> docx.document.Document:
    return docx.Document(BytesIO(blob))


def test_docx_headings_use_word_heading_styles() -> None:
    """Title, subtitle and headings 1 to 3 are in Word's own styles of those names."""
    word = open_docx(to_docx(SAMPLE))
    styled = [
        (p.style.name, p.text)
        for p in word.paragraphs
        if p.style is not None and p.style.name.startswith(("Title", "Subtitle", "Heading"))
    ]
    assert styled == [
        ("Title", "Inspections & <reviews>"),
        ("Subtitle", SAMPLE.subtitle),
        ("Heading 1", "Summary"),
        ("Heading 1", "A. Recommendations"),
        ("Heading 2", "B. Supporting information"),
        ("Heading 3", "Progress"),
    ]


def test_docx_table_holds_every_cell_with_a_repeated_bold_header() -> None:
    """The table has the header and rows as given, lines as paragraphs, header marked to repeat."""
    (table,) = open_docx(to_docx(SAMPLE)).tables
    assert [tuple(cell.text for cell in row.cells) for row in table.rows] == [HEADERS, *ROWS]
    assert len(table.rows[2].cells[2].paragraphs) == 2
    assert table.style is not None and table.style.name == "Table Grid"
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)


def test_docx_shades_rag_cells() -> None:
    """Each RAG cell is filled in its colour; the other cells are not filled."""
    (table,) = open_docx(to_docx(SAMPLE)).tables
    fills = [
        [shd.get(qn("w:fill")) for shd in cell._tc.iter(qn("w:shd"))]
        for row in table.rows[1:]
        for cell in row.cells
    ]
    assert fills == [[], [], [], ["F4CCCC"], [], [], [], ["FDE9C7"], [], [], [], ["D9EAD3"]]


def test_docx_labels_lists_and_picture() -> None:
    """Labels are bold, lists use the list styles, and the picture has its caption beneath."""
    word = open_docx(to_docx(SAMPLE))
    report = word.paragraphs[2]
    assert report.text == "Report: 14" and report.runs[0].bold and not report.runs[-1].bold
    styles = [p.style.name for p in word.paragraphs if p.style is not None]
    assert styles.count("List Number") == 4 and styles.count("List Bullet") == 2
    assert len(word.inline_shapes) == 1
    picture = next(i for i, p in enumerate(word.paragraphs) if p._p.xpath(".//pic:pic"))
    caption = word.paragraphs[picture + 1]
    assert (caption.style.name, caption.text) == ("Caption", "Open recommendations by state")


def test_docx_each_numbered_list_counts_from_one() -> None:
    """Two numbered lists get numberings of their own, each restarting at 1."""
    word = open_docx(to_docx(SAMPLE))
    numbered = [p for p in word.paragraphs if p.style is not None and p.style.name == "List Number"]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]
    numbering = word.part.numbering_part.element
    for num_id in {num_ids[0], num_ids[2]}:
        (start,) = numbering.num_having_numId(num_id).xpath(".//w:startOverride/@w:val")
        assert start == "1"


def test_docx_is_reproducible_and_dated_only_by_when() -> None:
    """The same document and date give the same bytes; without a date it is undated."""
    dated = to_docx(SAMPLE, WHEN)
    assert dated == to_docx(SAMPLE, WHEN)
    properties = open_docx(dated).core_properties
    assert properties.created == properties.modified == WHEN
    assert properties.title == SAMPLE.title
    assert open_docx(to_docx(SAMPLE)).core_properties.created is None


def test_docx_drops_characters_xml_cannot_hold() -> None:
    """A form feed copied from a PDF does not stop the document from being written."""
    doc = Document("Feed", (Paragraph("page one\x0cpage two"),))
    assert open_docx(to_docx(doc)).paragraphs[1].text == "page one page two"


# Writing files, and the model's own checks


def test_a_markdown_document_makes_its_figures_beside_it() -> None:
    """Markdown comes with each figure beside it as <stem>-<name>, linked from the text."""
    files = document_files(SAMPLE, "md", "out/report 14.md")
    assert [path for path, _ in files] == ["out/report 14.md", "out/report 14-open.png"]
    assert files[1][1] == PNG
    text = files[0][1].decode("utf-8")
    assert "![Open recommendations by state](report%2014-open.png)" in text


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx"])
def test_other_formats_make_one_file(fmt: str) -> None:
    """HTML, DOCX and XLSX are single files, holding what `render` gives."""
    files = document_files(SAMPLE, fmt, f"report.{fmt}", when=WHEN)
    assert [path for path, _ in files] == [f"report.{fmt}"]
    if fmt != "xlsx":  # a workbook records when it was saved
        expected = render(SAMPLE, fmt, when=WHEN)
        assert files[0][1] == (expected if isinstance(expected, bytes) else expected.encode())


def test_an_unknown_format_is_refused() -> None:
    """Asking for a PDF is a ValueError."""
    with pytest.raises(ValueError, match="unknown document format 'pdf'"):
        document_files(SAMPLE, "pdf", "report.pdf")


def test_figures_written_beside_markdown_need_distinct_names() -> None:
    """Two figures of one name would overwrite each other's file, so they are refused."""
    doc = Document("Two", (Figure(PNG, "one"), Figure(PNG, "two")))
    with pytest.raises(ValueError, match=r"distinct names to be written: figure\.png$"):
        document_files(doc, "md", "two.md")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Table(("a", "b"), (("1",),)), "row 1 has 1 cells, not 2"),
        (lambda: Table(("a",), (), rag_column=1), "rag_column 1"),
        (lambda: Heading("x", level=4), "heading level"),
        (lambda: Figure(PNG, "x", name="../x.png"), "plain file name"),
    ],
)
def test_the_model_refuses_what_would_render_wrong(build: object, message: str) -> None:
    """Ragged tables, bad RAG columns, deep headings and figure paths are refused when built."""
    with pytest.raises(ValueError, match=re.escape(message)):
        build()  # type: ignore[operator]


def test_importing_documents_loads_no_renderer_library() -> None:
    """Importing the documents package stays cheap: python-docx, openpyxl and matplotlib load
    on first use."""
    code = (
        "import sys, workflow.reporting.documents; "
        "print(*(m in sys.modules for m in ('docx', 'openpyxl', 'matplotlib')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False", "False"]
