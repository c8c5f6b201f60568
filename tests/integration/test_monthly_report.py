"""The ILAU monthly report of 002 §5 and the annual report (issue 12, item 7), built from the
known history of `tests.history` with inspection visits and a repeat recorded along the way:
row by row, true to each day of the history, and the forthcoming visits through the service
and the command line (in process), on both backends."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select

from config import load_rules
from states import NotPermitted
from tests.history import B, walk
from tests.world import ILAU, OWNER
from workflow.bootstrap import unit_of_work
from workflow.cli.main import run
from workflow.clock import FixedClock, instant_text
from workflow.directory.inspections import add_visit, list_visits
from workflow.errors import BadInput
from workflow.lifecycle.links import link
from workflow.reporting.annual import annual_report
from workflow.reporting.documents.markdown import to_markdown
from workflow.reporting.monthly import monthly_report
from workflow.store.tables import audit_event
from workflow.store.uow import UnitOfWork

RULES = load_rules(None, {"defaults": {"rag_amber_within_days": 14}})
TZ = "Europe/London"
MD = "md-2004/R1"


def record_along(uow: UnitOfWork, day: str) -> None:
    """What the ILAU records on some days of the history, beside the history's own events."""
    if day == "2004-03-02":
        add_visit(
            uow,
            "HMIC",
            title="Baseline assessment",
            starts=date(2004, 6, 1),
            ends=date(2004, 6, 4),
            units="TP, HR",
            actor=ILAU,
        )
    if day == "2004-04-20":
        add_visit(
            uow,
            "Audit Commission",
            title="Data quality",
            starts=date(2004, 4, 26),
            ends=date(2004, 5, 7),
            actor=ILAU,
        )
        add_visit(
            uow,
            "MPS Inspectorate",
            title="Victims Code",
            starts=date(2004, 9, 1),
            ends=date(2004, 9, 2),
            actor=ILAU,
        )
        link(uow, MD, ILAU, repeats=f"{B}/R5")


def built(uow: UnitOfWork) -> dict[str, str]:
    return {
        "monthly": to_markdown(monthly_report(uow, TZ), ""),
        "annual": to_markdown(annual_report(uow, uow.clock.today().year, TZ), ""),
    }


def sections(text: str) -> dict[str, list[list[str]]]:
    """Each `###` section's table rows (header and rule left out), as lists of cells."""
    found: dict[str, list[list[str]]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("### "):
            current = line[4:]
            found[current] = []
        elif line.startswith("| ") and current:
            found[current].append([c.strip() for c in line.strip("|").split("|")])
    # A row of rules follows each table's header: neither is a row of data.
    return {
        name: [
            row
            for i, row in enumerate(rows)
            if row[0] != "---" and not (i + 1 < len(rows) and rows[i + 1][0] == "---")
        ]
        for name, rows in found.items()
    }


@pytest.fixture
def history(engine: Engine, clock: FixedClock) -> Any:
    """The history walked with the ILAU's records; each day's papers as built that day."""
    then: dict[str, dict[str, str]] = {}

    def visit(day: str) -> None:
        record_along(uow, day)
        then[day] = built(uow)

    with unit_of_work(engine, clock, RULES) as uow:
        walk(uow, clock, visit=visit)
        yield uow, then


def test_the_reports_of_a_known_history(history: Any, clock: FixedClock) -> None:
    """Row by row on three days; and each day's, built again as of that day, the same (one
    walk of the history for all: it is not quick)."""
    uow, then = history
    monthly_of_3_may_2004(then["2004-05-03"]["monthly"])
    monthly_of_15_march_2004(then["2004-03-15"]["monthly"])
    annual_of_2004_to_3_may(then["2004-05-03"]["annual"])
    annual_of_2003(to_markdown(annual_report(uow, 2003, TZ), ""))
    with pytest.raises(BadInput, match="2005 has not begun"):
        annual_report(uow, 2005, TZ)
    assert {"2004-03-02", "2004-04-20", "2004-05-03"} <= set(then)
    for day, papers in then.items():
        clock.move_to(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))
        again = built(uow)
        for name, text in papers.items():
            assert again[name] == text, f"{name} as of {day}"


def monthly_of_3_may_2004(text: str) -> None:
    got = sections(text)
    assert got["1. Forthcoming inspection visits"] == [
        ["Audit Commission", "Data quality", "2004-04-26", "2004-05-07", ""],
        ["HMIC", "Baseline assessment", "2004-06-01", "2004-06-04", "TP, HR"],
    ]  # the Victims Code visit in September is beyond the next three months
    assert got["2. New inspections, audits and reviews"] == [
        ["md-2004", "Managing Demand", "HMIC", "inspection", "2004-04-01", "1"]
    ]
    opened = got["3. Progress on all open recommendations"]
    assert [r[0] for r in opened] == [B, "md-2004", f"{B}/R2", f"{B}/R3", f"{B}/R4", f"{B}/R6", MD]
    assert opened[0][2:] == ["6", "1", "0", "0", "2", "1", "1", "1", "1", "2", "1"]
    assert opened[2][2:] == [
        "Owen Owner",
        "in progress",
        "none",
        "2004-04-28: On track",
        "2004-05-28",
        "AMBER",
    ]
    assert opened[4][6] == "2003-12-29 (overdue by 126 days)"  # R4's response, never given
    assert got["4. Outstanding recommendations"] == [
        [
            f"{B}/R4",
            "Recommendation 4",
            "Owen Owner",
            "raised",
            "response overdue by 126 days (due 2003-12-29); escalated",
            "RED",
        ],
        [f"{B}/R6", "Recommendation 6", "Owen Owner", "monitored", "awaiting sign-off", "GREEN"],
    ]  # not red only: R6 is green, and waits for its sign-off
    assert got["5. Repeated recommendations"] == [
        [MD, "Review implementation", "raised", f"{B}/R5", "superseded", "none"]
    ]


