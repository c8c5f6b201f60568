"""The seed facts the demo walks through: the seed paragraphs its steps cite (`SEEDS`), the
dates it assumes (`ASSUMED`), and the District Audit action plan of 31 March 2002 (seed 003),
with each lead's action, target, degree met and progress update, excerpted."""

from __future__ import annotations

# The seed paragraphs the story cites: ref -> (seed file in ../shared/seeds, words it says,
# verbatim). A step that cites a ref does what these words say; tests check they are there.
SEEDS: dict[str, tuple[str, str]] = {
    "000 BOTJ R1": (
        "000_e68de819b305d33d.txt",
        "These changes have addressed this recommendation.",
    ),
    "000 BOTJ R2": (
        "000_e68de819b305d33d.txt",
        "International comparisons have been undertaken in subsequent reviews",
    ),
    "000 BOTJ R3": (
        "000_e68de819b305d33d.txt",
        "Internal Consultancy Group (ICG) will offer additional support to managers",
    ),
    "000 BOTJ R4": ("000_e68de819b305d33d.txt", "Not applicable, MPA issue."),
    "000 MD R1": (
        "000_e68de819b305d33d.txt",
        "This recommendation repeats Recommendation 1 of the BOTJ inspection.",
    ),
    "000 MD R2": (
        "000_e68de819b305d33d.txt",
        "a combined MPA/MPS review of implementation arrangements be undertaken that reports "
        "back to PPRC before the end of this financial year",
    ),
    "000 verdicts": ("000_e68de819b305d33d.txt", "This recommendation is considered complete."),
    "001 title": ("001_ed4b0be2dbd59efa.txt", "Bringing Offenders to Justice October 2003"),
    "001 1.2.1": (
        "001_ed4b0be2dbd59efa.txt",
        "The subsequent HMIC inspection of BOTJ concluded the service provided was",
    ),
    "001 1.3.1": (
        "001_ed4b0be2dbd59efa.txt",
        "HMIC judged that the prospects for improvement were 'Uncertain'.",
    ),
    "001 2.1.2": (
        "001_ed4b0be2dbd59efa.txt",
        "Implementation of the report's recommendations is monitored every six months at the PPRC.",
    ),
    "001 4.2.3": (
        "001_ed4b0be2dbd59efa.txt",
        "BOTJ made recommendations for custody detention officers, flexible bail to court and "
        "corporate case files. These recommendations have not been developed",
    ),
    "001 5": ("001_ed4b0be2dbd59efa.txt", "5. Recommendations"),
    "002 5": (
        "002_939e85ecfafab934.txt",
        "a summary of all new and outstanding inspection activity is provided to Performance Board",
    ),
    "003": (
        "003_8a3584b528f67d05.txt",
        "ACTION PLAN PROGRESS SUMMARY: DISTRICT AUDIT REPORT ON POLICING AND PERFORMANCE PLAN",
    ),
}

# Dates the seeds do not give, which the demo assumes: printed with "(assumed)" wherever the
# demo prints them. The reports' publication dates are marked "is assumed" in their YAML too.
ASSUMED = {
    "2001-12-14": "the District Audit report's publication (not in seed 003)",
    "2003-10-01": "the day BOTJ was published (seed 001 says October 2003)",
    "2003-12-01": "Managing Demand's publication (not in the seeds)",
    "2004-01-12": "the joint MPS and MPA response (seed 000 is undated)",
}

# District Audit targets the demo assumes where seed 003's timescale gives no date.
ASSUMED_TARGETS = {
    "R1": "This depends on future amendments to the BVPI suite",
    "R3": "Ongoing",
    "R4": "no timescale",
    "R7": "garbled in the seed",
    "R8": "Ongoing development work",
    "R11": "Complete",
}

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
