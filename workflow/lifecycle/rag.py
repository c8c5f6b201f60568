"""RAG status: red, amber or green for each open recommendation, by a rule in the rules file."""

from __future__ import annotations

from datetime import date, timedelta

from config import Rule
from states import FINAL, Due


def rag_status(
    state: str,
    due: Due,
    today: date,
    rule: Rule,
    escalated: bool = False,
    extension_pending: bool = False,
    target_revised: bool = False,
) -> str | None:
    """RED, AMBER or GREEN for an open recommendation; None once complete or superseded."""
    if state in FINAL:
        return None
    if escalated or (due.next is not None and due.next < today):
        return "RED"
    soon = today + timedelta(days=rule.rag_amber_within_days)
    if (due.next is not None and due.next <= soon) or extension_pending or target_revised:
        return "AMBER"
    return "GREEN"


def rag_rule_text(rule: Rule) -> str:
    """The rule in words, for the notes of every report that shows RAG statuses."""
    return (
        "RAG status: RED when a response, plan, progress update or target date has passed, "
        "or the recommendation is escalated; AMBER when one falls due within "
        f"{rule.rag_amber_within_days} days, an extension awaits a decision, or the target "
        "date has been revised; GREEN otherwise. Complete and superseded recommendations "
        "carry none. (Rule: rag_amber_within_days in the rules file.)"
    )
