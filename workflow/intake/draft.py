"""The draft import file `rectrack ingest` writes: the importer's YAML (README "Import
files"), with comments for the ILAU who checks it.

Each recommendation carries its ref, words, paragraph and (where it had one) subject; the
stored one it most likely repeats, if any scores the repeat threshold, as `repeats`. Comments
say its category and list every possible repeat with its score, and leave a place for its
owner. As written it imports cleanly; so it does with owners filled in (known people) or not.
"""

from __future__ import annotations

from typing import Any

import yaml

from workflow.intake.documents import clean
from workflow.intake.ingest import FoundRecommendation, Ingested

_WIDTH = 96  # of a comment's text


def draft_file(ingested: Ingested) -> str:
    """The draft import file, as YAML text."""
    draft = ingested.report
    lines = [
        f"# Draft import file made by `rectrack ingest` from {_one_line(draft.source)} on "
        f"{draft.made.isoformat()}.",
        "# Check each recommendation against the report: its words, paragraph, and the repeat",
        "# proposed; fill in owners (or leave them out); check the report's body, kind and",
        "# responding bodies. Then: rectrack import THIS_FILE --actor EMAIL",
    ]
    if ingested.warnings:
        lines.append("# Warnings:")
        lines += [f"#   {_one_line(w, 200)}" for w in ingested.warnings]
    fields: dict[str, Any] = {
        "key": draft.key,
        "title": draft.title,
        "body": draft.body,
        "kind": draft.kind,
    }
    if draft.published is not None:
        fields["published"] = draft.published
    fields["responding_bodies"] = list(draft.responding_bodies)
    lines.append("reports:")
    lines += _indented(_dump([fields]), 2)
    if not ingested.recommendations:
        lines.append("    recommendations: []")
    else:
        lines.append("    recommendations:")
        for found in ingested.recommendations:
            lines += _recommendation(found)
    return "\n".join(lines) + "\n"


def _recommendation(found: FoundRecommendation) -> list[str]:
    where = f", paragraph {found.paragraph}" if found.paragraph else ""
    lines = [f"      # {_one_line(found.ref)}: {found.category}{where}"]
    for candidate in found.possible_repeats:
        kind = "repeats?" if candidate.id == found.repeats else "related?"
        lines.append(
            f"      #   {kind} {candidate.id} ({candidate.score:.2f}): "
            f"{_one_line(candidate.text, 70)}"
        )
    fields: dict[str, Any] = {"ref": found.ref, "text": found.text}
    if found.paragraph:
        fields["paragraph"] = found.paragraph
    if found.subject:
        fields["subject"] = found.subject
    if found.category != "recommendation":
        fields["category"] = found.category
    if found.repeats:
        fields["repeats"] = found.repeats
    lines += _indented(_dump([fields]), 6)
    lines.append("        # owner: EMAIL")
    return lines


def _dump(value: Any) -> str:
    return yaml.safe_dump(
        value, sort_keys=False, allow_unicode=True, width=_WIDTH, default_flow_style=False
    )


def _indented(text: str, spaces: int) -> list[str]:
    return [" " * spaces + line if line else line for line in text.splitlines()]


def _one_line(text: str, width: int = _WIDTH) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
