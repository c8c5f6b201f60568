"""The demo's story, as a list of steps: headings that say what the seeds record and what is
simulated, each `rectrack` command line run at its moment (`--now`), each report imported, and
each morning on which the scheduler sweeps and sends.

2002: the District Audit action plan walked to where its 31 March 2002 summary left it (seed
003); 2003-2004: HMIC's Bringing Offenders to Justice (seed 001) and Managing Demand
inspections, answered as the joint MPS and MPA response answers them (seed 000). Whatever the
seeds do not record (the dates of most events, the sweeps, sign-offs, late work, extensions) is
simulated, and each heading says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workflow.demo.seeds import ASSUMED_TARGETS, DISTRICT_AUDIT, OWNERS

HERE = Path(__file__).parent
ILAU = "ilau@mps.example.org"
BOARD = "deputy.commissioner@mps.example.org"
BOTJ = "botj-2003"
MD = "md-2003"
DOCJ = "docj.commander@mps.example.org"
ICG = "icg.head@mps.example.org"
MPA = "best.value@mpa.example.org"
PPRC_CLERK = "pprc.clerk@mpa.example.org"
RESPONSE = "2004-01-12"  # the joint response's date: seed 000 is undated (assumed)


@dataclass(frozen=True, slots=True)
class Say:
    """A heading for the steps that follow, up to the next heading: `seeds` are the seed
    paragraphs (keys of `seeds.SEEDS`) that record what they do; `simulated` says what in them
    the seeds do not record (empty only if the seeds record all of it)."""

    text: str
    seeds: tuple[str, ...] = ()
    simulated: str = ""


@dataclass(frozen=True, slots=True)
class Run:
    """`rectrack --now NOW ARGS...`, which must exit `expect`; echoed unless `quiet`."""

    now: str
    args: tuple[str, ...]
    expect: int = 0
    quiet: bool = False


@dataclass(frozen=True, slots=True)
class Import:
    """`rectrack import` of one report (`report`, its key) and the people of `source`."""

    now: str
    report: str
    source: Path


@dataclass(frozen=True, slots=True)
class Sweep:
    """What the scheduler does that morning: sweep, generate agendas due, send the e-mail."""

    now: str


Step = Say | Run | Import | Sweep


def run(now: str, *args: str, expect: int = 0, quiet: bool = False) -> Run:
    return Run(now, args, expect, quiet)


def _assumed(ref: str) -> str:
    """A target the seed's timescale does not give is planned as assumed."""
    return " (assumed)" if ref in ASSUMED_TARGETS else ""


def _district_audit() -> list[Step]:
    recs = {ref: f"da-bvpp-2001/{ref}" for ref in DISTRICT_AUDIT}
    owner = {ref: f"{OWNERS[ref]}@mps.example.org" for ref in DISTRICT_AUDIT}
    met = [ref for ref, (_, _, degree, _) in DISTRICT_AUDIT.items() if degree == "completely"]
    accepted = "Accepted; the lead named in the action plan will implement it."
    steps: list[Step] = [
        Say(
            "2002: the District Audit report on the Policing and Performance Plan 2001/2, "
            "published 14 December 2001 (assumed), imported on 7 January 2002",
            seeds=("003",),
            simulated="the report's date and its import; seed 003 is its action plan's progress "
            "summary of 31 March 2002",
        ),
        Import("2002-01-07", "da-bvpp-2001", HERE / "da-2001.yaml"),
        Say(
            "January-February 2002: each lead accepts, plans and starts (not echoed)",
            seeds=("003",),
            simulated="the seeds record no response and no dates for these; each action "
            "paraphrases the progress its lead reported, its target is read from seed 003's "
            f"timescale, and assumed where it gives no date ({', '.join(ASSUMED_TARGETS)})",
        ),
    ]
    steps += [run("2002-01-21", "rec", "respond", recs[ref], "--actor", ILAU, "--body", "MPS",
                  "--text", accepted, quiet=True) for ref in recs]  # fmt: skip
    steps += [
        run("2002-02-04", "rec", "plan", recs[ref], "--actor", owner[ref],
            "--action", f"{action}|{owner[ref]}|{target}{_assumed(ref)}", quiet=True)
        for ref, (action, target, _, _) in DISTRICT_AUDIT.items()
    ]  # fmt: skip
    steps += [run("2002-02-11", "rec", "start", recs[ref], "--actor", owner[ref], quiet=True)
              for ref in recs]  # fmt: skip
    steps += [
        Say(
            "31 March 2002: each lead's progress update and degree met, as seed 003 gives them",
            seeds=("003",),
        ),
        *(run("2002-03-31", "rec", "update", recs[ref], "--actor", owner[ref], "--note",
              progress, "--degree", degree, quiet=True)
          for ref, (_, _, degree, progress) in DISTRICT_AUDIT.items()),
        Say(
            f"April 2002: the ILAU signs off the {len(met)} met completely",
            simulated="seed 003 says only 'Recommendation met: completely'; the actions "
            "closed, the monitoring and the sign-off are the demo's",
        ),
    ]  # fmt: skip
    evidence = "Action plan progress summary, 31 March 2002: "
    steps += [run("2002-03-31", "rec", "action-done", recs[ref], "1", "--actor", owner[ref],
                  quiet=True) for ref in met]  # fmt: skip
    steps += [run("2002-04-08", "rec", "monitor", recs[ref], "--actor", owner[ref], quiet=True)
              for ref in met]  # fmt: skip
    steps += [run("2002-04-15", "rec", "complete", recs[ref], "--actor", ILAU, "--evidence",
                  evidence + DISTRICT_AUDIT[ref][3], quiet=True) for ref in met]  # fmt: skip
    steps.append(run("2002-04-15", "rec", "list", "--report", "da-bvpp-2001"))
    return steps


