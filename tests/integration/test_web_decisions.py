"""Committee decisions on the home page: each person sees the open ones they own, with the
date due and how many days overdue, and marks their own done (a POST with the CSRF token,
as the session's person); those who may record decisions see and close the others too.
A refusal is shown on the page in words and changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.web_support import clock_of, csrf_of, sign_in
from tests.world import ILAU, OTHER, OWNER
from workflow.directory.committees import add_committee
from workflow.directory.decisions import Decision, add_decision, done_decision, list_decisions
from workflow.directory.people import add_person
from workflow.store.tables import audit_event

BOARD_NAME = "Performance Board"
TESS = "tess@example.org"


def _decide(app: Any) -> dict[str, int]:
    """Three open decisions of a meeting 20 days ago: OWNER's overdue by 6 days and due in
    12 days, OTHER's due in 2 days; their ids by a word of their text."""
    today = clock_of(app).today()
    met = today - timedelta(days=20)
    given = (
        ("Report the custody review", OWNER, -6, "botj-2003/R1"),
        ("Agree the suite", OWNER, 12, "botj-2003/R2"),
        ("Brief the Board", OTHER, 2, "botj-2003/R3"),
    )
    ids = {}
    with app.uow() as uow:
        add_committee(uow, BOARD_NAME, cadence="monthly", actor=ILAU)
        for text, owner, days, rec in given:
            found = add_decision(
                uow,
                BOARD_NAME,
                meeting=met,
                rec=rec,
                text=text,
                owner=owner,
                due=today + timedelta(days=days),
                actor=ILAU,
            )
            ids[text.split()[0]] = found.id
    return ids


def _open(app: Any) -> dict[int, Decision]:
    with app.uow() as uow:
        return {d.id: d for d in list_decisions(uow, open_only=True)}


def _row(html: str, text: str) -> str:
    found = re.search(r"<tr>(?:(?!</tr>).)*" + re.escape(text) + r".*?</tr>", html, re.S)
    assert found is not None, text
    return found.group(0)


def test_an_owner_sees_their_open_decisions_with_what_is_overdue(web: Any) -> None:
    app, client = web
    _decide(app)
    sign_in(client, app, OWNER)
    home = client.get("/").text
    assert "Committee decisions for you to carry out (2)" in home
    late = _row(home, "Report the custody review")
    assert "overdue by 6 days" in late and "Performance Board" in late
    assert 'href="/recs/botj-2003/R1"' in late and "Mark done" in late
    assert "overdue" not in _row(home, "Agree the suite")
    assert "Brief the Board" not in home and 'id="open-decisions"' not in home


def test_the_owner_marks_their_decision_done_once(web: Any) -> None:
    app, client = web
    ids = _decide(app)
    sign_in(client, app, OWNER)
    home = client.get("/").text
    done = client.post(f"/decisions/{ids['Report']}/done", data={"csrf_token": csrf_of(home)})
    assert done.status_code == 200 and done.url.path == "/"
    assert "The decision is recorded as done." in done.text
    assert "Report the custody review" not in done.text
    still = _open(app)
    assert ids["Report"] not in still and ids["Agree"] in still
    with app.uow() as uow:
        closed = next(d for d in list_decisions(uow) if d.id == ids["Report"])
    assert closed.done_by == OWNER and closed.done_at is not None
    again = client.post(f"/decisions/{ids['Report']}/done", data={"csrf_token": csrf_of(home)})
    assert again.status_code == 409 and "was done already" in again.text
    assert "There is a problem" in again.text and "Traceback" not in again.text


def test_another_owners_decision_an_unknown_one_or_a_missing_token_change_nothing(
    web: Any,
) -> None:
    app, client = web
    ids = _decide(app)
    sign_in(client, app, OWNER)
    token = csrf_of(client.get("/").text)
    others = client.post(f"/decisions/{ids['Brief']}/done", data={"csrf_token": token})
    assert others.status_code == 403 and "You may not do this" in others.text
    unknown = client.post("/decisions/999/done", data={"csrf_token": token})
    assert unknown.status_code == 404 and "There is no decision 999." in unknown.text
    garbled = client.post("/decisions/abc/done", data={"csrf_token": token})
    assert garbled.status_code == 404
    forged = client.post(f"/decisions/{ids['Report']}/done", data={"csrf_token": "x"})
    assert forged.status_code == 403 and "This form has expired" in forged.text
    bare = client.post(f"/decisions/{ids['Report']}/done")
    assert bare.status_code == 403
    assert set(_open(app)) == set(ids.values())


