"""Fixtures: a fresh, migrated database per test, on SQLite and on PostgreSQL.

PostgreSQL runs when BONDFLOW_TEST_POSTGRES_URL names a server (an admin URL
such as postgresql+psycopg:///postgres); .ci/run sets it and also sets
BONDFLOW_TEST_REQUIRE_POSTGRES=1 so that a missing server fails the run
instead of skipping half the suite.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import hypothesis  # noqa: F401 - imported up front: see below
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from adapters.db.engine import Database, create_database
from adapters.db.migrate import upgrade

# Hypothesis's pytest plugin imports it lazily at the end of the session; after the
# Temporal servers' threads have run, CPython 3.11 then fails compiling it ("AST
# constructor recursion depth mismatch"). Importing it first avoids that.

POSTGRES_URL = os.environ.get("BONDFLOW_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("BONDFLOW_TEST_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is much faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _admin_engine() -> Engine:
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("BONDFLOW_TEST_REQUIRE_POSTGRES=1 but BONDFLOW_TEST_POSTGRES_URL is unset")
        pytest.skip("PostgreSQL tests need BONDFLOW_TEST_POSTGRES_URL (see .ci/run)")
    name = f"bondflow_tmpl_{uuid.uuid4().hex[:8]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fresh_database_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "bondflow.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"bondflow_t_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    admin.dispose()

    def drop() -> None:
        engine = _admin_engine()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    request.addfinalizer(drop)
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh, migrated database: once on SQLite, once on PostgreSQL."""
    return fresh_database_url(request, request.param, tmp_path)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = create_database(database_url)
    yield database
    database.dispose()
