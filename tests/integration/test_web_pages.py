"""Pages and forms: who sees what, which forms each person is offered, and what the forms
do: record an event, show a guard's refusal on the page, refuse a stale version or a
forbidden act without changing anything, keep evidence files by their hash."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.web_support import BASE, clock_of, csrf_of, sign_in, version_of
from tests.world import ADMIN, BOARD, ILAU, OTHER, OWNER, to_in_progress
from workflow.directory.people import add_person
from workflow.lifecycle import service as svc
from workflow.store.access import evidence_file
from workflow.store.tables import audit_event, progress_update

R1 = "botj-2003/R1"
PAGE = "/recs/botj-2003/R1"
SECRETARY = "sec@example.org"
FORM = re.compile(r'<form method="post" action="/recs/botj-2003/R1/([a-z-]+)"')
PAGES = ("/", "/recs", "/escalations", "/meetings", "/audit", PAGE)
# Who gets which page: 200, or 403 (the page says why).
SEES = {
    OWNER: {"/", "/recs", PAGE},
    OTHER: {"/", "/recs"},
    ILAU: set(PAGES),
    BOARD: set(PAGES),
    ADMIN: {"/", "/recs", "/escalations", "/audit", PAGE},
    SECRETARY: {"/", "/recs", "/meetings", PAGE},
}


def _secretary(app: Any) -> None:
    with app.uow() as uow:
        add_person(uow, SECRETARY, name="Sam Secretary", roles=["secretary"], actor=ILAU)


def events_of(app: Any, event: str) -> int:
    with app.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(audit_event).where(audit_event.c.event == event)
            ).scalar_one()
        )


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_role_sees_its_pages_and_no_others(web: Any, who: str) -> None:
    app, client = web
    _secretary(app)
    sign_in(client, app, who)
    for path in PAGES:
        answer = client.get(path)
        expected = 200 if path in SEES[who] else 403
        assert answer.status_code == expected, (who, path, answer.status_code)
        if expected == 403:
            assert "Recommendation 1" not in answer.text and "You may not" in answer.text


def working_page(app: Any, client: Any, who: str = OWNER) -> str:
    """R1 in progress (responded, planned, started), and its page as `who` sees it."""
    with app.uow() as uow:
        to_in_progress(uow, clock_of(app), R1)
    sign_in(client, app, who)
    return str(client.get(PAGE).text)


def forms_for(app: Any, client: Any, who: str) -> set[str]:
    sign_in(client, app, who)
    page = client.get(PAGE)
    assert page.status_code == 200
    return set(FORM.findall(page.text))


# What each person is offered on R1, raised and then in progress: the permission table and
# the transitions' sources, as the engine applies them, written out here independently.
RAISED = {
    OWNER: {"respond"},
    ILAU: {"respond", "escalate", "reassign", "supersede"},
    BOARD: {"supersede"},
    ADMIN: set(),
    SECRETARY: set(),
}
# Recording an action's actual cost is no lifecycle step: the table alone offers it (as it
# offers closing the action).
WORKING = {
    OWNER: {"update", "extend", "action-done", "action-drop", "action-cost"},
    ILAU: {
        "update",
        "extend",
        "action-done",
        "action-drop",
        "action-cost",
        "escalate",
        "reassign",
        "supersede",
    },
    BOARD: {"supersede"},
    ADMIN: set(),
    SECRETARY: set(),
}


@pytest.mark.parametrize("who", sorted(RAISED))
def test_each_role_is_offered_the_forms_of_the_table(web: Any, who: str) -> None:
    app, client = web
    _secretary(app)
    assert forms_for(app, client, who) == RAISED[who]
    with app.uow() as uow:
        to_in_progress(uow, clock_of(app), R1)
    assert forms_for(app, client, who) == WORKING[who]


def test_an_update_from_the_form_is_recorded_with_its_degree(web: Any) -> None:
    app, client = web
    page = working_page(app, client)
    assert '<label for="update-note">Progress note</label>' in page
    assert '<label for="update-degree">Degree met</label>' in page
    assert re.search(r'<button type="submit" class="button">Send update</button>', page)
    options = re.findall(
        r'<option value="([a-z]+)"', page.split('id="update-degree"')[1].split("</select>")[0]
    )
    assert options == ["none", "partially", "moderately", "significantly", "completely"]
    sent = client.post(
        f"{PAGE}/update",
        data={
            "csrf_token": csrf_of(page),
            "version": version_of(page),
            "note": "Half way",
            "degree": "partially",
            "degree_was": "none",
        },
    )
    assert sent.status_code == 200 and "Your progress update has been recorded." in sent.text
    with app.uow() as uow:
        view = svc.show_recommendation(uow, R1)
    assert view.degree == "partially" and view.updates[-1].note == "Half way"
    assert view.history[-1].actor == OWNER  # the session's person, never a form field


def test_a_guard_refusal_is_shown_on_the_page_in_its_words(web: Any) -> None:
    app, client = web
    with app.uow() as uow:
        svc.respond(uow, R1, ILAU, body="MPS", text="Accepted")
        svc.respond(uow, R1, ILAU, body="MPA", text="Agreed")
    sign_in(client, app, OWNER)
    page = client.get(PAGE)
    past = (clock_of(app).today() - timedelta(days=1)).isoformat()
    refused = client.post(
        f"{PAGE}/plan",
        data={
            "csrf_token": csrf_of(page.text),
            "version": version_of(page.text),
            "text_1": "Do it",
            "owner_1": OWNER,
            "target_1": past,
        },
    )
    assert refused.status_code == 422
    assert "There is a problem" in refused.text and 'href="#plan-target_1"' in refused.text
    assert "have a target date not after" in refused.text
    assert 'value="Do it"' in refused.text  # what was typed is kept
    with app.uow() as uow:
        assert svc.show_recommendation(uow, R1).state == "responded"


def test_a_change_made_since_the_page_was_loaded_is_shown_not_overwritten(web: Any) -> None:
    app, client = web
    page = working_page(app, client)
    with app.uow() as uow:
        svc.record_update(uow, R1, ILAU, note="The ILAU got there first", degree="moderately")
    stale = client.post(
        f"{PAGE}/update",
        data={
            "csrf_token": csrf_of(page),
            "version": version_of(page),
            "note": "Mine",
            "degree": "partially",
            "degree_was": "none",
        },
    )
    assert stale.status_code == 409 and "Someone else changed this recommendation" in stale.text
    assert "The ILAU got there first" in stale.text and ">Mine</textarea>" in stale.text
    with app.uow() as uow:
        view = svc.show_recommendation(uow, R1)
    assert view.degree == "moderately" and [u.note for u in view.updates] == [
        "The ILAU got there first"
    ]


def test_a_forbidden_act_is_403_and_changes_nothing(web: Any) -> None:
    app, client = web
    sign_in(client, app, OWNER)
    page = client.get(PAGE)
    assert "escalate" not in FORM.findall(page.text)
    crafted = client.post(
        f"{PAGE}/escalate",
        data={"csrf_token": csrf_of(page.text), "version": version_of(page.text), "reason": "Me"},
    )
    assert crafted.status_code == 403 and "You may not do this" in crafted.text
    assert events_of(app, "escalate") == 0
    assert client.get("/recs/botj-2003/R99").status_code == 404


def test_another_owners_page_and_evidence_are_forbidden(web: Any) -> None:
    app, client = web
    sign_in(client, app, OTHER)
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/evidence/1").status_code in (403, 404)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client: Any, page: str, name: str, content: bytes, mime: str) -> Any:
    return client.post(
        f"{PAGE}/update",
        data={
            "csrf_token": csrf_of(page),
            "version": version_of(page),
            "note": "See the file",
            "degree": "none",
            "degree_was": "none",
        },
        files={"evidence": (name, content, mime)},
    )


def test_evidence_is_kept_by_its_hash_recorded_and_served_as_an_attachment(web: Any) -> None:
    app, client = web
    sent = _upload(client, working_page(app, client), "report.pdf", PDF, "application/pdf")
    assert sent.status_code == 200 and "report.pdf" in sent.text
    digest = hashlib.sha256(PDF).hexdigest()
    kept = app.settings.web.storage_path + f"/{digest[:2]}/{digest}"
    assert Path(kept).read_bytes() == PDF
    with app.engine.connect() as conn:
        changes = conn.execute(
            select(audit_event.c.changes).where(audit_event.c.event == "update")
        ).scalar_one()
        assert digest in changes
        number = conn.execute(select(evidence_file.c.id)).scalar_one()
    got = client.get(f"{PAGE}/evidence/{number}")
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["content-type"] == "application/pdf"
    other = type(client)(client.app, base_url=BASE)
    sign_in(other, app, OTHER)
    assert other.get(f"{PAGE}/evidence/{number}").status_code == 403


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("big.pdf", PDF + b"0" * (1024 * 1024), "smaller than 1 MB"),
        ("tool.pdf", b"MZ\x90\x00" + b"\x00" * 100, "only PDF, DOCX"),
        ("notes.txt", b"\xff\xfe\x00bad", "UTF-8"),
    ],
)
def test_uploads_over_the_limit_or_of_other_types_are_refused_and_nothing_kept(
    web: Any, name: str, content: bytes, words: str
) -> None:
    app, client = web
    app.settings = replace(app.settings, web=replace(app.settings.web, max_upload_bytes=2**20))
    refused = _upload(client, working_page(app, client), name, content, "application/octet-stream")
    assert refused.status_code in (400, 413), refused.text[-1500:]
    assert words in refused.text, refused.text[refused.text.find("<main") :][:1500]
    with app.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(progress_update)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(evidence_file)).scalar_one() == 0
    stored = [f for _, _, files in os.walk(app.settings.web.storage_path) for f in files]
    assert stored == []


def test_a_secretary_sees_the_agenda_items_and_downloads_the_paper(web: Any) -> None:
    from workflow.directory.committees import add_committee, add_meeting
    from workflow.reporting.agenda import generate_agenda

    app, client = web
    _secretary(app)
    meeting = clock_of(app).today() + timedelta(days=10)
    with app.uow() as uow:
        add_committee(uow, "PPRC", cadence="monthly", secretary=SECRETARY, actor=ILAU)
        add_meeting(uow, "PPRC", meeting, actor=ILAU)
        agenda = generate_agenda(uow, "PPRC", day=meeting)
    sign_in(client, app, SECRETARY)
    page = client.get("/meetings")
    assert page.status_code == 200 and "(you are its secretary)" in page.text
    assert agenda.items and all(item.title in page.text for item in agenda.items)
    stem = f"/meetings/PPRC/{meeting.isoformat()}/paper"
    docx = client.get(f"{stem}.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert docx.headers["content-disposition"] == f'attachment; filename="PPRC-{meeting}.docx"'
    markdown = client.get(f"{stem}.md")
    assert markdown.text.startswith("# ") and "PPRC" in markdown.text
    assert client.get(f"/meetings/PPRC/{meeting + timedelta(days=1)}/paper.md").status_code == 400
    sign_in(client, app, OWNER)
    assert client.get(f"{stem}.docx").status_code == 403


def test_an_issued_paper_is_downloaded_as_it_was_issued(web: Any) -> None:
    from workflow.directory.committees import add_committee, add_meeting
    from workflow.reporting.issued import issue_paper, paper_files

    app, client = web
    _secretary(app)
    meeting = clock_of(app).today() + timedelta(days=10)
    with app.uow() as uow:
        add_committee(uow, "PPRC", cadence="monthly", secretary=SECRETARY, actor=ILAU)
        add_meeting(uow, "PPRC", meeting, actor=ILAU)
        issued = issue_paper(uow, "PPRC", meeting=meeting, actor=SECRETARY)
        kept = paper_files(uow, issued.id, "docx")[0][1]
    clock_of(app).move_to(clock_of(app).now() + timedelta(days=3))
    with app.uow() as uow:
        svc.respond(uow, "botj-2003/R1", ILAU, body="MPS", text="Accepted later")
    sign_in(client, app, SECRETARY)
    got = client.get(f"/meetings/PPRC/{meeting.isoformat()}/paper.docx")
    assert got.status_code == 200 and got.content == kept


ALL_FORMS = {
    "update": {"note": "n", "degree": "none", "degree_was": "none"},
    "respond": {"body": "MPS", "response": "r"},
    "plan": {"text_1": "t", "owner_1": OWNER, "target_1": "2004-06-01"},
    "start": {},
    "monitor": {},
    "action-done": {"number": "1"},
    "action-drop": {"number": "1", "reason": "r"},
    "action-cost": {"number": "1", "actual": "10"},
    "extend": {"to": "2004-03-01", "reason": "r"},
    "approve-extension": {},
    "reject-extension": {"reason": "r"},
    "escalate": {"reason": "r"},
    "reassign": {"owner": OTHER},
    "supersede": {"rationale": "r"},
    "reopen": {"reason": "r"},
    "complete": {"evidence": "e"},
}


@pytest.mark.parametrize("who", sorted(WORKING))
def test_a_form_not_offered_is_refused_and_changes_nothing(web: Any, who: str) -> None:
    """Every form posted by every role: those not offered are refused (403 by the table, 409
    where the state does not allow the event, 422 by a guard on the case) and leave the
    trail as it was."""
    app, client = web
    _secretary(app)
    page = working_page(app, client, who)
    with app.uow() as uow:
        version = str(svc.show_recommendation(uow, R1).version)
    for form, fields in ALL_FORMS.items():
        if form in WORKING[who]:
            continue
        with app.engine.connect() as conn:
            before = conn.execute(select(func.count()).select_from(audit_event)).scalar_one()
        data = {"csrf_token": csrf_of(page), "version": version, **fields}
        answer = client.post(f"{PAGE}/{form}", data=data)
        assert answer.status_code in (403, 409, 422), (who, form, answer.status_code)
        with app.engine.connect() as conn:
            after = conn.execute(select(func.count()).select_from(audit_event)).scalar_one()
        assert after == before, (who, form)


def test_the_ilau_triage_lists_what_has_no_owner_in_the_notices_words(web: Any) -> None:
    app, client = web
    with app.uow() as uow:
        svc.raise_recommendation(uow, "botj-2003/R9", ILAU, text="Nobody's yet")
    sign_in(client, app, ILAU)
    home = client.get("/").text
    triage = home.split('id="unowned"')[1].split("</ul>")[0]
    assert "Without an owner (1)" in home
    assert '<a href="/recs/botj-2003/R9">botj-2003/R9</a>: no owner is assigned' in triage


@pytest.mark.parametrize("version", ["abc", "-1", "9" * 40])
def test_a_form_with_a_version_that_is_no_number_is_refused_in_words(
    web: Any, version: str
) -> None:
    app, client = web
    page = working_page(app, client)
    answer = client.post(
        f"{PAGE}/update",
        data={"csrf_token": csrf_of(page), "version": version, "note": "n", "degree": "none"},
    )
    assert answer.status_code == 400 and "no usable version" in answer.text
    with app.uow() as uow:
        assert svc.show_recommendation(uow, R1).updates == ()