def test_the_ilau_sees_and_closes_anyones_decision_as_itself(web: Any) -> None:
    app, client = web
    ids = _decide(app)
    sign_in(client, app, ILAU)
    home = client.get("/").text
    assert "Open committee decisions (3)" in home
    assert "Olive Other" in _row(home, "Brief the Board")
    done = client.post(
        f"/decisions/{ids['Brief']}/done",
        data={"csrf_token": csrf_of(home), "actor": OTHER},  # a form field is no identity
    )
    assert done.status_code == 200 and "Open committee decisions (2)" in done.text
    with app.uow() as uow:
        closed = next(d for d in list_decisions(uow) if d.id == ids["Brief"])
    assert closed.done_by == ILAU


def test_the_home_page_without_decisions_does_not_mention_them(web: Any) -> None:
    app, client = web
    sign_in(client, app, OWNER)
    home = client.get("/")
    assert home.status_code == 200 and "Committee decisions" not in home.text


def test_the_recommendations_page_lists_its_decisions(web: Any) -> None:
    app, client = web
    ids = _decide(app)
    sign_in(client, app, OWNER)
    home = client.get("/").text
    client.post(f"/decisions/{ids['Agree']}/done", data={"csrf_token": csrf_of(home)})
    first = client.get("/recs/botj-2003/R1").text.split('id="decisions"')[1].split("</ul>")[0]
    assert "Report the custody review" in first and "open" in first
    assert "overdue by 6 days" in first and "Agree the suite" not in first
    second = client.get("/recs/botj-2003/R2").text.split('id="decisions"')[1].split("</ul>")[0]
    assert "Agree the suite" in second and "done 3 November 2003" in second
    assert "by Owen Owner" in second


def test_a_decisions_owner_may_open_its_recommendation_while_it_is_open(web: Any) -> None:
    """OTHER owns no recommendation, but the Board asked them to brief it on R3: the digest's
    link to R3 opens for them until the decision is done."""
    app, client = web
    ids = _decide(app)
    sign_in(client, app, OTHER)
    assert client.get("/recs/botj-2003/R2").status_code == 403  # no decision of theirs
    page = client.get("/recs/botj-2003/R3")
    assert page.status_code == 200 and "Brief the Board" in page.text
    with app.uow() as uow:
        done_decision(uow, ids["Brief"], actor=OTHER)
    assert client.get("/recs/botj-2003/R3").status_code == 403


PAGE = "/recs/botj-2003/R2"
FILLED = {
    "committee": BOARD_NAME,
    "meeting": "2003-11-01",
    "text": "Bring the custody review to the next meeting",
    "owner": OTHER,
    "due": "2004-01-15",
}


def _board(app: Any) -> None:
    with app.uow() as uow:
        add_committee(uow, BOARD_NAME, cadence="monthly", actor=ILAU)


def _decisions(app: Any) -> list[Decision]:
    with app.uow() as uow:
        return list_decisions(uow)


def test_the_ilau_records_a_decision_from_the_recommendations_page(web: Any) -> None:
    app, client = web
    _board(app)
    sign_in(client, app, ILAU)
    page = client.get(PAGE).text
    form = page.split('action="/recs/botj-2003/R2/decision"')[1].split("</form>")[0]
    for label, field in [
        ("Committee", "committee"),
        ("Meeting", "meeting"),
        ("Decision", "text"),
        ("Owner", "owner"),
        ("Due", "due"),
    ]:
        assert re.search(rf'<label for="decision-{field}">{label}\b', form), label
    assert 'name="csrf_token"' in form and "Record decision</button>" in form
    data = {"csrf_token": csrf_of(page), **FILLED, "actor": OWNER}  # a form field is no identity
    done = client.post(f"{PAGE}/decision", data=data)
    assert done.status_code == 200 and done.url.path == PAGE, done.text
    assert "The committee&#39;s decision is recorded." in done.text
    listed = done.text.split('id="decisions"')[1].split("</ul>")[0]
    assert "Bring the custody review to the next meeting" in listed and "Olive Other" in listed
    (made,) = _decisions(app)
    assert (
        made.committee,
        made.rec,
        made.owner,
        made.meeting.isoformat(),
        made.due.isoformat(),
    ) == (
        BOARD_NAME,
        "botj-2003/R2",
        OTHER,
        "2003-11-01",
        "2004-01-15",
    )
    with app.engine.connect() as conn:
        actor = conn.execute(
            select(audit_event.c.actor).where(audit_event.c.event == "decision.add")
        ).scalar_one()
    assert actor == ILAU


