"""Every act authorised by the one permission table: directory operations, sign-off that
cannot be walked around, and action owners on their own actions."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from states import GuardRefused, NotPermitted
from tests import world
from tests.unit.test_import_parse import GOOD_YAML
from tests.world import ADMIN, BOARD, ILAU, OTHER, OWNER, to_in_progress
from workflow.audit.query import AuditQuery, find_events
from workflow.clock import FixedClock
from workflow.directory.committees import add_committee, add_meeting, plan_meetings_until
from workflow.directory.people import SETUP, add_person, set_active
from workflow.errors import BadInput, BadText, UnknownPerson
from workflow.intake.load import import_file
from workflow.lifecycle import service as svc
from workflow.store.tables import person, report
from workflow.store.uow import UnitOfWork

ILAU_OWNER = "ilau.owner@example.org"


def test_the_first_person_is_the_set_up_then_an_actor_is_required(uow: UnitOfWork) -> None:
    """On an empty database the first person needs no actor, and the trail says so."""
    add_person(uow, ILAU, name="Ivy", roles=["ilau"])
    with pytest.raises(BadInput, match="an actor is required"):
        add_person(uow, OWNER, name="Owen", roles=["owner"])
    with uow.read() as tx:
        added = find_events(tx.conn, AuditQuery(event="person.add"))
        count = len(tx.conn.execute(select(person.c.id)).all())
    assert [e["actor"] for e in added] == [SETUP]
    assert count == 1


def test_directory_operations_check_the_permission_table(uow: UnitOfWork) -> None:
    world.build(uow, recs=0)
    with pytest.raises(UnknownPerson):
        add_person(uow, "x@example.org", name="X", roles=["ilau"], actor="nobody@example.org")
    with pytest.raises(UnknownPerson):
        add_person(uow, "x@example.org", name="X", roles=["ilau"], actor="system")
    with pytest.raises(NotPermitted, match="only ilau may"):
        add_person(uow, "x@example.org", name="X", roles=["ilau"], actor=OWNER)
    with pytest.raises(NotPermitted):
        set_active(uow, ILAU, active=False, actor=ADMIN)
    with pytest.raises(NotPermitted, match="only ilau or secretary may"):
        add_committee(uow, "PPRC", cadence="six-monthly", actor=BOARD)
    add_person(uow, "clerk@example.org", name="Clerk", roles=["secretary"], actor=ILAU)
    add_committee(uow, "PPRC", cadence="six-monthly", actor="clerk@example.org")
    with pytest.raises(NotPermitted):
        add_meeting(uow, "PPRC", date(2004, 3, 11), actor=OWNER)
    add_meeting(uow, "PPRC", date(2004, 3, 11), actor="clerk@example.org")
    with pytest.raises(NotPermitted):
        plan_meetings_until(uow, "PPRC", date(2005, 1, 1), actor=OTHER)
    assert plan_meetings_until(uow, "PPRC", date(2005, 1, 1), actor="clerk@example.org") == [
        date(2004, 9, 11)
    ]


def test_an_unknown_actor_imports_nothing(uow: UnitOfWork, tmp_path: Path) -> None:
    """The hostile test's case: an unknown actor imported recommendations and an ilau person."""
    world.build(uow, recs=0)
    path = tmp_path / "in.yaml"
    path.write_text(GOOD_YAML.replace("botj-2003", "md-2003"))
    for actor, error in (("nobody@example.org", UnknownPerson), (OWNER, NotPermitted)):
        with pytest.raises(error):
            import_file(uow, path, actor=actor)
    with pytest.raises(BadInput, match="an actor is required"):
        import_file(uow, path)
    with uow.read() as tx:
        assert tx.conn.execute(select(report.c.key)).scalars().all() == ["botj-2003"]
    assert import_file(uow, path, actor=ILAU).recommendations == 2


def _ilau_owner_world(uow: UnitOfWork, clock: FixedClock) -> str:
    code = world.build(uow, recs=1)[0]
    add_person(uow, ILAU_OWNER, name="Ilse", roles=["ilau", "owner"], actor=ILAU)
    svc.reassign(uow, code, ILAU, owner=ILAU_OWNER)
    to_in_progress(uow, clock, code, owner=ILAU_OWNER)
    return code


