"""The recommendation's page and forms for issue 12: the report's words as written (timescale,
two-level lead, statutory or not stated), a body's verdict "considered complete", plans whose
actions carry a measure, an estimated cost and a benefit or were already done, and an
action's actual cost recorded by whom the permission table allows."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, update

from tests.web_support import clock_of, csrf_of, sign_in, version_of
from tests.world import ADMIN, BOARD, ILAU, OTHER, OWNER, to_in_progress
from workflow.lifecycle import service as svc
from workflow.store.tables import audit_event, recommendation

R1, R2 = "botj-2003/R1", "botj-2003/R2"
PAGE = "/recs/botj-2003/R1"


def _dd(html: str, term: str) -> str:
    """The text of the summary's entry `term`, tags removed."""
    found = re.search(rf"<dt>{re.escape(term)}.*?</dt><dd>(.*?)</dd>", html, re.S)
    assert found is not None, term
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def _trail(app: Any) -> int:
    with app.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_event)).scalar_one())


def _post(client: Any, form: str, page: str, **fields: str) -> Any:
    data = {"csrf_token": csrf_of(page), "version": version_of(page), **fields}
    return client.post(f"{PAGE}/{form}", data=data)


def test_the_page_shows_the_timescale_lead_and_statutory_flag_as_written(web: Any) -> None:
    app, client = web
    written = {
        R1: {"timescale": "Ongoing", "lead_accountable": "ACPRS", "statutory_known": False},
        R2: {"lead_responsible": "Head of Corporate Performance", "statutory_known": True},
    }
    with app.engine.begin() as conn:
        for code, values in written.items():
            conn.execute(
                update(recommendation).where(recommendation.c.code == code).values(**values)
            )
    sign_in(client, app, OWNER)
    first, second = client.get(PAGE).text, client.get("/recs/botj-2003/R2").text
    assert _dd(first, "Timescale") == "Ongoing"
    assert _dd(first, "Lead (accountable)") == "ACPRS"
    assert _dd(first, "Lead (responsible)") == "not named"
    assert _dd(first, "Statutory").startswith("not stated")
    assert _dd(second, "Timescale") == "not given"
    assert _dd(second, "Lead (responsible)") == "Head of Corporate Performance"
    assert _dd(second, "Statutory") == "no"


def test_a_response_considered_complete_is_recorded_and_shown(web: Any) -> None:
    app, client = web
    sign_in(client, app, OWNER)
    page = client.get(PAGE).text
    assert '<label for="respond-1-complete">Considered complete' in page
    sent = _post(client, "respond", page, body="MPS", response="Done", considered_complete="1")
    assert sent.status_code == 200 and "The response has been recorded." in sent.text
    _post(client, "respond", sent.text, body="MPA", response="Agreed")
    with app.uow() as uow:
        view = svc.show_recommendation(uow, R1)
    verdicts = {r.body: r.considered_complete for r in view.responses}
    assert verdicts == {"MPS": True, "MPA": False}
    shown = client.get(PAGE).text.split('id="responses"')[1].split("</ul>")[0]
    assert shown.count("considered complete") == 1
    assert re.search(r"<strong>MPS</strong>[^<]*Done <strong[^>]*>Verdict: considered", shown)


def test_not_applicable_and_considered_complete_together_are_refused(web: Any) -> None:
    app, client = web
    sign_in(client, app, OWNER)
    page = client.get(PAGE).text
    before = _trail(app)
    refused = _post(
        client,
        "respond",
        page,
        body="MPS",
        not_applicable="1",
        reason="Not ours",
        considered_complete="1",
    )
    assert refused.status_code == 400
    assert 'href="#respond-1-complete"' in refused.text
    assert "cannot be considered complete" in refused.text
    assert re.search(r'id="respond-1-complete"[^>]* checked', refused.text)
    assert _trail(app) == before
    with app.uow() as uow:
        assert svc.show_recommendation(uow, R1).responses == ()


def _responded(app: Any) -> None:
    with app.uow() as uow:
        svc.respond(uow, R1, ILAU, body="MPS", text="Accepted")
        svc.respond(uow, R1, ILAU, body="MPA", text="Agreed")


def test_a_plan_carries_measures_costs_benefits_and_work_already_done(web: Any) -> None:
    app, client = web
    _responded(app)
    today = clock_of(app).today()
    sign_in(client, app, OWNER)
    page = client.get(PAGE).text
    for label in ("Done on (action 1)", "Estimated cost in £ (action 1)", "Benefit (action 1)"):
        assert label in page
    sent = _post(
        client,
        "plan",
        page,
        text_1="Publish the suite",
        owner_1=OWNER,
        target_1=(today + timedelta(days=40)).isoformat(),
        measure_1="Returns on time",
        cost_estimate_1="£1,234.5",
        benefit_1="Fewer late returns",
        text_2="Train the analysts",
        owner_2=OTHER,
        done_2=(today - timedelta(days=10)).isoformat(),
        cost_estimate_2="800",
    )
    assert sent.status_code == 200, sent.text[-2000:]
    with app.uow() as uow:
        first, second = svc.show_recommendation(uow, R1).actions
    assert (first.measure, first.cost_estimate, first.benefit, first.done) == (
        "Returns on time",
        Decimal("1234.50"),
        "Fewer late returns",
        False,
    )
    assert second.done and second.done_at is not None
    assert second.done_at.date() == today - timedelta(days=10)
    assert second.target == today - timedelta(days=10) and second.cost_estimate == Decimal(800)
    table = sent.text.split('id="plan-actions"')[1].split("</table>")[0]
    assert "£1,234.50" in table and "£800.00" in table and "£2,034.50" in table
    assert "Measure:</span> Returns on time" in table
    assert "Benefit:</span> Fewer late returns" in table
    done_on = today - timedelta(days=10)
    assert f"done {done_on.day} {done_on:%B %Y}</td>" in table  # the day, not a made-up hour


