"""`audit verify` replays the trail against the recommendations: a row changed behind the
trail's back (an `UPDATE recommendation ...` by hand) is named, though the chain holds."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update

from tests import world
from tests.world import ILAU, OTHER, to_in_progress
from workflow.audit.replay import COMPARED, verify
from workflow.audit.verify import Verdict
from workflow.chasing.escalations import escalate
from workflow.chasing.sweep import sweep
from workflow.clock import FixedClock
from workflow.lifecycle import service as svc
from workflow.store.tables import escalation, person, recommendation
from workflow.store.uow import UnitOfWork

_r = recommendation.c


def verdict(uow: UnitOfWork) -> Verdict:
    with uow.read() as tx:
        return verify(tx.conn)


@pytest.fixture
def lived(uow: UnitOfWork, clock: FixedClock) -> list[str]:
    """Recommendations with lives: answered, planned, updated, reassigned, extended, done,
    and chased by the sweep (whose escalations touch no recommendation's row)."""
    codes = world.build(uow, recs=4)
    to_in_progress(uow, clock, codes[0])
    to_in_progress(uow, clock, codes[1])
    svc.record_update(uow, codes[0], world.OWNER, note="going well", degree="partially")
    svc.reassign(uow, codes[1], ILAU, owner=OTHER)
    svc.request_extension(uow, codes[1], OTHER, to=date(2004, 12, 1), reason="late supplier")
    svc.decide_extension(uow, codes[1], ILAU, approve=True)
    escalate(uow, codes[2], ILAU, reason="no answer")
    world.advance(clock, 200)
    result = sweep(uow)
    assert result.escalations, "the sweep escalated something, as a system actor"
    return codes


def test_an_untouched_store_agrees_with_its_trail(uow: UnitOfWork, lived: list[str]) -> None:
    found = verdict(uow)
    assert found.ok and found.recommendations == len(lived), found
    with uow.read() as tx:
        assert tx.conn.execute(select(func.count()).select_from(escalation)).scalar_one() > 0


BY_HAND: list[tuple[str, dict[str, Any]]] = [
    ("state", {"state": "complete"}),
    ("degree", {"degree": "significantly"}),
    ("version", {"version": _r.version + 1}),
    ("response_due", {"response_due": date(2030, 1, 1)}),
    ("plan_due", {"plan_due": date(2030, 1, 1)}),
    ("update_due", {"update_due": None}),
    ("target_date", {"target_date": date(2030, 1, 1)}),
    ("next_due", {"next_due": date(2030, 1, 1)}),
    ("target_assumed", {"target_assumed": True}),
]


@pytest.mark.parametrize(("field", "values"), BY_HAND, ids=[f for f, _ in BY_HAND])
def test_a_column_changed_by_hand_is_named(
    uow: UnitOfWork, lived: list[str], field: str, values: dict[str, Any]
) -> None:
    code = lived[0]
    with uow.write() as tx:
        tx.conn.execute(update(recommendation).where(_r.code == code).values(**values))
    found = verdict(uow)
    assert (found.ok, found.rec) == (False, code), found
    assert found.problem is not None and found.problem.startswith(f"its {field} is ")
    assert found.events is None and found.first_bad is None  # the chain itself holds


def test_an_owner_changed_by_hand_is_named(uow: UnitOfWork, lived: list[str]) -> None:
    with uow.write() as tx:
        other = select(person.c.id).where(person.c.email == OTHER).scalar_subquery()
        tx.conn.execute(update(recommendation).where(_r.code == lived[0]).values(owner_id=other))
    found = verdict(uow)
    assert found.rec == lived[0]
    assert found.problem == f"its owner is {OTHER} but its trail gives {world.OWNER}"


def test_every_compared_value_has_a_test() -> None:
    assert set(COMPARED) == {f for f, _ in BY_HAND} | {"owner"}


def test_a_row_renamed_or_added_behind_the_trail_is_named(
    uow: UnitOfWork, lived: list[str]
) -> None:
    with uow.write() as tx:
        tx.conn.execute(update(recommendation).where(_r.code == lived[3]).values(code="x/R1"))
    found = verdict(uow)
    assert (found.rec, found.problem) == (lived[3], "the trail raised it but it is not stored")
    with uow.write() as tx:
        tx.conn.execute(update(recommendation).where(_r.code == "x/R1").values(code=lived[3]))
        row = dict(
            tx.conn.execute(select(recommendation).where(_r.code == lived[3])).mappings().one()
        )
        del row["id"]
        tx.conn.execute(
            insert(recommendation).values({**row, "code": f"{world.REPORT}/R99", "ref": "R99"})
        )
    found = verdict(uow)
    assert (found.rec, found.problem) == (
        f"{world.REPORT}/R99",
        "it is stored but the trail never raised it",
    )
