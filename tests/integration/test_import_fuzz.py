"""The whole import, fuzzed: random files, and good YAML, JSON and CSV files mutated in their
structure, their text, their bytes and their encoding (UTF-16, UTF-32, latin-1, cp1252, a
byte order mark), under the right suffix or another.

Whatever the file, `import_file` (what `rectrack import` runs) either imports everything in
it (every new person, report, recommendation and link, one audit event each, and the trail
still verifies) or raises a BadInput (an ImportFileError naming the file, for a malformed
one) and leaves the database as it was. Never any other exception.

Bounded for `make test`; a longer run: RECTRACK_FUZZ_EXAMPLES=2000 (examples per backend).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from config import default_rules
from tests.conftest import T0, truncate_pg
from workflow.audit.replay import verify
from workflow.bootstrap import unit_of_work
from workflow.clock import FixedClock
from workflow.errors import BadInput, ImportFileError
from workflow.intake.load import import_file
from workflow.intake.model import ImportSummary
from workflow.intake.read import read_import_file
from workflow.store.engine import make_engine
from workflow.store.tables import (
    audit_event,
    notice,
    outbox,
    person,
    rec_link,
    recommendation,
    report,
)
from workflow.store.uow import UnitOfWork

EXAMPLES = int(os.environ.get("RECTRACK_FUZZ_EXAMPLES", "400"))
ILAU = "ilau@x.org"

# Already in the database before every example: the ILAU who imports, an owner the files
# name without listing, and a report whose recommendation the files link to.
SEED = """\
people:
  - {email: ilau@x.org, name: Ivy Lau, roles: [ilau]}
  - {email: keeper@x.org, name: Kim Keeper, roles: [owner], group: TP}
reports:
  - key: old-2001
    title: An older report
    body: District Audit
    kind: audit
    published: 2001-12-14
    responding_bodies: [MPS]
    recommendations:
      - {ref: R1, text: Include PIs, owner: keeper@x.org}
"""

GOOD_YAML = """\
people:
  - {email: A.Owner@Example.org, name: Ánne Öwner, roles: [owner], group: TP}
  - {email: keeper@x.org, name: Kim Keeper, roles: [owner]}
reports:
  - key: botj-2003
    title: Bringing Offenders to Justice – Café edition
    body: HMIC
    kind: inspection
    published: 2003-10-01
    committee: PPRC
    responding_bodies: [MPS, MPA]
    recommendations:
      - {ref: R1, text: "Clear aims, «now»", paragraph: 3.1.5, owner: a.owner@example.org,
         related: [old-2001/R1]}
      - ref: R2
        text: International benchmarking
        paragraph: 3.10
        statutory: true
        repeats: botj-2003/R1
      - ref: R3
        subject: Plans
        text: |
          Implementation plans
          for every unit
        owner: keeper@x.org
