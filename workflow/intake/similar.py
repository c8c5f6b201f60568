"""The stored recommendations most like new ones: possible repeats, and related ones.

A score is the mean of two TF-IDF cosines (scikit-learn), one over words (English stop words
left out), one over the four-letter runs inside words (so "monitors" and "monitoring" meet);
both in [0, 1]. (Word pairs and runs of three to five letters did no better on the labelled
set, `tests/data/repeats.yaml`, and cost more.) The words every inspection uses to open a
recommendation ("Her Majesty's Inspector recommends that", "By 31 March 2024,", "Within three
months,") say nothing of what it asks, and are left out first.

Set-based: the stored texts are read in one query and vectorised once, with the new ones,
for each report; the letter runs of all of them are counted at once with numpy (scikit-learn's
analyser takes them one text at a time, in Python, and was most of the time). See
`bench/bench_repeats.py`: 10,000 stored against 20 new in about half a second.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, select

from workflow.store.tables import rec_link, recommendation, report

_LEAD = re.compile(
    r"^(?:(?:her|his)\s+majesty['’]s\s+(?:chief\s+)?inspectors?(?:\s+of\s+constabulary)?"
    r"|hmi(?:cfrs|c)?|we|the\s+inspectorate)\s+recommends?\s+that\s+"
    r"|^(?:by|before|no\s+later\s+than)\s+(?:\d{1,2}\s+)?[a-z]+\s+\d{4},?\s+"
    r"|^within\s+(?:\w+|\d+)\s+(?:days?|weeks?|months?|years?)(?:\s+of\s+[^,]{1,60})?,?\s+",
    re.I,
)
_WORDS: dict[str, Any] = {"analyzer": "word", "stop_words": "english"}
_RUN = 4  # letters in a run
_SEP = 0  # between documents, when the runs of all are counted at once (NUL: never in text)
_SPACE = 32
_COLUMN_BITS = 20


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored recommendation like a new one: its id, how alike (0 to 1), and its words."""

    id: str
    score: float
    text: str


def comparable(text: str) -> str:
    """The words of a recommendation that say what it asks (its formulaic opening left out)."""
    text = " ".join(text.split())
    for _ in range(3):  # "By 31 March 2024, HMICFRS recommends that ..."
        shorter = _LEAD.sub("", text, count=1)
        if shorter == text:
            break
        text = shorter
    return text


def stored_texts(conn: Connection, *, leaving_out: str | None = None) -> list[tuple[str, str]]:
    """Every stored recommendation's id and words, in one query; those of report
    `leaving_out` (the one being read again) are left out."""
    stmt = (
        select(recommendation.c.code, recommendation.c.text)
        .join(report, report.c.id == recommendation.c.report_id)
        .order_by(recommendation.c.id)
    )
    if leaving_out is not None:
        stmt = stmt.where(report.c.key != leaving_out)
    return [(code, text) for code, text in conn.execute(stmt)]


def similarity(new: Sequence[str], stored: Sequence[str]) -> np.ndarray[Any, np.dtype[Any]]:
    """Scores in [0, 1], one row for each new text and a column for each stored one."""
    scores = np.zeros((len(new), len(stored)), dtype=np.float32)
    if not new or not stored:
        return scores
    from sklearn.feature_extraction.text import (
        TfidfTransformer,
        TfidfVectorizer,
    )

    documents = [comparable(t) for t in (*stored, *new)]
    try:
        matrices = [
            TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **_WORDS).fit_transform(documents)
        ]
    except ValueError:  # no words at all to compare (every text empty or stop words)
        matrices = []
    runs = letter_runs(documents)
    if runs.nnz:
        matrices.append(TfidfTransformer(sublinear_tf=True).fit_transform(runs))
    for matrix in matrices:
        scores += (matrix[len(stored) :] @ matrix[: len(stored)].T).toarray()
    return np.clip(scores / 2, 0.0, 1.0)


