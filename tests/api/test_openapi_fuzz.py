"""Schemathesis against the OpenAPI: every operation, with cases generated from its
schema, sent as a filer and as liaison staff to the real stack (dev server, worker,
simulator, seeded database) on SQLite and on PostgreSQL. No answer may be a server
error (5xx), and every error is problem+json.

PostgreSQL too, because generated and hostile input reaches the database, and
PostgreSQL refuses values SQLite stores (NUL characters, out-of-range numbers): each
must still be answered with a problem, never a server error.

The cases are generated once and every one is sent to both stacks as both users.
Generation is derandomized, so each operation's cases are the same for every user and
database anyway; generating them once per user and database (the test ran once per
database before) spent three quarters of the generating for the same requests.

The generated requests run in a thread (schemathesis calls the ASGI apps through its
own event loop) while the workers keep running in the test's loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import APIOperation, Case, Response
from schemathesis.core.result import Ok
from temporalio.testing import WorkflowEnvironment

from adapters.db.engine import create_database
from api.app import create_app
from bondflow.settings import Settings
from tests.api.conftest import make_tokens
from tests.conftest import DEMO, POSTGRES_URL, REQUIRE_POSTGRES, fresh_database_url
from tests.support.profiles import examples
from tests.workflows.conftest import Zone, running_zone

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.heavy]

EXAMPLES = examples(15)  # per operation: about 1,000 cases, each sent four times
USERS = ("solar-filer", "liaison")


@contextlib.asynccontextmanager
async def demo_zone(
    request: pytest.FixtureRequest, dev_server: WorkflowEnvironment, backend: str, tmp_path: Path
) -> AsyncIterator[Zone]:
    """The running zone on a database of ``backend`` cloned from its template of the
    demo's state, as the ``zone`` fixture is on SQLite; its files under ``tmp_path``.

    Customs answers and the watcher looks once a second, not every 50 ms: no generated
    request files a lifecycle that reaches customs (none did when counted: every filing
    was refused), and the test waits on no receipt; idle, the two zones' passes cost
    about 2 s of CPU over the run."""
    tmp_path.mkdir()
    db = create_database(fresh_database_url(request, backend, tmp_path, state=DEMO))
    try:
        async with running_zone(dev_server, db, tmp_path, exchange_every=1.0) as zone:
            yield zone
    finally:
        db.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def zones(
    request: pytest.FixtureRequest, dev_server: WorkflowEnvironment, tmp_path: Path
) -> AsyncIterator[list[Zone]]:
    """A demo zone on SQLite and one on PostgreSQL. Without a PostgreSQL server the list
    holds the SQLite one alone (the test then says so by skipping at its end), unless
    BONDFLOW_TEST_REQUIRE_POSTGRES=1 makes that a failure, as for every PostgreSQL test."""
    backends = ["sqlite", "postgresql"] if POSTGRES_URL or REQUIRE_POSTGRES else ["sqlite"]
    async with contextlib.AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(
                demo_zone(request, dev_server, backend, tmp_path / backend)
            )
            for backend in backends
        ]


@dataclass(frozen=True)
class Stack:
    """The API over one zone, with a token per user of its database."""

    database: str
    app: FastAPI
    tokens: dict[str, str]

    @classmethod
    def over(cls, zone: Zone, temporal_address: str) -> Stack:
        settings = Settings(task_queue=zone.task_queue, temporal_address=temporal_address)
        # Requests not logged: the API's log level is set by the first app a process
        # makes, and the tests after the fuzz would log every request too.
        app = create_app(settings, database=zone.db, log_requests=False)
        return cls(zone.db.dialect, app, make_tokens(zone.db))

    def send(self, case: Case[Any], user: str) -> Response:
        try:
            response = case.call(
                headers={"Authorization": f"Bearer {self.tokens[user]}"},
                app=self.app,
            )
        except Exception as error:
            # An error the app raises (rather than answering 500) fails the test through
            # hypothesis, which shows the case; this says where it was sent.
            error.add_note(f"sent to {self.database} as {user}")
            raise
        return response


async def test_no_generated_request_is_answered_with_a_server_error(
    zones: list[Zone], dev_server: WorkflowEnvironment
) -> None:
    address = dev_server.client.service_client.config.target_host
    stacks = [Stack.over(zone, address) for zone in zones]
    # The operations as the first app describes them; every app is built by the same
    # create_app, so they serve the same OpenAPI.
    schema = schemathesis.openapi.from_asgi("/openapi.json", stacks[0].app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI has an invalid operation: {result}"
        operations.append(result.ok())
    assert len(operations) >= 20, [op.label for op in operations]
    failures: list[str] = []
    calls: Counter[str] = Counter()

    def exercise(operation: APIOperation[Any, Any, Any, Any]) -> None:
        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def one(case: Case[Any]) -> None:
            for stack in stacks:
                for user in USERS:
                    calls[stack.database] += 1
                    response = stack.send(case, user)
                    problem = response.status_code >= 400 and not response.headers.get(
                        "content-type", [""]
                    )[0].startswith("application/problem+json")
                    if response.status_code >= 500 or problem:
                        failures.append(
                            f"{stack.database}, {user}: {case.method}"
                            f" {case.formatted_path} -> {response.status_code}"
                            f" {response.text[:300]}\n  {case.as_curl_command()}"
                        )

        one()

    def exercise_all() -> None:
        for operation in operations:
            exercise(operation)

    await asyncio.to_thread(exercise_all)

    assert all(calls[stack.database] > 500 for stack in stacks), calls
    assert not failures, "\n".join(failures[:20])
    if len(stacks) == 1:
        pytest.skip(
            "sent to SQLite only: PostgreSQL needs BONDFLOW_TEST_POSTGRES_URL (see .ci/run)"
        )
