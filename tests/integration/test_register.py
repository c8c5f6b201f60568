"""The public register (`rectrack publish`): what it leaves out (restricted, unpublished, future,
anyone's name below a named title, every e-mail address), what it says (status, responses,
the clock's date), and restriction itself (ilau only, audited, verifiable)."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select

from config import ConfigError, PublishSettings, load_settings
from states import STATES, NotPermitted
from tests import world
from tests.world import ILAU, OTHER, OWNER, REPORT
from workflow.audit.replay import verify
from workflow.clock import FixedClock
from workflow.directory.people import add_person, find_person, list_people
from workflow.directory.reports import NewReport, insert_report, restrict_report
from workflow.errors import OutOfOrder, UnknownReport
from workflow.intake.load import import_file
from workflow.lifecycle import service as svc
from workflow.lifecycle.restriction import restrict_recommendation
from workflow.reporting.register import (
    STATUS,
    WITHHELD,
    build_register,
    owner_words,
    page_name,
    register_files,
    withheld,
)
from workflow.store.tables import audit_event, person, recommendation, report
from workflow.store.uow import UnitOfWork

# An address as anyone would recognise one; the register's own test is broader (see EMAIL).
ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
NO_NAMES = PublishSettings()
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def publish(uow: UnitOfWork, named: PublishSettings = NO_NAMES) -> dict[str, str]:
    """Every file of the register, by path, as text."""
    return {p: c.decode("utf-8") for p, c in register_files(build_register(uow, named))}


def everything(files: dict[str, str]) -> str:
    return "\n".join(files.values())


def data(files: dict[str, str]) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(files["register.json"])
    return loaded


def rec_ids(files: dict[str, str]) -> list[str]:
    return [
        r["id"]
        for rep in json.loads(files["register.json"])["reports"]
        for r in rep["recommendations"]
    ]


def add_report(
    uow: UnitOfWork,
    key: str,
    published: date | None,
    *,
    restricted: bool = False,
    texts: tuple[str, ...] = ("A recommendation",),
) -> list[str]:
    """A report of its own with recommendations raised on it; their ids."""
    with uow.write() as tx:
        insert_report(
            tx,
            NewReport(
                key, f"Report {key}", "HMIC", "inspection", published, None, ("MPS",), restricted
            ),
            ILAU,
        )
    return [
        svc.raise_recommendation(uow, f"{key}/R{n}", ILAU, text=text, owner=OWNER).rec
        for n, text in enumerate(texts, 1)
    ]


def test_no_restricted_recommendation_nor_any_of_a_restricted_report_appears(
    uow: UnitOfWork,
) -> None:
    """Restricted on raising (a report) or afterwards (a recommendation, a report): gone from
    every page, the CSV and the JSON; the rest stay."""
    codes = world.build(uow)
    add_report(uow, "secret-2003", date(2003, 9, 1), restricted=True, texts=("Covert tactics",))
    add_report(uow, "later-2003", date(2003, 9, 2), texts=("Vetting of staff",))
    svc.respond(uow, codes[1], ILAU, body="MPS", text="Surveillance log reply")
    restrict_recommendation(uow, codes[1], ILAU, reason="sensitive")
    restrict_report(uow, "later-2003", ILAU)
    files = publish(uow)
    text = everything(files)
    for gone in (
        "Recommendation 2",
        "Surveillance log reply",
        "Covert tactics",
        "Vetting of staff",
    ):
        assert gone not in text
    for key in ("secret-2003", "later-2003"):
        assert key not in text
        assert f"reports/{page_name(key)}" not in files
    assert rec_ids(files) == [codes[0], codes[2]]
    assert "Recommendation 1" in files["index.html"] and "Recommendation 3" in files["register.csv"]
    assert set(files) == {
        "index.html",
        f"reports/{REPORT}.html",
        "register.css",
        "register.csv",
        "register.json",
    }


def test_lifting_a_restriction_brings_it_back(uow: UnitOfWork) -> None:
    codes = world.build(uow)
    restrict_recommendation(uow, codes[0], ILAU)
    restrict_report(uow, REPORT, ILAU)
    assert data(publish(uow))["reports"] == []
    restrict_report(uow, REPORT, ILAU, restricted=False)
    assert rec_ids(publish(uow)) == codes[1:]
    restrict_recommendation(uow, codes[0], ILAU, restricted=False)
    assert rec_ids(publish(uow)) == codes


def test_restriction_is_audited_once_and_the_trail_still_verifies(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    """`restrict`/`unrestrict` with {"restricted": [old, new]}; repeating it records nothing;
    the version is untouched, so `audit verify`'s replay agrees with the table."""
    codes = world.build(uow)
    before = svc.show_recommendation(uow, codes[0]).version
    first = restrict_recommendation(uow, codes[0], ILAU, reason="an operation is live")
    again = restrict_recommendation(uow, codes[0], ILAU)
    assert (first.changed, again.changed, again.restricted) == (True, False, True)
    world.advance(clock, 1)
    restrict_recommendation(uow, codes[0], ILAU, restricted=False)
    restrict_report(uow, REPORT, ILAU, reason="review")
    assert restrict_report(uow, REPORT, ILAU).changed is False
    restrict_report(uow, REPORT, ILAU, restricted=False)
    svc.respond(uow, codes[0], ILAU, body="MPS", text="Accepted")  # the lifecycle goes on
    with uow.read() as tx:
        rows = tx.conn.execute(
            select(
                audit_event.c.event,
                audit_event.c.rec,
                audit_event.c.report,
                audit_event.c.note,
                audit_event.c.changes,
            )
            .where(audit_event.c.event.in_(("restrict", "unrestrict")))
            .order_by(audit_event.c.id)
        ).all()
        verdict = verify(tx.conn)
    assert [(*r[:4], json.loads(r[4])) for r in rows] == [
        ("restrict", codes[0], REPORT, "an operation is live", {"restricted": [False, True]}),
        ("unrestrict", codes[0], REPORT, None, {"restricted": [True, False]}),
        ("restrict", None, REPORT, "review", {"restricted": [False, True]}),
        ("unrestrict", None, REPORT, None, {"restricted": [True, False]}),
    ]
    assert verdict.ok, verdict
    assert verdict.recommendations == len(codes)
    assert svc.show_recommendation(uow, codes[0]).version == before + 1  # the response only


