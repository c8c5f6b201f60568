"""The monthly report circulated (issue 12, item 7): once a month, on or after the settings'
day, one e-mail per recipient with the DOCX attached, which arrives over real SMTP byte for
byte; by the scheduler's job and by hand (`report monthly --send`), in process."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from config import load_settings
from config.monthly import MonthlySettings
from notifications.sink import Mailbox
from tests import world
from tests.world import ILAU, OWNER
from workflow.bootstrap import App
from workflow.chasing.scheduler import Job, run_once
from workflow.cli.inspections import monthly_job
from workflow.cli.main import run
from workflow.clock import FixedClock, instant_text
from workflow.mail.delivery import deliver
from workflow.reporting.circulation import DOCX, send_monthly
from workflow.store.governance import outbox_attachment
from workflow.store.tables import audit_event, outbox
from workflow.store.uow import UnitOfWork

TO = ("units@example.org", "scrutiny@mpa.example")


def settings_file(tmp_path: Path, port: int, day: int = 3) -> Path:
    path = tmp_path / "rectrack.toml"
    path.write_text(
        f'[monthly]\nrecipients = ["{TO[0]}", "{TO[1]}"]\nday = {day}\n\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nfrom = "ilau@example.org"\n'
    )
    return path


def at(clock: FixedClock, day: str) -> None:
    clock.move_to(datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC))


def sendings(uow: UnitOfWork) -> list[tuple[str, dict[str, Any]]]:
    t = audit_event.c
    with uow.read() as tx:
        rows = tx.conn.execute(
            select(t.note, t.changes).where(t.event == "monthly.send").order_by(t.id)
        ).all()
    return [(note, json.loads(changes)) for note, changes in rows]


def test_the_scheduler_sends_it_once_a_month_with_its_docx(
    uow: UnitOfWork, clock: FixedClock, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    world.build(uow, recs=2)
    world.to_in_progress(uow, clock, f"{world.REPORT}/R1")
    db = uow.engine.url.render_as_string(hide_password=False)
    config = str(settings_file(tmp_path, port))

    def job_on(day: str) -> dict[str, Any]:
        at(clock, day)
        app = App(load_settings(db=db, now=instant_text(clock.now()), config=config))
        result: dict[str, Any] = {}

        def work() -> dict[str, Any]:
            result.update(monthly_job(app))
            return result

        try:
            assert run_once(Job("monthly", work))  # as the scheduler runs it
            return result
        finally:
            app.close()

    assert job_on("2004-03-02")["skipped"] == "it goes on day 3 of the month"
    assert job_on("2004-03-03") == {"month": "2004-03", "sent_to": 2, "skipped": None}
    assert job_on("2004-03-20")["skipped"] == "the report for 2004-03 was sent already"
    [(note, sent)] = sendings(uow)
    assert note == "monthly:2004-03" and sent["recipients"] == list(TO)

    with uow.read() as tx:
        stored = tx.conn.execute(
            select(outbox.c.recipient, outbox.c.kind, outbox_attachment.c.filename)
            .join(outbox_attachment, outbox_attachment.c.outbox_id == outbox.c.id)
            .order_by(outbox.c.id)
        ).all()
    assert [tuple(r) for r in stored] == [
        (TO[0], "monthly", "ilau-monthly-2004-03.docx"),
        (TO[1], "monthly", "ilau-monthly-2004-03.docx"),
    ]
    report = deliver(uow, load_settings(config=config).mail)
    assert (report.sent, report.failed) == (2, 0)
    assert sorted(box.to()) == sorted(TO)
    for message in box.messages:
        assert "monthly progress report, March 2004" in str(message["Subject"])
        assert "is attached (ilau-monthly-2004-03.docx)" in box.body(message)
        [part] = list(message.iter_attachments())
        assert part.get_filename() == "ilau-monthly-2004-03.docx"
        assert part.get_content_type() == DOCX
        content = part.get_content()
        assert isinstance(content, bytes)
        assert hashlib.sha256(content).hexdigest() == sent["sha256"]
        assert content.startswith(b"PK")  # a DOCX is a zip archive

    assert job_on("2004-04-03")["sent_to"] == 2  # and the next month, again once
    assert [n for n, _ in sendings(uow)] == ["monthly:2004-03", "monthly:2004-04"]


def test_by_hand_it_goes_whatever_the_day_but_still_once_a_month(
    uow: UnitOfWork, clock: FixedClock, tmp_path: Path, capsys: Any
) -> None:
    world.build(uow, recs=1)
    at(clock, "2004-03-01")
    db = uow.engine.url.render_as_string(hide_password=False)
    config = str(settings_file(tmp_path, 2525, day=20))
    args = ["--db", db, "--now", instant_text(clock.now()), "--config", config]
    capsys.readouterr()
    assert run([*args, "report", "monthly", "--send", "--actor", OWNER]) == 3  # not theirs
    assert run([*args, "report", "monthly", "--send", "--actor", ILAU]) == 0
    assert f"queued the report for 2004-03 to {TO[0]}, {TO[1]}" in capsys.readouterr().out
    assert run([*args, "report", "progress", "--send", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["sent_to"] == [] and again["skipped"] == "the report for 2004-03 was sent already"
    [(_, sent)] = sendings(uow)
    assert len(sent["outbox"]) == 2
    none = send_monthly(uow, MonthlySettings(), by_hand=True)
    assert none.skipped == "no recipients in [monthly] of the settings"
    # The paper itself, printed, as before under its old name too.
    assert run([*args, "report", "progress"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Inspection Liaison and Analysis Unit: monthly progress report")
    assert "### 1. Forthcoming inspection visits" in out
