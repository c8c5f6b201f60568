"""Committee decisions through the API (/api/v1/decisions), on both backends: recorded, listed
and marked done as the token's person, by the same service as `rectrack decision`; a refused
request is a problem naming what is wrong, and changes nothing."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.integration.test_api import auth, problem, token_for
from tests.world import ADMIN, BOARD, ILAU, OTHER, OWNER, REPORT
from workflow.bootstrap import App
from workflow.directory.committees import add_committee
from workflow.directory.decisions import add_decision, done_decision, list_decisions
from workflow.store.governance import decision
from workflow.store.tables import audit_event

URL = "/api/v1/decisions"
BOARD_NAME = "Performance Board"
KEYS = {"id", "committee", "meeting", "rec", "text", "owner", "due", "done_at"}
NEW = {
    "committee": BOARD_NAME,
    "meeting": "2003-11-01",
    "rec": f"{REPORT}/R2",
    "text": "Report the custody review to the next meeting",
    "owner": OTHER,
    "due": "2004-01-15",
}


def _board(app: App) -> None:
    with app.uow() as uow:
        add_committee(uow, BOARD_NAME, cadence="monthly", secretary=ADMIN, actor=ILAU)
        add_committee(uow, "PPRC", cadence="six-monthly", actor=ILAU)


def _counts(app: App) -> tuple[int, int]:
    """(decisions, audit events) stored."""
    with app.engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(decision)).scalar_one(),
            conn.execute(select(func.count()).select_from(audit_event)).scalar_one(),
        )


def _decide(app: App, rec: str, owner: str, committee: str = BOARD_NAME) -> int:
    with app.uow() as uow:
        made = add_decision(
            uow,
            committee,
            meeting=date(2003, 11, 1),
            rec=rec,
            text=f"Decided about {rec}",
            owner=owner,
            due=date(2004, 2, 1),
            actor=ILAU,
        )
    return made.id


def test_the_ilau_records_a_decision_as_itself_through_its_token(web: Any) -> None:
    app, client = web
    _board(app)
    got = client.post(URL, headers=auth(token_for(app, ILAU, name="minutes")), json=NEW)
    assert got.status_code == 201, got.text
    made = got.json()
    assert set(made) == KEYS
    assert (made["id"], made["owner"], made["done_at"]) == (1, OTHER, None)
    with app.uow() as uow:
        (stored,) = list_decisions(uow)
    assert (stored.committee, stored.rec, stored.due.isoformat()) == (
        BOARD_NAME,
        f"{REPORT}/R2",
        "2004-01-15",
    )
    with app.engine.connect() as conn:
        actor, changes = conn.execute(
            select(audit_event.c.actor, audit_event.c.changes).where(
                audit_event.c.event == "decision.add"
            )
        ).one()
    assert actor == ILAU and json.loads(changes)["via"] == "token 1 (minutes)"


@pytest.mark.parametrize(
    ("change", "status", "field", "words"),
    [
        ({"committee": "Nobody"}, 404, None, "no committee 'Nobody'"),
        ({"rec": f"{REPORT}/R9"}, 404, None, f"no recommendation {REPORT}/R9"),
        ({"owner": "nobody@example.org"}, 404, None, "nobody@example.org"),
        ({"due": "2003-10-31"}, 400, "due", "before the meeting (2003-11-01)"),
        ({"meeting": "2003-11-04"}, 400, "meeting", "once its meeting has been held"),
        ({"meeting": "1066-10-14"}, 400, "meeting", "expected a date between"),
        ({"text": "   "}, 400, "text", "say what was decided"),
        ({"meeting": "2003-02-30"}, 400, "meeting", "date"),
        ({"minutes": "x"}, 400, "minutes", "Extra inputs"),
        ({"text": None}, 400, "text", "Field required"),
    ],
)
def test_a_wrong_decision_is_a_problem_naming_it_and_changes_nothing(
    web: Any, change: dict[str, Any], status: int, field: str | None, words: str
) -> None:
    app, client = web
    _board(app)
    token = token_for(app, ILAU)
    before = _counts(app)
    body = {k: v for k, v in (NEW | change).items() if v is not None}
    got = problem(client.post(URL, headers=auth(token), json=body), status)
    assert words in got["detail"]
    assert got.get("field") == field
    assert _counts(app) == before


def test_only_those_who_record_decisions_may_add_one(web: Any) -> None:
    app, client = web
    _board(app)
    tokens = [token_for(app, who) for who in (OWNER, BOARD)]
    before = _counts(app)
    for token in tokens:
        got = problem(client.post(URL, headers=auth(token), json=NEW), 403)
        assert "only ilau or secretary may" in got["detail"]
    assert _counts(app) == before
    assert problem(client.post(URL, json=NEW), 401)
    assert _counts(app) == before


def test_decisions_are_listed_filtered_and_an_owner_sees_only_their_own(web: Any) -> None:
    app, client = web
    _board(app)
    first = _decide(app, f"{REPORT}/R1", OWNER)
    second = _decide(app, f"{REPORT}/R2", OTHER)
    third = _decide(app, f"{REPORT}/R3", OTHER, committee="PPRC")
    ilau = auth(token_for(app, ILAU))

    def ids(query: str, headers: dict[str, str] = ilau) -> list[int]:
        got = client.get(URL + query, headers=headers)
        assert got.status_code == 200, got.text
        assert all(set(d) == KEYS for d in got.json())
        return [d["id"] for d in got.json()]

    assert ids("") == [first, second, third]
    assert ids("?committee=PPRC") == [third]
    assert ids(f"?rec={REPORT}/R2") == [second]
    assert ids(f"?owner={OTHER.upper()}") == [second, third]
    assert ids(f"?owner={OTHER}&committee={BOARD_NAME}") == [second]
    assert problem(client.get(URL + "?committee=Nobody", headers=ilau), 404)
    assert problem(client.get(URL + "?open=perhaps", headers=ilau), 400)["field"] == "query.open"
    owner = auth(token_for(app, OWNER))
    assert ids("", owner) == [first]
    assert ids(f"?owner={OTHER}", owner) == [first]  # their own, whatever they ask
    with app.uow() as uow:
        done_decision(uow, second, actor=OTHER)
    assert ids("?open=true") == [first, third]
    assert ids("?open=false") == [first, second, third]


def test_the_owner_marks_their_decision_done_once_and_nobody_else_may(web: Any) -> None:
    app, client = web
    _board(app)
    number = _decide(app, f"{REPORT}/R1", OTHER)
    done_url = f"{URL}/{number}/done"
    owner, ilau, token = (auth(token_for(app, who)) for who in (OWNER, ILAU, OTHER))
    before = _counts(app)
    refused = problem(client.post(done_url, headers=owner), 403)
    assert "only its owner, ilau or secretary may" in refused["detail"]
    assert problem(client.post(f"{URL}/999/done", headers=ilau), 404)
    assert problem(client.post(f"{URL}/0/done", headers=ilau), 400)
    assert problem(client.post(f"{URL}/abc/done", headers=ilau), 400)
    assert _counts(app) == before
    got = client.post(done_url, headers=token)
    assert got.status_code == 200, got.text
    assert got.json()["id"] == number and got.json()["done_at"] is not None
    with app.uow() as uow:
        (closed,) = list_decisions(uow)
    assert closed.done_by == OTHER
    after = _counts(app)
    again = problem(client.post(done_url, headers=token), 409)
    assert "was done already" in again["detail"]
    assert _counts(app) == after


def test_the_openapi_document_describes_the_decisions(web: Any) -> None:
    _, client = web
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    assert {"get", "post"} <= set(paths["/decisions"])
    assert "201" in paths["/decisions"]["post"]["responses"]
    assert "409" in paths["/decisions/{decision_id}/done"]["post"]["responses"]
    assert {p["name"] for p in paths["/decisions"]["get"]["parameters"]} == {
        "open",
        "committee",
        "rec",
        "owner",
    }
    body = doc["components"]["schemas"]["NewDecision"]
    assert set(body["required"]) == {"committee", "meeting", "rec", "text", "owner", "due"}
