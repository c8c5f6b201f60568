"""Finding the recommendations in a report's paragraphs.

Read are the forms of the seed reports and of current HMICFRS reports: "Recommendation 3",
"Recommendation 3:" or "R3", with the text after it or in the next paragraph (a lead-in ending
in a colon takes the list that follows); "Area for improvement" (numbered or not, and each item
under "Areas for improvement"); and "Cause of concern" with its text, followed by its
"Recommendations": a lead-in such as "Within three months, the force should:" and a list,
each item one recommendation.

A recommendation found twice (in the text and again in a summary of recommendations) is kept
once: by its number, or by its words when it has none. Its paragraph is the one it names,
"(paragraph 4.2.3)", or else the numbered paragraph before it in the text (never one before
a summary). A heading followed by nothing that recommends ("should", "recommends", "must")
is left out, with a warning.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from workflow.intake.blocks import (
    LIST_HEADING,
    NUMBERED,
    Block,
    blocks,
    heading,
)

RECOMMENDATION, IMPROVEMENT, CONCERN = "recommendation", "area for improvement", "cause of concern"
CATEGORIES = (RECOMMENDATION, IMPROVEMENT, CONCERN)
_ASKS = re.compile(
    r"\b(?:recommends?|recommended|should|must|ought\s+to|needs?\s+to|(?:is|are|has|have)\s+to"
    r"|(?:is|are)\s+required)\b",
    re.I,
)
# Or an instruction, as audit reports write them ("Define the principles ..."): a sentence,
# not a title ("Review programme").
_INSTRUCTION = re.compile(
    r"^(?:Adopt|Agree|Align|Appoint|Assess|Build|Carry\s+out|Clarify|Confirm|Consider|Continue"
    r"|Create|Define|Develop|Embed|Ensure|Establish|Evaluate|Identify|Implement|Improve|Increase"
    r"|Integrate|Introduce|Maintain|Make|Monitor|Produce|Provide|Publish|Put|Record|Reduce"
    r"|Review|Revise|Set|Share|Strengthen|Take|Tighten|Train|Undertake|Update|Use)\s+\S+(?:\s+\S+){3}",
    re.I,
)
_PARAGRAPH = re.compile(
    r"\s*[(\[](?:see\s+)?(?:paragraphs?|paras?\.?)\s+"
    r"(?P<ref>\d+(?:\.\d+)*(?:\s*(?:,|and|to|-|–)\s*\d+(?:\.\d+)*)*)[)\]]"
    r"(?P<end>[.;]?)\s*$",
    re.I,
)
_LIST_END = re.compile(r"(?:\s*[;,](?:\s*(?:and|or))?|\s+(?:and|or))\s*$")
_MOST_PARAGRAPH = 32  # what `recommendation.paragraph` holds


@dataclass(frozen=True, slots=True)
class Found:
    """One recommendation as found: its ref in the report, words, paragraph and category."""

    ref: str
    text: str
    paragraph: str | None
    category: str
    subject: str | None = None
    """Its title, where it has one ("Recommendation 1: Clear aims")."""


@dataclass(frozen=True, slots=True)
class Extraction:
    found: tuple[Found, ...]
    warnings: tuple[str, ...]
    title: str | None
    """The document's first paragraph, which is usually its title."""


@dataclass(eq=False)
class _Item:
    category: str
    number: str | None
    label: str  # how it was headed, for warnings
    paragraph: str | None = None
    explicit: bool = False  # the paragraph was named, not inferred
    parts: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # a list after a lead-in
    parent: _Item | None = None
    subject: str | None = None  # a title before its words
    ref: str = ""

    @property
    def text(self) -> str:
        lead = " ".join(self.parts)
        return "\n".join([lead, *(f"- {i}" for i in self.items)]) if self.items else lead


def extract(lines: Sequence[str]) -> Extraction:
    """The recommendations in a document's lines (see `workflow.intake.documents`)."""
    found = blocks(lines)
    reader = _Reader(_paragraph_depth(found))
    for block in found:
        reader.read(block)
    reader.close()
    items = _with_refs(reader.kept)
    return Extraction(
        tuple(Found(i.ref, i.text, i.paragraph, i.category, i.subject) for i in items),
        tuple(reader.warnings),
        found[0].text[:200] if found else None,
    )


