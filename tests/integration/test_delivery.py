"""Delivering the outbox over real SMTP on loopback: one bad message never holds up the rest,
a display name in the sender works, and no message is sent twice by two senders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from config import MailSettings
from notifications.render import Rendered
from notifications.sink import Mailbox
from tests import world
from workflow.clock import FixedClock
from workflow.mail import delivery
from workflow.mail.delivery import LEASE, deliver
from workflow.mail.outbox import Mail, enqueue
from workflow.store.tables import outbox
from workflow.store.uow import UnitOfWork


def _queue(uow: UnitOfWork, recipients: list[str]) -> None:
    with uow.write() as tx:
        enqueue(
            tx,
            [Mail("test", to, Rendered(f"For {to}", "text", "<p>html</p>")) for to in recipients],
        )


def _mail(port: int, sender: str = "rt@rectrack.org") -> MailSettings:
    return MailSettings(host="127.0.0.1", port=port, sender=sender, timeout=10)


def test_an_undeliverable_address_fails_alone_and_the_rest_go(
    uow: UnitOfWork, mailbox: tuple[Mailbox, int]
) -> None:
    """A comma in a stored address once made every send fail, for every recipient, forever."""
    box, port = mailbox
    _queue(uow, ["a@x.org"])
    with uow.write() as tx:  # as if stored before addresses were validated on entry
        tx.conn.execute(
            insert(outbox).values(
                created_at=tx.now,
                kind="test",
                recipient="comma,victim@evil.example",
                subject="s",
                body_text="t",
                body_html="h",
                status="pending",
                attempts=0,
                next_attempt_at=tx.now,
            )
        )
    _queue(uow, ["b@x.org"])
    report = deliver(uow, _mail(port))
    assert (report.sent, report.failed, report.pending) == (2, 1, 0)
    assert sorted(str(m["To"]) for m in box.messages) == ["a@x.org", "b@x.org"]
    with uow.read() as tx:
        failed = tx.conn.execute(
            select(outbox.c.recipient, outbox.c.last_error).where(outbox.c.status == "failed")
        ).one()
    assert failed.recipient == "comma,victim@evil.example"
    assert "not a deliverable address" in failed.last_error


def test_a_display_name_in_the_sender_is_kept(
    uow: UnitOfWork, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    _queue(uow, ["a@x.org"])
    assert deliver(uow, _mail(port, "Rectrack ILAU <rt@rectrack.org>")).sent == 1
    assert str(box.messages[0]["From"]) == "Rectrack ILAU <rt@rectrack.org>"
    assert str(box.messages[0]["Message-ID"]).endswith("@rectrack.org>")


def test_a_message_whose_lease_passed_to_another_sender_is_not_sent_again(
    uow: UnitOfWork,
    clock: FixedClock,
    mailbox: tuple[Mailbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch that outlived its lease was re-claimed by a second sender: 71 deliveries for
    40 messages. Now each message's lease is renewed just before it is sent, and a message
    claimed meanwhile by another sender is left to it."""
    box, port = mailbox
    _queue(uow, [f"p{n}@x.org" for n in range(6)])
    send_batch, claimed = delivery.send_batch, []

    def overtaken_before_the_third(*args: Any, before_send: Any) -> None:
        def before(row_id: int) -> bool:
            if len(box.messages) == 2 and not claimed:
                # The batch has outlived its lease: a second sender claims what is left.
                clock.move_to(clock.now() + LEASE + timedelta(minutes=1))
                other = UnitOfWork(uow.engine, clock, uow.rules, uow.journal, uow.links)
                with other, other.write() as second:
                    claimed.extend(r.id for r in delivery._claim(second, "sender-2", 100))
            return bool(before_send(row_id))

        send_batch(*args, before_send=before)

    monkeypatch.setattr(delivery, "send_batch", overtaken_before_the_third)
    first = deliver(uow, _mail(port))
    assert first.sent == 2 and len(claimed) == 4
    monkeypatch.setattr(delivery, "send_batch", send_batch)
    clock.move_to(clock.now() + LEASE + timedelta(minutes=1))  # the second sender died too
    second = deliver(uow, _mail(port))
    sent_to = [str(m["To"]) for m in box.messages]
    assert second.sent == 4
    assert len(sent_to) == 6 == len(set(sent_to))  # each exactly once


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RECTRACK_SMTP_PORT": "99999"}, "SMTP port 99999: expected a whole number from 1 to"),
        ({"RECTRACK_SMTP_PORT": "x"}, "SMTP port 'x': expected a whole number"),
        ({"RECTRACK_MAIL_FROM": "comma,victim@evil.example"}, "expected an address"),
        ({"RECTRACK_DB": "mysql://u@h/db"}, "runs on SQLite"),
    ],
)
def test_bad_settings_are_refused_in_one_line(env: dict[str, str], message: str) -> None:
    from config import ConfigError, load_settings

    with pytest.raises(ConfigError, match=message):
        load_settings(env=env)


def test_world_is_untouched_by_delivery(uow: UnitOfWork) -> None:
    """Delivering an empty outbox is no error and sends nothing."""
    world.build(uow, recs=0)
    assert deliver(uow, _mail(1)).sent == 0
