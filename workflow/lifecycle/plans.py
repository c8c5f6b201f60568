"""Plans with measures, costs and benefits (issue 12, items 4 and 5): a plan's actions read
from a YAML or JSON file, an action given on the command line, and the actual cost of an
action recorded once it is known.

A plan file is `actions: [{text, owner, target, target_assumed, measure, cost_estimate,
benefit, done}]`: `text` and `owner` are required, `target` too unless the action is already
`done` (its target is then the day it was done). `target_assumed: true` says the source gives
no date (its timescale is "Ongoing", say): the target is one assumed to chase it by, and is
printed "(assumed)". A bad file is refused before anything is written, with
the file, the action's position (and line, for YAML) and the field.

Recording an actual cost is not a step of the lifecycle: it moves no state and leaves the
version as it was (as `audit verify`'s replay expects); it is audited as `action_cost`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select, update

from states import Case, authorise
from workflow.clock import parse_day
from workflow.errors import BadInput, Conflict
from workflow.lifecycle import facts
from workflow.lifecycle.ids import normal_code
from workflow.lifecycle.transition import Outcome, check_time, load
from workflow.store.schema import control_character
from workflow.store.tables import action
from workflow.store.uow import Tx, UnitOfWork

MAX_ACTIONS = 100
MAX_FILE_BYTES = 1_000_000
FIELDS = (
    "text",
    "owner",
    "target",
    "target_assumed",
    "measure",
    "cost_estimate",
    "benefit",
    "done",
)
_MONEY = re.compile(r"^£?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$")
_MOST = Decimal("999999999999.99")  # Numeric(14, 2)
_DONE = re.compile(r"^done\s*[:=]?\s*(?P<day>\S*)$", re.IGNORECASE)
_ASSUMED = re.compile(r"\s*\(assumed\)$", re.IGNORECASE)
Lines = dict[tuple[int, str | None], int]
"""(action position, field or None for the action itself) -> its line in the file."""


class PlannedAction(NamedTuple):
    """One action of a plan: what will be done, its owner's email, its target date; and,
    where given, how its effect is measured, its estimated cost and benefit, the day it was
    already done, and whether its target is assumed (the source gives none)."""

    text: str
    owner: str
    target: date
    measure: str | None = None
    cost_estimate: Decimal | None = None
    benefit: str | None = None
    done: date | None = None
    target_assumed: bool = False


class PlanFileError(BadInput):
    """A plan file that cannot be read: names the file, the action (and line) and the field."""

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        number: int | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file, self.number, self.line, self.field = file, number, line, field
        where = file + (f":{line}" if line is not None else "")
        if number is not None:
            where += f": action {number}"
        if field is not None:
            where += f": field {field}"
        super().__init__(f"{where}: {problem}")


def parse_money(value: Any, what: str = "amount") -> Decimal:
    """An amount of money in pounds: 1234.56, "1,234.56" or "£1,234.56"; at most two
    decimal places, not negative."""
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise BadInput(f"{what}: expected an amount in pounds, such as 1234.50")
    text = str(value).strip()
    if not _MONEY.match(text):
        raise BadInput(f"{what}: not an amount in pounds (such as 1234.50): {text!r}")
    amount = Decimal(text.lstrip("£").replace(",", ""))
    if amount > _MOST:
        raise BadInput(f"{what}: at most £{_MOST:,.2f}")
    return amount.quantize(Decimal("0.01"))


def parse_action(spec: str, number: int) -> PlannedAction:
    """An action given as "TEXT|OWNER_EMAIL|YYYY-MM-DD", or, already done,
    "TEXT|OWNER_EMAIL|YYYY-MM-DD|done:YYYY-MM-DD" (the target may then be left empty); a
    target written "YYYY-MM-DD (assumed)" is one the source does not give."""
    parts = spec.rsplit("|", 3)
    done_part = _DONE.match(parts[-1].strip()) if len(parts) == 4 else None
    if done_part is None:
        parts = spec.rsplit("|", 2)
    expected = 'expected "TEXT|OWNER_EMAIL|YYYY-MM-DD[|done:YYYY-MM-DD]"'
    if len(parts) < 3 or not parts[0].strip():
        raise BadInput(f"action {number}: {expected}, got {spec!r}")
    text, owner, target = (p.strip() for p in parts[:3])
    done = parse_day(done_part["day"], f"action {number}: done") if done_part else None
    if not target and done is not None:
        return PlannedAction(text, owner.lower(), done, done=done)
    assumed = _ASSUMED.search(target) is not None
    day = parse_day(_ASSUMED.sub("", target), f"action {number}: target")
    return PlannedAction(text, owner.lower(), day, done=done, target_assumed=assumed)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"duplicate key {key!r}")
        found[key] = value
    return found


def _json(file: str, text: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal, object_pairs_hook=_unique)
    except json.JSONDecodeError as exc:
        raise PlanFileError(file, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except (ValueError, RecursionError) as exc:
        raise PlanFileError(file, f"not valid JSON: {exc}") from None


def read_plan(path: str | Path) -> list[PlannedAction]:
    """The actions of the plan file at `path` (YAML, or JSON if it is named .json)."""
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PlanFileError(file, f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise PlanFileError(file, f"larger than {MAX_FILE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanFileError(file, "not UTF-8 text") from None
    return parse_plan(file, text, as_json=file.lower().endswith(".json"))


def parse_plan(file: str, text: str, *, as_json: bool = False) -> list[PlannedAction]:
    """The actions of a plan file's `text` (`file` names it in errors)."""
    lines: Lines = {}
    if as_json:
        data = _json(file, text)
    else:  # YAML's reader is loaded only for a plan file (`rec show` starts without it)
        from workflow.lifecycle.plan_yaml import read_yaml

        data, lines = read_yaml(file, text, MAX_ACTIONS)
    if not isinstance(data, dict) or set(data) != {"actions"}:
        raise PlanFileError(file, "expected a mapping with one key, actions: a list of actions")
    given = data["actions"]
    if not isinstance(given, list) or not given:
        raise PlanFileError(file, "actions: expected a list of at least one action")
    if len(given) > MAX_ACTIONS:
        raise PlanFileError(file, f"actions: at most {MAX_ACTIONS} actions")
    return [_action(file, n, item, lines) for n, item in enumerate(given, start=1)]


