"""The demo's story, as a list of steps: what is said, each `rectrack` command line run at its
moment (`--now`), and each morning on which the scheduler sweeps and sends.

2002: the District Audit action plan walked to where its 31 March 2002 summary left it;
2003-2004: HMIC's Bringing Offenders to Justice and Managing Demand inspections, answered,
planned, chased, escalated and signed off.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workflow.demo.seeds import DISTRICT_AUDIT, OWNERS

HERE = Path(__file__).parent
ILAU = "ilau@mps.example.org"
BOARD = "deputy.commissioner@mps.example.org"
BOTJ = "botj-2003"
DOCJ = "docj.commander@mps.example.org"
ICG = "icg.head@mps.example.org"
MPA = "best.value@mpa.example.org"
PPRC_CLERK = "pprc.clerk@mpa.example.org"


@dataclass(frozen=True, slots=True)
class Say:
    """A heading for what follows."""

    text: str


@dataclass(frozen=True, slots=True)
class Run:
    """`rectrack --now NOW ARGS...`, which must exit `expect`; echoed unless `quiet`."""

    now: str
    args: tuple[str, ...]
    expect: int = 0
    quiet: bool = False


@dataclass(frozen=True, slots=True)
class Sweep:
    """What the scheduler does that morning: sweep, generate agendas due, send the e-mail."""

    now: str


Step = Say | Run | Sweep


def run(now: str, *args: str, expect: int = 0, quiet: bool = False) -> Run:
    return Run(now, args, expect, quiet)


def _district_audit() -> list[Step]:
    steps: list[Step] = [
        Say(
            "2002: the District Audit action plan R1-R13, walked to where the 31 March 2002 "
            "summary left it"
        ),
        run("2002-01-07", "import", str(HERE / "da-2001.yaml"), "--actor", ILAU),
    ]
    for ref, (action, target, degree, progress) in DISTRICT_AUDIT.items():
        rec = f"da-bvpp-2001/{ref}"
        owner = f"{OWNERS[ref]}@mps.example.org"
        accepted = "Accepted; the lead named in the action plan will implement it."
        steps += [
            run("2002-01-21", "rec", "respond", rec, "--actor", ILAU, "--body", "MPS",
                "--text", accepted, quiet=True),
            run("2002-02-04", "rec", "plan", rec, "--actor", owner,
                "--action", f"{action}|{owner}|{target}", quiet=True),
            run("2002-02-11", "rec", "start", rec, "--actor", owner, quiet=True),
            run("2002-03-31", "rec", "update", rec, "--actor", owner, "--note", progress,
                "--degree", degree, quiet=True),
        ]  # fmt: skip
        if degree == "completely":
            evidence = f"Action plan progress summary, 31 March 2002: {progress}"
            steps += [
                run("2002-03-31", "rec", "action-done", rec, "1", "--actor", owner, quiet=True),
                run("2002-04-08", "rec", "monitor", rec, "--actor", owner, quiet=True),
                run("2002-04-15", "rec", "complete", rec, "--actor", ILAU,
                    "--evidence", evidence, quiet=True),
            ]  # fmt: skip
    steps.append(run("2002-04-15", "rec", "list", "--report", "da-bvpp-2001"))
    return steps


def _inspection_and_committees() -> list[Step]:
    return [
        Say("October 2003: HMIC inspects Bringing Offenders to Justice and Managing Demand"),
        run("2003-11-03", "import", str(HERE / "hmic-2003.yaml"), "--actor", ILAU, "--json"),
        Say("The committees: the Performance Board monthly, the PPRC every six months "
            "(BOTJ 2.1.2)"),
        run("2003-11-03", "committee", "add", "Performance Board", "--cadence", "monthly",
            "--secretary", "board.secretary@mps.example.org", "--member", BOARD,
            "--member", "acprs@mps.example.org", "--actor", ILAU),
        run("2003-11-03", "committee", "add", "PPRC", "--cadence", "six-monthly",
            "--secretary", PPRC_CLERK, "--actor", ILAU),
        run("2003-11-03", "meeting", "add", "Performance Board", "2003-12-04", "--actor", ILAU),
        run("2003-11-03", "meeting", "plan", "Performance Board", "--until", "2004-09-30",
            "--actor", ILAU),
        run("2003-11-03", "meeting", "add", "PPRC", "2004-03-11", "--actor", PPRC_CLERK),
        run("2003-11-03", "meeting", "add", "PPRC", "2004-09-09", "--actor", PPRC_CLERK),
        Say("Ownership moved in a restructure (BOTJ 4.1.6): the ILAU reassigns R3 from PRS "
            "to TPHQ"),
        run("2003-11-10", "rec", "reassign", f"{BOTJ}/R3", "--actor", ILAU, "--owner", DOCJ),
        Say("The scheduler's sweeps: reminders before and on the day, escalations after a week"),
        Sweep("2003-12-01"),
        Sweep("2003-12-22"),
        Say("January 2004: the 56-day response period has passed"),
        run("2004-01-05", "rec", "list", "--overdue"),
        Sweep("2004-01-05"),
        Sweep("2004-01-07"),
    ]  # fmt: skip


# The joint MPS and MPA response (seed 000): what each body said of each recommendation.
ANSWERS = {
    f"{BOTJ}/R1": (
        "The MPS has improved its processes for identifying and scoping reviews "
        "as part of the transition to Service Improvement Reviews.",
        "All reviews now contain a list of objectives within the Project "
        "Initiation Document which remains constant throughout the review.",
    ),
    f"{BOTJ}/R2": (
        "International benchmarking will be considered in all future reviews.",
        "International comparisons have been undertaken in subsequent reviews "
        "such as the Operational Support Policing Service Improvement Review.",
    ),
    f"{BOTJ}/R3": (
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


def _responses() -> list[Step]:
    steps: list[Step] = [
        Say("The joint MPS and MPA response (seed 000): each body answers each recommendation")
    ]
    for rec, (mps, mpa) in ANSWERS.items():
        if not rec.startswith(BOTJ):
            continue  # Managing Demand is answered once published (see _managing_demand)
        quiet = rec != f"{BOTJ}/R1"
        steps += [
            run("2004-01-12", "rec", "respond", rec, "--actor", ILAU, "--body", "MPS",
                "--text", mps, quiet=quiet),
            run("2004-01-12", "rec", "respond", rec, "--actor", ILAU, "--body", "MPA",
                "--text", mpa, quiet=quiet),
        ]  # fmt: skip
    return [
        *steps,
        run("2004-01-12", "rec", "respond", f"{BOTJ}/R4", "--actor", ILAU, "--body", "MPS",
            "--not-applicable", "MPA issue."),
        run("2004-01-12", "rec", "respond", f"{BOTJ}/R4", "--actor", ILAU, "--body", "MPA",
            "--text", "The MPA can document progress monitoring of review recommendations by "
            "committees at six monthly intervals."),
        Sweep("2004-01-13"),
    ]  # fmt: skip


def _managing_demand() -> list[Step]:
    steps: list[Step] = [
        Say("March 2004: Managing Demand, published on 1 March, is answered (seed 000)")
    ]
    for rec in ("md-2003/R1", "md-2003/R2"):
        mps, mpa = ANSWERS[rec]
        steps += [
            run("2004-03-15", "rec", "respond", rec, "--actor", ILAU, "--body", "MPS",
                "--text", mps, quiet=True),
            run("2004-03-15", "rec", "respond", rec, "--actor", ILAU, "--body", "MPA",
                "--text", mpa, quiet=rec != "md-2003/R1"),
        ]  # fmt: skip
    return [
        *steps,
        Say("Managing Demand R1 repeats BOTJ R1: superseded by it, with the link recorded"),
        run("2004-03-15", "rec", "supersede", "md-2003/R1", "--actor", ILAU, "--by", f"{BOTJ}/R1"),
    ]


def _plans() -> list[Step]:
    steps: list[Step] = [
        Say("Implementation plans (the inspection found none): a target already past is refused"),
        run("2004-01-26", "rec", "plan", f"{BOTJ}/R3", "--actor", DOCJ, "--action",
            f"Implementation plan for the outstanding BOTJ recommendations|{DOCJ}|2003-12-31",
            expect=3),
        run("2004-01-26", "rec", "plan", f"{BOTJ}/R3", "--actor", DOCJ,
            "--action", "ICG support to implementation managers to develop monitorable plans"
            f"|{ICG}|2004-04-30",
            "--action", "Implementation plan for custody detention officers, flexible bail to "
            f"court and corporate case files|{DOCJ}|2004-04-30"),
        run("2004-01-26", "rec", "plan", f"{BOTJ}/R1", "--actor", ICG, "--action",
            f"Project Initiation Documents set objectives that stay constant|{ICG}|2004-03-31"),
        run("2004-01-26", "rec", "plan", f"{BOTJ}/R2", "--actor", ICG, "--action",
            f"Consider international benchmarking when scoping every review|{ICG}|2004-06-30"),
        run("2004-01-26", "rec", "plan", f"{BOTJ}/R4", "--actor", MPA, "--action",
            f"PPRC monitors implementation six-monthly, fully minuted|{MPA}|2004-07-31"),
    ]  # fmt: skip
    for ref, who in (("R1", ICG), ("R2", ICG), ("R3", DOCJ), ("R4", MPA)):
        steps.append(run("2004-02-02", "rec", "start", f"{BOTJ}/{ref}", "--actor", who,
                         quiet=ref != "R1"))  # fmt: skip
    return [
        *steps,
        Sweep("2004-02-02"),
        Sweep("2004-03-01"),
        Say("The ILAU raises R2 to the Performance Board by hand"),
        run("2004-03-08", "escalate", f"{BOTJ}/R2", "--actor", ILAU, "--reason",
            "No progress update since the plan was agreed; benchmarking partners not yet chosen."),
        Sweep("2004-03-08"),
    ]  # fmt: skip


def _implementation() -> list[Step]:
    r1, r3, r2, r4 = (f"{BOTJ}/{ref}" for ref in ("R1", "R3", "R2", "R4"))
    return [
        Say("R1 done: monitoring cannot start while an action is open; the owner cannot sign off"),
        run("2004-03-29", "rec", "monitor", r1, "--actor", ICG, expect=3),
        run("2004-03-29", "rec", "action-done", r1, "1", "--actor", ICG),
        run("2004-03-29", "rec", "update", r1, "--actor", ICG, "--note",
            "Objectives agreed in the PID and adhered to throughout every review since.",
            "--degree", "completely", "--evidence", "PIDs of the 2004 Service Improvement Reviews"),
        run("2004-03-29", "rec", "monitor", r1, "--actor", ICG),
        run("2004-04-05", "rec", "complete", r1, "--actor", ICG, "--evidence", "PIDs", expect=3),
        run("2004-04-05", "rec", "complete", r1, "--actor", ILAU, "--evidence",
            "PIDs of the 2004 reviews list objectives that stayed constant; "
            "MPA considers it complete."),
        Say("R3 runs late: the owner asks for a revised target; the Performance Board approves it"),
        run("2004-04-19", "rec", "extend", r3, "--actor", DOCJ, "--to", "2004-10-29", "--reason",
            "The combined MPA/MPS review of implementation arrangements must report first."),
        run("2004-04-26", "rec", "approve-extension", r3, "--actor", BOARD),
        Sweep("2004-05-03"),
        run("2004-05-10", "rec", "update", r3, "--actor", DOCJ, "--note",
            "Plans in place for witness care and case progression; custody detention officers, "
            "flexible bail and corporate case files still to be planned.",
            "--degree", "partially"),
        Sweep("2004-06-01"),
        run("2004-06-30", "rec", "update", r2, "--actor", ICG, "--note",
            "Operational Support Policing review compared international forces.",
            "--degree", "moderately", quiet=True),
        Sweep("2004-07-01"),
        Say("R4: the authority now monitors six-monthly; signed off by the Performance Board"),
        run("2004-07-31", "rec", "action-done", r4, "1", "--actor", MPA, quiet=True),
        run("2004-07-31", "rec", "update", r4, "--actor", MPA, "--note",
            "PPRC reviewed implementation of all reviews at its six-monthly meeting.",
            "--degree", "completely", quiet=True),
        run("2004-07-31", "rec", "monitor", r4, "--actor", MPA, quiet=True),
        run("2004-08-02", "rec", "complete", r4, "--actor", BOARD, "--evidence",
            "PPRC minutes record six-monthly monitoring of implementation."),
        Sweep("2004-08-02"),
        Sweep("2004-09-01"),
        Say("September 2004: where everything stands, and what is overdue"),
        run("2004-09-01", "rec", "list", "--report", BOTJ),
        run("2004-09-01", "rec", "list", "--report", "md-2003"),
        run("2004-09-01", "rec", "list", "--overdue"),
        Say("The history of BOTJ R3, from the audit trail"),
        run("2004-09-01", "rec", "show", r3),
    ]  # fmt: skip


STORY: list[Step] = [
    *_district_audit(),
    *_inspection_and_committees(),
    *_responses(),
    *_plans(),
    *_managing_demand(),
    *_implementation(),
]
