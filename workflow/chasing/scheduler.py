"""The scheduler: APScheduler runs the sweep and the outbox sender on their schedules.

Jobs live in a memory job store, registered at start with fixed ids; the durable state is
in rectrack's own tables, and the database coordinates several schedulers: the sweep takes a
PostgreSQL advisory lock (a second scheduler's sweep steps aside) and senders claim outbox
rows with FOR UPDATE SKIP LOCKED. A memory store replays nothing missed while down, so both
jobs run once at start-up; the sweep is idempotent and catches up without flooding.
"""

from __future__ import annotations

import signal
import uuid
from collections.abc import Callable
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from workflow.bootstrap import App
from workflow.chasing.sweep import sweep
from workflow.mail.outbox import deliver
from workflow.reporting.agenda import generate_due_agendas

log = structlog.get_logger("rectrack.scheduler")


def _job(app: App, name: str, work: Callable[[App], dict[str, Any]]) -> Callable[[], None]:
    def run() -> None:
        # Pooled threads keep context from their previous job: start clean every time.
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(job=name, run=uuid.uuid4().hex[:8])
        try:
            log.info("job finished", **work(app))
        except Exception:  # a failed run must not stop the scheduler; the next one retries
            log.exception("job failed")

    return run


def run_sweep(app: App) -> dict[str, Any]:
    with app.uow() as uow:
        result = sweep(uow)
    return {
        "reminders": len(result.reminders),
        "escalations": len(result.escalations),
        "cleared": len(result.cleared),
        "messages": result.messages,
        "skipped": result.skipped,
    }


def run_sender(app: App) -> dict[str, Any]:
    with app.uow() as uow:
        return deliver(uow, app.settings.mail).as_dict()


def run_agendas(app: App) -> dict[str, Any]:
    with app.uow() as uow:
        done = generate_due_agendas(
            uow, app.settings.scheduler.agenda_days_before, app.settings.timezone
        )
    return {"agendas": [f"{a.committee.name} {a.meeting}" for a in done]}


def build_scheduler(app: App) -> BlockingScheduler:
    settings = app.settings.scheduler
    zone = ZoneInfo(app.settings.timezone)
    scheduler = BlockingScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": settings.misfire_grace_seconds,
        },
        timezone=zone,
    )
    scheduler.add_job(
        _job(app, "sweep", run_sweep),
        CronTrigger.from_crontab(settings.sweep_cron, timezone=zone),
        id="sweep",
        replace_existing=True,
    )
    scheduler.add_job(
        _job(app, "agenda", run_agendas),
        CronTrigger.from_crontab(settings.sweep_cron, timezone=zone),
        id="agenda",
        replace_existing=True,
    )
    scheduler.add_job(
        _job(app, "send", run_sender),
        IntervalTrigger(seconds=settings.send_every_seconds, timezone=zone),
        id="send",
        replace_existing=True,
    )
    return scheduler


def run_scheduler(app: App, once: bool = False) -> None:
    """Catch up (one sweep, one send), then run until SIGTERM or SIGINT (unless `once`)."""
    scheduler = build_scheduler(app)  # first, so that a bad cron setting fails at once
    _job(app, "sweep", run_sweep)()
    _job(app, "agenda", run_agendas)()
    _job(app, "send", run_sender)()
    if once:
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info("stopping", signal=signal.Signals(signum).name)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info(
        "scheduler started",
        sweep=app.settings.scheduler.sweep_cron,
        send_every_seconds=app.settings.scheduler.send_every_seconds,
    )
    scheduler.start()
    log.info("scheduler stopped")