def test_only_the_ilau_may_restrict(uow: UnitOfWork) -> None:
    codes = world.build(uow)
    for who in (OWNER, world.BOARD, world.ADMIN):
        with pytest.raises(NotPermitted):
            restrict_recommendation(uow, codes[0], who)
        with pytest.raises(NotPermitted):
            restrict_report(uow, REPORT, who)
    with pytest.raises(UnknownReport):
        restrict_report(uow, "no-such-report", ILAU)
    with uow.read() as tx:
        assert not tx.conn.execute(
            select(recommendation.c.id).where(recommendation.c.restricted)
        ).all()
        assert tx.conn.execute(select(report.c.restricted)).scalars().all() == [False]


def test_a_restriction_cannot_be_dated_before_the_recommendations_latest_event(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    codes = world.build(uow)
    world.advance(clock, 5)
    svc.respond(uow, codes[0], ILAU, body="MPS", text="Accepted")
    world.advance(clock, -2)
    with pytest.raises(OutOfOrder):
        restrict_recommendation(uow, codes[0], ILAU)


def test_unpublished_and_future_reports_are_left_out(uow: UnitOfWork, clock: FixedClock) -> None:
    """Published on or before today (the clock's): in; no date, or a later one: out."""
    world.build(uow, recs=1)
    today = clock.today()
    add_report(uow, "draft", None, texts=("Draft text",))
    add_report(uow, "tomorrow", today + timedelta(days=1), texts=("Tomorrow's text",))
    add_report(uow, "today", today, texts=("Today's text",))
    files = publish(uow)
    assert [r["key"] for r in data(files)["reports"]] == [REPORT, "today"]  # type: ignore[index]
    for gone in ("Draft text", "Tomorrow", "draft"):
        assert gone not in everything(files)
    world.advance(clock, 1)
    assert "Tomorrow's text" in publish(uow)["index.html"].replace("&#39;", "'")


def test_the_generation_date_is_the_clocks(uow: UnitOfWork, clock: FixedClock) -> None:
    world.build(uow, recs=1)
    files = publish(uow)
    assert data(files)["generated_on"] == "2003-11-03"
    assert data(files)["generated_at"] == "2003-11-03T12:00:00.000000+00:00"
    for path, text in files.items():
        if path.endswith(".html"):
            assert '<time datetime="2003-11-03">3 November 2003 at 12:00</time>' in text, path
    assert {row["generated_on"] for row in csv.DictReader(io.StringIO(files["register.csv"]))} == {
        "2003-11-03"
    }
    world.advance(clock, 200)
    later = publish(uow)
    assert data(later)["generated_on"] == "2004-05-21"
    assert "21 May 2004" in later["index.html"] and "3 November 2003" not in later["index.html"]


def test_a_recommendation_shows_its_responses_status_target_and_whether_overdue(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    codes = world.build(uow)
    world.to_in_progress(uow, clock, codes[0])
    svc.respond(uow, codes[1], ILAU, body="MPA", not_applicable="The authority has no role")
    world.advance(clock, 100)  # R2 and R3's responses are late now; R1's target is past
    recs = {r["id"]: r for rep in data(publish(uow))["reports"] for r in rep["recommendations"]}  # type: ignore[attr-defined]
    first = recs[codes[0]]
    assert first["status"] == "Open: implementation in progress" and first["state"] == "in_progress"
    assert first["target"] == (date(2003, 11, 3) + timedelta(days=60)).isoformat()
    assert first["responses"] == [
        {"body": "MPS", "text": "Accepted", "not_applicable": None},
        {"body": "MPA", "text": "Agreed", "not_applicable": None},
    ]
    assert recs[codes[1]]["responses"] == [
        {"body": "MPA", "text": None, "not_applicable": "The authority has no role"}
    ]
    assert recs[codes[2]]["status"] == "Open: awaiting a response"
    assert [recs[c]["overdue"] for c in codes] == [True, True, True]
    assert recs[codes[0]]["degree"] == "none" and recs[codes[0]]["paragraph"] == "3.1"
    page = publish(uow)[f"reports/{REPORT}.html"]
    assert "Not applicable: The authority has no role" in page
    assert page.count('<strong class="tag overdue">Yes</strong>') == 3


def test_every_state_has_its_words() -> None:
    assert set(STATUS) == set(STATES)
    assert all(STATUS[s].startswith("Closed") == (s in ("complete", "superseded")) for s in STATES)


def _people(uow: UnitOfWork) -> None:
    add_person(uow, ILAU, name="Ivy Lau", roles=["ilau"], title="Head of Liaison")
    add_person(
        uow,
        "chief@example.org",
        name="Chris Chief",
        roles=["owner"],
        title="Chief Superintendent",
        actor=ILAU,
    )
    add_person(
        uow, OWNER, name="Owen Owner", roles=["owner"], group="TP", title="Analyst", actor=ILAU
    )
    add_person(uow, OTHER, name="Olive Other", roles=["owner"], group="HR", actor=ILAU)
    add_person(uow, "nobody@example.org", name="Nora Nobody", roles=["owner"], actor=ILAU)


def test_names_appear_only_beside_a_named_title(uow: UnitOfWork) -> None:
    """Named title: "Name, Title"; else the title, the group, "the force"; no owner: not yet
    assigned. Nobody who recorded a response is named."""
    _people(uow)
    owners = ["chief@example.org", OWNER, OTHER, "nobody@example.org", None]
    with uow.write() as tx:
        insert_report(
            tx,
            NewReport(REPORT, "BOTJ", "HMIC", "inspection", date(2003, 10, 1), None, ("MPS",)),
            ILAU,
        )
    codes = [
        svc.raise_recommendation(uow, f"{REPORT}/R{n}", ILAU, text=f"Text {n}", owner=who).rec
        for n, who in enumerate(owners, 1)
    ]
    svc.respond(uow, codes[0], ILAU, body="MPS", text="Accepted")
    named = PublishSettings(named_titles=("chief   SUPERINTENDENT",))
    files = publish(uow, named)
    shown = [r["owner"] for rep in data(files)["reports"] for r in rep["recommendations"]]  # type: ignore[attr-defined]
    assert shown == [
        "Chris Chief, Chief Superintendent",
        "Analyst",
        "HR",
        "the force",
        "Not yet assigned",
    ]
    text = everything(files)
    for name in ("Owen Owner", "Olive Other", "Nora Nobody", "Ivy Lau", "Head of Liaison"):
        assert name not in text
    unnamed = everything(publish(uow))
    assert "Chris Chief" not in unnamed and "Chief Superintendent" in unnamed


def test_no_email_address_appears_in_any_file(uow: UnitOfWork) -> None:
    """Addresses typed into texts, titles, groups, names and responses are withheld."""
    _people(uow)
    add_person(
        uow,
        "odd@example.org",
        name="Reach me at odd@example.org",
        roles=["owner"],
        title="Officer (x.y@example.org)",
        actor=ILAU,
    )
    with uow.write() as tx:
        insert_report(
            tx,
            NewReport(
                REPORT,
                "Ask report@hmic.gov.uk",
                "HMIC <hmic@example.org>",
                "inspection",
                date(2003, 10, 1),
                None,
                ("MPS", "m@p.a"),
            ),
            ILAU,
        )
    code = svc.raise_recommendation(
        uow,
        f"{REPORT}/R1",
        ILAU,
        text="Write to\nowner@example.org, now",
        owner="odd@example.org",
        paragraph="@b.cd",
    ).rec
    svc.respond(uow, code, ILAU, body="MPS", text="Ring \"x\"'y'@z.org or <q@r.st>")
    svc.respond(uow, code, ILAU, body="m@p.a", not_applicable="n/a: mail na@x.org")
    files = publish(uow, PublishSettings(named_titles=("Officer (x.y@example.org)",)))
    for path, text in files.items():
        assert ADDRESS.findall(text) == [], path
        assert "@example.org" not in text and "x.org" not in text, path
    assert WITHHELD in files["index.html"]


_SERIAL = itertools.count()
_TEXT = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")) | st.sampled_from("\n@."),
    max_size=40,
)
_WITH_ADDRESS = st.tuples(_TEXT, st.emails(), _TEXT).map(
    lambda t: f"{t[0]} {t[1]}{t[2][:1]} {t[2]}"
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_WITH_ADDRESS, min_size=6, max_size=6), st.emails())
def test_no_email_address_whatever_the_text(
    uow: UnitOfWork, texts: list[str], address: str
) -> None:
    """Whatever text holds an address (the recommendation, its paragraph, a response, the
    owner's name, title and group): no address, nor that one, in any file written."""
    n = next(_SERIAL)
    with uow.read() as tx:
        first = find_person(tx.conn, ILAU) is None
    if first:
        add_person(uow, ILAU, name="Ivy Lau", roles=["ilau"])
    title, group, name = (t.strip()[:100] or "x" for t in texts[3:6])
    add_person(
        uow, f"p{n}@example.org", name=name, roles=["owner"], group=group, title=title, actor=ILAU
    )
    add_person(uow, f"q{n}@example.org", name=name, roles=["owner"], actor=ILAU)
    key = f"h{n}"
    with uow.write() as tx:
        insert_report(
            tx, NewReport(key, texts[0], "HMIC", "x", date(2003, 1, 1), None, ("MPS",)), ILAU
        )
    code = svc.raise_recommendation(
        uow, f"{key}/R1", ILAU, text=texts[0], owner=f"p{n}@example.org", paragraph=texts[1][:32]
    ).rec
    svc.respond(uow, code, ILAU, body="MPS", text=texts[2] + " " + address)
    files = publish(uow, PublishSettings(named_titles=(title,)))
    for path, text in files.items():
        assert ADDRESS.findall(text) == [], path
        assert address not in text, path


