"""The public register: published reports, each recommendation's text, the responses and its
status today, as a static site (HTML pages, CSV and JSON) for anyone to read.

What it leaves out is the point of it: reports not yet published (or published after today),
restricted reports with all their recommendations, restricted recommendations. It names
nobody below the job titles `[publish] named_titles` lists: an owner is shown by their title,
their group, or "the force"; a response never says who recorded it. Whatever text it shows
has any e-mail address in it withheld, so that no address reaches the public.

Three queries, whatever the size: the reports, their recommendations, their responses.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, Connection, and_, select

from config import PublishSettings
from states import due_in_state
from workflow.audit.export import neutralised
from workflow.plain import INTERNAL, plain
from workflow.reporting.dates import assumed_mark, long_day
from workflow.store.tables import person, recommendation, report, response
from workflow.store.uow import UnitOfWork

TEMPLATES = "register_templates"
STYLESHEET = "register.css"
# Anything shaped like an address (text@host.domain), with what clings to it, and even with
# nothing before its @: withheld.
EMAIL = re.compile(r"\S*@\S+\.\S+")
WITHHELD = "[e-mail address withheld]"
NOBODY = "Not yet assigned"
THE_FORCE = "the force"

STATUS: dict[str, str] = {
    "raised": "Open: awaiting a response",
    "responded": "Open: response given, action plan awaited",
    "planned": "Open: action plan agreed",
    "in_progress": "Open: implementation in progress",
    "monitored": "Open: actions complete, results being monitored",
    "complete": "Closed: implemented",
    "superseded": "Closed: superseded",
}
"""Each state in plain words, as the public reads it."""
DEGREE_WORDS = {"none": "Not yet met", "partially": "Partially met"}
CSV_FIELDS = (
    "report",
    "report_title",
    "report_body",
    "published",
    "published_assumed",
    "id",
    "ref",
    "paragraph",
    "text",
    "state",
    "status",
    "degree",
    "target",
    "overdue",
    "owner",
    "responses",
    "generated_on",
)


@dataclass(frozen=True, slots=True)
class PublicResponse:
    """A responding body's answer: its text, or why the recommendation does not apply."""

    body: str
    text: str | None
    not_applicable: str | None


@dataclass(slots=True)
class PublicRecommendation:
    """One recommendation as the public sees it."""

    id: str
    ref: str
    paragraph: str | None
    text: str
    state: str
    status: str
    degree: str
    target: date | None
    overdue: bool
    responses: list[PublicResponse]
    owner: str
    """Who is responsible: a job title or group, a name only beside a named title."""
    anchor: str = field(default="", metadata=INTERNAL)

    @property
    def open(self) -> bool:
        return self.status.startswith("Open")

    @property
    def degree_words(self) -> str:
        return DEGREE_WORDS.get(self.degree, f"{self.degree.capitalize()} met")


@dataclass(slots=True)
class PublicReport:
    """A published report and those of its recommendations that are public."""

    key: str
    title: str
    body: str
    published: date
    published_assumed: bool
    """The date is assumed (the source gives only the month): shown "(assumed)"."""
    recommendations: list[PublicRecommendation]
    page: str = field(default="", metadata=INTERNAL)
    """Its own page's file name, under `reports/`."""
    bodies: tuple[str, ...] = field(default=(), metadata=INTERNAL)

    @property
    def open(self) -> int:
        return sum(r.open for r in self.recommendations)

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.recommendations)


@dataclass(slots=True)
class Register:
    """Everything `rectrack publish` writes, as of one instant."""

    generated_at: datetime
    generated_on: date
    reports: list[PublicReport]
    title: str = field(default="", metadata=INTERNAL)
    generated_text: str = field(default="", metadata=INTERNAL)
    """When, in words and local time: "3 November 2003 at 12:00"."""

    @property
    def recommendations(self) -> int:
        return sum(len(r.recommendations) for r in self.reports)


