"""The outbox lists each message's files (name, type, size) beside it, read for all the
messages listed in one statement, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import event, update

from notifications.render import Rendered
from workflow.mail.outbox import AttachedFile, Attachment, Mail, enqueue, list_outbox
from workflow.plain import plain
from workflow.store.tables import outbox
from workflow.store.uow import UnitOfWork

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KEYS = [  # every key `outbox list --json` printed before it listed files, in order
    "id",
    "created_at",
    "kind",
    "to",
    "subject",
    "recs",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "sent_at",
]


def _mail(to: str, *files: Attachment) -> Mail:
    return Mail("test", to, Rendered(f"For {to}", "text", "<p>html</p>"), attachments=files)


def _queue(uow: UnitOfWork) -> None:
    report = Attachment("ilau-monthly-2004-03.docx", DOCX, b"PK" + b"\x00" * 24_574)
    sheet = Attachment("annex.csv", "text/csv", b"a,b\n1,2\n")
    mails = [
        _mail("plain@example.org"),
        _mail("two@example.org", report, sheet),
        _mail("one@example.org", report),
    ]
    with uow.write() as tx:
        for mail in mails:  # one by one: in this order in the outbox
            enqueue(tx, [mail])


def test_each_message_lists_its_files_in_order_with_their_sizes(uow: UnitOfWork) -> None:
    _queue(uow)
    found = {m.to: m.attachments for m in list_outbox(uow)}
    report = AttachedFile("ilau-monthly-2004-03.docx", DOCX, 24_576)
    assert found == {
        "plain@example.org": (),
        "two@example.org": (report, AttachedFile("annex.csv", "text/csv", 8)),
        "one@example.org": (report,),
    }


def test_the_json_keeps_its_keys_and_adds_the_files_last(uow: UnitOfWork) -> None:
    _queue(uow)
    listed = plain(list_outbox(uow))
    assert [list(m) for m in listed] == [[*KEYS, "attachments"]] * 3
    assert [m["attachments"] for m in listed] == [
        [],
        [
            {"filename": "ilau-monthly-2004-03.docx", "content_type": DOCX, "size": 24_576},
            {"filename": "annex.csv", "content_type": "text/csv", "size": 8},
        ],
        [{"filename": "ilau-monthly-2004-03.docx", "content_type": DOCX, "size": 24_576}],
    ]


def test_listed_by_status_a_message_keeps_its_files_and_others_are_not_listed(
    uow: UnitOfWork,
) -> None:
    _queue(uow)
    with uow.write() as tx:
        tx.conn.execute(
            update(outbox).where(outbox.c.recipient == "two@example.org").values(status="failed")
        )
    [failed] = list_outbox(uow, status="failed")
    assert (failed.to, [f.filename for f in failed.attachments]) == (
        "two@example.org",
        ["ilau-monthly-2004-03.docx", "annex.csv"],
    )
    pending = list_outbox(uow, status="pending")
    assert [(m.to, len(m.attachments)) for m in pending] == [
        ("plain@example.org", 0),
        ("one@example.org", 1),
    ]
    assert list_outbox(uow, status="sent") == []


def test_the_files_of_every_message_listed_are_read_in_one_statement(uow: UnitOfWork) -> None:
    """Set-based: one SELECT for three messages and their files as for thirty."""

    def selects() -> int:
        seen: list[str] = []

        def count(conn: object, cursor: object, statement: str, *rest: object) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        event.listen(uow.engine, "before_cursor_execute", count)
        try:
            list_outbox(uow)
        finally:
            event.remove(uow.engine, "before_cursor_execute", count)
        return len(seen)

    _queue(uow)
    few = selects()
    for _ in range(9):
        _queue(uow)
    assert len(list_outbox(uow)) == 30
    assert selects() == few == 1
