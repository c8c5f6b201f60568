"""Browser tests: the served application (uvicorn, in a thread of this process, on a SQLite
file), real SMTP on loopback, and Debian's Chromium driven by Playwright.

`make test` runs them when /usr/bin/chromium is there; `.ci/run` installs it and sets
RECTRACK_TEST_BROWSER=1, which makes a missing browser a failure, not a skip.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from notifications.sink import Mailbox, free_port
from tests import world
from tests.web_support import make_app
from workflow.bootstrap import App
from workflow.clock import FixedClock
from workflow.mail.delivery import deliver
from workflow.store.engine import migrate

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("RECTRACK_TEST_BROWSER"):
        raise pytest.UsageError(f"RECTRACK_TEST_BROWSER is set but {CHROMIUM} is missing")
    skip = pytest.mark.skip(reason=f"no browser at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for the browser tests. Not for the session: Playwright's event loop runs
    in this thread while it is open, and later tests call asyncio.run (the SMTP client)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@dataclass
class Site:
    """The served application: its address, its App (database, clock), its mailbox."""

    url: str
    app: App
    mailbox: Mailbox

    @property
    def clock(self) -> FixedClock:
        clock = self.app.clock
        if not isinstance(clock, FixedClock):
            raise TypeError("the served App runs on a fixed clock")
        return clock

    def send_mail(self) -> None:
        """What the scheduler's sender would do: deliver the outbox over SMTP (in a thread of
        its own: Playwright's event loop runs in this one)."""

        def send() -> None:
            with self.app.uow() as uow:
                deliver(uow, self.app.settings.mail)

        sender = threading.Thread(target=send)
        sender.start()
        sender.join()

    def mail_to(self, email: str, subject: str, wait: float = 5.0) -> str:
        """The text of the newest message to `email` whose subject has `subject`."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            for msg in reversed(self.mailbox.messages):
                if msg["To"] == email and subject in str(msg["Subject"]):
                    return self.mailbox.body(msg)
            time.sleep(0.05)
        raise AssertionError(f"no message to {email} about {subject!r}")

    def link_in(self, text: str, path: str = "") -> str:
        found = re.search(re.escape(self.url + path) + r"\S*", text)
        if found is None:
            raise AssertionError(f"no link to {self.url}{path} in:\n{text}")
        return found.group(0)


def _serve(asgi: Any, port: int) -> tuple[Any, threading.Thread]:
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(asgi, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    return server, thread


@pytest.fixture
def site(
    tmp_path: Path, mailbox: tuple[Mailbox, int], request: pytest.FixtureRequest
) -> Iterator[Site]:
    """A fresh served application over the known world, with its own SMTP server."""
    from workflow.web.app import create_app

    box, smtp_port = mailbox
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = make_app(
        f"sqlite:///{tmp_path / 'web.db'}",
        tmp_path / "evidence",
        env={
            "RECTRACK_SMTP_HOST": "127.0.0.1",
            "RECTRACK_SMTP_PORT": str(smtp_port),
            "RECTRACK_MAIL_FROM": "rectrack@example.org",
        },
    )
    app.settings = replace(app.settings, web=replace(app.settings.web, base_url=url))
    limit = getattr(request, "param", None)
    if limit:
        app.settings = replace(app.settings, web=replace(app.settings.web, max_upload_bytes=limit))
    migrate(app.engine)
    with app.uow() as uow:
        world.build(uow)
    server, thread = _serve(create_app(app), port)
    yield Site(url, app, box)
    server.should_exit = True
    thread.join(timeout=10)
    app.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def sign_in(page: Any, site: Site, email: str) -> None:
    """Sign in as a person does: ask for a link, open it from the e-mail."""
    page.goto(site.url + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send sign-in link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    link = site.link_in(site.mail_to(email, "sign-in link"), "/login/")
    page.goto(link)
    page.get_by_role("button", name="Sign out").wait_for()
