"""A report's lines joined into its paragraphs ("blocks"), as they were before the text was
wrapped into lines and pages.

A paragraph ends at an empty line; at a page break after a finished sentence; before a list
item; after a heading such as "Recommendation 3"; and before a line that starts a numbered
paragraph or a heading (or any new sentence) where the line before it could not have been
wrapped on: a text whose lines are not wrapped (most are long), or a short line ending a
sentence. A word broken over two lines with a hyphen is joined again, keeping the hyphen only
when the document writes that word with one elsewhere ("cross-cutting").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workflow.intake.documents import BULLET, PAGE_BREAK

# "4.2.3 The inspection ..." or "4. Judgement 2": a bare number ("12 officers") is no heading.
NUMBERED = re.compile(r"^(?P<number>\d{1,3}(?:\.\d{1,3}){1,3}|\d{1,3}(?=\.))\.?\s+(?=\S)")
KEYWORD = re.compile(
    r"^(?P<word>(?i:recommendation|area\s+for\s+improvement|cause\s+of\s+concern))(?![A-Za-z])"
    r"(?:\s+(?:[Nn]o\.?\s*)?(?P<number>\d{1,3}(?:\.\d{1,2})?))?"
    r"(?P<sep>\s*[:.)\-–—])?\s*(?P<rest>.*)$",
    re.S,
)
SHORT_FORM = re.compile(
    r"^R(?P<number>\d{1,3})(?![\w/])(?P<sep>\s*[:.)\-–—])?\s*(?P<rest>.*)$", re.S
)
_PLURAL = r"(?:recommendations|areas\s+for\s+improvement|causes\s+of\s+concern)"
LIST_HEADING = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?\s+|(?:annex|appendix)\s+\w{1,3}\s*[:.\-–—]?\s*)?"
    r"(?:(?:summary|list)\s+of\s+(?:the\s+|our\s+)?)?"
    rf"(?P<first>{_PLURAL})(?:\s*(?:,|and|&)\s*(?:the\s+)?{_PLURAL})*\s*:?$",
    re.I,
)
_CLOSED = re.compile(r"[.!?:;][\"'’”)\]]*$")
_OPENS = re.compile(r"^[\"'‘“(\[]?[A-Z0-9]")
_BROKEN = re.compile(r"(\w+)-$")
_HYPHENATED = re.compile(r"\b\w+-\w+\b")
_WRAPPED_WIDTH = 110  # lines of at most this (nine in ten) are taken to be wrapped


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph: its text on one line, and whether it was an item of a list."""

    text: str
    bullet: bool = False


def heading(text: str) -> re.Match[str] | None:
    """The "Recommendation 3:" (or "R3", "Area for improvement", "Cause of concern 2")
    that `text` starts with, if it starts one and does not merely mention the word: with
    nothing after the number but a separator or a new sentence."""
    found = KEYWORD.match(text) or SHORT_FORM.match(text)
    if found is None or not found.group(0)[0].isupper():
        return None
    rest = found.group("rest")
    if rest and not found.group("sep") and not _OPENS.match(rest):
        return None  # "Recommendation 2 from the Managing Demand inspection ..."
    if found.re is SHORT_FORM and not found.group("sep") and rest and not rest[0].isupper():
        return None
    return found


def starts_something(line: str) -> bool:
    """Whether a line starts a numbered paragraph, a heading we read, or a list."""
    text = line.removeprefix(BULLET)
    return bool(
        line.startswith(BULLET) or NUMBERED.match(text) or heading(text) or LIST_HEADING.match(text)
    )


def heading_alone(text: str) -> bool:
    """ "Recommendation 3", "Cause of concern:" or "Recommendations", with nothing after."""
    found = heading(text)
    return (found is not None and not found.group("rest").strip()) or bool(LIST_HEADING.match(text))


def blocks(lines: Sequence[str]) -> list[Block]:
    """The paragraphs of a document's lines."""
    filled = sorted(len(line) for line in lines if line.strip() and line != PAGE_BREAK)
    wide = filled[int(len(filled) * 0.9)] if filled else 0
    wrapped = len(filled) >= 5 and wide <= _WRAPPED_WIDTH
    compounds = {w.casefold() for line in lines for w in _HYPHENATED.findall(line)}
    found: list[Block] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            found.append(_block(current, compounds))
            current.clear()

    for line in lines:
        if line == PAGE_BREAK:
            if current and _CLOSED.search(current[-1]):
                flush()
        elif not line.strip():
            flush()
        else:
            if current and _ends_before(current[-1], line, wrapped, wide):
                flush()
            current.append(line.strip())
    flush()
    return found


def _ends_before(previous: str, line: str, wrapped: bool, wide: int) -> bool:
    """Whether the paragraph holding `previous` ends before `line`."""
    if line.startswith(BULLET) or heading_alone(previous.removeprefix(BULLET)):
        return True
    if line[:1].islower() or previous.endswith("-"):
        return False  # the sentence (or the word) goes on
    free = not wrapped or len(previous) < 0.75 * wide  # `previous` was not wrapped onto `line`
    if free and heading(previous.removeprefix(BULLET)):  # "Recommendation 3: Its title"
        return True
    if starts_something(line):
        return free or bool(_CLOSED.search(previous))
    return free and bool(_CLOSED.search(previous)) and bool(_OPENS.match(line))


def _block(lines: list[str], compounds: set[str]) -> Block:
    bullet = lines[0].startswith(BULLET)
    text = lines[0].removeprefix(BULLET)
    for line in lines[1:]:
        line = line.removeprefix(BULLET)
        broken = _BROKEN.search(text)
        if text.endswith("\u00ad"):
            text = text[:-1] + line
        elif broken and line[:1].islower():
            first = re.match(r"\w+", line)
            whole = f"{broken.group(1)}-{first.group() if first else ''}".casefold()
            text = text + line if whole in compounds else text[:-1] + line
        else:
            text = f"{text} {line}"
    return Block(" ".join(text.replace("\u00ad", "").split()), bullet)
