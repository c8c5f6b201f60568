"""Reading an import file (YAML, JSON or CSV) with the line of every record and field, so that
a problem is reported where it is."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from states import ROLES
from workflow.errors import ImportFileError
from workflow.intake.model import ImportDoc, parse_statutory
from workflow.intake.structured import Lines, read_json, read_yaml

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
CSV_OPTIONAL = (
    "committee",
    "responding_bodies",
    "subject",
    "repeats",
    "timescale",
    "lead",
    "published_assumed",
)


CsvLines = dict[tuple[int, int | None], int]


def _not_csv(path: Path, line: int, exc: csv.Error) -> ImportFileError:
    why = "a quoted field opened here is not closed" if "end of data" in str(exc) else exc
    return ImportFileError(str(path), line, None, f"not valid CSV: {why}")


def _rows(path: Path, reader: csv.DictReader[str]) -> Iterator[dict[str, Any]]:
    rows, end = iter(reader), 1  # the line where the last row read ended
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            # The reader says nothing of where: the row that failed began after the last one.
            raise _not_csv(path, end + 1, exc) from None
        end = reader.line_num
        yield dict(row)


def _check_header(path: Path, reader: csv.DictReader[str]) -> None:
    try:
        header = reader.fieldnames or []  # the first row, read here
    except csv.Error as exc:
        raise _not_csv(path, 1, exc) from None
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ImportFileError(str(path), 1, missing[0], "missing column")
    unknown = [c for c in header if c not in CSV_COLUMNS + CSV_OPTIONAL]
    if unknown:
        raise ImportFileError(str(path), 1, unknown[0], "unknown column")


def _read_csv(path: Path, text: str) -> tuple[Any, CsvLines]:
    """CSV rows grouped into the YAML shape, and the line of each report and recommendation."""
    # strict: a quote left open is an error, not the rest of the file swallowed into a field.
    reader = csv.DictReader(text.splitlines(keepends=True), strict=True)
    _check_header(path, reader)
    reports: dict[str, dict[str, Any]] = {}
    lines: CsvLines = {}
    line = 1
    for row in _rows(path, reader):
        start, line = line + 1, reader.line_num
        if None in row:
            raise ImportFileError(str(path), start, None, "more fields than the header has")
        short = [str(k) for k, v in row.items() if v is None]
        if short:
            raise ImportFileError(str(path), start, short[0], "fewer fields than the header has")
        try:  # an empty cell: not statutory, as it always was read
            stat = parse_statutory(row["statutory"]) if (row["statutory"] or "").strip() else False
        except ValueError as exc:
            raise ImportFileError(str(path), start, "statutory", str(exc)) from None
        bodies = [b.strip() for b in (row.get("responding_bodies") or "").split(";") if b.strip()]
        report_fields = {
            "key": row["report_key"],
            "title": row["report_title"],
            "body": row["body"],
            "kind": row["kind"],
            "published": row["published"] or None,
            # An empty cell (or no column): the date is as the report gives it.
            "published_assumed": (row.get("published_assumed") or "").strip() or False,
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
            "statutory": stat,
            "subject": row.get("subject") or None,
            "repeats": row.get("repeats") or None,
        }
        rec |= {k: row[k] for k in ("timescale", "lead") if (row.get(k) or "").strip()}
        lines[(list(reports).index(row["report_key"]), len(found["recommendations"]))] = start
        found["recommendations"].append(rec)
    return {"reports": list(reports.values())}, lines


@dataclass(frozen=True, slots=True)
class Source:
    """A file as read: its path, its raw data (with line numbers), and for CSV the line of each
    report and recommendation; it says where a problem at a validation location is."""

    path: Path
    raw: Any
    csv_lines: CsvLines | None = None

    def problem(self, loc: tuple[int | str, ...], problem: str) -> ImportFileError:
        """The file, the line (or record) and the field of `loc`, with what is wrong there."""
        line, record, field = self._walk(loc)
        if self.csv_lines is not None and len(loc) >= 2 and isinstance(loc[1], int):
            in_rec = len(loc) >= 4 and loc[2] == "recommendations" and isinstance(loc[3], int)
            line = self.csv_lines.get((loc[1], loc[3] if in_rec else None))  # type: ignore[arg-type]
            if not in_rec and field in ("key", "title"):
                field = f"report_{field}"
        where = line if line is not None else f"record {record}"
        return ImportFileError(str(self.path), where, field, problem)

    def _walk(self, loc: tuple[int | str, ...]) -> tuple[int | None, str, str | None]:
        node, line, record, field = self.raw, None, "", None
        for part in loc:
            if isinstance(node, Lines):
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
        if isinstance(node, Lines) and line is None:
            line = node.line
        return line, record, field


def _parse(path: Path) -> Source:
    suffix = path.suffix.lower()
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte order mark.
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportFileError(str(path), None, None, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ImportFileError(str(path), None, None, "not UTF-8 text") from None
    if suffix in (".yaml", ".yml"):
        return Source(path, read_yaml(path, text))
    if suffix == ".json":
        return Source(path, read_json(path, text))
    if suffix == ".csv":
        return Source(path, *_read_csv(path, text))
    raise ImportFileError(
        str(path), None, None, "unknown format: use a .yaml, .yml, .json or .csv file"
    )


def read_import_file(path: Path) -> tuple[ImportDoc, Source]:
    """Parse and validate a file; returns the document and where its parts came from."""
    source = _parse(path)
    if not isinstance(source.raw, dict):
        raise ImportFileError(str(path), 1, None, "expected a mapping with people and reports")
    try:
        doc = ImportDoc.model_validate(source.raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = len(exc.errors()) - 1
        problem = first["msg"] + (f" (and {more} more problem(s))" if more else "")
        raise source.problem(tuple(first["loc"]), problem) from None
    for n, who in enumerate(doc.people):
        bad = [r for r in who.roles if r not in ROLES]
        if bad:
            known = ", ".join(ROLES)
            raise Source(path, source.raw).problem(
                ("people", n, "roles"), f"unknown role {bad[0]!r} (known: {known})"
            )
    for n, rep in enumerate(doc.reports):
        if rep.published_assumed and rep.published is None:
            raise source.problem(
                ("reports", n, "published_assumed"), "true, but no published date is given"
            )
    return doc, source