def letter_runs(documents: Sequence[str]) -> Any:
    """How often each run of four characters inside a word occurs in each document, the word
    between spaces (as scikit-learn's `char_wb` analyser counts them, " rev", "revi", ...),
    counted for all documents at once with numpy rather than one document at a time."""
    from scipy.sparse import csr_matrix

    padded = (
        " " + "  ".join(d.casefold().replace(chr(_SEP), " ").split()) + " " for d in documents
    )
    joined = chr(_SEP).join(padded)
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = len(points) - _RUN + 1
    if starts <= 0:
        return csr_matrix((len(documents), 0), dtype=np.float64)
    ends = np.concatenate(([0], np.cumsum(points == _SEP)))
    space = points == _SPACE
    gaps = np.concatenate(([0], np.cumsum(space[:-1] & space[1:])))
    at = np.arange(starts)
    # A run lies inside one word of one document: no separator and no double space within it.
    inside = (ends[at + _RUN] == ends[at]) & (gaps[at + _RUN - 1] == gaps[at])
    code = np.zeros(starts, dtype=np.uint64)
    for offset in range(_RUN):  # four 16-bit characters in 64 bits
        code = (code << np.uint64(16)) | (points[offset : offset + starts] & np.uint64(0xFFFF))
    # A run's column is the top bits of its number, mixed: two runs rarely share one (the
    # hashing trick, as scikit-learn's HashingVectorizer), and no vocabulary is sorted out.
    columns = _mixed(code[inside]) >> np.uint64(64 - _COLUMN_BITS)
    rows = ends[at[inside]]
    counts = np.ones(len(rows), dtype=np.float64)
    return csr_matrix((counts, (rows, columns)), shape=(len(documents), 1 << _COLUMN_BITS))


def _mixed(x: np.ndarray[Any, np.dtype[np.uint64]]) -> np.ndarray[Any, np.dtype[np.uint64]]:
    """MurmurHash3's 64-bit finaliser: every bit of `x` moves the top ones."""
    for multiplier in (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53):
        x = (x ^ (x >> np.uint64(33))) * np.uint64(multiplier)  # wraps around, as meant
    return x ^ (x >> np.uint64(33))


def most_like(
    new: Sequence[str],
    stored: Sequence[tuple[str, str]],
    *,
    floor: float,
    most: int,
) -> list[list[Candidate]]:
    """For each new text, at most `most` stored recommendations scoring `floor` or more, best
    first (a tie goes to the one stored first)."""
    scores = similarity(new, [text for _, text in stored])
    ranked = []
    for row in scores:
        above = np.flatnonzero(row >= floor)
        best = above[np.lexsort((above, -row[above]))][:most]
        ranked.append(
            [Candidate(stored[i][0], round(float(row[i]), 3), stored[i][1]) for i in best]
        )
    return ranked


def possible_repeats_of(
    conn: Connection, codes: Sequence[str], *, threshold: float
) -> list[tuple[str, Candidate]]:
    """For each of the recommendations `codes` (just imported), the one stored in another
    report that it most likely repeats, if any scores `threshold` or more and it is not
    linked as its repeat already."""
    r = recommendation.c
    mine = {
        code: (text, key)
        for code, text, key in conn.execute(
            select(r.code, r.text, report.c.key)
            .join(report, report.c.id == r.report_id)
            .where(r.code.in_(codes))
        )
    }
    keys = {key for _, key in mine.values()}
    stored = [(code, text) for code, text in stored_texts(conn) if code.split("/")[0] not in keys]
    if not mine or not stored:
        return []
    target = recommendation.alias("target")
    linked = set(
        conn.execute(
            select(r.code, target.c.code)
            .join(rec_link, rec_link.c.rec_id == r.id)
            .join(target, target.c.id == rec_link.c.target_rec_id)
            .where(r.code.in_(codes), rec_link.c.kind == "repeats")
        ).tuples()
    )
    ordered = list(mine)
    ranked = most_like([mine[c][0] for c in ordered], stored, floor=threshold, most=1)
    return [
        (code, best[0])
        for code, best in zip(ordered, ranked, strict=True)
        if best and (code, best[0].id) not in linked
    ]
