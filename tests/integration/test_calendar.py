"""Calendar feeds: a person's due dates and meetings at a secret address, as RFC 5545 that
icalendar reads back; revocable; nothing of anyone else's."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from icalendar import Calendar

from tests import world
from tests.web_support import clock_of
from workflow.directory.committees import add_committee, add_meeting
from workflow.directory.tokens import create_token, revoke_token
from workflow.lifecycle import service as svc

R1, R2, R3 = (f"{world.REPORT}/R{n}" for n in (1, 2, 3))


def _feed(client: Any, token: str) -> Calendar:
    got = client.get(f"/calendar/{token}.ics")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("text/calendar")
    return Calendar.from_ical(got.content)


def _events(cal: Calendar) -> dict[str, Any]:
    return {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}


def test_the_feed_holds_the_owners_dates_and_their_committees_meetings(web: Any) -> None:
    app, client = web
    clock = clock_of(app)
    with app.uow() as uow:
        world.to_in_progress(uow, clock, R1)  # an update due, a target, action 1
        svc.reassign(uow, R3, world.ILAU, owner=world.OTHER)
        add_committee(uow, "PPRC", cadence="monthly", members=(world.OWNER,), actor=world.ILAU)
        add_committee(uow, "Audit", cadence="monthly", actor=world.ILAU)
        meets = clock.today() + timedelta(days=20)
        add_meeting(uow, "PPRC", meets, actor=world.ILAU)
        add_meeting(uow, "Audit", meets, actor=world.ILAU)
        token = create_token(uow, world.OWNER, kind="calendar").token
        view = svc.show_recommendation(uow, R1)
    cal = _feed(client, token)
    assert cal["version"] == "2.0" and "rectrack" in str(cal["prodid"])
    assert str(cal["x-wr-calname"]) == "rectrack: Owen Owner"  # the token's person
    events = _events(cal)
    assert set(events) == {
        f"{R1}/update",
        f"{R1}/target",
        f"{R1}/action/1",
        f"{R2}/response",
        f"meeting/PPRC/{meets.isoformat()}",
    }
    assert events[f"{R1}/update"].decoded("dtstart") == view.due.update
    assert events[f"{R1}/action/1"].decoded("dtstart") == view.actions[0].target
    assert events[f"{R2}/response"]["url"].endswith(f"/recs/{world.REPORT}/R2")
    for event in events.values():  # all-day, stamped, and ending the next day
        start = event.decoded("dtstart")
        assert type(start) is date and event.decoded("dtend") == start + timedelta(days=1)
        assert event.decoded("dtstamp") == clock.now()


def test_a_uid_stays_while_its_date_moves(web: Any) -> None:
    app, client = web
    clock = clock_of(app)
    with app.uow() as uow:
        world.to_in_progress(uow, clock, R1)
        token = create_token(uow, world.OWNER, kind="calendar").token
    before = _events(_feed(client, token))[f"{R1}/update"].decoded("dtstart")
    world.advance(clock, 10)
    with app.uow() as uow:
        svc.record_update(uow, R1, world.OWNER, note="Moving on")
    after = _events(_feed(client, token))[f"{R1}/update"].decoded("dtstart")
    assert after == before + timedelta(days=10)


def test_a_revoked_feed_or_an_api_token_finds_nothing(web: Any) -> None:
    app, client = web
    with app.uow() as uow:
        feed = create_token(uow, world.OWNER, kind="calendar")
        api = create_token(uow, world.OWNER).token
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 200
    with app.uow() as uow:
        revoke_token(uow, feed.info.id, actor=world.OWNER)
    for secret in (feed.token, api, "rtc_nothing"):
        got = client.get(f"/calendar/{secret}.ics")
        assert got.status_code == 404 and "no calendar" in got.text
