"""The web application over a known world, for the in-process tests and the browser tests:
an App on the test database with a clock that stands still until moved, and signing in the
way people do, by the link that reaches their mailbox (here: the outbox)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from config import load_settings
from tests.conftest import T0
from workflow.bootstrap import App
from workflow.clock import FixedClock, instant_text
from workflow.store.tables import outbox

BASE = "http://127.0.0.1:8000"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_app(
    db: str, storage: Path, *, now: datetime = T0, env: Mapping[str, str] | None = None
) -> App:
    settings = load_settings(
        db=db,
        now=instant_text(now),
        env={"RECTRACK_STORAGE": str(storage), "RECTRACK_BASE_URL": BASE, **(env or {})},
    )
    return App(settings)


def clock_of(app: App) -> FixedClock:
    clock = app.clock
    if not isinstance(clock, FixedClock):
        raise TypeError("the tests' App runs on a fixed clock")
    return clock


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    if found is None:
        raise AssertionError("no CSRF token on the page")
    return found.group(1)


def last_mail(app: App, kind: str, to: str) -> tuple[str, str]:
    """(text, html) of the newest message of `kind` queued for `to`."""
    with app.engine.connect() as conn:
        row = conn.execute(
            select(outbox.c.body_text, outbox.c.body_html)
            .where(outbox.c.kind == kind, outbox.c.recipient == to)
            .order_by(outbox.c.id.desc())
            .limit(1)
        ).first()
    if row is None:
        raise AssertionError(f"no {kind} message for {to}")
    return row[0], row[1]


def mails(app: App, kind: str) -> list[Any]:
    with app.engine.connect() as conn:
        return list(conn.execute(select(outbox).where(outbox.c.kind == kind)).all())


def first_link(text: str, under: str = BASE) -> str:
    found = re.search(re.escape(under) + r"\S+", text)
    if found is None:
        raise AssertionError(f"no link under {under} in:\n{text}")
    return found.group(0)


def sign_in(client: Any, app: App, email: str) -> None:
    """Ask for a sign-in link as a person would, and follow the one that was sent."""
    page = client.get("/login")
    sent = client.post("/login", data={"email": email, "csrf_token": csrf_of(page.text)})
    assert sent.status_code == 200 and sent.url.path == "/login/sent", sent.text
    link = first_link(last_mail(app, "sign-in", email)[0])
    home = client.get(link.removeprefix(BASE))
    assert home.status_code == 200 and "Sign out" in home.text, home.text


def version_of(html: str) -> str:
    """The version a page's forms carry: what the person saw."""
    found = re.search(r'name="version" value="(\d+)"', html)
    if found is None:
        raise AssertionError("no version on the page")
    return found.group(1)