@given(st.text(max_size=30), st.emails(), st.text(max_size=30))
def test_withheld_leaves_no_address(before: str, address: str, after: str) -> None:
    assert ADDRESS.search(withheld(f"{before}{address}{after}")) is None


def test_owner_words_never_give_an_address() -> None:
    named = PublishSettings(named_titles=("Chief",))
    assert owner_words("Al", "Chief", None, named) == "Al, Chief"
    assert owner_words("al@x.org", "Chief", None, named) == f"{WITHHELD}, Chief"
    assert owner_words("Al", "Deputy", "TP", named) == "Deputy"
    assert owner_words("Al", None, "TP", named) == "TP"
    assert owner_words("Al", None, None, named) == "the force"
    assert owner_words(None, None, None, named) == "Not yet assigned"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_would_run_as_formulas_are_neutralised(uow: UnitOfWork, start: str) -> None:
    world.build(uow, recs=0)
    text = f'{start}HYPERLINK("http://evil","x")'
    code = svc.raise_recommendation(uow, f"{REPORT}/R1", ILAU, text=text, paragraph=f"{start}1").rec
    svc.respond(uow, code, ILAU, body="MPS", text="ok")
    files = publish(uow)
    rows = list(csv.reader(io.StringIO(files["register.csv"], newline="")))
    assert len(rows) == 2
    assert all(not cell.startswith(FORMULA) for row in rows for cell in row)
    record = dict(zip(rows[0], rows[1], strict=True))
    stored = text.strip()  # a recommendation's text is kept without surrounding space
    assert record["text"] == ("'" + stored if stored.startswith(FORMULA) else stored)
    assert record["paragraph"] == f"'{start}1"
    assert rec_ids(files) == [code]
    shown = data(files)["reports"][0]["recommendations"][0]  # type: ignore[index]
    assert (shown["text"], shown["paragraph"]) == (stored, f"{start}1")  # the JSON is exact


