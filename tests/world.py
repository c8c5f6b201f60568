"""A small known world for integration tests: people, one report, a few recommendations."""

from __future__ import annotations

from datetime import date, timedelta

from workflow.clock import FixedClock
from workflow.directory.people import add_person
from workflow.directory.reports import NewReport, insert_report
from workflow.lifecycle import service as svc
from workflow.store.uow import UnitOfWork

ILAU = "ilau@example.org"
OWNER = "owner@example.org"
OTHER = "other.owner@example.org"
BOARD = "board@example.org"
ADMIN = "admin@example.org"
REPORT = "botj-2003"


def build(uow: UnitOfWork, recs: int = 3, bodies: tuple[str, ...] = ("MPS", "MPA")) -> list[str]:
    """People, report `botj-2003` with `recs` recommendations owned by OWNER; returns their ids."""
    add_person(uow, ILAU, name="Ivy Lau", roles=["ilau"])  # the first: the set-up adds it
    add_person(uow, OWNER, name="Owen Owner", roles=["owner"], group="TP", actor=ILAU)
    add_person(uow, OTHER, name="Olive Other", roles=["owner"], group="HR", actor=ILAU)
    add_person(uow, BOARD, name="Bea Board", roles=["board"], actor=ILAU)
    add_person(uow, ADMIN, name="Ada Admin", roles=["admin"], actor=ILAU)
    with uow.write() as tx:
        insert_report(
            tx,
            NewReport(
                REPORT,
                "Bringing Offenders to Justice",
                "HMIC",
                "inspection",
                date(2003, 10, 1),
                "PPRC",
                bodies,
            ),
            ILAU,
        )
    codes = []
    for n in range(1, recs + 1):
        codes.append(
            svc.raise_recommendation(
                uow,
                f"{REPORT}/R{n}",
                ILAU,
                text=f"Recommendation {n}",
                owner=OWNER,
                paragraph=f"3.{n}",
            ).rec
        )
    return codes


def advance(clock: FixedClock, days: int) -> None:
    clock.move_to(clock.now() + timedelta(days=days))


def to_in_progress(uow: UnitOfWork, clock: FixedClock, code: str, owner: str = OWNER) -> None:
    """Respond (both bodies), plan one action 60 days out, and start, as `owner`."""
    svc.respond(uow, code, ILAU, body="MPS", text="Accepted")
    svc.respond(uow, code, ILAU, body="MPA", text="Agreed")
    svc.plan(uow, code, owner, actions=[("Do it", owner, clock.today() + timedelta(days=60))])
    svc.start(uow, code, owner)