def _inspection_and_committees() -> list[Step]:
    return [
        Say("October 2003: HMIC publishes its inspection of Bringing Offenders to Justice: "
            "the service 'Fair', its prospects 'Uncertain', four recommendations",
            seeds=("001 title", "001 1.2.1", "001 1.3.1", "001 5"),
            simulated="the day, 1 October 2003 (assumed), and the import on 3 November 2003"),
        Import("2003-11-03", BOTJ, HERE / "hmic-2003.yaml"),
        Say("The committees: the PPRC monitors implementation every six months",
            seeds=("001 2.1.2",),
            simulated="the PPRC's meeting dates, and a monthly Performance Board that receives "
            "the outstanding recommendations, as seed 002 (5) describes it in 2006"),
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
        Say("November 2003: the ILAU passes R3 from PRS to the Department of Criminal Justice",
            simulated="the seeds record no reassignment of R3; the restructure they describe "
            "moved the review itself from PRS to TPHQ at the end of 2002, before the report "
            "(001 2.4.2, 4.1.6)"),
        run("2003-11-10", "rec", "reassign", f"{BOTJ}/R3", "--actor", ILAU, "--owner", DOCJ),
        Say("December 2003: the scheduler's sweeps: reminders before and on the day, "
            "escalations a week after",
            simulated="the seeds say nothing of the District Audit plan after 31 March 2002: "
            "here no lead updates it again, so the first sweep escalates its open "
            "recommendations"),
        Sweep("2003-12-01"),
        Say("December 2003: HMIC's inspection of Managing Demand is published, on 1 December "
            "2003 (assumed)",
            seeds=("000 MD R1", "000 MD R2"),
            simulated="the seeds give its two recommendations (in seed 000) but not its date; "
            "imported a week later"),
        Import("2003-12-08", MD, HERE / "hmic-2003.yaml"),
        Sweep("2003-12-22"),
        Say("January 2004: BOTJ's 56-day response period has passed",
            simulated="the seeds do not date the response: here it comes late, and the sweep "
            "escalates it"),
        run("2004-01-05", "rec", "list", "--overdue"),
        Sweep("2004-01-05"),
        Sweep("2004-01-07"),
    ]  # fmt: skip


