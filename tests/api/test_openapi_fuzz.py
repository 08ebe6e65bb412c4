"""Schemathesis against the OpenAPI: every operation, with cases generated from its
schema, as a filer and as liaison staff, on the real stack (dev server, worker,
simulator, seeded database). No answer may be a server error (5xx), and every error
is problem+json.

The generated requests run in a thread (schemathesis calls the ASGI app through its
own event loop) while the worker keeps running in the test's loop."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from bondflow.settings import Settings
from tests.api.conftest import make_tokens
from tests.support.profiles import examples
from tests.workflows.conftest import Zone

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.heavy,
    pytest.mark.both_databases(
        reason="generated and hostile input reaches the database, and PostgreSQL refuses"
        " values SQLite stores (NUL characters, out-of-range numbers): each must still be"
        " answered with a problem, never a server error"
    ),
]

EXAMPLES = examples(15)  # per operation and user: about 1,000 requests in all


async def test_no_generated_request_is_answered_with_a_server_error(
    zone: Zone, dev_server: WorkflowEnvironment
) -> None:
    tokens = make_tokens(zone.db)
    address = dev_server.client.service_client.config.target_host
    app = create_app(
        Settings(task_queue=zone.task_queue, temporal_address=address), database=zone.db
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI has an invalid operation: {result}"
        operations.append(result.ok())
    assert len(operations) >= 20, [op.label for op in operations]
    failures: list[str] = []
    calls = 0

    def exercise(user: str) -> None:
        nonlocal calls
        headers = {"Authorization": f"Bearer {tokens[user]}"}
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def one(case: Any) -> None:
                nonlocal calls
                calls += 1
                response = case.call(headers=headers)
                problem = response.status_code >= 400 and not response.headers.get(
                    "content-type", [""]
                )[0].startswith("application/problem+json")
                if response.status_code >= 500 or problem:
                    failures.append(
                        f"{user}: {case.method} {case.formatted_path} -> {response.status_code}"
                        f" {response.text[:300]}\n  {case.as_curl_command()}"
                    )

            one()

    for user in ("solar-filer", "liaison"):
        await asyncio.to_thread(exercise, user)

    assert calls > 500
    assert not failures, "\n".join(failures[:20])
