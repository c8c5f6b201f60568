"""A recommendation's page, and the forms on it: only the events the signed-in person may
fire now are offered; a refusal shows the guard's words on the page, and a change someone
else made since the page was loaded is shown, never overwritten."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from config.logging import get_logger
from states import DEGREES, EventNotAllowed, GuardRefused, NotPermitted
from workflow.chasing.escalations import list_escalations
from workflow.directory.committees import list_committees
from workflow.directory.decisions import PERMISSION as DECISION_PERMISSION
from workflow.directory.decisions import list_decisions
from workflow.directory.people import Person, list_people, names_of
from workflow.errors import BadInput, Conflict, UnknownRecommendation
from workflow.lifecycle import service as svc
from workflow.lifecycle.evidence import EvidenceRefused, evidence_files, path_of, store_file
from workflow.lifecycle.offers import offers_for
from workflow.lifecycle.views import ActionView
from workflow.mail.links import rec_path
from workflow.reporting.story import decision_owner_text
from workflow.store.uow import UnitOfWork
from workflow.web.auth import unsafe_request_ok, web_of
from workflow.web.errors import forbidden, not_found, problem
from workflow.web.forms import FORMS, GUARD_FIELD, FieldError, Submission
from workflow.web.pages import acting, reading, signed_in, signed_in_reading
from workflow.web.render import may, page

log = get_logger("rectrack.web")
CHUNK = 1 << 16


def _code(request: Request) -> str:
    return f"{request.path_params['report']}/{request.path_params['ref']}"


def _page_data(uow: UnitOfWork, code: str, who: Person) -> dict[str, Any] | None:
    """Everything the page shows, or None when `who` may not see it."""
    view = svc.show_recommendation(uow, code)
    offered = offers_for(uow, view, who)
    if not offered.visible:
        return None
    files = evidence_files(uow, view.id) if view.updates else []  # files come with updates
    emails = {view.owner, *(a.owner for a in view.actions), *(h.actor for h in view.history)}
    with uow.read() as tx:
        names = names_of(tx.conn, {e for e in emails if e})
    records = may(who, DECISION_PERMISSION)  # the decision form, offered by the table alone
    chooses = records or bool({"plan", "reassign"} & set(offered.events))  # forms listing people
    people = [p for p in list_people(uow) if p.active] if chooses else []
    decisions = list_decisions(uow, rec=view.id)
    return {
        "rec": view,
        "offers": offered.events,
        "pending_bodies": [b for b in view.bodies if b not in {r.body for r in view.responses}],
        "escalations": list_escalations(uow, rec=view.id),
        "files": files,
        "names": names,
        "people": people,
        "degrees": DEGREES,
        "today": uow.clock.today(),
        "costs": offered.costs,
        "decisions": decisions,
        "decision_owners": {d.id: decision_owner_text(d) for d in decisions},
        "committees": list_committees(uow) if records else None,
        "totals": _totals(view.actions),
    }


def _totals(actions: tuple[ActionView, ...]) -> dict[str, Decimal | None]:
    """The plan's estimated and actual costs added up (None where no action has one)."""
    estimates = [a.cost_estimate for a in actions if a.cost_estimate is not None]
    actuals = [a.cost_actual for a in actions if a.cost_actual is not None]
    return {
        "estimate": sum(estimates, Decimal(0)) if estimates else None,
        "actual": sum(actuals, Decimal(0)) if actuals else None,
    }