"""

DOC: dict[str, Any] = yaml.safe_load(GOOD_YAML.replace("paragraph: 3.", "paragraph: !!str 3."))
DOC["reports"][0]["published"] = "2003-10-01"
GOOD_JSON = json.dumps(DOC, indent=2, ensure_ascii=False) + "\n"

GOOD_CSV = """\
report_key,report_title,body,kind,published,ref,text,paragraph,owner,statutory,committee,\
responding_bodies,subject,repeats
botj-2003,Bringing – Café,HMIC,inspection,2003-10-01,R1,"Clear aims, now",3.1.5,keeper@x.org,no,\
PPRC,MPS;MPA,Aims,
botj-2003,Bringing – Café,HMIC,inspection,2003-10-01,R2,"The ""MPA"" too",3.10,,yes,PPRC,MPS;MPA,,\
botj-2003/R1
da-2001,Best value,District Audit,audit,,R1,"Include
HMIC",,,statutory,,,,old-2001/R1
"""
CSV_ROWS = list(csv.reader(io.StringIO(GOOD_CSV)))


def csv_text(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


BASES = {".yaml": GOOD_YAML, ".json": GOOD_JSON, ".csv": GOOD_CSV}
SUFFIXES = [".yaml", ".yml", ".json", ".csv", ".YAML", ".txt", ""]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1"]
ENCODINGS += ["cp1252"]
KEYS = ["people", "reports", "recommendations", "email", "name", "roles", "group", "key"]
KEYS += ["title", "body", "kind", "published", "committee", "responding_bodies", "ref", "text"]
KEYS += ["paragraph", "owner", "statutory", "subject", "repeats", "related"]
# What makes each format's parser, and the checks behind it, work hardest.
_YAML_SYNTAX = ["- ", ": ", "{", "}", "[", "]", ", ", "\n", "  ", "#", "'", '"', "|\n", ">\n"]
_YAML_MORE = ["&a ", "*a", "!!str ", "!!binary ", "!!timestamp ", "%YAML", "---\n", "...\n"]
_YAML_MORE += ["!!int ", "!!float ", "!!bool ", "!!map ", "!!seq ", "!!set ", "? ", "[]: ", "<<: "]
_JSON_SYNTAX = ["{", "}", "[", "]", ",", ":", '"', "\\", "\\u0000", "\\ud800", "\n"]
# Nesting at the depth limit, and past it (once a RecursionError).
_DEEP = ["[" * 64, "[" * 65, "[" * 3000, "{" * 3000, "- " * 100]
_CSV_SYNTAX = [",", '"', '""', "\n", "\r\n", "\r", ";", "\x00", " ", "\ufeff"]
_VALUES = ["~", "null", "true", "1e999", "NaN", "-0", "2003-02-30", "1065312000", "@", "\t"]
_VALUES += ["yes", "maybe", "botj-2003", "R1", "keeper@x.org", "nobody@x.org", "old-2001/R1"]
TOKENS = {
    ".yaml": [*_YAML_SYNTAX, *_YAML_MORE, *_VALUES, *_DEEP, "\\x07", "\\ud800"],
    ".json": [*_JSON_SYNTAX, *_VALUES, *_DEEP[:4], '"people": []', '"reports": []', "1" * 5000],
    ".csv": [*_CSV_SYNTAX, *_VALUES],
}
SPECIALS = ",\"'\n\r\t\x00\x07\x1b\x7f\x85\u2028\ufeff:#-[]{}|>&*!%@;éß–«»€\U0001f600"
TEXT = st.text(st.characters(codec="utf-8") | st.sampled_from(SPECIALS), max_size=24)
JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | TEXT
    | st.dates().map(str)
    | st.sampled_from(["", "R1", "botj-2003/R1", "old-2001/R1", "keeper@x.org", "ilau"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*at, i))


def _mutate_structure(draw: st.DrawFn, doc: Any) -> Any:
    """One change to the document's structure: a value replaced, removed, repeated, wrapped or
    turned into text, or a key added."""
    paths = list(_paths(doc))
    at = draw(st.sampled_from(paths[1:]))
    parent = doc
    for part in at[:-1]:
        parent = parent[part]
    key, value = at[-1], parent[at[-1]]
    how = draw(st.sampled_from(["replace", "remove", "repeat", "add", "wrap", "text"]))
    if how == "replace":
        parent[key] = draw(JUNK)
    elif how == "remove":
        del parent[key]
    elif how == "repeat" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(value))
    elif how == "add" and isinstance(value, dict):
        value[draw(st.sampled_from(KEYS) | st.text(max_size=6))] = draw(JUNK)
    elif how == "wrap":
        parent[key] = [value]
    else:
        parent[key] = str(value)
    return doc


def _structured(draw: st.DrawFn, suffix: str) -> str:
    """The good document with a few structural changes, written back in its format."""
    if suffix == ".csv":
        rows = copy.deepcopy(CSV_ROWS)
        for _ in range(draw(st.integers(1, 3))):
            r = draw(st.integers(0, len(rows) - 1))
            how = draw(st.sampled_from(["cell", "drop", "extra", "repeat", "remove", "column"]))
            c = draw(st.integers(0, max(len(rows[r]) - 1, 0)))
            if how == "cell" and rows[r]:
                rows[r][c] = draw(TEXT)
            elif how == "drop" and rows[r]:
                del rows[r][c]
            elif how == "extra":
                rows[r].append(draw(TEXT))
            elif how == "repeat":
                rows.insert(r, list(rows[r]))
            elif how == "remove" and len(rows) > 1:
                del rows[r]
            else:  # a column gone from every row, the header's included
                rows = [row[:c] + row[c + 1 :] for row in rows]
        return csv_text(rows)
    doc = copy.deepcopy(DOC) if draw(st.integers(0, 5)) else draw(JUNK)
    for _ in range(draw(st.integers(1, 3))):
        if isinstance(doc, (dict, list)) and doc:
            doc = _mutate_structure(draw, doc)
    if suffix == ".json":
        return json.dumps(doc, indent=draw(st.sampled_from([2, None])), ensure_ascii=False)
    return yaml.safe_dump(doc, allow_unicode=True, default_flow_style=draw(st.booleans()))


def _mutate_text(draw: st.DrawFn, text: str, suffix: str) -> str:
    """A token or random text spliced in, a span deleted, a line repeated or dropped."""
    at = draw(st.integers(0, len(text)))
    end = min(len(text), at + draw(st.integers(0, 12)))
    how = draw(st.sampled_from(["token", "text", "delete", "line", "unline"]))
    if how == "token":
        return text[:at] + draw(st.sampled_from(TOKENS[suffix])) + text[at:]
    if how == "text":
        return text[:at] + draw(TEXT) + text[end:]
    if how == "delete":
        return text[:at] + text[end:]
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    n = draw(st.integers(0, len(lines) - 1))
    if how == "line":
        return "".join(lines[: n + 1] + lines[n:])
    return "".join(lines[:n] + lines[n + 1 :])


def _mutate_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """Bytes inserted, a byte flipped, a span deleted or repeated, or the file cut short."""
    at = draw(st.integers(0, len(data)))
    end = min(len(data), at + draw(st.integers(1, 16)))
    how = draw(st.sampled_from(["insert", "flip", "delete", "repeat", "cut"]))
    if how == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    if how == "flip" and at < len(data):
        flipped = data[at] ^ (1 << draw(st.integers(0, 7)))
        return data[:at] + bytes([flipped]) + data[at + 1 :]
    if how == "delete":
        return data[:at] + data[end:]
    if how == "repeat":
        return data[:end] + data[at:]
    return data[:at]


@st.composite
def import_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, content): a random file now and then, mostly a mutated good one."""
    if draw(st.integers(0, 9)) == 0:
        return "in" + draw(st.sampled_from(SUFFIXES)), draw(st.binary(max_size=400))
    suffix = draw(st.sampled_from(list(BASES)))
    text = _structured(draw, suffix) if draw(st.booleans()) else BASES[suffix]
    for _ in range(draw(st.integers(0, 3))):
        text = _mutate_text(draw, text, suffix)
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    for _ in range(draw(st.integers(0, 2))):
        data = _mutate_bytes(draw, data)
    if draw(st.integers(0, 9)) == 0:  # under another format's name, or none
        suffix = draw(st.sampled_from(SUFFIXES))
    return "in" + suffix, data