@dataclass(frozen=True, slots=True)
class _Reader:
    """Reads the fields of action `number` of `file`, naming them in errors."""

    file: str
    number: int
    item: dict[str, Any]
    lines: Lines

    def fail(self, field: str | None, problem: str) -> PlanFileError:
        line = self.lines.get((self.number, field)) or self.lines.get((self.number, None))
        return PlanFileError(self.file, problem, number=self.number, line=line, field=field)

    def text(self, field: str, *, required: bool = False) -> str | None:
        value = self.item.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(field, "required")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise self.fail(field, "expected text")
        shown = str(value).strip()
        if control_character(shown):
            raise self.fail(field, "a control character is not allowed")
        return shown

    def day(self, field: str) -> date | None:
        value = self.text(field)
        try:
            return None if value is None else parse_day(value, "date")
        except BadInput as exc:
            raise self.fail(field, str(exc)) from None

    def flag(self, field: str) -> bool:
        value = self.item.get(field, False)
        if not isinstance(value, bool):
            raise self.fail(field, "expected true or false")
        return value

    def money(self, field: str) -> Decimal | None:
        value = self.item.get(field)
        try:
            return None if value is None else parse_money(value)
        except BadInput as exc:
            raise self.fail(field, str(exc)) from None


def _action(file: str, number: int, item: Any, lines: Lines) -> PlannedAction:
    read = _Reader(file, number, item if isinstance(item, dict) else {}, lines)
    if not isinstance(item, dict):
        raise read.fail(None, "expected a mapping of text, owner, target, ...")
    unknown = sorted(str(k) for k in item if k not in FIELDS)
    if unknown:
        raise read.fail(unknown[0], f"unknown field (expected one of {', '.join(FIELDS)})")
    text, owner = read.text("text", required=True), read.text("owner", required=True)
    done, target = read.day("done"), read.day("target")
    if target is None and done is None:
        raise read.fail("target", "required (unless the action is already done)")
    assumed = read.flag("target_assumed")
    if assumed and target is None:
        raise read.fail("target_assumed", "an assumed target needs its date in target")
    return PlannedAction(
        text=text or "",
        owner=(owner or "").lower(),
        target=target or done or date.min,
        measure=read.text("measure"),
        cost_estimate=read.money("cost_estimate"),
        benefit=read.text("benefit"),
        done=done,
        target_assumed=assumed,
    )


def done_instant(tx: Tx, day: date) -> datetime:
    """When an action done on `day` is recorded as done: now if today, else noon UTC of
    that day (the same day in London, summer or winter)."""
    return tx.now if day >= tx.today else datetime.combine(day, time(12), UTC)


def record_cost(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    number: int,
    actual: Decimal,
    expected_version: int | None = None,
) -> Outcome:
    """Record what action `number` actually cost (replacing what was recorded before).
    Permitted as closing the action is: its recommendation's owner, its own owner, ilau."""
    if actual < 0 or actual > _MOST or actual != actual.quantize(Decimal("0.01")):
        raise BadInput(f"--actual: expected an amount in pounds and pence, got {actual}")
    with uow.write() as tx:
        rec = load(tx, normal_code(code), actor)
        case = Case(state=rec.state, owner=rec.owner)
        facts.actions(tx, rec, case)
        authorise("action_cost", case, rec.actor, number)
        if expected_version is not None and expected_version != rec.version:
            raise Conflict(rec.code, expected_version, rec.version)
        check_time(tx, rec, "action_cost")
        where = (action.c.rec_id == rec.id, action.c.number == number)
        found = tx.conn.execute(select(action.c.cost_actual).where(*where).with_for_update())
        row = found.first()
        if row is None:
            raise BadInput(f"{rec.code} has no action {number}")
        tx.conn.execute(update(action).where(*where).values(cost_actual=actual))
        tx.audit.append(
            actor=rec.actor.email,
            event="action_cost",
            rec=rec.code,
            report=rec.report,
            from_state=rec.state,
            to_state=rec.state,
            note=f"action {number}: actual cost £{actual:,.2f}",
            changes={"action": number, "cost_actual": [row[0], actual]},
        )
        return Outcome(rec.code, "action_cost", rec.state, rec.state, rec.version)
