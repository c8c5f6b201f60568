"""The monthly report's e-mail, composed from its templates like every other notice: the same
words as when it was written in Python, its file attached, its HTML in the common layout."""

from __future__ import annotations

from datetime import date

from workflow.mail.compose import monthly_notices
from workflow.mail.outbox import Attachment

TITLE = "Inspection Liaison and Analysis Unit: monthly progress report"
REPORT = Attachment("ilau-monthly-2004-03.docx", "application/docx", b"PK\x03\x04")
TEXT = (
    "The Inspection Liaison and Analysis Unit's monthly progress report for March 2004 is "
    "attached (ilau-monthly-2004-03.docx): forthcoming inspection visits, new reports, "
    "progress on every open recommendation, those outstanding and those repeated.\n"
)


def test_each_recipient_gets_the_same_words_and_the_file() -> None:
    mails = monthly_notices(["a@example.org", "b@example.org"], TITLE, date(2004, 3, 3), REPORT)
    assert [(m.kind, m.recipient, m.recs, m.attachments) for m in mails] == [
        ("monthly", "a@example.org", (), (REPORT,)),
        ("monthly", "b@example.org", (), (REPORT,)),
    ]
    [rendered] = {m.rendered for m in mails}
    assert rendered.subject == f"{TITLE}, March 2004"
    assert rendered.text == TEXT


def test_the_html_is_the_text_in_the_layout_of_every_notice() -> None:
    [mail] = monthly_notices(["a@example.org"], TITLE, date(2004, 3, 31), REPORT)
    html = mail.rendered.html
    assert html.startswith("<!DOCTYPE html>")
    assert f"<title>{TITLE}, March 2004</title>" in html
    assert f"<p>{TEXT.strip()}</p>" in html
    assert "Sent by rectrack for the Inspection Liaison and Analysis Unit." in html


def test_a_title_and_a_file_name_are_escaped_in_the_html_and_kept_in_the_text() -> None:
    odd = Attachment("<b>report</b>.docx", "application/docx", b"PK")
    [mail] = monthly_notices(["a@example.org"], "A & B <i>", date(2004, 3, 3), odd)
    assert "<title>A &amp; B &lt;i&gt;, March 2004</title>" in mail.rendered.html
    assert "(&lt;b&gt;report&lt;/b&gt;.docx)" in mail.rendered.html
    assert "<b>" not in mail.rendered.html
    assert "(<b>report</b>.docx)" in mail.rendered.text
    assert mail.rendered.subject == "A & B <i>, March 2004"


def test_no_recipients_no_messages() -> None:
    assert monthly_notices([], TITLE, date(2004, 3, 3), REPORT) == []