def monthly_of_15_march_2004(text: str) -> None:
    """Nothing recorded after 15 March: the visits of April, the new report, the repeat."""
    got = sections(text)
    assert got["1. Forthcoming inspection visits"] == [
        ["HMIC", "Baseline assessment", "2004-06-01", "2004-06-04", "TP, HR"]
    ]
    outstanding = {r[0]: r[4] for r in got["4. Outstanding recommendations"]}
    assert outstanding == {
        f"{B}/R{n}": "progress update overdue by 68 days (due 2004-01-07)" for n in (1, 2, 3, 5)
    } | {
        f"{B}/R4": "response overdue by 77 days (due 2003-12-29); escalated",
        f"{B}/R6": "progress update overdue by 68 days (due 2004-01-07); escalated",
    }
    assert "No recommendation is recorded as repeating another." in text
    assert "md-2004" not in text and "Data quality" not in text
    assert "1 report with 6 recommendations is being tracked; 6 remain open" in text


def annual_of_2004_to_3_may(text: str) -> None:
    got = sections(text)
    assert got["1. Inspection visits"] == [
        ["Audit Commission", "Data quality", "2004-04-26", "2004-05-07", ""]
    ]
    assert got["2. Reports published"] == [
        ["md-2004", "Managing Demand", "HMIC", "inspection", "2004-04-01", "1"]
    ]
    closed = got["3. Recommendations completed or closed"]
    assert [(r[0], r[3], r[5], r[6]) for r in closed] == [
        (f"{B}/R1", "complete", "2004-04-10", ""),
        (f"{B}/R5", "superseded", "2004-04-25", MD),
    ]
    assert [r[0] for r in got["4. Recommendations open at 3 May 2004"]] == [
        f"{B}/R{n}" for n in (2, 3, 4, 6)
    ] + [MD]


def annual_of_2003(year_2003: str) -> None:
    assert "*1 January to 31 December 2003*" in year_2003
    assert sections(year_2003)["2. Reports published"] == [
        [B, "Bringing Offenders to Justice", "HMIC", "inspection", "2003-10-01", "6"]
    ]
    assert len(sections(year_2003)["4. Recommendations open at 31 December 2003"]) == 6


def cli(uow: UnitOfWork, clock: FixedClock, *args: str) -> int:
    db = uow.engine.url.render_as_string(hide_password=False)
    return run(["--db", db, "--now", instant_text(clock.now()), *args])


def test_inspection_visits_are_recorded_by_the_ilau_and_listed(
    uow: UnitOfWork, clock: FixedClock, capsys: Any
) -> None:
    from tests import world

    world.build(uow, recs=1)
    with pytest.raises(NotPermitted):
        add_visit(
            uow, "HMIC", title="T", starts=date(2004, 1, 5), ends=date(2004, 1, 6), actor=OWNER
        )
    with pytest.raises(BadInput, match="--to 2004-01-04 is before --from 2004-01-05"):
        add_visit(
            uow, "HMIC", title="T", starts=date(2004, 1, 5), ends=date(2004, 1, 4), actor=ILAU
        )
    capsys.readouterr()
    add = ("inspection", "add", "HMIC", "--title", "Going Local 3", "--from", "2004-02-02")
    assert cli(uow, clock, *add, "--to", "2004-02-01", "--actor", ILAU) == 2
    assert "--to 2004-02-01 is before --from 2004-02-02" in capsys.readouterr().err
    assert cli(uow, clock, *add, "--to", "2004-02-06", "--units", "Camden", "--actor", ILAU) == 0
    assert "visit 1: HMIC, Going Local 3, 2004-02-02 to 2004-02-06" in capsys.readouterr().out
    assert cli(uow, clock, "inspection", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(v["body"], v["title"], v["starts"], v["ends"], v["units"]) for v in listed] == [
        ("HMIC", "Going Local 3", "2004-02-02", "2004-02-06", "Camden")
    ]
    assert [v.created_by for v in list_visits(uow)] == [ILAU]
    with uow.read() as tx:
        changes = tx.conn.execute(
            select(audit_event.c.changes).where(audit_event.c.event == "inspection.add")
        ).scalars()
        assert [json.loads(c)["title"] for c in changes] == ["Going Local 3"]
