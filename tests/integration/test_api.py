"""The JSON API (/api/v1): tokens, reads, events, problems, keyset pages, on both backends."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests import world
from tests.web_support import clock_of
from workflow.bootstrap import App
from workflow.cli.main import run
from workflow.clock import instant_text
from workflow.directory.people import set_active
from workflow.directory.tokens import create_token, revoke_token
from workflow.store.outward import access_token
from workflow.store.tables import audit_event

R1 = f"/api/v1/recs/{world.REPORT}/R1"


def token_for(app: App, email: str, name: str = "test", **kw: Any) -> str:
    with app.uow() as uow:
        return create_token(uow, email, name=name, **kw).token


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["detail"]
    assert "Traceback" not in response.text
    return body


def test_every_read_needs_a_valid_token(web: Any) -> None:
    _app, client = web
    for path in ("/api/v1/recs", R1, "/api/v1/reports", "/api/v1/audit"):
        assert problem(client.get(path), 401)
        got = client.get(path, headers=auth("rtk_not-a-real-token"))
        assert "not valid" in problem(got, 401)["detail"]
        assert got.headers["www-authenticate"].startswith("Bearer")


def test_a_revoked_an_expired_and_a_deactivated_persons_token_get_401(web: Any) -> None:
    app, client = web
    with app.uow() as uow:
        revoked = create_token(uow, world.OWNER)
        lapsing = create_token(uow, world.OWNER)
    other = token_for(app, world.OTHER)
    with app.uow() as uow:
        revoke_token(uow, revoked.info.id)
        set_active(uow, world.OTHER, active=False, actor=world.ILAU)
    assert problem(client.get(R1, headers=auth(revoked.token)), 401)
    assert problem(client.get("/api/v1/recs", headers=auth(other)), 401)
    assert client.get("/api/v1/recs", headers=auth(lapsing.token)).status_code == 200
    with app.uow() as uow, uow.write() as tx:
        tx.conn.execute(
            access_token.update()
            .where(access_token.c.id == lapsing.info.id)
            .values(expires_on=tx.today - timedelta(days=1))
        )
    assert problem(client.get("/api/v1/recs", headers=auth(lapsing.token)), 401)


def test_a_calendar_token_opens_no_api(web: Any) -> None:
    app, client = web
    with app.uow() as uow:
        feed = create_token(uow, world.OWNER, kind="calendar").token
    assert problem(client.get("/api/v1/recs", headers=auth(feed)), 401)


def test_tokens_are_stored_only_hashed(web: Any) -> None:
    app, _ = web
    secret = token_for(app, world.OWNER)
    with app.engine.connect() as conn:
        dumped = json.dumps([list(map(str, r)) for r in conn.execute(select(access_token))])
    assert secret not in dumped and secret[4:] not in dumped


def test_an_owner_lists_only_their_own(web: Any) -> None:
    app, client = web
    with app.uow() as uow:
        from workflow.lifecycle import service as svc

        svc.reassign(uow, f"{world.REPORT}/R3", world.ILAU, owner=world.OTHER)
    got = client.get(f"/api/v1/recs?owner={world.OTHER}", headers=auth(token_for(app, world.OWNER)))
    assert got.status_code == 200
    assert [r["id"] for r in got.json()["items"]] == [f"{world.REPORT}/R1", f"{world.REPORT}/R2"]
    assert problem(
        client.get(f"/api/v1/recs/{world.REPORT}/R3", headers=auth(token_for(app, world.OWNER))),
        403,
    )
    every = client.get("/api/v1/recs", headers=auth(token_for(app, world.ILAU))).json()
    assert len(every["items"]) == 3 and every["next"] is None


def test_the_full_view_is_what_rec_show_json_prints(web: Any, capsys: Any) -> None:
    app, client = web
    got = client.get(R1, headers=auth(token_for(app, world.ILAU)))
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    db, now = (
        str(app.engine.url.render_as_string(hide_password=False)),
        instant_text(app.clock.now()),
    )
    capsys.readouterr()
    assert run(["--db", db, "--now", now, "rec", "show", f"{world.REPORT}/R1", "--json"]) == 0
    assert got.json() == json.loads(capsys.readouterr().out)


def _last_event(app: App, rec: str) -> dict[str, Any]:
    with app.engine.connect() as conn:
        row = conn.execute(
            select(audit_event).where(audit_event.c.rec == rec).order_by(audit_event.c.id.desc())
        ).first()
    assert row is not None
    return dict(row._mapping)


def test_an_event_through_the_api_is_the_cli_s_event_with_the_token_named(
    web: Any, capsys: Any
) -> None:
    app, client = web
    clock = clock_of(app)
    for code in (f"{world.REPORT}/R1", f"{world.REPORT}/R2"):
        with app.uow() as uow:
            world.to_in_progress(uow, clock, code)
    token = token_for(app, world.OWNER, name="dashboard")
    body = {"note": "Half the custody suites done", "degree": "partially"}
    got = client.post(R1 + "/events/update", headers=auth(token, **{"If-Match": '"6"'}), json=body)
    assert got.status_code == 200, got.text
    assert got.json()["event"] == "update" and got.json()["version"] == 7
    assert got.headers["etag"] == '"7"'
    db = app.engine.url.render_as_string(hide_password=False)
    argv = ["--db", db, "--now", instant_text(clock.now()), "rec", "update"]
    assert (
        run(
            [
                *argv,
                f"{world.REPORT}/R2",
                "--actor",
                world.OWNER,
                "--note",
                body["note"],
                "--degree",
                "partially",
            ]
        )
        == 0
    )
    by_api, by_cli = _last_event(app, f"{world.REPORT}/R1"), _last_event(app, f"{world.REPORT}/R2")
    api_changes, cli_changes = json.loads(by_api["changes"]), json.loads(by_cli["changes"])
    assert api_changes.pop("via") == "token 1 (dashboard)" and "via" not in cli_changes
    assert api_changes == cli_changes
    for key in ("actor", "event", "from_state", "to_state", "note", "at"):
        assert by_api[key] == by_cli[key], key


def test_an_owners_token_cannot_escalate(web: Any) -> None:
    app, client = web
    got = client.post(
        R1 + "/events/escalate", headers=auth(token_for(app, world.OWNER)), json={"reason": "x"}
    )
    assert "may not escalate" in problem(got, 403)["detail"]
    assert _last_event(app, f"{world.REPORT}/R1")["event"] == "raise"


def test_a_stale_version_is_409_and_changes_nothing(web: Any) -> None:
    app, client = web
    token = token_for(app, world.ILAU)
    first = {"body": "MPS", "text": "Accepted"}
    ok = client.post(R1 + "/events/respond", headers=auth(token, **{"If-Match": '"1"'}), json=first)
    assert ok.status_code == 200
    again = {"body": "MPA", "text": "Agreed"}
    stale = client.post(
        R1 + "/events/respond", headers=auth(token, **{"If-Match": '"1"'}), json=again
    )
    assert "version 2" in problem(stale, 409)["detail"]
    assert (
        json.loads(_last_event(app, f"{world.REPORT}/R1")["changes"])["response"]["body"] == "MPS"
    )
    assert (
        problem(
            client.post(
                R1 + "/events/respond", headers=auth(token, **{"If-Match": "v1"}), json=again
            ),
            400,
        )["field"]
        == "If-Match"
    )


def test_a_guard_refusal_is_422_naming_the_guard(web: Any) -> None:
    app, client = web
    token = token_for(app, world.ILAU)
    got = client.post(
        R1 + "/events/respond", headers=auth(token), json={"body": "MPS", "text": "   "}
    )
    assert problem(got, 422)["guard"] == "answer_given"
    wrong_state = client.post(R1 + "/events/reopen", headers=auth(token), json={"reason": "x"})
    assert "cannot reopen" in problem(wrong_state, 409)["detail"]


@pytest.mark.parametrize(
    ("event", "body", "field"),
    [
        ("respond", {"body": "MPS"}, None),  # neither text nor not_applicable
        ("update", {}, "note"),
        ("update", {"note": "n", "degree": "mostly"}, "degree"),
        ("extend", {"to": "2004-02-30", "reason": "r"}, "to"),
        ("start", {"unknown": 1}, "unknown"),
        ("action-done", {"number": 0}, "number"),
    ],
)
def test_bad_input_is_400_naming_the_field(
    web: Any, event: str, body: dict[str, Any], field: str | None
) -> None:
    app, client = web
    got = problem(
        client.post(R1 + f"/events/{event}", headers=auth(token_for(app, world.ILAU)), json=body),
        400,
    )
    assert got.get("field") == field
    assert _last_event(app, f"{world.REPORT}/R1")["event"] == "raise"


def test_unknown_recommendation_or_address_is_404(web: Any) -> None:
    app, client = web
    token = token_for(app, world.ILAU)
    assert problem(client.get(f"/api/v1/recs/{world.REPORT}/R99", headers=auth(token)), 404)
    assert problem(client.get("/api/v1/nowhere", headers=auth(token)), 404)
    assert problem(
        client.post(f"/api/v1/recs/{world.REPORT}/R99/events/start", headers=auth(token), json={}),
        404,
    )


def test_the_audit_trail_is_for_those_who_audit_and_pages_by_id(web: Any) -> None:
    app, client = web
    assert problem(client.get("/api/v1/audit", headers=auth(token_for(app, world.OWNER))), 403)
    token = token_for(app, world.ADMIN)
    seen, url = [], "/api/v1/audit?limit=4"
    while url:
        page = client.get(url, headers=auth(token))
        assert page.status_code == 200
        seen += [e["seq"] for e in page.json()["items"]]
        url = page.json()["next"]
    with app.engine.connect() as conn:
        assert seen == [i for (i,) in conn.execute(select(audit_event.c.id).order_by("id"))]
    only = client.get(
        f"/api/v1/audit?rec={world.REPORT}/R2&event=raise", headers=auth(token)
    ).json()
    assert [e["rec"] for e in only["items"]] == [f"{world.REPORT}/R2"]
    then = client.get(
        f"/api/v1/audit/as-of?at=2003-10-01&report={world.REPORT}", headers=auth(token)
    )
    assert then.status_code == 200 and then.json() == []  # raised later, on T0
    now = client.get("/api/v1/audit/as-of?at=2030-01-01", headers=auth(token)).json()
    assert {s["id"] for s in now} == {f"{world.REPORT}/R{n}" for n in (1, 2, 3)}
    assert problem(client.get("/api/v1/audit?cursor=bogus!", headers=auth(token)), 400)
    # A filter holding a control character (PostgreSQL refuses a NUL) is refused, named.
    refused = problem(client.get("/api/v1/audit?actor=a%00b", headers=auth(token)), 400)
    assert "filter actor" in refused["detail"]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(limit=st.integers(min_value=1, max_value=5), state=st.sampled_from([None, "raised"]))
def test_pages_cover_the_list_exactly_once(web: Any, limit: int, state: str | None) -> None:
    app, client = web
    token = token_for(app, world.ILAU)
    url = f"/api/v1/recs?limit={limit}" + (f"&state={state}" if state else "")
    seen: list[str] = []
    while url:
        page = client.get(url, headers=auth(token)).json()
        assert len(page["items"]) <= limit
        seen += [r["id"] for r in page["items"]]
        url = page["next"]
    assert seen == [f"{world.REPORT}/R{n}" for n in (1, 2, 3)]


def test_reports_are_listed_with_their_counts(web: Any) -> None:
    app, client = web
    got = client.get("/api/v1/reports", headers=auth(token_for(app, world.OWNER)))
    assert got.status_code == 200
    (only,) = got.json()
    assert (only["key"], only["recommendations"], only["open"]) == (world.REPORT, 3, 3)


def test_the_openapi_document_describes_every_route(web: Any) -> None:
    _, client = web
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    paths = set(doc["paths"])
    assert {"/recs", "/recs/{report}/{ref}", "/reports", "/audit", "/audit/as-of"} <= paths
    assert "/recs/{report}/{ref}/events/update" in paths
    assert doc["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_a_plan_takes_actions_as_objects_or_as_the_command_line_writes_them(web: Any) -> None:
    app, client = web
    token = token_for(app, world.ILAU)
    for body in ("MPS", "MPA"):
        answer = {"body": body, "text": "Accepted"}
        assert client.post(R1 + "/events/respond", headers=auth(token), json=answer).is_success
    target = (app.clock.today() + timedelta(days=60)).isoformat()
    plan = {
        "actions": [
            {"text": "Train the custody staff", "owner": world.OWNER, "target": target},
            f"Audit the suites|{world.OWNER.upper()}|{target}",
        ]
    }
    got = client.post(R1 + "/events/plan", headers=auth(token), json=plan)
    assert got.status_code == 200, got.text
    actions = client.get(R1, headers=auth(token)).json()["actions"]
    assert [(a["number"], a["text"], a["owner"]) for a in actions] == [
        (1, "Train the custody staff", world.OWNER),
        (2, "Audit the suites", world.OWNER),
    ]
    bad = {"actions": ["no bars here"]}
    assert (
        "expected"
        in problem(
            client.post(
                f"/api/v1/recs/{world.REPORT}/R2/events/plan", headers=auth(token), json=bad
            ),
            400,
        )["detail"]
    )