# The joint MPS and MPA response (seed 000), verbatim: rec -> (what the MPS said, or None for
# "not applicable", what the MPA said, and whether the MPA considered it complete).
ANSWERS: dict[str, tuple[str | None, str, bool]] = {
    f"{BOTJ}/R1": (
        "The MPS has improved its processes for identifying and scoping reviews as part of the "
        "transition to Service Improvement Reviews. These changes have addressed this "
        "recommendation.",
        "All reviews now contain a list of objectives within the Project Initiation Document "
        "(PID) which remains constant throughout the life of the review.",
        True,
    ),
    f"{BOTJ}/R2": (
        "International benchmarking will be considered in all future reviews and comparative "
        "work undertaken where that would be appropriate and add value to the review process.",
        "International comparisons have been undertaken in subsequent reviews such as the "
        "Operational Support Policing Service Improvement Review where this has been judged "
        "of benefit.",
        True,
    ),
    f"{BOTJ}/R3": (
        "Internal Consultancy Group (ICG) will offer additional support to managers "
        "responsible for implementing review recommendations to develop plans that can be "
        "more effectively monitored.",
        "The MPA acknowledges the need to look again at all implementation arrangements.",
        True,
    ),
    f"{BOTJ}/R4": (
        None,
        "The MPA can document progress monitoring of review recommendations by",
        True,
    ),
    f"{MD}/R1": (
        "This recommendation repeats Recommendation 1 of the BOTJ inspection.",
        "Please see the MPA response to BOTJ Recommendation 1 for further details.",
        True,
    ),
    f"{MD}/R2": (
        "It is proposed that a combined MPA/MPS review of implementation arrangements be "
        "undertaken that reports back to PPRC before the end of this financial year that "
        "considers the implementation issues raised in these and other inspection reports.",
        "The MPA should carry out a review of the implementation of improvement projects in "
        "conjunction with the MPS to identify how the existing processes can be improved.",
        False,
    ),
}
# BOTJ R4's MPA answer runs across the seed's columns; the demo records it whole.
R4_MPA = (
    "The MPA can document progress monitoring of review recommendations by committees at six "
    "monthly intervals for all other reviews."
)


def _responses() -> list[Step]:
    steps: list[Step] = [
        Say("12 January 2004 (assumed): the joint MPS and MPA response, each body's words as "
            "seed 000 gives them, with the MPA's verdict 'considered complete' on five",
            seeds=("000 BOTJ R1", "000 BOTJ R2", "000 BOTJ R3", "000 BOTJ R4", "000 MD R1",
                   "000 MD R2", "000 verdicts"),
            simulated="the date: seed 000 is undated"),
    ]  # fmt: skip
    for rec, (mps, mpa, complete) in ANSWERS.items():
        quiet = rec not in (f"{BOTJ}/R1", f"{BOTJ}/R4")
        said = ("--text", mps) if mps is not None else ("--not-applicable", "MPA issue.")
        verdict = ("--considered-complete",) if complete else ()
        steps += [
            run(RESPONSE, "rec", "respond", rec, "--actor", ILAU, "--body", "MPS", *said,
                quiet=quiet),
            run(RESPONSE, "rec", "respond", rec, "--actor", ILAU, "--body", "MPA",
                "--text", R4_MPA if rec == f"{BOTJ}/R4" else mpa, *verdict, quiet=quiet),
        ]  # fmt: skip
    return [
        *steps,
        Say("Managing Demand R1 repeats BOTJ R1: recorded as superseded by it, with the link",
            seeds=("000 MD R1",),
            simulated="recording the repeat as a supersession is the ILAU's choice here"),
        run("2004-01-19", "rec", "supersede", f"{MD}/R1", "--actor", ILAU, "--by", f"{BOTJ}/R1"),
        Sweep("2004-01-19"),
    ]  # fmt: skip


def _done_already() -> list[Step]:
    """BOTJ R1, R2 and R4: the work seed 000 says was done, recorded as done by the response."""
    work = {
        "R1": (ICG, "Project Initiation Documents set objectives that remain constant"),
        "R2": (ICG, "International comparisons in the Operational Support Policing review"),
        "R4": (MPA, "Committees monitor review recommendations at six-monthly intervals"),
    }
    steps: list[Step] = [
        Say("BOTJ R1, R2 and R4: the work the response says is done, recorded as done by it",
            seeds=("000 BOTJ R1", "000 BOTJ R2", "000 BOTJ R4", "000 verdicts"),
            simulated=f"the day it was done (taken as the response's, {RESPONSE} (assumed)), "
            "the owners' updates and the ILAU's sign-off on the MPA's verdict"),
    ]  # fmt: skip
    for ref, (who, action) in work.items():
        rec, quiet = f"{BOTJ}/{ref}", ref != "R1"
        steps += [
            run("2004-01-26", "rec", "plan", rec, "--actor", who,
                "--action", f"{action}|{who}|{RESPONSE}|done:{RESPONSE}", quiet=quiet),
            run("2004-01-26", "rec", "start", rec, "--actor", who, quiet=True),
            run("2004-01-26", "rec", "update", rec, "--actor", who, "--note",
                f"{action}: done, as the joint response records.", "--degree", "completely",
                quiet=quiet),
            run("2004-01-26", "rec", "monitor", rec, "--actor", who, quiet=quiet),
        ]  # fmt: skip
    return steps