def _paragraph_depth(found: list[Block]) -> int:
    """How many parts the document's paragraph numbers have (3 for "4.2.3"): the commonest
    count of two or more, as paragraphs outnumber the headings above them ("4.2")."""
    depths = Counter(
        m.group("number").count(".") + 1 for b in found if (m := NUMBERED.match(b.text)) is not None
    )
    counted = [(n, depth) for depth, n in depths.items() if depth >= 2]
    return max(counted)[1] if counted else 2


class _Reader:
    """Reads the paragraphs in order, keeping what is found and what is wrong."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.kept: list[_Item] = []
        self.warnings: list[str] = []
        self.open: _Item | None = None
        self.paragraph: str | None = None
        self.in_summary = False
        self.concern: _Item | None = None  # the cause of concern whose recommendations follow
        self.mode: str | None = None  # "concern" (its recommendations), "improvements"
        self.lead: str | None = None

    def read(self, block: Block) -> None:
        text = block.text
        number = NUMBERED.match(text)
        if number is not None and not LIST_HEADING.match(text):
            self.close(reset=True)
            self.in_summary = False  # numbered text again: the summary has ended
            if number.group("number").count(".") + 1 == self.depth:
                self.paragraph = number.group("number")
            return
        found = heading(text)
        if found is not None:
            self._heading(found)
        elif (listed := LIST_HEADING.match(text)) is not None:
            self._list_heading(listed)
        else:
            self._paragraph(block)

    def _heading(self, found: re.Match[str]) -> None:
        word = " ".join(found.groupdict().get("word", "R").casefold().split())
        category = word if word in CATEGORIES else RECOMMENDATION
        rest = found.group("rest").strip()
        if category == RECOMMENDATION and self.concern is not None and not found.group("number"):
            self.close()
            self.mode = "concern"
            if rest:
                self._concern_item(rest)
            return
        self.close(reset=True)
        label = found.group(0)[: len(found.group(0)) - len(found.group("rest"))].strip()
        item = _Item(category, found.group("number"), label or word)
        item.paragraph = None if self.in_summary else self.paragraph
        if rest:
            item.parts.append(rest)
        self.open = item
        if category == CONCERN:
            self.concern = item

    def _list_heading(self, found: re.Match[str]) -> None:
        first = " ".join(found.group("first").casefold().split())
        alone = found.group(0).strip().rstrip(":").strip().casefold() == first
        self.close()
        if alone and first == "recommendations" and self.concern is not None:
            self.mode = "concern"
        elif alone and first == "areas for improvement":
            self.concern, self.mode = None, "improvements"
        else:
            self.close(reset=True)
            self.in_summary = True  # until the numbered text goes on

    def _paragraph(self, block: Block) -> None:
        if self.open is not None and _more(self.open, block):
            return
        self.close()
        if self.mode == "concern":
            if block.text.endswith(":") and not block.bullet:
                self.lead = block.text[:-1].strip()
            elif block.bullet or _asks(block.text):
                self._concern_item(block.text)
            else:
                self.concern = self.mode = self.lead = None
        elif self.mode == "improvements":
            if block.bullet or _asks(block.text):
                self._finish(_Item(IMPROVEMENT, None, "Areas for improvement", parts=[block.text]))
            else:
                self.mode = None

    def _concern_item(self, text: str) -> None:
        if self.lead:
            text = f"{self.lead} {_item_text(text)}"
            text = text if text.endswith((".", "?", "!")) else text + "."
        item = _Item(RECOMMENDATION, None, "Recommendations", parts=[text], parent=self.concern)
        self._finish(item)

    def close(self, reset: bool = False) -> None:
        """End the recommendation being read; with `reset`, the list it was in too."""
        if self.open is not None:
            item, self.open = self.open, None
            kept = self._finish(item)
            if item is self.concern:
                self.concern = kept
        if reset:
            self.concern = self.mode = self.lead = None

    def _finish(self, item: _Item) -> _Item | None:
        """Keep `item` if it recommends something; returns it, or the one it repeats."""
        if item.parts:
            named = _PARAGRAPH.search(item.parts[-1])
            if named is not None:
                item.parts[-1] = item.parts[-1][: named.start()] + named.group("end")
                item.paragraph, item.explicit = named.group("ref")[:_MOST_PARAGRAPH], True
        if item.paragraph is not None:
            item.paragraph = item.paragraph[:_MOST_PARAGRAPH]
        if not item.text.strip():
            self.warnings.append(f"{item.label}: no text follows it: left out")
            return None
        if item.category != CONCERN and not _asks(item.text):
            self.warnings.append(
                f"{item.label}: {_short(item.text)!r} recommends nothing (no 'should', "
                "'must' or 'recommends'): left out"
            )
            return None
        return _keep(self.kept, item, self.warnings)


def _more(item: _Item, block: Block) -> bool:
    """Add `block` to `item` if it is more of it: its first words, the list after its lead-in,
    or its words after a title ("Recommendation 1: Clear aims"); whether it was."""
    if not item.parts:
        item.parts.append(block.text)
    elif item.items or (block.bullet and item.parts[-1].endswith(":")):
        if not block.bullet:
            return False
        item.items.append(_item_text(block.text))
    elif item.parts[-1].endswith(":"):
        item.parts.append(block.text)
    elif item.category != CONCERN and not _asks(item.text) and _asks(block.text):
        item.subject, item.parts = " ".join(item.parts).rstrip(".:"), [block.text]
    else:
        return False
    return True


def _asks(text: str) -> bool:
    """Whether `text` recommends something (rather than title or describe it)."""
    return bool(_ASKS.search(text) or _INSTRUCTION.match(text))


def _item_text(text: str) -> str:
    """A list item's words without the punctuation that joined it to the next ("; and")."""
    return _LIST_END.sub("", text.strip()).strip() or text.strip()


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _words(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def _keep(kept: list[_Item], item: _Item, warnings: list[str]) -> _Item:
    """Add `item`, or merge it into the one it repeats (the same words, or the same number);
    returns the one kept."""
    words = _words(item.text)
    for other in kept:
        if other.category == item.category and _words(other.text) == words:
            _merge(other, item)
            return other
    if item.number is None:
        kept.append(item)
        return item
    for other in kept:
        if other.category == item.category and other.number == item.number:
            if SequenceMatcher(None, _words(other.text), words).ratio() >= 0.9:
                _merge(other, item)
                return other
            warnings.append(
                f"{item.label} appears twice, in different words: both are kept (check which "
                "is meant)"
            )
            item.number = f"{item.number}-{sum(o.number == other.number for o in kept) + 1}"
            break
    kept.append(item)
    return item


def _merge(kept: _Item, again: _Item) -> None:
    """The first finding's words; the paragraph it names, or the one found in the text."""
    if (again.explicit and not kept.explicit) or kept.paragraph is None:
        kept.paragraph, kept.explicit = again.paragraph or kept.paragraph, again.explicit


def _with_refs(items: list[_Item]) -> list[_Item]:
    """Refs: "R3" for Recommendation 3, "AFI2" for an area for improvement, "CC1" for a
    cause of concern and "CC1.R2" for its second recommendation; numbers found are kept and
    the rest follow on."""
    prefixes = {RECOMMENDATION: "R", IMPROVEMENT: "AFI", CONCERN: "CC"}
    used: set[str] = set()
    counters = {c: 0 for c in CATEGORIES}
    for item in items:
        if item.number is not None and item.parent is None:
            item.ref = prefixes[item.category] + item.number
            used.add(item.ref)
    for item in items:
        if item.ref or item.parent is not None:
            continue
        while not item.ref or item.ref in used:
            counters[item.category] += 1
            item.ref = f"{prefixes[item.category]}{counters[item.category]}"
        used.add(item.ref)
    children: dict[int, int] = {}
    for item in items:
        if item.parent is not None:
            children[id(item.parent)] = children.get(id(item.parent), 0) + 1
            item.ref = f"{item.parent.ref or 'CC'}.R{children[id(item.parent)]}"
    return items
