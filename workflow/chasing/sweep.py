"""The sweep: one pass over the store at "now" that reminds, escalates and clears.

Set-based: candidates come from the (state, next_due) and action target indexes, so the cost
grows with what is due, not with what is stored. Idempotent: every reminder, notice and
escalation has a natural key under a unique constraint and is inserted with ON CONFLICT DO
NOTHING, so a repeated sweep, or two at once, gives each thing once; after downtime, each
thing due gets one reminder at its current stage, not one per day missed.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from transitions import Machine

from config.logging import get_logger
from states import MACHINE
from workflow.audit.query import chain_head_at
from workflow.chasing.candidates import (
    Policy,
    actions_due,
    deadlines_due,
    decisions_due,
    rule_table,
)
from workflow.chasing.escalations import SWEEPER, board_mails, clear_cured, raise_escalations
from workflow.chasing.reminders import Reminder, remind
from workflow.clock import instant_text
from workflow.errors import OutOfOrder
from workflow.lifecycle.unowned import unowned_notices
from workflow.mail.outbox import enqueue
from workflow.plain import OMIT_DEFAULT
from workflow.store.dialect import try_lock
from workflow.store.uow import Tx, UnitOfWork

log = get_logger("rectrack.sweep")


@dataclass(frozen=True, slots=True)
class RaisedEscalation:
    rec: str
    reason: str
    committee: str


@dataclass
class SweepResult:
    """What this sweep newly did (a repeat sweep returns empty lists)."""

    reminders: list[Reminder] = field(default_factory=list)
    escalations: list[RaisedEscalation] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    messages: int = 0
    unowned: list[str] = field(default_factory=list, metadata=OMIT_DEFAULT)
    skipped: bool = field(default=False, metadata=OMIT_DEFAULT)

    @property
    def anything(self) -> bool:
        return bool(self.reminders or self.escalations or self.cleared or self.unowned)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Run a batch without the cyclic garbage collector: the sweep's many small objects are
    freed by reference counting as it goes, and a collection in the middle of it would scan
    every object the process holds (measured: it made the 1M sweep 10-70% slower)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_after_the_trail(tx: Tx) -> None:
    """A sweep cannot be dated before events already in the trail: it would write history
    out of order (with `--now` in the past, say)."""
    latest = chain_head_at(tx.conn)
    if latest is not None and tx.now < latest:
        raise OutOfOrder(
            f"the trail already holds events up to {instant_text(latest)}: a sweep cannot "
            f"be dated {instant_text(tx.now)}"
        )


class _DryRun(Exception):
    def __init__(self, result: SweepResult) -> None:
        self.result = result


def sweep(uow: UnitOfWork, *, dry_run: bool = False, machine: Machine = MACHINE) -> SweepResult:
    """Remind, escalate, clear and report unowned recommendations as of the clock's now.

    What may be chased, and from which states, is read from `machine`. With `dry_run`,
    everything is worked out and then rolled back.
    """
    try:
        with _cyclic_gc_paused(), uow.write() as tx:
            if not try_lock(tx.conn, "sweep"):
                log.info("sweep skipped: another sweep holds the lock")
                return SweepResult(skipped=True)
            _check_after_the_trail(tx)
            policy = Policy.of(machine)
            rules, horizon = rule_table(tx)
            owed = [
                *deadlines_due(tx, rules, horizon, policy),
                *actions_due(tx, rules, horizon, policy),
                *decisions_due(tx, rules, horizon),
            ]
            reminders, mails = remind(tx, owed)
            raised = raise_escalations(tx, owed, policy)
            mails += board_mails(tx, raised)
            cleared = clear_cured(tx, policy)
            unowned, ilau_mails = unowned_notices(tx)
            result = SweepResult(
                reminders,
                [RaisedEscalation(e.rec, e.reason, e.committee) for e in raised],
                cleared,
                enqueue(tx, mails + ilau_mails),
                [u.rec for u in unowned],
            )
            if result.anything:
                tx.audit.append(
                    actor=SWEEPER,
                    event="sweep",
                    note=(
                        f"{len(result.reminders)} reminder(s), {len(result.escalations)} "
                        f"escalation(s), {len(result.cleared)} cleared, {result.messages} "
                        "message(s)"
                    ),
                    changes={"candidates": len(owed)},
                )
            log.info(
                "sweep done",
                candidates=len(owed),
                reminders=len(result.reminders),
                escalations=len(result.escalations),
                cleared=len(result.cleared),
                messages=result.messages,
                dry_run=dry_run,
            )
            if dry_run:
                raise _DryRun(result)
            return result
    except _DryRun as done:
        return done.result