def withheld(text: str) -> str:
    """`text` with every e-mail address in it withheld."""
    return EMAIL.sub(WITHHELD, text)


def _maybe(text: str | None) -> str | None:
    return withheld(text) if text is not None else None


def owner_words(
    name: str | None, title: str | None, group: str | None, settings: PublishSettings
) -> str:
    """How the register shows an owner: "Name, Title" for a named title; else their title,
    their group, or "the force"; never an e-mail address."""
    if name is None:
        return NOBODY
    if title and settings.names(title):
        return f"{withheld(name)}, {withheld(title)}"
    return withheld(title or group or THE_FORCE)


def page_name(key: str) -> str:
    """A report's page under `reports/`: its key, made safe for a file name (never a path)."""
    return quote(key, safe="-_.") + ".html"


def long_date(day: date | None) -> str:
    return long_day(day) if day is not None else ""


def _public(today: date) -> ColumnElement[bool]:
    """Published by today and not restricted: the reports the public may see."""
    r = report.c
    return and_(r.published.is_not(None), r.published <= today, r.restricted.is_(False))


def build_register(
    uow: UnitOfWork, settings: PublishSettings, timezone: str = "Europe/London"
) -> Register:
    """The register as it stands at the unit of work's clock, in three queries."""
    with uow.read() as tx:
        shown = _public(tx.today)
        r = report.c
        reports = {
            row.key: PublicReport(
                row.key,
                withheld(row.title),
                withheld(row.body),
                row.published,
                row.published_assumed,
                [],
                page_name(row.key),
                tuple(row.responding_bodies),
            )
            for row in tx.conn.execute(
                select(
                    r.key, r.title, r.body, r.published, r.published_assumed, r.responding_bodies
                )
                .where(shown)
                .order_by(r.published, r.key)
            )
        }
        recs = _recommendations(tx.conn, shown, tx.today, settings, reports)
        _add_responses(tx.conn, shown, recs, reports)
        local = tx.now.astimezone(ZoneInfo(timezone))
        return Register(
            tx.now,
            tx.today,
            list(reports.values()),
            settings.title,
            f"{long_date(local.date())} at {local:%H:%M}",
        )


def _recommendations(
    conn: Connection,
    shown: ColumnElement[bool],
    today: date,
    settings: PublishSettings,
    reports: dict[str, PublicReport],
) -> dict[int, PublicRecommendation]:
    """Every public recommendation of the `reports`, added to them; by internal id."""
    c, p = recommendation.c, person.c
    stmt = (
        select(
            *(c.id, c.code, c.ref, c.paragraph, c.text, c.state, c.degree),
            *(c.response_due, c.plan_due, c.update_due, c.target_date),
            *(report.c.key, p.name, p.title, p.group_name),
        )
        .join(report, report.c.id == c.report_id)
        .outerjoin(person, p.id == c.owner_id)
        .where(shown, c.restricted.is_(False))
        .order_by(report.c.published, report.c.key, c.id)
    )
    found: dict[int, PublicRecommendation] = {}
    for row in conn.execute(stmt):
        due = due_in_state(
            row.state, row.response_due, row.plan_due, row.update_due, row.target_date
        )
        holder = reports[row.key]
        rec = PublicRecommendation(
            id=withheld(row.code),
            ref=withheld(row.ref),
            paragraph=_maybe(row.paragraph),
            text=withheld(row.text),
            state=row.state,
            status=STATUS.get(row.state, row.state),
            degree=row.degree,
            target=row.target_date,
            overdue=due.next is not None and due.next < today,
            responses=[],
            owner=owner_words(row.name, row.title, row.group_name, settings),
            anchor=f"rec-{len(holder.recommendations) + 1}",
        )
        holder.recommendations.append(rec)
        found[row.id] = rec
    return found


