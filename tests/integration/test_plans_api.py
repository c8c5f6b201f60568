"""Costed plans, work already done, actual costs and verdicts through the API (issue 12, items
4 and 5): the same fields as the command line, the same refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests import world
from tests.integration.test_api import auth, problem, token_for
from workflow.cli.events import rec

R1 = f"/api/v1/recs/{world.REPORT}/R1"


def test_every_rec_event_command_has_its_api_route(web: Any) -> None:
    _, client = web
    paths = set(client.get("/api/v1/openapi.json").json()["paths"])
    events = {name for name in rec.commands if f"/recs/{{report}}/{{ref}}/events/{name}" in paths}
    assert {"plan", "respond", "action-cost", "action-done"} <= events


def test_a_costed_plan_a_verdict_and_an_actual_cost_through_the_api(web: Any) -> None:
    app, client = web
    token = token_for(app, world.ILAU)
    verdict = {"body": "MPS", "text": "Done already", "considered_complete": True}
    assert client.post(R1 + "/events/respond", headers=auth(token), json=verdict).is_success
    answer = {"body": "MPA", "text": "Agreed"}
    assert client.post(R1 + "/events/respond", headers=auth(token), json=answer).is_success
    today = app.clock.today()
    target, done = (today + timedelta(days=60)).isoformat(), (today - timedelta(days=2)).isoformat()
    plan = {
        "actions": [
            {
                "text": "Train the custody staff",
                "owner": world.OWNER,
                "target": target,
                "measure": "Staff trained",
                "cost_estimate": "2500.00",
                "benefit": "Fewer failed cases",
            },
            {"text": "Refit the suites", "owner": world.OTHER, "done": done},
            f"Audit the suites|{world.OWNER}|{target}|done:{done}",
        ]
    }
    got = client.post(R1 + "/events/plan", headers=auth(token), json=plan)
    assert got.status_code == 200, got.text
    cost = {"number": 1, "actual": "2400.10"}
    got = client.post(R1 + "/events/action-cost", headers=auth(token), json=cost)
    assert got.status_code == 200, got.text
    assert got.json()["event"] == "action_cost"
    view = client.get(R1, headers=auth(token)).json()
    assert [(a["done"], a["cost_estimate"], a["cost_actual"]) for a in view["actions"]] == [
        (False, "2500.00", "2400.10"),
        (True, None, None),
        (True, None, None),
    ]
    assert [r["considered_complete"] for r in view["responses"]] == [False, True]


def test_bad_costs_and_undated_actions_are_400_and_change_nothing(web: Any) -> None:
    app, client = web
    token = token_for(app, world.ILAU)
    for body in ("MPS", "MPA"):
        answer = {"body": body, "text": "Accepted"}
        assert client.post(R1 + "/events/respond", headers=auth(token), json=answer).is_success
    undated = {"actions": [{"text": "A", "owner": world.OWNER}]}
    problem(client.post(R1 + "/events/plan", headers=auth(token), json=undated), 400)
    target = (app.clock.today() + timedelta(days=60)).isoformat()
    planned = {"actions": [{"text": "A", "owner": world.OWNER, "target": target}]}
    assert client.post(R1 + "/events/plan", headers=auth(token), json=planned).is_success
    for actual in ("-1", "1.234", "lots"):
        cost = {"number": 1, "actual": actual}
        problem(client.post(R1 + "/events/action-cost", headers=auth(token), json=cost), 400)
    view = client.get(R1, headers=auth(token)).json()
    assert view["actions"][0]["cost_actual"] is None