def test_the_form_is_offered_only_to_those_who_record_decisions(web: Any) -> None:
    app, client = web
    _board(app)
    sign_in(client, app, OWNER)
    page = client.get(PAGE).text
    assert '/decision"' not in page and "Record decision" not in page
    refused = client.post(f"{PAGE}/decision", data={"csrf_token": csrf_of(page), **FILLED})
    assert refused.status_code == 403 and "You may not do this" in refused.text
    forged = client.post(f"{PAGE}/decision", data={"csrf_token": "x", **FILLED})
    assert forged.status_code == 403 and "This form has expired" in forged.text
    assert _decisions(app) == []


def test_without_a_committee_the_recorder_is_told_not_given_a_form(web: Any) -> None:
    app, client = web
    sign_in(client, app, ILAU)
    page = client.get(PAGE).text
    assert "Record decision" not in page
    assert "No committee is known yet, so no decision can be recorded here." in page


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"committee": ""}, "committee", "Choose the committee that decided"),
        ({"committee": "Nobody"}, "committee", "There is no committee &#39;Nobody&#39;"),
        ({"meeting": ""}, "meeting", "Enter the day of the meeting"),
        ({"meeting": "2003-11-04"}, "meeting", "once its meeting has been held"),
        ({"meeting": "1066-10-14"}, "meeting", "expected a date between"),
        ({"text": "  "}, "text", "Enter what was decided"),
        ({"owner": ""}, "owner", "Choose who is to carry it out"),
        ({"owner": "nobody@example.org"}, "owner", "There is nobody with the email"),
        ({"due": "2003-10-31"}, "due", "Due 2003-10-31 is before the meeting (2003-11-01)"),
        ({"due": "soon"}, "due", "not a date"),
    ],
)
def test_a_wrong_field_is_pointed_at_kept_and_nothing_is_recorded(
    web: Any, change: dict[str, str], field: str, words: str
) -> None:
    app, client = web
    _board(app)
    sign_in(client, app, ILAU)
    page = client.get(PAGE).text
    with app.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(audit_event)).scalar_one()
    answer = client.post(
        f"{PAGE}/decision", data={"csrf_token": csrf_of(page), **(FILLED | change)}
    )
    assert answer.status_code == 400, answer.text
    html = answer.text
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert f'href="#decision-{field}"' in summary and words in summary
    at_field = html.split(f'<p class="field-error" id="decision-{field}-error">')[1]
    assert words in at_field.split("</p>")[0]
    assert f'aria-describedby="decision-{field}-error"' in html
    kept = (FILLED | change)["text"]
    assert f">{kept}</textarea>" in html.split('id="decision-text"')[1]
    assert _decisions(app) == []
    with app.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_event)).scalar_one() == before


def test_decisions_on_the_web_name_the_owner_with_their_title(web: Any) -> None:
    app, client = web
    with app.uow() as uow:
        add_person(
            uow,
            TESS,
            name="Tess Title",
            roles=["owner"],
            title="Head of Criminal Justice",
            actor=ILAU,
        )
    ids = _decide(app)
    today = clock_of(app).today()
    with app.uow() as uow:
        add_decision(
            uow,
            BOARD_NAME,
            meeting=today - timedelta(days=20),
            rec="botj-2003/R2",
            text="Cost the new suites",
            owner=TESS,
            due=today + timedelta(days=5),
            actor=ILAU,
        )
    sign_in(client, app, ILAU)
    home = client.get("/").text
    assert "Tess Title, Head of Criminal Justice" in _row(home, "Cost the new suites")
    assert "Olive Other" in _row(home, "Brief the Board") and ids
    page = client.get(PAGE).text.split('id="decisions"')[1].split("</ul>")[0]
    assert "For Tess Title, Head of Criminal Justice by" in page
    assert TESS not in page