def _sign_offs() -> list[Step]:
    evidence = "Joint MPS and MPA response: the MPA considers it complete."
    return [
        Say("The owner cannot sign off their own work; the ILAU does",
            simulated="the sign-offs: the seeds record only the MPA's verdict"),
        run("2004-01-30", "rec", "complete", f"{BOTJ}/R1", "--actor", ICG, "--evidence",
            evidence, expect=3),
        *(run("2004-01-30", "rec", "complete", f"{BOTJ}/{ref}", "--actor", ILAU, "--evidence",
              evidence, quiet=ref != "R1") for ref in ("R1", "R2", "R4")),
        Say("February-March 2004: reminders, then the first missed updates escalated",
            simulated="the seeds record none of this"),
        run("2004-02-02", "rec", "start", f"{BOTJ}/R3", "--actor", DOCJ, quiet=True),
        run("2004-02-02", "rec", "start", f"{MD}/R2", "--actor", MPA, quiet=True),
        Sweep("2004-02-02"),
        Sweep("2004-03-01"),
        Sweep("2004-03-08"),
    ]  # fmt: skip


def _plans() -> list[Step]:
    return [
        Say("The plans for what is still to do: BOTJ R3 (the inspection found no implementation "
            "plan) and the combined review of Managing Demand R2",
            seeds=("000 BOTJ R3", "001 4.2.3", "000 MD R2"),
            simulated="the plans' dates, their owners and the refused first attempt; the "
            "combined review's target is the end of the 2003/04 financial year (assumed)"),
        run("2004-01-26", "rec", "plan", f"{BOTJ}/R3", "--actor", DOCJ, "--action",
            f"Implementation plan for the outstanding BOTJ recommendations|{DOCJ}|2003-12-31",
            expect=3),
        run("2004-01-26", "rec", "plan", f"{BOTJ}/R3", "--actor", DOCJ,
            "--action", "ICG support to implementation managers to develop plans that can be "
            f"more effectively monitored|{ICG}|2004-04-30",
            "--action", "Implementation plan for custody detention officers, flexible bail to "
            f"court and corporate case files|{DOCJ}|2004-04-30"),
        run("2004-01-26", "rec", "plan", f"{MD}/R2", "--actor", MPA, "--action",
            f"Combined MPA/MPS review of implementation arrangements reports to PPRC|{MPA}"
            "|2004-03-31"),
    ]  # fmt: skip


def _implementation() -> list[Step]:
    r3, md2 = f"{BOTJ}/R3", f"{MD}/R2"
    late = "from here on the seeds are silent: everything that follows is simulated"
    return [
        Say("Spring 2004: the combined review runs late, and R3 waits for it", simulated=late),
        run("2004-03-29", "rec", "update", md2, "--actor", MPA, "--note",
            "Terms of reference for the combined review agreed with the MPS; it will not report "
            "before the end of the financial year.", "--degree", "partially"),
        Sweep("2004-04-01"),
        Sweep("2004-04-08"),
        run("2004-04-19", "rec", "extend", r3, "--actor", DOCJ, "--to", "2004-10-29", "--reason",
            "The combined MPA/MPS review of implementation arrangements must report first."),
        run("2004-04-26", "rec", "approve-extension", r3, "--actor", BOARD),
        Sweep("2004-05-03"),
        run("2004-05-10", "rec", "update", r3, "--actor", DOCJ, "--note",
            "Plans in place for witness care and case progression; custody detention officers, "
            "flexible bail and corporate case files still to be planned.",
            "--degree", "partially"),
        Say("Summer 2004: the monthly sweeps go on", simulated=late),
        Sweep("2004-06-01"),
        Sweep("2004-07-01"),
        Sweep("2004-08-02"),
        Sweep("2004-09-01"),
        Say("September 2004: where everything stands, and what is overdue",
            simulated="the state the simulated history above has reached"),
        run("2004-09-01", "rec", "list", "--report", BOTJ),
        run("2004-09-01", "rec", "list", "--report", MD),
        run("2004-09-01", "rec", "list", "--overdue"),
        Say("The history of BOTJ R3, from the audit trail",
            simulated="the events above, seed-recorded or simulated as they said"),
        run("2004-09-01", "rec", "show", r3),
    ]  # fmt: skip


STORY: list[Step] = [
    *_district_audit(),
    *_inspection_and_committees(),
    *_responses(),
    *_done_already(),
    *_plans(),
    *_sign_offs(),
    *_implementation(),
]