COUNTED = (person, report, recommendation, rec_link, audit_event, notice, outbox)


def snapshot(uow: UnitOfWork) -> dict[str, Any]:
    """Counts of what an import writes, the trail's last event, every email and code."""
    with uow.read() as tx:
        conn = tx.conn
        seen: dict[str, Any] = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in COUNTED
        }
        seen["last event"] = conn.execute(select(func.max(audit_event.c.id))).scalar_one()
        seen["emails"] = set(conn.execute(select(person.c.email)).scalars())
        seen["codes"] = set(conn.execute(select(recommendation.c.code)).scalars())
        seen["reports"] = set(conn.execute(select(report.c.key)).scalars())
    return seen


class Store:
    """The database under test, set back to the seed after every import that changed it."""

    def __init__(self, url: str, template: Path, tmp_path: Path, stack: ExitStack) -> None:
        self.url, self.template, self.tmp_path, self.stack = url, template, tmp_path, stack
        self.uow = self.fresh()

    def fresh(self) -> UnitOfWork:
        self.stack.close()
        if self.url.startswith("sqlite"):
            path = self.tmp_path / "fuzz.db"
            shutil.copy(self.template, path)
            url = f"sqlite:///{path}"
        else:
            truncate_pg(self.url)
            url = self.url
        engine = make_engine(url)
        self.stack.callback(engine.dispose)
        uow = self.stack.enter_context(unit_of_work(engine, FixedClock(T0), default_rules()))
        seed = self.tmp_path / "seed.yaml"
        seed.write_text(SEED, encoding="utf-8")
        import_file(uow, seed)  # the installation's set-up
        self.seeded = snapshot(uow)
        return uow


