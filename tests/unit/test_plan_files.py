"""The plan file and the --action form (issue 12, items 4 and 5): what is written is read back
exactly, and whatever else is given is refused as bad input, never with another error; and
the guards on a plan's actions already done."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from states import ActionFacts, Actor, Case, GuardRefused, NotPermitted, Request, authorise, fire
from workflow.errors import BadInput
from workflow.lifecycle.plans import (
    PlanFileError,
    PlannedAction,
    parse_action,
    parse_money,
    parse_plan,
)

TODAY = date(2004, 1, 12)
OWNER = Actor("owner@x.org", frozenset({"owner"}))
OTHER = Actor("other@x.org", frozenset({"owner"}))

words = st.text(
    st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\u2028\u2029"),
    min_size=1,
    max_size=40,
).filter(lambda t: t == t.strip())
emails = st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,8})?@[a-z]{1,8}\.org", fullmatch=True)
days = st.dates(date(1990, 1, 1), date(2100, 12, 31))
money = st.decimals(Decimal(0), Decimal("999999999999.99"), places=2)


@st.composite
def planned(draw: Any) -> PlannedAction:
    done = draw(st.none() | days)
    return PlannedAction(
        draw(words),
        draw(emails),
        draw(days) if done is None else draw(st.sampled_from([done, draw(days)])),
        draw(st.none() | words),
        draw(st.none() | money),
        draw(st.none() | words),
        done,
    )


def _as_file(a: PlannedAction) -> dict[str, Any]:
    out: dict[str, Any] = {"text": a.text, "owner": a.owner.upper(), "target": a.target.isoformat()}
    extra = {"measure": a.measure, "benefit": a.benefit, "done": a.done}
    out.update((k, str(v)) for k, v in extra.items() if v is not None)
    if a.cost_estimate is not None:
        out["cost_estimate"] = f"£{a.cost_estimate:,.2f}"
    return out


@given(st.lists(planned(), min_size=1, max_size=5))
def test_a_plan_file_is_read_back_exactly_in_yaml_and_json(actions: list[PlannedAction]) -> None:
    document = {"actions": [_as_file(a) for a in actions]}
    assert parse_plan("p.yaml", yaml.safe_dump(document, allow_unicode=True)) == actions
    assert parse_plan("p.json", json.dumps(document), as_json=True) == actions


@given(st.text(max_size=300))
def test_anything_else_is_bad_input_naming_the_file(text: str) -> None:
    for as_json in (False, True):
        try:
            got = parse_plan("given.txt", text, as_json=as_json)
        except PlanFileError as exc:
            assert str(exc).startswith("given.txt")
        else:
            assert got and all(isinstance(a, PlannedAction) for a in got)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5) | days,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=12,
    )
)
def test_any_shape_of_action_is_read_or_refused_by_position(item: Any) -> None:
    document = yaml.safe_dump(
        {"actions": [{"text": "A", "owner": "o@x.org", "target": "2004-01-01"}, item]}
    )
    try:
        got = parse_plan("p.yaml", document)
    except PlanFileError as exc:
        assert exc.number in (None, 2)  # the first action is good
    else:
        assert len(got) == 2


@given(words.filter(lambda t: "|" not in t[-1:]), emails, days)
def test_the_three_part_action_still_reads_as_before(text: str, owner: str, target: date) -> None:
    assert parse_action(f"{text}|{owner.upper()}|{target}", 1) == PlannedAction(text, owner, target)


def test_the_fourth_part_says_when_it_was_done() -> None:
    done = date(2003, 9, 1)
    assert parse_action("Refit|o@x.org|2003-08-31|done:2003-09-01", 1) == PlannedAction(
        "Refit", "o@x.org", date(2003, 8, 31), done=done
    )
    assert parse_action("Refit|o@x.org||done 2003-09-01", 2).target == done
    assert parse_action("a|b|o@x.org|2003-08-31", 3)[:3] == ("a|b", "o@x.org", date(2003, 8, 31))
    with pytest.raises(BadInput, match="action 4: done"):
        parse_action("Refit|o@x.org|2003-08-31|done:2003-02-30", 4)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("1234.5", "1234.50"), ("£1,234.56", "1234.56"), (7, "7.00"), (Decimal("0.1"), "0.10")],
)
def test_money_is_read_in_pounds(given: Any, expected: str) -> None:
    assert parse_money(given) == Decimal(expected)


@pytest.mark.parametrize(
    "given", ["-1", "1.234", "1,23", "1e3", "NaN", True, 1.5, "£", "1000000000000"]
)
def test_what_is_not_an_amount_is_refused(given: Any) -> None:
    with pytest.raises(BadInput):
        parse_money(given)


def _plan(*actions: ActionFacts) -> str:
    return fire(
        "plan", Case("responded", owner=OWNER.email), Request(OWNER, TODAY, actions=actions)
    )


def test_an_action_done_may_have_a_past_target_and_a_departed_owner() -> None:
    past = TODAY - timedelta(days=40)
    done = ActionFacts(1, OWNER.email, past, done=True, done_on=past, owner_active=False)
    assert _plan(done, ActionFacts(2, OWNER.email, TODAY + timedelta(days=9))) == "planned"


@pytest.mark.parametrize(
    ("action", "problem"),
    [
        (
            ActionFacts(1, OWNER.email, TODAY, done=True, done_on=TODAY + timedelta(days=1)),
            "done on",
        ),
        (ActionFacts(1, OWNER.email, TODAY - timedelta(days=1)), "target date not after"),
        (ActionFacts(1, OWNER.email, TODAY + timedelta(days=1), owner_active=False), "no longer"),
    ],
)
def test_a_done_day_ahead_and_an_open_past_target_are_refused(
    action: ActionFacts, problem: str
) -> None:
    with pytest.raises(GuardRefused) as err:
        _plan(action)
    assert problem in str(err.value)


def test_an_actions_owner_may_record_its_cost_and_no_other() -> None:
    case = Case(
        "in_progress",
        owner=OWNER.email,
        actions=(ActionFacts(1, OTHER.email, TODAY), ActionFacts(2, OWNER.email, TODAY)),
    )
    authorise("action_cost", case, OTHER, 1)
    with pytest.raises(NotPermitted):
        authorise("action_cost", case, OTHER, 2)
