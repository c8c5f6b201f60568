"""`make demo`: a fresh SQLite database built from the seed documents, walked through 2002-2004.

Every step is a real `rectrack` command line, run in-process so the demo takes seconds.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import sys
import time
from pathlib import Path

from notifications.sink import Mailbox, free_port
from workflow.cli.main import run

HERE = Path(__file__).parent
OUT = Path("demo-out")
DB = OUT / "rectrack-demo.db"
ILAU = "ilau@mps.example.org"
BOARD = "deputy.commissioner@mps.example.org"

# District Audit action plan, from the progress summary of 31 March 2002 (seed 003):
# ref: (lead's action, target from "Timescales", degree met, progress update, excerpted)
DISTRICT_AUDIT = {
    "R1": (
        "Include all available performance information in the BVPP, with estimates",
        "2003-03-31",
        "partially",
        "Steps put in place so that, where possible, information was available this "
        "year, with more extensive use of estimates; no data yet for BVPI 153b or BVPI 129.",
    ),
    "R2": (
        "Include HMIC work in this year's BVPP",
        "2002-03-31",
        "completely",
        "This information was included in this year's BVPP.",
    ),
    "R3": (
        "Develop the performance management framework through QPRMG",
        "2003-03-31",
        "moderately",
        "A performance management framework is being developed to co-ordinate "
        "continuous improvement activity through the Quality, Performance and Risk Management "
        "Group.",
    ),
    "R4": (
        "Review resourcing for supporting reviews in the 2002/03 budget",
        "2002-03-31",
        "completely",
        "Proposals for change accepted by BVPB on 17 January 02; implementation "
        "of revised support structure underway.",
    ),
    "R5": (
        "Guidelines for cross cutting reviews in the best value toolkit",
        "2002-09-30",
        "completely",
        "Interim guidelines available at the end of March 2002; final version September 2002.",
    ),
    "R6": (
        "Role profiles and appraisal based on the national competency framework",
        "2002-12-31",
        "significantly",
        "All members of the MPS will have a role profile by the "
        "end of December 2002, and the next appraisal due for each will be based upon it.",
    ),
    "R7": (
        "Guidance to business groups for 2002-03, approved by QPRMG",
        "2002-06-30",
        "significantly",
        "Self-audit completed in January 2002 forms the basis of guidance to "
        "business groups for 2002-03.",
    ),
    "R8": (
        "MI and PIs for every business group's plan",
        "2003-03-31",
        "moderately",
        "Progress made in many business groups; gaps remain in customer satisfaction, process "
        "measures and costing of processes.",
    ),
    "R9": (
        "Performance reporting hierarchies in every business group",
        "2003-03-31",
        "significantly",
        "Performance hierarchies in place, but patchy use of them to monitor "
        "and drive improvement; further development planned.",
    ),
    "R10": (
        "Strategy for transition from review to implementation, to BVPB in May",
        "2002-05-31",
        "completely",
        "More effective approach taken with the Crime review, "
        "involving those responsible for implementation at an early stage.",
    ),
    "R11": (
        "Standard highlight report, lead member and challenge for each review",
        "2002-03-31",
        "completely",
        "Standard review highlight report in use; MPA lead member identified for "
        "each review; progress monitored by project boards and BVPB.",
    ),
    "R12": (
        "Review the 5 year programme in June/July 2002",
        "2002-07-31",
        "completely",
        "Programme already reviewed annually; to be reviewed in June/July 2002 taking account "
        "of the white paper.",
    ),
    "R13": (
        "ILAU process to monitor all inspection, audit and review reports",
        "2002-12-31",
        "significantly",
        "A sergeant appointed in DAC TP's office to track and chase "
        "implementation of recommendations.",
    ),
}

OWNERS = {  # the lead named in the tracker for each recommendation
    "R1": "corporate.performance",
    "R2": "corporate.planning",
    "R3": "best.value",
    "R4": "best.value",
    "R5": "best.value",
    "R6": "achr",
    "R7": "business.change",
    "R8": "corporate.performance",
    "R9": "corporate.performance",
    "R10": "best.value",
    "R11": "best.value",
    "R12": "best.value",
    "R13": "ilau.head",
}


class DemoFailed(Exception):
    pass


def say(text: str) -> None:
    print(f"\n## {text}")


def rt(now: str, *args: str, expect: int = 0, quiet: bool = False, logs: bool = False) -> str:
    """Run `rectrack --now NOW ARGS...` as a user would, echoing it unless quiet; returns
    what it printed (or, with `logs`, what it logged)."""
    argv = ["--db", str(DB), "--now", now, *args]
    buffer = io.StringIO()
    errors = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(errors):
        code = run(argv)
    if not quiet:
        print(f"$ rectrack --now {now} {shlex.join(args)}")
        print(buffer.getvalue() + errors.getvalue(), end="")
        if code:
            print(f"(exit {code})")
    if code != expect:
        raise DemoFailed(
            f"`rectrack {shlex.join(argv)}` exited {code}, expected {expect}:\n{errors.getvalue()}"
        )
    return errors.getvalue() if logs else buffer.getvalue()


def sweep_and_send(now: str) -> None:
    """What the scheduler does each morning: sweep, generate agendas due, deliver the outbox.

    The sweep runs first on its own so that its report can be shown; the scheduler's own
    sweep then finds nothing new (it is idempotent) and goes on to agendas and e-mail.
    """
    out = rt(now, "sweep", quiet=True).strip().splitlines()
    jobs = [
        json.loads(line)
        for line in rt(now, "scheduler", "--once", quiet=True, logs=True).splitlines()
        if line.startswith("{")
    ]
    done = {j["job"]: j for j in jobs if j.get("event") == "job finished"}
    print(f"$ rectrack --now {now} sweep && rectrack --now {now} scheduler --once")
    for line in out[:-1]:
        if line.startswith(("escalated", "cleared", "unowned")):
            print(f"  {line}")
    for agenda in done.get("agenda", {}).get("agendas", []):
        print(f"  agenda generated for the {agenda} (its secretary is e-mailed)")
    send = done.get("send", {})
    print(
        f"  {out[-1]}; e-mail sent {send.get('sent')}, failed {send.get('failed')}, "
        f"pending {send.get('pending')}"
    )


def district_audit() -> None:
    say(
        "2002: the District Audit action plan R1-R13, walked to where the 31 March 2002 summary "
        "left it"
    )
    rt("2002-01-07", "import", str(HERE / "da-2001.yaml"), "--actor", ILAU)
    for ref, (action, target, degree, progress) in DISTRICT_AUDIT.items():
        rec = f"da-bvpp-2001/{ref}"
        owner = f"{OWNERS[ref]}@mps.example.org"
        rt(
            "2002-01-21",
            "rec",
            "respond",
            rec,
            "--actor",
            ILAU,
            "--body",
            "MPS",
            "--text",
            "Accepted; the lead named in the action plan will implement it.",
            quiet=True,
        )
        rt(
            "2002-02-04",
            "rec",
            "plan",
            rec,
            "--actor",
            owner,
            "--action",
            f"{action}|{owner}|{target}",
            quiet=True,
        )
        rt("2002-02-11", "rec", "start", rec, "--actor", owner, quiet=True)
        rt(
            "2002-03-31",
            "rec",
            "update",
            rec,
            "--actor",
            owner,
            "--note",
            progress,
            "--degree",
            degree,
            quiet=True,
        )
        if degree == "completely":
            rt("2002-03-31", "rec", "action-done", rec, "1", "--actor", owner, quiet=True)
            rt("2002-04-08", "rec", "monitor", rec, "--actor", owner, quiet=True)
            rt(
                "2002-04-15",
                "rec",
                "complete",
                rec,
                "--actor",
                ILAU,
                "--evidence",
                f"Action plan progress summary, 31 March 2002: {progress}",
                quiet=True,
            )
    rt("2002-04-15", "rec", "list", "--report", "da-bvpp-2001")


def bringing_offenders_to_justice() -> None:
    botj = "botj-2003"
    say("October 2003: HMIC inspects Bringing Offenders to Justice and Managing Demand")
    rt("2003-11-03", "import", str(HERE / "hmic-2003.yaml"), "--actor", ILAU, "--json")
    say("The committees: the Performance Board monthly, the PPRC every six months (BOTJ 2.1.2)")
    rt(
        "2003-11-03",
        "committee",
        "add",
        "Performance Board",
        "--cadence",
        "monthly",
        "--secretary",
        "board.secretary@mps.example.org",
        "--member",
        BOARD,
        "--member",
        "acprs@mps.example.org",
    )
    rt(
        "2003-11-03",
        "committee",
        "add",
        "PPRC",
        "--cadence",
        "six-monthly",
        "--secretary",
        "pprc.clerk@mpa.example.org",
    )
    rt("2003-11-03", "meeting", "add", "Performance Board", "2003-12-04")
    rt("2003-11-03", "meeting", "plan", "Performance Board", "--until", "2004-09-30")
    rt("2003-11-03", "meeting", "add", "PPRC", "2004-03-11")
    rt("2003-11-03", "meeting", "add", "PPRC", "2004-09-09")
    say("Ownership moved in a restructure (BOTJ 4.1.6): the ILAU reassigns R3 from PRS to TPHQ")
    rt(
        "2003-11-10",
        "rec",
        "reassign",
        f"{botj}/R3",
        "--actor",
        ILAU,
        "--owner",
        "docj.commander@mps.example.org",
    )
    say("The scheduler's sweeps: reminders before and on the day, escalations after a week")
    sweep_and_send("2003-12-01")
    sweep_and_send("2003-12-22")
    say("January 2004: the 56-day response period has passed")
    rt("2004-01-05", "rec", "list", "--overdue")
    sweep_and_send("2004-01-05")
    sweep_and_send("2004-01-07")

    say("The joint MPS and MPA response (seed 000): each body answers each recommendation")
    answers = {
        f"{botj}/R1": (
            "The MPS has improved its processes for identifying and scoping reviews "
            "as part of the transition to Service Improvement Reviews.",
            "All reviews now contain a list of objectives within the Project "
            "Initiation Document which remains constant throughout the review.",
        ),
        f"{botj}/R2": (
            "International benchmarking will be considered in all future reviews.",
            "International comparisons have been undertaken in subsequent reviews "
            "such as the Operational Support Policing Service Improvement Review.",
        ),
        f"{botj}/R3": (
            "ICG will offer additional support to managers responsible for "
            "implementing review recommendations to develop plans that can be more "
            "effectively monitored.",
            "The MPA acknowledges the need to look again at all implementation arrangements.",
        ),
        "md-2003/R1": (
            "This recommendation repeats Recommendation 1 of the BOTJ inspection.",
            "Please see the MPA response to BOTJ Recommendation 1.",
        ),
        "md-2003/R2": (
            "A combined MPA/MPS review of implementation arrangements will report back "
            "to PPRC before the end of this financial year.",
            "The MPA should carry out a review of the implementation of improvement "
            "projects in conjunction with the MPS.",
        ),
    }
    for rec, (mps, mpa) in answers.items():
        rt(
            "2004-01-12",
            "rec",
            "respond",
            rec,
            "--actor",
            ILAU,
            "--body",
            "MPS",
            "--text",
            mps,
            quiet=rec != f"{botj}/R1",
        )
        rt(
            "2004-01-12",
            "rec",
            "respond",
            rec,
            "--actor",
            ILAU,
            "--body",
            "MPA",
            "--text",
            mpa,
            quiet=rec != f"{botj}/R1",
        )
    rt(
        "2004-01-12",
        "rec",
        "respond",
        f"{botj}/R4",
        "--actor",
        ILAU,
        "--body",
        "MPS",
        "--not-applicable",
        "MPA issue.",
    )
    rt(
        "2004-01-12",
        "rec",
        "respond",
        f"{botj}/R4",
        "--actor",
        ILAU,
        "--body",
        "MPA",
        "--text",
        "The MPA can document progress monitoring of review recommendations by committees at six "
        "monthly intervals.",
    )

    sweep_and_send("2004-01-13")
    say("Managing Demand R1 repeats BOTJ R1: superseded by it, with the link recorded")
    rt("2004-01-19", "rec", "supersede", "md-2003/R1", "--actor", ILAU, "--by", f"{botj}/R1")

    say("Implementation plans (the inspection found none): a target already past is refused")
    docj = "docj.commander@mps.example.org"
    icg = "icg.head@mps.example.org"
    mpa = "best.value@mpa.example.org"
    rt(
        "2004-01-26",
        "rec",
        "plan",
        f"{botj}/R3",
        "--actor",
        docj,
        "--action",
        f"Implementation plan for the outstanding BOTJ recommendations|{docj}|2003-12-31",
        expect=3,
    )
    rt(
        "2004-01-26",
        "rec",
        "plan",
        f"{botj}/R3",
        "--actor",
        docj,
        "--action",
        f"ICG support to implementation managers to develop monitorable plans|{icg}|2004-04-30",
        "--action",
        "Implementation plan for custody detention officers, flexible bail to court "
        f"and corporate case files|{docj}|2004-04-30",
    )
    rt(
        "2004-01-26",
        "rec",
        "plan",
        f"{botj}/R1",
        "--actor",
        icg,
        "--action",
        f"Project Initiation Documents set objectives that stay constant|{icg}|2004-03-31",
    )
    rt(
        "2004-01-26",
        "rec",
        "plan",
        f"{botj}/R2",
        "--actor",
        icg,
        "--action",
        f"Consider international benchmarking when scoping every review|{icg}|2004-06-30",
    )
    rt(
        "2004-01-26",
        "rec",
        "plan",
        f"{botj}/R4",
        "--actor",
        mpa,
        "--action",
        f"PPRC monitors implementation six-monthly, fully minuted|{mpa}|2004-07-31",
    )
    for ref, who in (("R1", icg), ("R2", icg), ("R3", docj), ("R4", mpa)):
        rt("2004-02-02", "rec", "start", f"{botj}/{ref}", "--actor", who, quiet=ref != "R1")

    for day in ("2004-02-02", "2004-03-01"):
        sweep_and_send(day)
    say("The ILAU raises R2 to the Performance Board by hand")
    rt(
        "2004-03-08",
        "escalate",
        f"{botj}/R2",
        "--actor",
        ILAU,
        "--reason",
        "No progress update since the plan was agreed; benchmarking partners not yet chosen.",
    )
    sweep_and_send("2004-03-08")

    say("R1 done: monitoring cannot start while an action is open; the owner cannot sign off")
    rt("2004-03-29", "rec", "monitor", f"{botj}/R1", "--actor", icg, expect=3)
    rt("2004-03-29", "rec", "action-done", f"{botj}/R1", "1", "--actor", icg)
    rt(
        "2004-03-29",
        "rec",
        "update",
        f"{botj}/R1",
        "--actor",
        icg,
        "--note",
        "Objectives agreed in the PID and adhered to throughout every review since.",
        "--degree",
        "completely",
        "--evidence",
        "PIDs of the 2004 Service Improvement Reviews",
    )
    rt("2004-03-29", "rec", "monitor", f"{botj}/R1", "--actor", icg)
    rt(
        "2004-04-05",
        "rec",
        "complete",
        f"{botj}/R1",
        "--actor",
        icg,
        "--evidence",
        "PIDs",
        expect=3,
    )
    rt(
        "2004-04-05",
        "rec",
        "complete",
        f"{botj}/R1",
        "--actor",
        ILAU,
        "--evidence",
        "PIDs of the 2004 reviews list objectives that stayed constant; MPA considers it complete.",
    )

    say("R3 runs late: the owner asks for a revised target; the Performance Board approves it")
    rt(
        "2004-04-19",
        "rec",
        "extend",
        f"{botj}/R3",
        "--actor",
        docj,
        "--to",
        "2004-10-29",
        "--reason",
        "The combined MPA/MPS review of implementation arrangements must report first.",
    )
    rt("2004-04-26", "rec", "approve-extension", f"{botj}/R3", "--actor", BOARD)
    sweep_and_send("2004-05-03")
    rt(
        "2004-05-10",
        "rec",
        "update",
        f"{botj}/R3",
        "--actor",
        docj,
        "--note",
        "Plans in place for witness care and case progression; custody detention officers, "
        "flexible bail and corporate case files still to be planned.",
        "--degree",
        "partially",
    )
    sweep_and_send("2004-06-01")
    rt(
        "2004-06-30",
        "rec",
        "update",
        f"{botj}/R2",
        "--actor",
        icg,
        "--note",
        "Operational Support Policing review compared international forces.",
        "--degree",
        "moderately",
        quiet=True,
    )

    sweep_and_send("2004-07-01")

    say("R4: the authority now monitors six-monthly; signed off by the Performance Board")
    rt("2004-07-31", "rec", "action-done", f"{botj}/R4", "1", "--actor", mpa, quiet=True)
    rt(
        "2004-07-31",
        "rec",
        "update",
        f"{botj}/R4",
        "--actor",
        mpa,
        "--note",
        "PPRC reviewed implementation of all reviews at its six-monthly meeting.",
        "--degree",
        "completely",
        quiet=True,
    )
    rt("2004-07-31", "rec", "monitor", f"{botj}/R4", "--actor", mpa, quiet=True)
    rt(
        "2004-08-02",
        "rec",
        "complete",
        f"{botj}/R4",
        "--actor",
        BOARD,
        "--evidence",
        "PPRC minutes record six-monthly monitoring of implementation.",
    )

    sweep_and_send("2004-08-02")
    sweep_and_send("2004-09-01")

    say("September 2004: where everything stands, and what is overdue")
    rt("2004-09-01", "rec", "list", "--report", botj)
    rt("2004-09-01", "rec", "list", "--report", "md-2003")
    rt("2004-09-01", "rec", "list", "--overdue")
    say("The history of BOTJ R3, from the audit trail")
    rt("2004-09-01", "rec", "show", f"{botj}/R3")


def show_mail(box: Mailbox) -> None:
    say(f"What the owners and the Board received: {len(box.messages)} messages over SMTP")
    for msg in box.messages:
        print(f"  {str(msg['Date'])[5:16]}  to {msg['To']!s:<38} {msg['Subject']}")
    for to, subject_part in (
        ("docj.commander@mps.example.org", "attention"),
        ("deputy.commissioner@mps.example.org", "escalated"),
    ):
        found = [m for m in box.messages if m["To"] == to and subject_part in str(m["Subject"])]
        if found:
            msg = found[-1]
            print(f"\n--- the last of these to {to} ---")
            print(f"Subject: {msg['Subject']}\n")
            print(box.body(msg).rstrip())
    rt("2004-09-01", "escalations", "--open")


def documents() -> None:
    say("September 2004: the committee papers, generated from the data")
    board = OUT / "performance-board-2004-09-04"
    pprc = OUT / "pprc-2004-09-09"
    rt("2004-09-01", "agenda", "Performance Board", "--meeting", "2004-09-04", "--json")
    for fmt in ("docx", "html", "md"):
        rt(
            "2004-09-01",
            "agenda",
            "Performance Board",
            "--meeting",
            "2004-09-04",
            "--format",
            fmt,
            "--out",
            f"{board}.{fmt}",
            quiet=True,
        )
        rt(
            "2004-09-01",
            "agenda",
            "PPRC",
            "--meeting",
            "2004-09-09",
            "--format",
            fmt,
            "--out",
            f"{pprc}.{fmt}",
            quiet=True,
        )
    rt(
        "2004-09-01",
        "report",
        "tracker",
        "da-bvpp-2001",
        "--format",
        "docx",
        "--out",
        str(OUT / "tracker-da-bvpp-2001.docx"),
        quiet=True,
    )
    rt(
        "2004-09-01",
        "report",
        "tracker",
        "botj-2003",
        "--format",
        "md",
        "--out",
        str(OUT / "tracker-botj-2003.md"),
        quiet=True,
    )
    rt(
        "2004-09-01",
        "report",
        "progress",
        "--format",
        "html",
        "--out",
        str(OUT / "ilau-progress-2004-09.html"),
        quiet=True,
    )
    print(f"\nThe Performance Board's report for 4 September 2004 ({board}.md), first lines:")
    print("\n".join(Path(f"{board}.md").read_text().splitlines()[:24]))
    print("\nWritten:")
    for path in sorted(OUT.glob("*")):
        if path.suffix in (".docx", ".html", ".md", ".png"):
            print(f"  {path}")


def main() -> int:
    started = time.perf_counter()
    OUT.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    for old in OUT.glob("*"):
        if old.suffix in (".docx", ".html", ".md", ".png"):
            old.unlink()
    say(f"A fresh database: {DB}")
    rt("2002-01-07", "init")
    box, port = Mailbox(), free_port()
    box.start(port)
    print(f"(a local SMTP server listens on 127.0.0.1:{port} for the owners and the Board)")
    os.environ.update(
        {
            "RECTRACK_SMTP_HOST": "127.0.0.1",
            "RECTRACK_SMTP_PORT": str(port),
            "RECTRACK_SMTP_TLS": "none",
            "RECTRACK_MAIL_FROM": "ilau@mps.example.org",
        }
    )
    try:
        district_audit()
        bringing_offenders_to_justice()
        show_mail(box)
        documents()
    except DemoFailed as exc:
        print(f"\ndemo failed: {exc}", file=sys.stderr)
        return 1
    finally:
        box.stop()
    print(f"\nDemo finished in {time.perf_counter() - started:.1f} s; database: {DB}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
