"""Templates, messages and headers: escaped HTML, one-line subjects, stable Message-IDs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import UndefinedError

from notifications.message import build_message, header_safe, message_id_for
from notifications.render import render
from workflow.mail.delivery import backoff

ITEM = {
    "rec": "botj-2003/R1",
    "subject": "Aims <script>alert(1)</script>",
    "label": "Response",
    "due": "2003-12-29",
    "overdue_days": 8,
    "what": "respond",
    "url": None,
}
WHEN = datetime(2004, 1, 6, 12, tzinfo=UTC)


def test_html_escapes_recommendation_text_and_text_keeps_it() -> None:
    rendered = render(
        "digest", "s", name="Owen <O'Brien>", items=[ITEM], recs=1, today="2004-01-06"
    )
    assert "&lt;script&gt;" in rendered.html and "<script>" not in rendered.html
    assert "Owen &lt;O&#39;Brien&gt;" in rendered.html
    assert "Aims <script>alert(1)</script>" in rendered.text
    assert "was due 2003-12-29 (8 days ago)" in rendered.text

    class Check(HTMLParser):
        tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.tags.append(tag)

    parser = Check()
    parser.feed(rendered.html)
    assert "script" not in parser.tags and "table" in parser.tags


def test_each_item_links_to_its_page_and_the_count_is_of_recommendations() -> None:
    """Three items on two recommendations: two recommendations, three items, each linked."""
    url = "https://rt.example.org/recs/botj-2003/R1?t=abc&x=1"
    items = [
        {**ITEM, "url": url},
        {**ITEM, "label": "Action", "url": url},
        {**ITEM, "rec": "botj-2003/R2", "url": None},
    ]
    rendered = render("digest", "s", name="Owen", items=items, recs=2, today="2004-01-06")
    assert "2 recommendations need your attention (as of 2004-01-06): 3 items" in (rendered.text)
    assert rendered.text.count(f"Open it: {url}") == 2
    assert (
        rendered.html.count('<a href="https://rt.example.org/recs/botj-2003/R1?t=abc&amp;x=1">')
        == 2
    )
    assert "botj-2003/R2</b>" in rendered.html


def test_a_missing_value_is_an_error_not_a_blank() -> None:
    with pytest.raises(UndefinedError, match="no attribute 'subject'"):
        render("digest", "s", name="x", items=[{"rec": "a/R1"}], recs=1, today="2004-01-06")


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("rectrack: botj-2003/R1 due", "rectrack: botj-2003/R1 due"),
        ("evil\r\nBcc: everyone@example.org", "evil Bcc: everyone@example.org"),
        ("  tabs\tand\nnewlines  ", "tabs and newlines"),
    ],
)
def test_header_values_are_one_line(raw: str, safe: str) -> None:
    assert header_safe(raw) == safe


def test_messages_carry_both_parts_and_safe_headers() -> None:
    rendered = render(
        "digest", "Due\r\nBcc: x@y.org", name="Owen", items=[ITEM], recs=1, today="2004-01-06"
    )
    msg = build_message(
        rendered, "ilau@x.org", "owen@x.org", message_id_for("outbox-7", "x.org"), WHEN
    )
    assert msg["Subject"] == "Due Bcc: x@y.org"
    assert msg["Bcc"] is None
    assert msg["Message-ID"] == "<rectrack.outbox-7@x.org>"
    assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None
    with pytest.raises(ValueError, match="not a deliverable address"):
        build_message(rendered, "ilau@x.org", "owen@x.org\r\nBcc: x@y.org", "<id@x>", WHEN)


def test_the_message_id_is_the_same_every_time() -> None:
    assert message_id_for("outbox-7", "x.org") == message_id_for("outbox-7", "x.org")
    assert message_id_for("outbox-7", "x.org") != message_id_for("outbox-8", "x.org")


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert backoff(30) == timedelta(hours=1)


@given(
    recs=st.lists(
        st.tuples(st.sampled_from(["R1", "R2", "R3"]), st.sampled_from(["update", "target"])),
        min_size=1,
        max_size=9,
        unique=True,
    )
)
def test_the_digest_subject_counts_recommendations_not_items(recs: list[tuple[str, str]]) -> None:
    from workflow.mail.compose import DueItem, reminder_digest

    day = date(2004, 1, 6)
    items = [DueItem(f"botj-2003/{r}", None, kind, day, "due") for r, kind in recs]
    subject = reminder_digest("o@x.org", "Owen", items, day).rendered.subject
    distinct = len({r for r, _ in recs})
    if len(items) == 1:
        assert subject.startswith(f"rectrack: botj-2003/{recs[0][0]} ")
        assert subject.endswith(" due 2004-01-06") and recs[0][1] in subject
    elif distinct == 1:
        assert subject == f"rectrack: botj-2003/{recs[0][0]} needs your attention (2 items due)"
    else:
        assert subject == (
            f"rectrack: {distinct} recommendations need your attention ({len(items)} items due)"
        )
