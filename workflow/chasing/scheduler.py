"""The scheduler: APScheduler runs rectrack's jobs (the sweep, agendas, the outbox sender).

Jobs live in a memory job store, registered at start with fixed ids; the durable state is
in rectrack's own tables, and the database coordinates several schedulers: the sweep takes a
PostgreSQL advisory lock (a second scheduler's sweep steps aside) and senders claim outbox
rows with FOR UPDATE SKIP LOCKED. A memory store replays nothing missed while down, so every
job runs once at start-up; the sweep is idempotent and catches up without flooding.

The jobs themselves are passed in (see `workflow.cli.scheduling`): this module knows when
and how to run work, not what the work is.
"""

from __future__ import annotations

import signal
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from config import SchedulerSettings
from config.logging import get_logger

log = get_logger("rectrack.scheduler")


@dataclass(frozen=True, slots=True)
class Job:
    """Work to run on a cron schedule (`cron`) or every so many seconds (`every_seconds`);
    what it returns is logged when it finishes."""

    name: str
    work: Callable[[], Mapping[str, Any]]
    cron: str | None = None
    every_seconds: int | None = None


def run_once(job: Job) -> bool:
    """Run a job now, logging how it went; False if it failed (the next run retries)."""
    # Pooled threads keep context from their previous job: start clean every time.
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(job=job.name, run=uuid.uuid4().hex[:8])
    try:
        log.info("job finished", **job.work())
    except Exception as exc:  # a failed run must not stop the scheduler
        # The reason in the line itself, beside the traceback, for whoever greps the log.
        log.exception("job failed", error=f"{type(exc).__name__}: {exc}")
        return False
    return True


def build_scheduler(
    jobs: list[Job], settings: SchedulerSettings, timezone: str
) -> BlockingScheduler:
    """A scheduler holding `jobs` in memory, with coalescing and a generous misfire grace."""
    zone = ZoneInfo(timezone)
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
    for job in jobs:
        trigger = (
            CronTrigger.from_crontab(job.cron, timezone=zone)
            if job.cron is not None
            else IntervalTrigger(seconds=job.every_seconds or 60, timezone=zone)
        )
        scheduler.add_job(run_once, trigger, args=[job], id=job.name, replace_existing=True)
    return scheduler


def run_scheduler(
    jobs: list[Job], settings: SchedulerSettings, timezone: str, once: bool = False
) -> bool:
    """Catch up (every job once), then run until SIGTERM or SIGINT, unless `once`.

    Returns whether every catch-up run succeeded.
    """
    scheduler = build_scheduler(jobs, settings, timezone)  # first: a bad cron fails at once
    caught_up = all([run_once(job) for job in jobs])
    if once:
        return caught_up

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info("stopping", signal=signal.Signals(signum).name)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info(
        "scheduler started",
        sweep=settings.sweep_cron,
        send_every_seconds=settings.send_every_seconds,
    )
    scheduler.start()
    log.info("scheduler stopped")
    return caught_up