def test_a_past_owner_cannot_sign_off_after_handing_it_over(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    """The hostile test's case: an owner who also holds ilau reassigned their own monitored
    recommendation to someone else, then completed it."""
    code = _ilau_owner_world(uow, clock)
    svc.close_action(uow, code, ILAU_OWNER, number=1)
    svc.record_update(uow, code, ILAU_OWNER, note="Done", degree="completely")
    svc.monitor(uow, code, ILAU_OWNER)
    svc.reassign(uow, code, ILAU_OWNER, owner=OTHER)
    with pytest.raises(NotPermitted, match="owned it since it was raised or last reopened"):
        svc.complete(uow, code, ILAU_OWNER, evidence="It is done, trust me")
    with pytest.raises(NotPermitted, match="owned it since"):
        svc.complete(uow, code, OWNER, evidence="I owned it first")  # OWNER, an owner only
    assert svc.complete(uow, code, BOARD, evidence="Minutes").to_state == "complete"


def test_whoever_recorded_it_as_completely_met_cannot_sign_it_off(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    code = world.build(uow, recs=1)[0]
    to_in_progress(uow, clock, code)
    svc.close_action(uow, code, OWNER, number=1)
    svc.record_update(uow, code, ILAU, note="Checked: all done", degree="completely")
    svc.monitor(uow, code, OWNER)
    with pytest.raises(NotPermitted, match="recorded it as completely met themselves"):
        svc.complete(uow, code, ILAU, evidence="My own check")
    svc.complete(uow, code, BOARD, evidence="Minutes")
    svc.reopen(uow, code, ILAU, reason="Evidence was thin")
    # Since the reopening, ILAU has recorded nothing: the bar is lifted.
    svc.record_update(uow, code, OWNER, note="Evidence gathered", degree="completely")
    svc.monitor(uow, code, OWNER)
    assert svc.complete(uow, code, ILAU, evidence="The new evidence").to_state == "complete"


def test_a_past_owner_cannot_decide_an_extension(uow: UnitOfWork, clock: FixedClock) -> None:
    code = _ilau_owner_world(uow, clock)
    svc.reassign(uow, code, ILAU_OWNER, owner=OTHER)
    svc.request_extension(uow, code, OTHER, to=clock.today() + timedelta(days=200), reason="Late")
    with pytest.raises(NotPermitted, match="owned it since"):
        svc.decide_extension(uow, code, ILAU_OWNER, approve=True)
    svc.decide_extension(uow, code, ILAU, approve=True)


def test_an_action_owner_marks_their_own_action(uow: UnitOfWork, clock: FixedClock) -> None:
    """Reminders for an action go to its owner: so may its owner mark it done or dropped."""
    code = world.build(uow, recs=1)[0]
    svc.respond(uow, code, ILAU, body="MPS", text="a")
    svc.respond(uow, code, ILAU, body="MPA", text="b")
    later = clock.today() + timedelta(days=60)
    svc.plan(uow, code, OWNER, actions=[("Brief", OTHER, later), ("Write", OWNER, later)])
    svc.start(uow, code, OWNER)
    with pytest.raises(NotPermitted, match="the owner, the action's owner or ilau"):
        svc.close_action(uow, code, OTHER, number=2)
    assert svc.close_action(uow, code, OTHER, number=1).event == "action_done"
    with pytest.raises(NotPermitted):
        svc.record_update(uow, code, OTHER, note="not mine to report")


def test_a_plan_refuses_an_action_owned_by_someone_gone(uow: UnitOfWork, clock: FixedClock) -> None:
    code = world.build(uow, recs=1)[0]
    svc.respond(uow, code, ILAU, body="MPS", text="a")
    svc.respond(uow, code, ILAU, body="MPA", text="b")
    set_active(uow, OTHER, active=False, actor=ILAU)
    with pytest.raises(GuardRefused, match="owned by someone no longer active") as err:
        svc.plan(uow, code, OWNER, actions=[("Brief", OTHER, clock.today() + timedelta(days=9))])
    assert err.value.guard == "action_owners_active"


@pytest.mark.parametrize(
    "attempt",
    [
        lambda uow: add_person(uow, "n@example.org", name="A\x00B", roles=["owner"], actor=ILAU),
        lambda uow: add_person(
            uow, "g@example.org", name="G", roles=["owner"], group="G" * 101, actor=ILAU
        ),
        lambda uow: svc.raise_recommendation(uow, "botj-2003/R9", ILAU, text="Nul \x00 here"),
        lambda uow: svc.raise_recommendation(
            uow, "botj-2003/R9", ILAU, text="t", paragraph="9" * 33
        ),
        lambda uow: svc.record_update(uow, "botj-2003/R1", OWNER, note="bell \x07"),
        lambda uow: add_committee(uow, "C" * 121, cadence="monthly", actor=ILAU),
    ],
)
def test_both_backends_refuse_the_same_text_before_storing_it(
    uow: UnitOfWork, clock: FixedClock, attempt: object
) -> None:
    """SQLite once stored a NUL or an over-long value that PostgreSQL refused with a bare
    database error: now both refuse it, naming the field, and nothing is written."""
    code = world.build(uow, recs=1)[0]
    to_in_progress(uow, clock, code)
    with uow.read() as tx:
        before = tx.conn.execute(select(person.c.id)).all()
    with pytest.raises(BadText):
        attempt(uow)  # type: ignore[operator]
    with uow.read() as tx:
        assert tx.conn.execute(select(person.c.id)).all() == before
