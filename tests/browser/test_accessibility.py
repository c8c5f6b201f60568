"""Every page type, checked by axe-core in Chromium against WCAG 2.2 A and AA: no serious or
critical violation. And the keyboard: a skip link first, focus always visible."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.browser.conftest import Site, sign_in
from tests.world import BOARD, ILAU, OTHER, OWNER, to_in_progress
from workflow.directory.committees import add_committee, add_meeting
from workflow.directory.decisions import add_decision
from workflow.directory.people import add_person
from workflow.lifecycle import service as svc

R1_PAGE = "/recs/botj-2003/R1"
SECRETARY = "sec@example.org"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": RULES}, "resultTypes": ["violations"]}
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check(page: Any, site: Site, path: str, status: int = 200) -> None:
    answer = page.goto(site.url + path)
    assert answer is not None and answer.status == status, (path, answer and answer.status)
    found = violations(page)
    assert found == [], f"{path}: {found}"


def _world(site: Site) -> None:
    with site.app.uow() as uow:
        add_person(uow, SECRETARY, name="Sam Secretary", roles=["secretary"], actor=ILAU)
        add_committee(
            uow, "PPRC", cadence="monthly", secretary=SECRETARY, kind="scrutiny", actor=ILAU
        )
        add_meeting(uow, "PPRC", site.clock.today() + timedelta(days=10), actor=ILAU)
        to_in_progress(uow, site.clock, "botj-2003/R2")
        for body in ("MPS", "MPA"):  # R3 awaits its plan: the plan form with costs
            svc.respond(uow, "botj-2003/R3", ILAU, body=body, text="Done", considered_complete=True)
        add_decision(  # a decision of a past meeting, overdue: the home page's Mark done
            uow,
            "PPRC",
            meeting=site.clock.today() - timedelta(days=20),
            rec="botj-2003/R2",
            text="Report the custody review",
            owner=OWNER,
            due=site.clock.today() - timedelta(days=3),
            actor=ILAU,
        )


def test_the_pages_before_sign_in(site: Site, page: Any) -> None:
    check(page, site, "/login")
    page.get_by_role("button", name="Send sign-in link").click()  # no address: the error
    assert page.get_by_role("alert").is_visible()
    assert violations(page) == []
    page.get_by_label("Email address").fill(OWNER)
    page.get_by_role("button", name="Send sign-in link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert violations(page) == []
    check(page, site, "/login/not-a-token", 400)


@pytest.mark.parametrize("who", [OWNER, ILAU, BOARD, SECRETARY, OTHER])
def test_every_page_a_person_sees(site: Site, page: Any, who: str) -> None:
    _world(site)
    sign_in(page, site, who)
    check(page, site, "/")
    check(page, site, "/recs")
    if who in (ILAU, BOARD):
        check(page, site, "/escalations")
        check(page, site, "/audit?as_of=2003-12-01&verify=1")
    if who in (ILAU, BOARD, SECRETARY):
        check(page, site, "/meetings")
    if who == OTHER:
        check(page, site, R1_PAGE, 403)
        check(page, site, "/recs/botj-2003/R99", 404)
    else:
        check(page, site, R1_PAGE)
        check(page, site, "/recs/botj-2003/R2")
        check(page, site, "/recs/botj-2003/R3")


def test_a_page_with_its_error_summary(site: Site, page: Any) -> None:
    _world(site)
    sign_in(page, site, OWNER)
    page.goto(site.url + "/recs/botj-2003/R2")
    page.get_by_role("button", name="Send update").click()  # no note: refused
    assert page.get_by_role("alert").filter(has_text="There is a problem").is_visible()
    assert violations(page) == []


def test_the_keyboard_reaches_the_content_first_and_focus_is_visible(site: Site, page: Any) -> None:
    sign_in(page, site, OWNER)
    page.goto(site.url + R1_PAGE)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_checker_itself_finds_a_violation(page: Any) -> None:
    """A page with an unlabelled field and an image without text fails: the checks above
    can fail."""
    page.set_content('<html lang="en"><body><main><img src="x.png"><input></main></body></html>')
    found = " ".join(violations(page))
    assert "image-alt" in found and "label" in found
