"""Webhooks: audit events POSTed over real HTTP to a receiver on loopback, signed, retried
with backoff while it is down, each accepted exactly once, nothing lost, nothing extra."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from states import GuardRefused
from tests import world
from tests.conftest import T0
from workflow.chasing.webhook_delivery import (
    SIGNATURE,
    deliver_webhooks,
    sign,
    verify_signature,
)
from workflow.chasing.webhooks import add_webhook, list_webhooks, remove_webhook
from workflow.clock import FixedClock
from workflow.errors import BadInput
from workflow.lifecycle import service as svc
from workflow.store.uow import UnitOfWork

R1, R2 = f"{world.REPORT}/R1", f"{world.REPORT}/R2"


class Receiver:
    """An HTTP server on 127.0.0.1 that refuses the first `failures` requests with 503."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.requests: list[tuple[dict[str, str], bytes, int]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 503 if receiver.failures > 0 else 204
                receiver.failures -= 1
                receiver.requests.append((dict(self.headers), body, status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/rectrack"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def accepted(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body, status in self.requests if status == 204]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(failures=2)
    r.thread.start()
    yield r
    r.server.shutdown()


@pytest.fixture
def built(uow: UnitOfWork) -> UnitOfWork:
    world.build(uow)
    return uow


def test_a_receiver_that_fails_twice_gets_each_delivery_once_signed(
    built: UnitOfWork, clock: FixedClock, receiver: Receiver
) -> None:
    hook, secret = add_webhook(built, receiver.url, events=["record_response", "escalate"])
    svc.respond(built, R1, world.ILAU, body="MPS", text="Accepted")
    svc.respond(built, R2, world.ILAU, body="MPS", text="Agreed")
    assert deliver_webhooks(built).failed == 1  # down: the first event waits
    assert deliver_webhooks(built).delivered == 0  # not yet time to try again
    assert len(receiver.requests) == 1
    clock.move_to(clock.now() + timedelta(minutes=1))
    assert deliver_webhooks(built).failed == 1  # still down, after 1 minute
    clock.move_to(clock.now() + timedelta(minutes=2))
    assert deliver_webhooks(built).delivered == 2  # back, after 2 more: both, in order
    assert deliver_webhooks(built).delivered == 0  # and never again
    assert [(d["rec"], d["event"]) for d in receiver.accepted] == [
        (R1, "record_response"),
        (R2, "record_response"),
    ]
    keys = [d["delivery"] for d in receiver.accepted]
    assert len(set(keys)) == 2 and all(k.startswith(f"{hook.id}-") for k in keys)
    for headers, body, _ in receiver.requests:
        assert headers["Idempotency-Key"] == headers["X-Rectrack-Delivery"]
        assert verify_signature(secret, headers[SIGNATURE], body, clock.now())
        assert not verify_signature("another secret", headers[SIGNATURE], body, clock.now())
    (listed,) = list_webhooks(built)
    assert (listed.delivered, listed.pending, listed.attempts) == (2, 0, 0)


def test_what_was_refused_is_never_sent_and_what_came_before_the_hook_neither(
    built: UnitOfWork, clock: FixedClock, receiver: Receiver
) -> None:
    svc.respond(built, R1, world.ILAU, body="MPS", text="Before the hook")
    receiver.failures = 0
    add_webhook(built, receiver.url, events=["*"])
    with pytest.raises(GuardRefused):
        svc.respond(built, R1, world.ILAU, body="MPA", text="  ")
    assert deliver_webhooks(built).delivered == 0
    svc.respond(built, R1, world.ILAU, body="MPA", text="After")
    assert deliver_webhooks(built).delivered == 2  # the response, and the state it moved to
    assert next(d["note"] for d in receiver.accepted).startswith("MPA")


def test_a_removed_hook_gets_nothing(
    built: UnitOfWork, clock: FixedClock, receiver: Receiver
) -> None:
    hook, _ = add_webhook(built, receiver.url, events=["record_response"], actor=world.ILAU)
    remove_webhook(built, hook.id, actor=world.ILAU)
    svc.respond(built, R1, world.ILAU, body="MPS", text="Accepted")
    assert deliver_webhooks(built).delivered == 0 and receiver.requests == []
    with pytest.raises(BadInput, match="no webhook"):
        remove_webhook(built, hook.id)


def test_bad_subscriptions_are_refused(built: UnitOfWork) -> None:
    for url, events, words in [
        ("ftp://x.org/", ["complete"], "http or https"),
        ("https://user:pw@x.org/", ["complete"], "credentials"),
        ("https://x.org/", [], "at least one"),
        ("https://x.org/", ["completed"], "unknown event 'completed'"),
    ]:
        with pytest.raises(BadInput, match=words):
            add_webhook(built, url, events=events)
    with pytest.raises(Exception, match="may not"):
        add_webhook(built, "https://x.org/", events=["complete"], actor=world.OWNER)
    assert list_webhooks(built) == []


@given(body=st.binary(max_size=200), other=st.binary(max_size=200), skew=st.integers(-900, 900))
def test_a_signature_holds_for_its_body_and_time_only(body: bytes, other: bytes, skew: int) -> None:
    now = T0
    header = sign("s3cret", body, now)
    later = now + timedelta(seconds=skew)
    assert verify_signature("s3cret", header, body, later) == (abs(skew) <= 300)
    if other != body:
        assert not verify_signature("s3cret", header, other, now)