async def _show(
    request: Request,
    code: str,
    *,
    status: int = 200,
    error: dict[str, Any] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    try:
        got = await signed_in_reading(request, lambda uow, me: _page_data(uow, code, me))
    except UnknownRecommendation:
        return await not_found(request, f"There is no recommendation {code}.")
    if isinstance(got, Response):
        return got
    data = got[1]
    if data is None:
        return await forbidden(
            request, f"You may not see {code}: it is neither yours nor yours to oversee."
        )
    done = request.query_params.get("done")
    return await page(
        request,
        "rec.html.j2",
        title=f"{code}: {data['rec'].subject or 'recommendation'}",
        status=status,
        error=error,
        values=values or {},
        done=FORMS[done][2] if done in FORMS and error is None else None,
        max_upload_mb=web_of(request).settings.max_upload_bytes // (1024 * 1024),
        **data,
    )


async def rec_page(request: Request) -> Response:
    return await _show(request, _code(request))


async def _fields(request: Request) -> tuple[dict[str, str], UploadFile | None]:
    form = await request.form(max_files=1, max_fields=60, max_part_size=256 * 1024)
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    upload = form.get("evidence")
    return fields, upload if isinstance(upload, UploadFile) and upload.filename else None


def _chunks(upload: UploadFile) -> Any:
    while True:
        chunk = upload.file.read(CHUNK)
        if not chunk:
            return
        yield chunk


async def submit(request: Request) -> Response:
    """A form posted from a recommendation's page."""
    me = await signed_in(request)
    if isinstance(me, Response):
        return me
    code, name = _code(request), request.path_params["form"]
    if name not in FORMS:
        return await not_found(request)
    web = web_of(request)
    limit = web.settings.max_upload_bytes
    declared = int(request.headers.get("content-length") or 0)
    if declared > limit + 512 * 1024:
        return await _refused(request, code, name, 413, "evidence", _too_big(limit), {})
    try:
        fields, upload = await _fields(request)
    except Exception:  # a malformed or oversized body: python-multipart's own errors
        return await problem(request, 400, "That form could not be read", "Please try again.")
    if not unsafe_request_ok(request, fields):
        return await problem(
            request,
            403,
            "This form has expired",
            "The page was open too long, or came from somewhere else. Reload it and try again.",
        )
    refusal = await _fire(request, code, name, fields, upload, me)
    if refusal is not None:
        return refusal
    log.info("form", rec=code, form=name, fired=FORMS[name][0], person=me.email)
    return RedirectResponse(f"{rec_path(code)}?done={name}", status_code=303)


CONFLICT = (
    "Someone else changed this recommendation since you loaded the page, so nothing was "
    "saved. The page now shows their change; check it, then try again."
)


async def _fire(
    request: Request,
    code: str,
    name: str,
    fields: dict[str, str],
    upload: UploadFile | None,
    me: Person,
) -> Response | None:
    """Do what the form asks; None when it was done, else the page saying why not."""
    web = web_of(request)
    handler = FORMS[name][1]

    async def again(status: int, field: str | None, message: str) -> Response:
        return await _refused(request, code, name, status, field, message, fields)

    try:
        version = _version(fields)
        stored = None
        if upload is not None and name == "update":
            stored = await run_in_threadpool(
                store_file,
                web.storage,
                _chunks(upload),
                upload.filename or "",
                web.settings.max_upload_bytes,
            )
        submission = Submission(fields, version, stored)
        await acting(request, lambda uow: handler(uow, code, me.email, submission))
    except FieldError as exc:
        return await again(400, exc.field, str(exc))
    except EvidenceRefused as exc:
        return await again(400, "evidence", str(exc))
    except GuardRefused as exc:
        return await again(422, GUARD_FIELD.get(exc.guard), exc.problem.capitalize())
    except NotPermitted as exc:
        return await again(403, None, f"You may not do this: {exc.why}.")
    except EventNotAllowed as exc:
        return await again(409, None, f"This cannot be done now: {exc}.")
    except Conflict:
        return await again(409, None, CONFLICT)
    except UnknownRecommendation:
        return await not_found(request, f"There is no recommendation {code}.")
    except BadInput as exc:
        return await again(400, None, str(exc))
    return None


def _version(fields: dict[str, str]) -> int | None:
    """The version the page showed (a whole number), or None if the form carried none."""
    given = fields.get("version")
    if not given:
        return None
    if not given.isdigit() or len(given) > 9:
        raise BadInput(f"this form carries no usable version ({given[:20]!r}): reload the page")
    return int(given)


def _too_big(limit: int) -> str:
    return f"The file must be smaller than {limit // (1024 * 1024)} MB"


async def _refused(
    request: Request,
    code: str,
    form: str,
    status: int,
    field: str | None,
    message: str,
    values: dict[str, str],
) -> Response:
    """The page again, with the refusal in its error summary, linked to the field."""
    keep = {k: v for k, v in values.items() if k not in ("csrf_token", "version")}
    error = {"form": form, "field": field, "message": message}
    return await _show(request, code, status=status, error=error, values=keep)


async def evidence(request: Request) -> Response:
    """An evidence file, to whoever may see its recommendation, as an attachment."""
    from starlette.responses import FileResponse

    me = await signed_in(request)
    if isinstance(me, Response):
        return me
    code = _code(request)
    try:
        number = int(request.path_params["file"])
        data = await reading(request, lambda uow: _file(uow, code, me, number))
    except (ValueError, UnknownRecommendation):
        return await not_found(request)
    if data is None:
        return await forbidden(request, f"You may not see the evidence of {code}.")
    if not data:
        return await not_found(request)
    sha, filename, media = data
    path = path_of(web_of(request).storage, sha)
    if not path.exists():
        return await not_found(request, "The file is no longer in the evidence store.")
    return FileResponse(
        path,
        media_type=media,
        filename=filename,
        content_disposition_type="attachment",
        headers={"cache-control": "private, no-store", "x-content-type-options": "nosniff"},
    )


def _file(
    uow: UnitOfWork, code: str, who: Person, number: int
) -> tuple[str, str, str] | tuple[()] | None:
    view = svc.show_recommendation(uow, code)
    if not offers_for(uow, view, who).visible:
        return None
    for f in evidence_files(uow, view.id):
        if f.id == number:
            return f.sha256, f.filename, f.media_type
    return ()
