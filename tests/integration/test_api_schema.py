"""The API against its own OpenAPI document, by schemathesis: generated requests for every
operation (bounded, so that `make test` stays short), with a valid ILAU token and without; no
answer is a 500, and every answer matches the schema, status and media type documented."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests import world
from workflow.directory.tokens import create_token

EXAMPLES = 12
# Every check but "a schema-valid request is accepted": the API refuses some on purpose (a
# guard's 422, 30 February's 400, a cursor it never gave), each with a documented problem.
EXCLUDED = [positive_data_acceptance]
_QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much]


def _operations(client: Any) -> list[Any]:
    loaded = schemathesis.openapi.from_asgi("/api/v1/openapi.json", client.app)
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) >= 20  # the five reads and every event
    return operations


def test_the_api_keeps_to_its_schema(web: Any) -> None:
    app, client = web
    with app.uow() as uow:
        token = create_token(uow, world.ILAU, name="schemathesis").token
    for operation in _operations(client):

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=_QUIET)
        @given(case=operation.as_strategy())
        def conforms(case: Any) -> None:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"}, excluded_checks=EXCLUDED
            )

        conforms()


def test_without_a_token_every_operation_is_401(web: Any) -> None:
    _, client = web
    for operation in _operations(client):

        @settings(max_examples=2, deadline=None, suppress_health_check=_QUIET)
        @given(case=operation.as_strategy())
        def refused(case: Any) -> None:
            response = case.call()
            unrouted = response.status_code == 404 and "nothing at this address" in response.text
            assert response.status_code == 401 or unrouted, (case.path, response.text)
            assert response.headers["content-type"] in (
                ["application/problem+json"],
                "application/problem+json",
            )

        refused()