def import_everything_or_nothing(store: Store, path: Path, seen: Counter[str]) -> None:
    """Import `path`: all of it, or a BadInput and nothing written. Then back to the seed."""
    try:
        _import_and_check(store.uow, path, seen)
    finally:  # even after a failed check, so that hypothesis replays on the same database
        if snapshot(store.uow) != store.seeded:
            store.uow = store.fresh()


def _import_and_check(uow: UnitOfWork, path: Path, seen: Counter[str]) -> None:
    before = snapshot(uow)
    try:
        summary = import_file(uow, path, actor=ILAU)
    except BadInput as err:
        assert str(err).strip(), "a refusal says why"
        if isinstance(err, ImportFileError):
            assert err.file == str(path) and err.problem, err
        assert snapshot(uow) == before, f"refused ({err}) yet the database changed"
        seen["refused"] += 1
        seen[type(err).__name__] += 1
        return
    seen["imported"] += 1
    after = snapshot(uow)
    doc, _ = read_import_file(path)
    codes = {f"{rep.key}/{rec.ref}" for rep in doc.reports for rec in rep.recommendations}
    new_people = {p.email for p in doc.people} - before["emails"]
    links = sum(
        (rec.repeats is not None) + len(rec.related)
        for rep in doc.reports
        for rec in rep.recommendations
    )
    assert summary == ImportSummary(len(doc.reports), len(codes), len(new_people))
    assert after["emails"] == before["emails"] | new_people
    assert after["codes"] == before["codes"] | codes
    assert after["reports"] == before["reports"] | {rep.key for rep in doc.reports}
    assert after["rec_link"] - before["rec_link"] == links
    events = len(new_people) + len(doc.reports) + len(codes) + links
    assert after["audit_event"] - before["audit_event"] == events
    with uow.read() as tx:
        verdict = verify(tx.conn)
    assert verdict.ok, verdict


def run_fuzz(store: Store, tmp_path: Path, examples: int) -> Counter[str]:
    seen: Counter[str] = Counter()

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(file=import_files())
    def one_file(file: tuple[str, bytes]) -> None:
        name, data = file
        path = tmp_path / "files" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        import_everything_or_nothing(store, path, seen)

    one_file()
    return seen


def test_the_good_files_import_whole(store_url: str, sqlite_template: Path, tmp_path: Path) -> None:
    """The fuzz's starting points are good: each, as it is, imports everything."""
    with ExitStack() as stack:
        store = Store(store_url, sqlite_template, tmp_path, stack)
        for suffix, text in BASES.items():
            for encoding in ("utf-8", "utf-8-sig"):
                path = tmp_path / f"good{suffix}"
                path.write_bytes(text.encode(encoding))
                seen: Counter[str] = Counter()
                import_everything_or_nothing(store, path, seen)
                assert seen == {"imported": 1}, (suffix, encoding)
        for encoding in ("utf-16", "latin-1"):  # the same file, not UTF-8: refused
            path = tmp_path / "good.yaml"
            path.write_bytes(GOOD_YAML.encode(encoding, errors="replace"))
            seen = Counter()
            import_everything_or_nothing(store, path, seen)
            assert seen == {"refused": 1, "ImportFileError": 1}, encoding


def test_any_import_file_is_imported_whole_or_refused_with_nothing_written(
    store_url: str, sqlite_template: Path, tmp_path: Path
) -> None:
    with ExitStack() as stack:
        store = Store(store_url, sqlite_template, tmp_path, stack)
        seen = run_fuzz(store, tmp_path, EXAMPLES)
    print(f"\nimport fuzz: {EXAMPLES} examples; {dict(sorted(seen.items()))}")
    # Both outcomes, often: the fuzz neither only breaks files nor only leaves them whole.
    assert seen["imported"] >= 3 and seen["refused"] >= 3, seen
