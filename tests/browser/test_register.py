"""The public register's pages, opened from disk in Chromium: axe-core finds no serious or
critical WCAG 2.2 A/AA violation; one h1, headings in order, tables captioned with scoped
headers, a skip link first and focus visible."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from config import PublishSettings, default_rules
from tests import world
from tests.browser.test_accessibility import violations
from tests.conftest import T0
from tests.world import ILAU, REPORT
from workflow.bootstrap import unit_of_work
from workflow.clock import FixedClock
from workflow.directory.people import add_person
from workflow.lifecycle import service as svc
from workflow.lifecycle.restriction import restrict_recommendation
from workflow.reporting.register import build_register, register_files
from workflow.store.engine import make_engine, migrate

PAGES = ["index.html", f"reports/{REPORT}.html"]


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The register of the known world, some way through its lifecycle, written to a directory."""
    home = tmp_path_factory.mktemp("register")
    engine = make_engine(f"sqlite:///{home / 'rectrack.db'}")
    migrate(engine)
    clock = FixedClock(T0)
    with unit_of_work(engine, clock, default_rules()) as uow:
        codes = world.build(uow, recs=4)
        add_person(
            uow,
            "chief@example.org",
            name="Cass Chief",
            roles=["owner"],
            title="Chief Superintendent",
            actor=ILAU,
        )
        svc.reassign(uow, codes[0], ILAU, owner="chief@example.org")
        world.to_in_progress(uow, clock, codes[1])
        svc.respond(uow, codes[2], ILAU, body="MPA", not_applicable="A matter for the force")
        restrict_recommendation(uow, codes[3], ILAU)
        world.advance(clock, 90)
        reg = build_register(uow, PublishSettings(named_titles=("Chief Superintendent",)))
    engine.dispose()
    out = home / "site"
    for path, content in register_files(reg):
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(content)
    yield out


def open_page(page: Any, register: Path, path: str) -> None:
    page.goto((register / path).as_uri())


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_violation(page: Any, register: Path, path: str) -> None:
    open_page(page, register, path)
    assert page.get_by_role("heading", level=1).count() == 1
    assert violations(page) == []


@pytest.mark.parametrize("path", PAGES)
def test_structure(page: Any, register: Path, path: str) -> None:
    """A language, a title, headings that never skip a level, every table captioned and its
    headers scoped, the date it was generated, and overdue said in words."""
    open_page(page, register, path)
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    assert page.title().strip()
    levels = page.evaluate(
        "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
    )
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in pairwise(levels)), levels
    tables = page.evaluate(
        "[...document.querySelectorAll('table')].map(t => [!!t.querySelector('caption'),"
        " [...t.querySelectorAll('th')].every(th => ['col', 'row'].includes(th.scope))])"
    )
    assert tables and all(caption and scoped for caption, scoped in tables), tables
    assert page.get_by_text("Generated on").first.is_visible()
    assert "1 February 2004" in page.locator("footer").inner_text()
    overdue = page.locator(".summary div", has_text="Overdue").first
    words = " ".join(overdue.inner_text().split())
    assert words == "Overdue Yes a date it was due by has passed"
    assert "Cass Chief, Chief Superintendent" in page.content()


def test_the_keyboard_reaches_the_content_first_and_focus_is_visible(
    page: Any, register: Path
) -> None:
    open_page(page, register, "index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next link in the content: focus shows on it too
    assert page.evaluate("document.activeElement.tagName") == "A"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_a_report_page_links_back_and_its_stylesheet_loads(page: Any, register: Path) -> None:
    open_page(page, register, f"reports/{REPORT}.html")
    colour = page.evaluate("getComputedStyle(document.querySelector('.header')).backgroundColor")
    assert colour == "rgb(11, 12, 12)"  # register.css, found from the page's own directory
    page.get_by_role("link", name="All published reports").click()
    assert page.url.endswith("/index.html")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Register of inspection recommendations"
    )
