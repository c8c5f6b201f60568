"""Reports written for the ingest tests, in the style of the seeds (HMIC, 2003) and of current
HMICFRS reports, each with the recommendations it holds; and writers that lay one out as a
text file, a DOCX (python-docx) or a PDF (fpdf2), with page headers and footers.

A paragraph's "\\n" is a line break where the writer would wrap (after a hyphen, a word
broken in two), and "\\f" a page break inside it (a recommendation split across pages).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

HEADER = "Custody Best Value Review Inspection - May 2004"


@dataclass(frozen=True)
class Para:
    text: str
    kind: str = "para"  # para, heading, bullet


@dataclass(frozen=True)
class Expected:
    ref: str
    text: str
    paragraph: str | None
    category: str = "recommendation"


def _p(*texts: str, kind: str = "para") -> list[Para]:
    return [Para(t, kind) for t in texts]


HMI = "Her Majesty's Inspector recommends that"
R1 = f"{HMI} the MPS sets the aims of each custody review at the outset and keeps them constant."
R2 = (
    f"{HMI} the custody review compares its suites with those of other metropolitan forces, "
    "including their cross-cutting arrangements with health services."
)
R2_BROKEN = R2.replace("cross-cutting", "cross-\ncutting")
R3 = (
    f"{HMI} an implementation plan is produced which shows how each recommendation of the "
    "custody review will be progressed and subsequently enables effective monitoring by the "
    "police authority."
)
R3_BROKEN = R3.replace("progressed and ", "progressed and \f").replace(
    "monitoring", "moni-\ntoring"
)
R4 = f"{HMI} the police authority monitors the progress of implementation every six months."
MENTION = (
    "Recommendation 2 from the Managing Demand inspection covers the same ground, and a "
    "recommendation made by the district auditor in 2002 was never implemented."
)

CUSTODY = [
    *_p("Metropolitan Police Service Custody May 2004", "HMIC Best Value Review Inspection"),
    *_p("1. Executive Summary", "1.1 Introduction", kind="heading"),
    *_p(
        "1.1.1 The inspection found a review that was well run but whose recommendations were "
        "not followed through.",
        MENTION,
    ),
    *_p("2. Judgement 1: How good is the service?", "2.1 Are the aims clear?", kind="heading"),
    *_p(
        "2.1.1 The aims of the review changed three times during its life, which left the "
        "team without a settled direction.",
        "2.1.2 The cross-cutting nature of custody work means that several departments share "
        "its ownership.",
    ),
    *_p("Recommendation 1", kind="heading"),
    *_p(R1),
    *_p("2.2 How does the service compare?", kind="heading"),
    *_p(
        "2.2.1 Comparison was limited to two neighbouring forces, though custody suites in "
        "other metropolitan forces are organised quite differently.",
        f"Recommendation 2: {R2_BROKEN}",
    ),
    *_p("3. Judgement 2: What are the prospects?", "3.1 Is there a plan?", kind="heading"),
    *_p(
        "3.1.1 There was no imple-\nmentation plan for the custody recommendations, and nobody "
        "was monitoring their progress.",
    ),
    *_p("Recommendation 3", kind="heading"),
    *_p(
        R3_BROKEN,
        "3.1.2 The police authority had not looked at the review since it was presented.",
        f"R4 {R4}",
    ),
    *_p("4. Recommendations", kind="heading"),
    *_p("Recommendation 1:", kind="heading"),
    *_p(R1.replace("constant.", "constant (paragraph 2.1.1).")),
    *_p("Recommendation 2:", kind="heading"),
    *_p(R2.replace("services.", "services (paragraph 2.2.1).")),
    *_p("Recommendation 3:", kind="heading"),
    *_p(R3.replace("authority.", "authority (paragraph 3.1.1).")),
    *_p("Recommendation 4:", kind="heading"),
    *_p(R4.replace("months.", "months (paragraph 3.1.2).")),
    *_p("5. Potential Good Practice", kind="heading"),
    *_p("5.1 The review's use of detainee surveys is good practice."),
]
# R1's summary names paragraph 2.1.1, which outranks 2.1.2, the one before it in the text.
CUSTODY_FOUND = [
    Expected("R1", R1, "2.1.1"),
    Expected("R2", R2, "2.2.1"),
    Expected("R3", R3, "3.1.1"),
    Expected("R4", R4, "3.1.2"),
]

CONCERN = (
    "The force isn't answering emergency and non-emergency calls quickly enough, and it "
    "doesn't assess the risk to callers well."
)
CC_LEAD = "Within three months, the force should:"
CC_1 = "make sure that it answers emergency and non-emergency calls within national standards"
CC_2 = (
    "make sure that calls for service are assessed for risk and vulnerability using a "
    "structured triage model"
)
AFI_1 = (
    "The force should make sure that crimes are recorded correctly, in line with the national "
    "crime recording standard, when they are first reported."
)
AFI_2 = (
    "The force should make sure that supervisors review investigations regularly and record "
    "the direction they give."
)
AFI_3 = "The force should reduce the backlog of digital devices waiting to be examined."


def _concern() -> list[Para]:
    return [
        *_p("Cause of concern", kind="heading"),
        *_p(CONCERN),
        *_p("Recommendations", kind="heading"),
        *_p(CC_LEAD),
        *_p(f"{CC_1}; and", f"{CC_2}.", kind="bullet"),
    ]


PEEL = [
    *_p("PEEL 2023-25: An inspection of Northshire Police"),
    *_p("HM Inspectorate of Constabulary and Fire & Rescue Services"),
    *_p("Overall summary", kind="heading"),
    *_p(
        "Northshire Police needs to improve how it responds to the public. This report sets "
        "out one cause of concern, with its recommendations, and three areas for improvement."
    ),
    *_p("Responding to the public", kind="heading"),
    *_concern(),
    *_p("Area for improvement", kind="heading"),
    *_p(AFI_1),
    *_p("Investigating crime", kind="heading"),
    *_p("Areas for improvement", kind="heading"),
    *_p(AFI_2, AFI_3, kind="bullet"),
    *_p(
        "The force's investigations are generally of a good standard, and victims told us "
        "that they were kept informed."
    ),
    *_p(
        "Summary of causes of concern, recommendations and areas for improvement",
        kind="heading",
    ),
    *_concern(),
    *[
        p
        for text in (AFI_1, AFI_2, AFI_3)
        for p in (Para("Area for improvement", "heading"), Para(text))
    ],
]
PEEL_FOUND = [
    Expected("CC1", CONCERN, None, "cause of concern"),
    Expected("CC1.R1", f"Within three months, the force should {CC_1}.", None),
    Expected("CC1.R2", f"Within three months, the force should {CC_2}.", None),
    Expected("AFI1", AFI_1, None, "area for improvement"),
    Expected("AFI2", AFI_2, None, "area for improvement"),
    Expected("AFI3", AFI_3, None, "area for improvement"),
]

V1 = (
    "By 31 October 2025, chief constables should make sure that every vetting decision is "
    "recorded with the reasons for it."
)
V2_LEAD = "By 30 April 2026, the College of Policing should:"
V2_ITEMS = (
    "amend its vetting guidance to set out what is an acceptable risk",
    "publish the guidance on its website.",
)
V3 = (
    "By 31 March 2026, chief constables should make sure that officers in posts of higher risk "
    "hold management vetting."
)
VETTING = [
    *_p("An inspection of vetting, misconduct and misogyny in the police service"),
    *_p(
        "Recommendation 1 of our 2022 report has not yet been acted on by most forces, and R2 "
        "of it only by some."
    ),
    *_p("Recommendation 1", kind="heading"),
    *_p(V1),
    *_p(f"Recommendation 2: {V2_LEAD}"),
    *_p(f"{V2_ITEMS[0]}; and", V2_ITEMS[1], kind="bullet"),
    *_p("Recommendation 3: Higher-risk posts", kind="heading"),
    *_p(V3),
]
VETTING_FOUND = [
    Expected("R1", V1, None),
    Expected("R2", "\n".join([V2_LEAD, *(f"- {i}" for i in V2_ITEMS)]), None),
    Expected("R3", V3, None),
]

REPORTS = {
    "custody": (CUSTODY, CUSTODY_FOUND),
    "peel": (PEEL, PEEL_FOUND),
    "vetting": (VETTING, VETTING_FOUND),
}


def _pages(paras: list[Para]) -> list[list[Para]]:
    """The paragraphs split at the page breaks inside them."""
    pages: list[list[Para]] = [[]]
    for para in paras:
        pieces = para.text.split("\f")
        pages[-1].append(Para(pieces[0], para.kind))
        for piece in pieces[1:]:
            pages.append([Para(piece, para.kind)])
    return pages


def as_text(paras: list[Para], *, wrap: int | None = None, markdown: bool = False) -> str:
    """Pages split by form feeds, each with a header and a numbered footer; paragraphs one a
    line (or wrapped at `wrap`), a blank line between."""
    out = []
    for number, page in enumerate(_pages(paras), start=1):
        lines = [HEADER, ""]
        for para in page:
            text = para.text
            if wrap:
                text = "\n".join(
                    textwrap.fill(part, wrap, break_on_hyphens=False) for part in text.split("\n")
                )
            if para.kind == "bullet":
                text = f"- {text}" if markdown else f"• {text}"
            elif para.kind == "heading" and markdown:
                text = f"## {text}"
            lines += [text, ""]
        lines += [f"Page {number}", ""]
        out.append("\n".join(lines))
    return "\f".join(out)


def write_docx(paras: list[Para], path: Path) -> Path:
    """A DOCX with the header and footer in their own parts, as Word keeps them."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = HEADER
    section.footer.paragraphs[0].text = "Page 1"
    for para in paras:
        if para.kind == "heading":
            document.add_heading(para.text, level=2)
            continue
        paragraph = document.add_paragraph(style="List Bullet" if para.kind == "bullet" else None)
        for n, piece in enumerate(para.text.split("\f")):
            if n:
                paragraph.add_run().add_break(WD_BREAK.PAGE)
            paragraph.add_run(piece)
    document.save(str(path))
    return path


def write_pdf(paras: list[Para], path: Path) -> Path:
    """A PDF with a header and a page number on every page (core fonts: Latin-1 text)."""
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=9)
            self.cell(0, 8, HEADER, align="C")
            self.ln(14)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=9)
            self.cell(0, 10, f"Page {self.page_no()}", align="C")

    pdf = Report(format="A4")
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()
    for para in paras:
        pdf.set_font("Helvetica", style="B" if para.kind == "heading" else "", size=11)
        for n, piece in enumerate(para.text.split("\f")):
            if n:
                pdf.add_page()
            text = f"- {piece}" if para.kind == "bullet" else piece
            pdf.multi_cell(0, 5.5, text.strip(" "), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(path))
    return path
