"""What people do in the browser: an owner answers from the reminder e-mail, sign-in by
link, the ILAU escalates, and the refusals a person can meet (a guard, someone else's
change, a forbidden page, a forged form, a file too large)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.browser.conftest import Site, sign_in
from tests.world import ILAU, OTHER, OWNER, to_in_progress
from workflow.chasing.sweep import sweep
from workflow.lifecycle import service as svc
from workflow.store.access import evidence_file
from workflow.store.tables import audit_event

R1 = "botj-2003/R1"
R1_PAGE = "/recs/botj-2003/R1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _count(site: Site, table: Any, *where: Any) -> int:
    with site.app.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def test_the_owner_answers_the_reminder_email_in_one_click(
    site: Site, page: Any, tmp_path: Path
) -> None:
    with site.app.uow() as uow:
        to_in_progress(uow, site.clock, R1)
    site.clock.move_to(site.clock.now() + timedelta(days=25))  # the update is due in 5 days
    with site.app.uow() as uow:
        sweep(uow)
    site.send_mail()
    mail = site.mail_to(OWNER, "rectrack")
    page.goto(site.link_in(mail, R1_PAGE))  # the e-mail's link signs the owner in
    page.get_by_role("button", name="Sign out").wait_for()
    assert page.url == site.url + R1_PAGE
    evidence = tmp_path / "progress.pdf"
    evidence.write_bytes(PDF)
    page.get_by_label("Progress note").fill("Half the training is delivered")
    page.get_by_label("Degree met").select_option("partially")
    page.get_by_label("Evidence").set_input_files(evidence)
    page.get_by_role("button", name="Send update").click()
    page.get_by_text("Your progress update has been recorded.").wait_for()
    with site.app.uow() as uow:
        view = svc.show_recommendation(uow, R1)
    assert view.updates[-1].note == "Half the training is delivered"
    assert view.updates[-1].by == OWNER and view.degree == "partially"
    assert _count(site, evidence_file) == 1
    assert page.get_by_role("link", name="progress.pdf").is_visible()


def test_sign_in_by_link_and_sign_out(site: Site, page: Any) -> None:
    sign_in(page, site, ILAU)
    assert page.get_by_text("Signed in as Ivy Lau").is_visible()
    assert page.get_by_role("heading", name="Triage").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have signed out.").wait_for()
    page.goto(site.url + R1_PAGE)
    assert page.url.startswith(site.url + "/login")
    assert page.get_by_text("Recommendation 1").count() == 0


def test_the_ilau_escalates_and_the_board_hears(site: Site, page: Any) -> None:
    sign_in(page, site, ILAU)
    page.goto(site.url + R1_PAGE)
    form = page.get_by_role("form", name="Escalate to the Performance Board")
    form.get_by_label("Reason").fill("No response after two reminders")
    form.get_by_role("button", name="Escalate").click()
    page.get_by_text("It has been escalated; the Board has been told.").wait_for()
    page.get_by_role("link", name="Escalations").click()
    row = page.get_by_role("row").filter(has_text="No response after two reminders")
    assert row.get_by_role("link", name=R1).is_visible()
    site.send_mail()
    assert R1 in site.mail_to("board@example.org", "escalated")


def test_a_refused_plan_shows_the_guard_and_keeps_what_was_typed(site: Site, page: Any) -> None:
    with site.app.uow() as uow:
        svc.respond(uow, R1, ILAU, body="MPS", text="Accepted")
        svc.respond(uow, R1, ILAU, body="MPA", text="Agreed")
    sign_in(page, site, OWNER)
    page.goto(site.url + R1_PAGE)
    yesterday = (site.clock.today() - timedelta(days=1)).isoformat()
    page.get_by_label("What will be done (action 1)").fill("Train every custody sergeant")
    page.get_by_label("Owner (action 1)").select_option(OWNER)
    page.get_by_label("Target date (action 1)").fill(yesterday)
    page.get_by_role("button", name="Submit plan").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    assert "have a target date not after" in summary.inner_text()
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "plan-target_1"
    assert page.get_by_label("What will be done (action 1)").input_value() == (
        "Train every custody sergeant"
    )


def test_a_change_made_meanwhile_is_shown_not_overwritten(site: Site, page: Any) -> None:
    with site.app.uow() as uow:
        to_in_progress(uow, site.clock, R1)
    sign_in(page, site, OWNER)
    page.goto(site.url + R1_PAGE)
    with site.app.uow() as uow:  # the ILAU, in another browser, records an update first
        svc.record_update(uow, R1, ILAU, note="Checked with the custody lead")
    page.get_by_label("Progress note").fill("My own note")
    page.get_by_role("button", name="Send update").click()
    page.get_by_text("Someone else changed this recommendation").first.wait_for()
    assert page.get_by_text("Checked with the custody lead").first.is_visible()
    assert page.get_by_label("Progress note").input_value() == "My own note"
    with site.app.uow() as uow:
        assert [u.note for u in svc.show_recommendation(uow, R1).updates] == [
            "Checked with the custody lead"
        ]


def test_another_owners_recommendation_is_forbidden(site: Site, page: Any) -> None:
    sign_in(page, site, OTHER)
    answer = page.goto(site.url + R1_PAGE)
    assert answer is not None and answer.status == 403
    assert page.get_by_role("heading", name="You may not see this page").is_visible()
    assert page.get_by_text("Recommendation 1").count() == 0


def test_a_forged_form_is_refused_and_changes_nothing(site: Site, page: Any) -> None:
    with site.app.uow() as uow:
        to_in_progress(uow, site.clock, R1)
    sign_in(page, site, OWNER)
    page.goto(site.url + R1_PAGE)
    page.locator('form[action$="/update"] input[name="csrf_token"]').evaluate(
        "input => input.value = 'forged'"
    )
    page.get_by_label("Progress note").fill("Forged")
    page.get_by_role("button", name="Send update").click()
    page.get_by_role("heading", name="This form has expired").wait_for()
    assert _count(site, audit_event, audit_event.c.event == "update") == 0


@pytest.mark.parametrize("site", [1024 * 1024], indirect=True)
def test_a_file_over_the_limit_is_refused_and_nothing_kept(
    site: Site, page: Any, tmp_path: Path
) -> None:
    with site.app.uow() as uow:
        to_in_progress(uow, site.clock, R1)
    sign_in(page, site, OWNER)
    page.goto(site.url + R1_PAGE)
    big = tmp_path / "minutes.pdf"
    big.write_bytes(PDF + b"0" * (2 * 1024 * 1024))
    page.get_by_label("Progress note").fill("See the minutes")
    page.get_by_label("Evidence").set_input_files(big)
    page.get_by_role("button", name="Send update").click()
    page.get_by_text("the file must be smaller than 1 MB").first.wait_for()
    assert _count(site, evidence_file) == 0
    assert _count(site, audit_event, audit_event.c.event == "update") == 0


def test_the_owner_records_what_an_action_actually_cost(site: Site, page: Any) -> None:
    with site.app.uow() as uow:
        to_in_progress(uow, site.clock, R1)
    sign_in(page, site, OWNER)
    page.goto(site.url + R1_PAGE)
    form = page.get_by_role("form", name="Record actual cost")
    form.get_by_label("Action").select_option("1")
    form.get_by_label("Actual cost in £").fill("£1,250")
    form.get_by_role("button", name="Record actual cost").click()
    page.get_by_text("The action's actual cost is recorded.").wait_for()
    row = page.get_by_role("row").filter(has_text="Do it")
    assert "£1,250.00" in row.inner_text()
    with site.app.uow() as uow:
        assert str(svc.show_recommendation(uow, R1).actions[0].cost_actual) == "1250.00"