BAD_ROWS = [
    ({"cost_estimate_1": "lots"}, "plan-cost_estimate_1", "not an amount in pounds"),
    ({"cost_estimate_1": "12.345"}, "plan-cost_estimate_1", "not an amount in pounds"),
    ({"done_1": "{tomorrow}"}, "plan-done_1", "done by today"),
    ({"target_1": ""}, "plan-target_1", "enter its target date, or the day it was done"),
    ({"done_1": "yesterday"}, "plan-done_1", "not a date (YYYY-MM-DD): &#39;yesterday&#39;"),
]


@pytest.mark.parametrize(("change", "anchor", "words"), BAD_ROWS)
def test_a_bad_plan_row_is_shown_on_its_field_and_changes_nothing(
    web: Any, change: dict[str, str], anchor: str, words: str
) -> None:
    app, client = web
    _responded(app)
    today = clock_of(app).today()
    row = {"text_1": "Do it", "owner_1": OWNER, "target_1": (today + timedelta(30)).isoformat()}
    tomorrow = (today + timedelta(days=1)).isoformat()
    change = {k: v.format(tomorrow=tomorrow) for k, v in change.items()}
    sign_in(client, app, OWNER)
    page = client.get(PAGE).text
    before = _trail(app)
    refused = _post(client, "plan", page, **{**row, **change})
    assert refused.status_code == 400
    assert f'href="#{anchor}"' in refused.text and words in refused.text
    assert 'value="Do it"' in refused.text  # what was typed is kept
    assert _trail(app) == before
    with app.uow() as uow:
        view = svc.show_recommendation(uow, R1)
    assert view.state == "responded" and view.actions == ()


def _cost_form(html: str) -> bool:
    return f'action="{PAGE}/action-cost"' in html


def test_the_owner_records_an_actual_cost_and_the_page_shows_it(web: Any) -> None:
    app, client = web
    with app.uow() as uow:
        to_in_progress(uow, clock_of(app), R1)
        version = svc.show_recommendation(uow, R1).version
    sign_in(client, app, OWNER)
    page = client.get(PAGE).text
    assert _cost_form(page) and '<label for="action-cost-actual">Actual cost in £</label>' in page
    sent = _post(client, "action-cost", page, number="1", actual="2,500")
    assert sent.status_code == 200 and "actual cost is recorded" in sent.text
    with app.uow() as uow:
        view = svc.show_recommendation(uow, R1)
    assert view.actions[0].cost_actual == Decimal("2500.00")
    assert view.version == version  # no step of the lifecycle
    assert view.history[-1].event == "action_cost" and view.history[-1].actor == OWNER
    table = sent.text.split('id="plan-actions"')[1].split("</table>")[0]
    assert "£2,500.00" in table
    refused = _post(client, "action-cost", sent.text, number="1", actual="-3")
    assert refused.status_code == 400 and 'href="#action-cost-actual"' in refused.text
    assert 'value="-3"' in refused.text
    empty = _post(client, "action-cost", sent.text, number="1", actual=" ")
    assert empty.status_code == 400 and "Enter what action 1 actually cost" in empty.text
    missing = _post(client, "action-cost", sent.text, number="7", actual="5")
    assert missing.status_code == 400 and "has no action 7" in missing.text
    with app.uow() as uow:
        assert svc.show_recommendation(uow, R1).actions[0].cost_actual == Decimal("2500.00")


# Who is offered the form on a plan whose one action OTHER owns: the table's action_cost
# (the recommendation's owner, the action's owner, the ILAU), written out here.
COSTS = {OWNER: True, OTHER: True, ILAU: True, BOARD: False, ADMIN: False}


@pytest.mark.parametrize("who", sorted(COSTS))
def test_the_cost_form_is_offered_only_to_whom_the_table_allows(web: Any, who: str) -> None:
    app, client = web
    _responded(app)
    target = clock_of(app).today() + timedelta(days=60)
    with app.uow() as uow:
        svc.plan(uow, R1, OWNER, actions=[("Do it", OTHER, target)])
        svc.start(uow, R1, OWNER)
    sign_in(client, app, who)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert _cost_form(page.text) == COSTS[who]
    before = _trail(app)
    with app.uow() as uow:
        version = str(svc.show_recommendation(uow, R1).version)
    data = {"csrf_token": csrf_of(page.text), "version": version, "number": "1", "actual": "99"}
    answer = client.post(f"{PAGE}/action-cost", data=data)  # crafted where not offered
    if COSTS[who]:
        assert answer.status_code == 200 and _trail(app) == before + 1
    else:
        assert answer.status_code == 403 and "You may not do this" in answer.text
        assert _trail(app) == before