def test_the_register_is_read_in_a_fixed_number_of_queries(uow: UnitOfWork) -> None:
    """Set-based: as many statements for 2 recommendations as for 12."""
    codes = world.build(uow, recs=2)

    def statements() -> int:
        seen: list[str] = []

        def count(conn: object, cursor: object, statement: str, *rest: object) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        event.listen(uow.engine, "before_cursor_execute", count)
        try:
            build_register(uow, NO_NAMES)
        finally:
            event.remove(uow.engine, "before_cursor_execute", count)
        return len(seen)

    few = statements()
    for n in range(3, 13):
        code = svc.raise_recommendation(uow, f"{REPORT}/R{n}", ILAU, text=f"R {n}", owner=OWNER).rec
        svc.respond(uow, code, ILAU, body="MPS", text="Accepted")
    svc.respond(uow, codes[0], ILAU, body="MPS", text="Accepted")
    assert statements() == few <= 3


def test_import_sets_restricted_and_titles(uow: UnitOfWork, tmp_path: Path) -> None:
    path = tmp_path / "in.yaml"
    path.write_text(
        """
people:
  - {email: lead@x.org, name: Lead, roles: [ilau], title: Head of Liaison}
  - {email: own@x.org, name: Own, roles: [owner], group: TP}
reports:
  - {key: open-1, title: Open, body: HMIC, kind: inspection, published: 2003-01-01,
     responding_bodies: [MPS],
     recommendations: [{ref: R1, text: Public one, owner: own@x.org},
                       {ref: R2, text: Hidden one, restricted: true}]}
  - {key: closed-1, title: Closed, body: HMIC, kind: inspection, published: 2003-01-01,
     responding_bodies: [MPS], restricted: yes,
     recommendations: [{ref: R1, text: Hidden too}]}
""",
        encoding="utf-8",
    )
    import_file(uow, path)
    with uow.read() as tx:
        flags = dict(
            tx.conn.execute(select(recommendation.c.code, recommendation.c.restricted)).all()
        )
        reports = dict(tx.conn.execute(select(report.c.key, report.c.restricted)).all())
        titles = dict(tx.conn.execute(select(person.c.email, person.c.title)).all())
        raised = {
            rec: json.loads(changes)
            for rec, changes in tx.conn.execute(
                select(audit_event.c.rec, audit_event.c.changes).where(
                    audit_event.c.event == "raise"
                )
            )
        }
    assert flags == {"open-1/R1": False, "open-1/R2": True, "closed-1/R1": False}
    assert reports == {"open-1": False, "closed-1": True}
    assert titles == {"lead@x.org": "Head of Liaison", "own@x.org": None}
    assert [p.title for p in list_people(uow)] == ["Head of Liaison", None]
    assert "restricted" not in raised["open-1/R1"] and raised["open-1/R2"]["restricted"] is True
    assert rec_ids(publish(uow)) == ["open-1/R1"]


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ('named_titles = "Chief Constable"', "named_titles"),
        ("named_titles = [1]", "named_titles"),
        ('named_titles = [""]', "named_titles"),
        ('title = ""', "title"),
        ("colour = 'blue'", "colour"),
    ],
)
def test_bad_publish_settings_name_the_key(tmp_path: Path, section: str, key: str) -> None:
    path = tmp_path / "rectrack.toml"
    path.write_text(f"[publish]\n{section}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=key):
        load_settings(config=str(path), env={})


def test_publish_settings_are_read(tmp_path: Path) -> None:
    path = tmp_path / "rectrack.toml"
    path.write_text('[publish]\ntitle = "MPA register"\nnamed_titles = ["Commissioner"]\n')
    loaded = load_settings(config=str(path), env={}).publish
    assert loaded == PublishSettings(title="MPA register", named_titles=("Commissioner",))
    assert loaded.names("  commissioner ") and not loaded.names("Deputy Commissioner")
    assert load_settings(env={}).publish == PublishSettings()