def _add_responses(
    conn: Connection,
    shown: ColumnElement[bool],
    recs: dict[int, PublicRecommendation],
    reports: dict[str, PublicReport],
) -> None:
    """Each public recommendation's responses, in its report's order of responding bodies;
    never who recorded them."""
    s, c = response.c, recommendation.c
    stmt = (
        select(s.rec_id, report.c.key, s.body, s.text, s.not_applicable_reason)
        .join(recommendation, c.id == s.rec_id)
        .join(report, report.c.id == c.report_id)
        .where(shown, c.restricted.is_(False))
        .order_by(s.rec_id, s.body)
    )
    ranked: dict[int, list[tuple[int, PublicResponse]]] = {}
    for row in conn.execute(stmt):
        bodies = reports[row.key].bodies
        rank = bodies.index(row.body) if row.body in bodies else len(bodies)
        answer = PublicResponse(
            withheld(row.body), _maybe(row.text), _maybe(row.not_applicable_reason)
        )
        ranked.setdefault(row.rec_id, []).append((rank, answer))
    for rec_id, answers in ranked.items():
        # Stable: bodies outside the report's list keep their alphabetical order, last.
        recs[rec_id].responses = [a for _, a in sorted(answers, key=lambda ra: ra[0])]


# Rendering ----------------------------------------------------------------------------------


def nl2br(text: str) -> Markup:
    """`text` escaped, its line breaks as `<br>`."""
    return Markup("<br>\n").join(escape(line) for line in text.splitlines())


@cache
def _environment() -> Environment:
    # Built on first use, not at import; autoescaped whatever a template is called.
    env = Environment(
        loader=PackageLoader("workflow.reporting", TEMPLATES),
        autoescape=select_autoescape(("html.j2", "html"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(nl2br=nl2br, long_date=long_date, href=quote)
    env.globals["assumed"] = assumed_mark
    return env


def register_files(reg: Register) -> list[tuple[str, bytes]]:
    """Every file of the register, by its path under the output directory."""
    env = _environment()
    pages = [("index.html", env.get_template("index.html.j2").render(register=reg, root=""))]
    report_page = env.get_template("report.html.j2")
    for rep in reg.reports:
        text = report_page.render(register=reg, report=rep, root="../")
        pages.append((f"reports/{rep.page}", text))
    stylesheet = files("workflow.reporting").joinpath(TEMPLATES, STYLESHEET).read_bytes()
    return [
        *((path, text.encode("utf-8")) for path, text in pages),
        (STYLESHEET, stylesheet),
        ("register.csv", register_csv(reg).encode("utf-8")),
        ("register.json", register_json(reg).encode("utf-8")),
    ]


def register_json(reg: Register) -> str:
    return json.dumps(plain(reg), indent=2, ensure_ascii=False) + "\n"


def _answers(rec: PublicRecommendation) -> str:
    return "; ".join(
        f"{a.body}: not applicable: {a.not_applicable}"
        if a.not_applicable is not None
        else f"{a.body}: {a.text or ''}"
        for a in rec.responses
    )


def register_csv(reg: Register) -> str:
    """One row per recommendation; no cell a spreadsheet would run as a formula."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for rep in reg.reports:
        for rec in rep.recommendations:
            row = {
                "report": rep.key,
                "report_title": rep.title,
                "report_body": rep.body,
                "published": rep.published.isoformat(),
                "published_assumed": "yes" if rep.published_assumed else "no",
                "id": rec.id,
                "ref": rec.ref,
                "paragraph": rec.paragraph or "",
                "text": rec.text,
                "state": rec.state,
                "status": rec.status,
                "degree": rec.degree,
                "target": rec.target.isoformat() if rec.target else "",
                "overdue": "yes" if rec.overdue else "no",
                "owner": rec.owner,
                "responses": _answers(rec),
                "generated_on": reg.generated_on.isoformat(),
            }
            writer.writerow({k: neutralised(v) for k, v in row.items()})
    return out.getvalue()
