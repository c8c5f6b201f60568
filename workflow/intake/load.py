"""Importing people, reports and recommendations from YAML, JSON or CSV: all or nothing.

A malformed file is refused with the file, the line (or record) and the field at fault,
and the database is left as it was.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from sqlalchemy import insert, select

from states import ROLES
from workflow.chasing.sweep import tell_ilau_of_unowned
from workflow.directory.people import EMAIL, insert_person
from workflow.directory.reports import NewReport, insert_report, report_ids
from workflow.errors import ImportFileError
from workflow.lifecycle.events import CODE, audit_raise, new_recommendation_row
from workflow.store.tables import person, rec_link, recommendation
from workflow.store.uow import Tx, UnitOfWork

# The CSV layout has no column for who must respond; the force answers unless it says otherwise.
DEFAULT_RESPONDING_BODIES = ("MPS",)
CSV_COLUMNS = (
    "report_key",
    "report_title",
    "body",
    "kind",
    "published",
    "ref",
    "text",
    "paragraph",
    "owner",
    "statutory",
)
CSV_OPTIONAL = ("committee", "responding_bodies", "subject", "repeats")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=64
    ),
]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=EMAIL.pattern)
]
RecId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=CODE.pattern)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonIn(_Strict):
    email: Email
    name: Text
    roles: Annotated[list[Text], Field(min_length=1)]
    group: Text | None = None


class RecommendationIn(_Strict):
    ref: Key
    text: Text
    paragraph: Text | None = None
    owner: Email | None = None
    statutory: bool = False
    subject: Text | None = None
    repeats: RecId | None = None
    related: list[RecId] = []


class ReportIn(_Strict):
    key: Key
    title: Text
    body: Text
    kind: Text
    published: date | None = None
    committee: Text | None = None
    responding_bodies: Annotated[list[Text], Field(min_length=1)]
    recommendations: list[RecommendationIn] = []


class ImportDoc(_Strict):
    people: list[PersonIn] = []
    reports: list[ReportIn] = []


@dataclass(frozen=True, slots=True)
class ImportSummary:
    reports: int
    recommendations: int
    people: int

    def as_dict(self) -> dict[str, int]:
        return {
            "reports": self.reports,
            "recommendations": self.recommendations,
            "people": self.people,
        }


# --- reading, with positions ------------------------------------------------------------------


class _Lines(dict[str, Any]):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Lines:
    loader.flatten_mapping(node)
    out = _Lines()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise ImportFileError("", key_node.start_mark.line + 1, str(key), "duplicate key")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Paragraph references such as 3.10 must stay text, not become the float 3.1; dates stay
# text too, so that a bad one is reported by validation with its line and field.
_AS_TEXT = {"tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
_LineLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag not in _AS_TEXT]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)
    except ImportFileError as exc:
        raise ImportFileError(str(path), exc.line, exc.field, exc.problem) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ImportFileError(str(path), line, None, f"not valid YAML: {exc.problem}") from None


def _read_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(str(path), exc.lineno, None, f"not valid JSON: {exc.msg}") from None


_TRUE = {"true", "yes", "y", "1", "statutory"}
_FALSE = {"false", "no", "n", "0", "", "non-statutory", "non statutory"}


CsvLines = dict[tuple[int, int | None], int]


def _read_csv(path: Path, text: str) -> tuple[Any, CsvLines]:
    """CSV rows grouped into the YAML shape, and the line of each report and recommendation."""
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = reader.fieldnames or []
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ImportFileError(str(path), 1, missing[0], "missing column")
    unknown = [c for c in header if c not in CSV_COLUMNS + CSV_OPTIONAL]
    if unknown:
        raise ImportFileError(str(path), 1, unknown[0], "unknown column")
    reports: dict[str, dict[str, Any]] = {}
    lines: CsvLines = {}
    line = 1
    for row in reader:
        start, line = line + 1, reader.line_num
        if None in row:
            raise ImportFileError(str(path), start, None, "more fields than the header has")
        stat = (row["statutory"] or "").strip().lower()
        if stat not in _TRUE | _FALSE:
            raise ImportFileError(
                str(path), start, "statutory", f"expected true or false, got {row['statutory']!r}"
            )
        bodies = [b.strip() for b in (row.get("responding_bodies") or "").split(";") if b.strip()]
        report_fields = {
            "key": row["report_key"],
            "title": row["report_title"],
            "body": row["body"],
            "kind": row["kind"],
            "published": row["published"] or None,
            "committee": row.get("committee") or None,
            "responding_bodies": bodies or list(DEFAULT_RESPONDING_BODIES),
        }
        if row["report_key"] not in reports:
            lines[(len(reports), None)] = start
        found = reports.setdefault(row["report_key"], {**report_fields, "recommendations": []})
        for name, value in report_fields.items():
            if found[name] != value:
                column = {"key": "report_key", "title": "report_title"}.get(name, name)
                raise ImportFileError(
                    str(path),
                    start,
                    column,
                    f"differs from an earlier row of report {row['report_key']}",
                )
        rec = {
            "ref": row["ref"],
            "text": row["text"],
            "paragraph": row["paragraph"] or None,
            "owner": row["owner"] or None,
            "statutory": stat in _TRUE,
            "subject": row.get("subject") or None,
            "repeats": row.get("repeats") or None,
        }
        lines[(list(reports).index(row["report_key"]), len(found["recommendations"]))] = start
        found["recommendations"].append(rec)
    return {"reports": list(reports.values())}, lines


def _locate(
    path: Path, raw: Any, loc: tuple[int | str, ...], csv_lines: CsvLines | None
) -> ImportFileError:
    """File, line (or record) and field of a validation error at `loc` in `raw`."""
    node, line, record = raw, None, ""
    field = None
    for part in loc:
        if isinstance(node, _Lines):
            line = node.key_lines.get(str(part), node.line)
        if isinstance(part, int):
            record += f"[{part}]"
        else:
            record += f".{part}" if record else str(part)
            field = str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    if isinstance(node, _Lines):
        line = node.line if line is None else line
    if csv_lines is not None and len(loc) >= 2 and isinstance(loc[1], int):
        in_rec = len(loc) >= 4 and loc[2] == "recommendations" and isinstance(loc[3], int)
        line = csv_lines.get((loc[1], loc[3] if in_rec else None))  # type: ignore[arg-type]
        if not in_rec and field in ("key", "title"):
            field = f"report_{field}"
    return ImportFileError(str(path), line if line is not None else f"record {record}", field, "")


def read_import_file(path: Path) -> tuple[ImportDoc, Any, CsvLines | None]:
    """Parse and validate a file; returns the document, the raw data and CSV line numbers."""
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImportFileError(str(path), None, None, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ImportFileError(str(path), None, None, "not UTF-8 text") from None
    csv_lines = None
    if suffix in (".yaml", ".yml"):
        raw = _read_yaml(path, text)
    elif suffix == ".json":
        raw = _read_json(path, text)
    elif suffix == ".csv":
        raw, csv_lines = _read_csv(path, text)
    else:
        raise ImportFileError(
            str(path), None, None, "unknown format: use a .yaml, .yml, .json or .csv file"
        )
    if not isinstance(raw, dict):
        raise ImportFileError(str(path), 1, None, "expected a mapping with people and reports")
    try:
        doc = ImportDoc.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        err = _locate(path, raw, tuple(first["loc"]), csv_lines)
        more = len(exc.errors()) - 1
        problem = first["msg"] + (f" (and {more} more problem(s))" if more else "")
        raise ImportFileError(err.file, err.line, err.field, problem) from None
    for p_ in doc.people:
        bad = [r for r in p_.roles if r not in ROLES]
        if bad:
            idx = doc.people.index(p_)
            err = _locate(path, raw, ("people", idx, "roles"), None)
            raise ImportFileError(
                err.file, err.line, "roles", f"unknown role {bad[0]!r} (known: {', '.join(ROLES)})"
            )
    return doc, raw, csv_lines


# --- checking against the database, then writing ---------------------------------------------


def _problem(
    path: Path, raw: Any, loc: tuple[int | str, ...], csv_lines: CsvLines | None, problem: str
) -> ImportFileError:
    err = _locate(path, raw, loc, csv_lines)
    return ImportFileError(err.file, err.line, err.field, problem)


def _walk_recs(doc: ImportDoc) -> Iterator[tuple[int, int, ReportIn, RecommendationIn]]:
    for i, rep in enumerate(doc.reports):
        for j, rec in enumerate(rep.recommendations):
            yield i, j, rep, rec


def import_file(uow: UnitOfWork, path: Path, actor: str = "system") -> ImportSummary:
    """Import a file in one transaction: everything in it, or (on any problem) nothing."""
    doc, raw, csv_lines = read_import_file(path)

    def fail(loc: tuple[int | str, ...], problem: str) -> ImportFileError:
        return _problem(path, raw, loc, csv_lines, problem)

    with uow.write() as tx:
        people = _people(tx, doc, fail)
        new_people = [p for p in doc.people if p.email not in people]
        known_emails = set(people) | {p.email for p in new_people}
        existing = report_ids(tx.conn, [r.key for r in doc.reports])
        seen_keys: set[str] = set()
        codes = {f"{rep.key}/{rec.ref}" for _, _, rep, rec in _walk_recs(doc)}
        for i, rep in enumerate(doc.reports):
            if rep.key in existing or rep.key in seen_keys:
                raise fail(("reports", i, "key"), f"report {rep.key} already exists")
            seen_keys.add(rep.key)
            refs: set[str] = set()
            for j, rec in enumerate(rep.recommendations):
                if rec.ref in refs:
                    raise fail(
                        ("reports", i, "recommendations", j, "ref"),
                        f"{rep.key}/{rec.ref} appears twice",
                    )
                refs.add(rec.ref)
                if rec.owner is not None and rec.owner not in known_emails:
                    raise fail(
                        ("reports", i, "recommendations", j, "owner"),
                        f"unknown person {rec.owner} (add them under people)",
                    )
                if rec.owner is not None and rec.owner in people and not people[rec.owner][1]:
                    raise fail(
                        ("reports", i, "recommendations", j, "owner"), f"{rec.owner} is not active"
                    )
        links = _check_links(tx, doc, codes, fail)
        for p_ in new_people:
            insert_person(tx, p_.email, p_.name, tuple(sorted(set(p_.roles))), p_.group, actor)
        ids = _person_ids(tx, known_emails)
        count = 0
        for rep in doc.reports:
            report_id = insert_report(
                tx,
                NewReport(
                    rep.key,
                    rep.title,
                    rep.body,
                    rep.kind,
                    rep.published,
                    rep.committee,
                    tuple(rep.responding_bodies),
                ),
                actor,
            )
            rows = [
                new_recommendation_row(
                    tx,
                    report_id,
                    rep.kind,
                    f"{rep.key}/{rec.ref}",
                    rec.ref,
                    rec.text,
                    rec.paragraph,
                    rec.statutory,
                    ids.get(rec.owner) if rec.owner else None,
                    rec.subject,
                )
                for rec in rep.recommendations
            ]
            if rows:
                tx.conn.execute(insert(recommendation), rows)
            for row, rec in zip(rows, rep.recommendations, strict=True):
                audit_raise(tx, actor, row, rep.key, rec.owner)
            count += len(rows)
        _insert_links(tx, links, actor)
        tell_ilau_of_unowned(tx)
        return ImportSummary(len(doc.reports), count, len(new_people))


def _people(tx: Tx, doc: ImportDoc, fail: Any) -> dict[str, tuple[int, bool]]:
    """People already known (email -> (id, active)) among those the file mentions."""
    emails = {p.email for p in doc.people} | {
        rec.owner for _, _, _, rec in _walk_recs(doc) if rec.owner
    }
    seen: set[str] = set()
    for i, p_ in enumerate(doc.people):
        if p_.email in seen:
            raise fail(("people", i, "email"), f"{p_.email} appears twice")
        seen.add(p_.email)
    if not emails:
        return {}
    rows = tx.conn.execute(
        select(person.c.email, person.c.id, person.c.active).where(person.c.email.in_(emails))
    )
    return {e: (i, bool(a)) for e, i, a in rows}


def _person_ids(tx: Tx, emails: set[str]) -> dict[str, int]:
    if not emails:
        return {}
    rows = tx.conn.execute(select(person.c.email, person.c.id).where(person.c.email.in_(emails)))
    return {e: i for e, i in rows}


def _check_links(tx: Tx, doc: ImportDoc, codes: set[str], fail: Any) -> list[tuple[str, str, str]]:
    wanted: list[tuple[str, str, str, tuple[int | str, ...]]] = []
    for i, j, rep, rec in _walk_recs(doc):
        code = f"{rep.key}/{rec.ref}"
        if rec.repeats:
            wanted.append(
                (code, "repeats", rec.repeats, ("reports", i, "recommendations", j, "repeats"))
            )
        for k, other in enumerate(rec.related):
            wanted.append(
                (code, "related", other, ("reports", i, "recommendations", j, "related", k))
            )
    targets = {t for _, _, t, _ in wanted} - codes
    known = set()
    if targets:
        known = set(
            tx.conn.execute(
                select(recommendation.c.code).where(recommendation.c.code.in_(targets))
            ).scalars()
        )
    for code, _, target, loc in wanted:
        if target == code:
            raise fail(loc, f"{code} cannot link to itself")
        if target not in codes and target not in known:
            raise fail(loc, f"no recommendation {target}")
    return [(c, k, t) for c, k, t, _ in wanted]


def _insert_links(tx: Tx, links: list[tuple[str, str, str]], actor: str) -> None:
    if not links:
        return
    codes = {c for c, _, _ in links} | {t for _, _, t in links}
    ids = dict(
        tx.conn.execute(
            select(recommendation.c.code, recommendation.c.id).where(
                recommendation.c.code.in_(codes)
            )
        ).all()
    )
    tx.conn.execute(
        insert(rec_link),
        [{"rec_id": ids[c], "kind": k, "target_rec_id": ids[t]} for c, k, t in links],
    )
    for c, k, t in links:
        tx.audit.append(
            actor=actor, event="link", rec=c, report=c.split("/")[0], changes={"kind": k, "to": t}
        )
