"""Fixtures: a fresh, migrated database per test, on SQLite and, where behaviour
depends on the database, on PostgreSQL too.

PostgreSQL runs when BONDFLOW_TEST_POSTGRES_URL names a server (an admin URL
such as postgresql+psycopg:///postgres); .ci/run sets it and also sets
BONDFLOW_TEST_REQUIRE_POSTGRES=1 so that a missing server fails the run
instead of skipping half the suite.

Which tests run on both: every test under the folders of ``ON_BOTH_DATABASES``
(what the database itself decides there: locking, numeric exactness, constraints,
triggers, migrations), and any other test marked
``@pytest.mark.both_databases(reason="...")``, the reason saying what PostgreSQL
adds. The others (HTTP, workflows, command line, demo) reach the database only
through those same services, and run on SQLite.

Under pytest-xdist each worker migrates its own templates (a SQLite file, a
PostgreSQL database named after the worker) and clones a database per test from
them: no worker shares a database, a folder or a port with another. A test whose
fixtures say its database starts from a state (``starts_from``, tests/support/states.py)
gets its clone from a template of that state, built once per worker and backend from
the migrated one: ``seeded`` (the demo's master data and opening history: seeding costs
0.3-0.6 s, and about 300 tests start from it), and the ledger tests' zones and
histories, which each test file used to write again for every test.
"""

from __future__ import annotations

import os
import shutil
import uuid
import warnings
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import hypothesis  # noqa: F401 - imported up front: see below
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from adapters.db.engine import Database, create_database
from adapters.db.migrate import upgrade
from demo import seed_demo
from tests.support import profiles
from tests.support.engines import SharedEngines
from tests.support.states import DatabaseState, starts_from, state_of

# Hypothesis's pytest plugin imports it lazily at the end of the session; after the
# Temporal servers' threads have run, CPython 3.11 then fails compiling it ("AST
# constructor recursion depth mismatch"). Importing it first avoids that.

POSTGRES_URL = os.environ.get("BONDFLOW_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("BONDFLOW_TEST_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]
TESTS = Path(__file__).parent

# The tests whose behaviour depends on the database: they run on SQLite and on
# PostgreSQL. Keys are paths under tests/ (a folder or a file); values say why.
ON_BOTH_DATABASES: dict[str, str] = {
    "ledger": "row locks, serialisation and races, NUMERIC exactness, the chain's"
    " triggers and tampering are the database's own",
    "db": "migrations, column types and constraints differ between the dialects",
    "gateway": "receipt records, their delivery states and unique constraints",
    "masterdata": "registration's constraints, imports in one transaction, lookups",
    "customs": "customs records: submissions and receipts and their constraints",
    "test_ledger_smoke.py": "the ledger end to end on each database",
    "writeoff": "the write-off's sums and groupings per transaction by business time",
}

profiles.load()  # hypothesis: "ci" unless HYPOTHESIS_PROFILE=large (tests/support/profiles.py)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "both_databases(reason): also runs on PostgreSQL outside the folders of"
        " ON_BOTH_DATABASES; the reason says what PostgreSQL adds",
    )
    config.addinivalue_line(
        "markers",
        "heavy: takes tens of seconds (a crash, a stack, a long property or fuzz run);"
        " scheduled first",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The heavy tests first, the rest in their order. pytest-xdist hands tests out in
    this order (a first chunk of consecutive tests to each worker, then to whichever
    frees up), so the long ones run early and the short ones fill in; collected last,
    a 35-second crash test could start when the other worker had nothing left, and the
    run waited for it alone. Every worker sorts the same collection the same way, as
    xdist requires."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)


def backends_of(definition: pytest.Function) -> list[str]:
    """SQLite always; PostgreSQL too where behaviour depends on the database."""
    path = Path(definition.path).resolve().relative_to(TESTS)
    if path.parts[0] in ON_BOTH_DATABASES or path.as_posix() in ON_BOTH_DATABASES:
        return BACKENDS
    marker = definition.get_closest_marker("both_databases")
    if marker is None:
        return ["sqlite"]
    if not marker.kwargs.get("reason"):
        raise pytest.UsageError(f"{definition.nodeid}: both_databases needs a reason=")
    return BACKENDS


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize(
            "database_url", backends_of(metafunc.definition), indirect=True, scope="function"
        )


def worker_name() -> str:
    """The pytest-xdist worker (gw0, gw1...), "main" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is much faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _fast_commits(url: str) -> str:
    """``url`` whose sessions commit without waiting for the server's WAL to reach the
    disk (synchronous_commit=off): 4 to 8 ms less per commit on these machines, in
    every PostgreSQL test (workers and API processes the tests start included, as
    they are given this URL). Locking, isolation and constraints are unchanged; only a
    crash of the server itself could lose the last commits, and no test crashes it."""
    parsed = make_url(url)
    given = parsed.query.get("options")
    given_options = [given] if isinstance(given, str) else list(given or ())
    options = " ".join([*given_options, FAST_COMMITS])
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


FAST_COMMITS = "-c synchronous_commit=off"


def _admin_engine() -> Engine:
    return create_engine(_fast_commits(POSTGRES_URL), isolation_level="AUTOCOMMIT")


def _url_of(name: str) -> str:
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    return _fast_commits(url)


class PostgresClones:
    """Databases cloned from this worker's migrated template (CREATE DATABASE ...
    TEMPLATE): the next one is made while a test runs, and a used one is dropped in
    the background, so a test waits for neither."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.admin = _admin_engine()
        # One thread: clones and drops run one after another, in order.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-clones")
        self.prefix = f"bondflow_t_{worker_name()}_{uuid.uuid4().hex[:6]}"
        self.count = 0
        self.next: Future[str] = self.executor.submit(self._create)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def _create(self) -> str:
        self.count += 1
        name = f"{self.prefix}_{self.count}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return name

    def take(self) -> str:
        """A fresh clone nobody has connected to; the next one is started."""
        name = self.next.result()
        self.next = self.executor.submit(self._create)
        return name

    def drop(self, name: str) -> None:
        self.executor.submit(self._execute, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self.drop(self.next.result())
        self.executor.shutdown(wait=True)
        self.admin.dispose()


def _create_template(source: str | None) -> str:
    """A new template database: empty (then migrated by the caller) or cloned from
    ``source``."""
    name = f"bondflow_tmpl_{worker_name()}_{uuid.uuid4().hex[:8]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        template = f' TEMPLATE "{source}"' if source else ""
        conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
    admin.dispose()
    return name


def _drop_template(name: str) -> None:
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """This worker's migrated PostgreSQL template, by name."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("BONDFLOW_TEST_REQUIRE_POSTGRES=1 but BONDFLOW_TEST_POSTGRES_URL is unset")
        pytest.skip("PostgreSQL tests need BONDFLOW_TEST_POSTGRES_URL (see .ci/run)")
    name = _create_template(None)
    upgrade(_url_of(name))
    yield name
    _drop_template(name)


@pytest.fixture(scope="session")
def postgres_clones(postgres_template: str) -> Iterator[PostgresClones]:
    clones = PostgresClones(postgres_template)
    yield clones
    clones.close()


# --- states a test's database starts from (tests/support/states.py) ----------------------


def _build(state: DatabaseState, url: str) -> None:
    """Write ``state`` into the (template) database at ``url``, and close every
    connection to it: PostgreSQL clones only a database nobody is connected to, and
    SQLite's last connection folds the write-ahead log into the file that is copied."""
    database = create_database(url)
    try:
        state.build(database)
    finally:
        database.dispose()


def _named_once(built: Mapping[str, tuple[DatabaseState, object]], state: DatabaseState) -> bool:
    """Whether ``state`` is built already; two different states of one name are refused
    (the name is the template's)."""
    found = built.get(state.name)
    if found is not None and found[0] != state:
        raise pytest.UsageError(f"two database states are named {state.name!r}")
    return found is not None


class SqliteStates:
    """This worker's SQLite template of each state, built on first use from a copy of
    the migrated file."""

    def __init__(self, migrated: Path) -> None:
        self.migrated = migrated
        self.built: dict[str, tuple[DatabaseState, Path]] = {}

    def template(self, state: DatabaseState) -> Path:
        if not _named_once(self.built, state):
            path = self.migrated.with_name(f"state-{state.name}.db")
            shutil.copyfile(self.migrated, path)
            _build(state, f"sqlite:///{path}")
            self.built[state.name] = (state, path)
        return self.built[state.name][1]


class PostgresStates:
    """This worker's PostgreSQL template of each state, built on first use in a clone
    of the migrated template, with its own ``PostgresClones``; dropped at the end."""

    def __init__(self, migrated: str) -> None:
        self.migrated = migrated
        self.built: dict[str, tuple[DatabaseState, PostgresClones]] = {}

    def clones(self, state: DatabaseState) -> PostgresClones:
        if not _named_once(self.built, state):
            template = _create_template(self.migrated)
            try:
                _build(state, _url_of(template))
            except BaseException:
                _drop_template(template)
                raise
            self.built[state.name] = (state, PostgresClones(template))
        return self.built[state.name][1]

    def close(self) -> None:
        for _, clones in self.built.values():
            clones.close()
            _drop_template(clones.template)


@pytest.fixture(scope="session")
def sqlite_states(sqlite_template: Path) -> SqliteStates:
    return SqliteStates(sqlite_template)


@pytest.fixture(scope="session")
def postgres_states(postgres_template: str) -> Iterator[PostgresStates]:
    states = PostgresStates(postgres_template)
    yield states
    states.close()


DEMO = DatabaseState("demo", seed_demo)


@pytest.fixture(scope="session")
def sqlite_seeded_template(sqlite_states: SqliteStates) -> Path:
    """The migrated SQLite file with the demo seeded (``seed_demo``): the template of
    ``seeded``, which the console's tests build theirs on."""
    return sqlite_states.template(DEMO)


def fresh_database_url(
    request: pytest.FixtureRequest,
    backend: str,
    tmp_path: Path,
    *,
    state: DatabaseState | None = None,
) -> str:
    """A new database cloned from this worker's migrated template, or from its template
    of ``state`` (built the first time it is asked for)."""
    if backend == "sqlite":
        if state is None:
            template: Path = request.getfixturevalue("sqlite_template")
        else:
            states: SqliteStates = request.getfixturevalue("sqlite_states")
            template = states.template(state)
        path = tmp_path / "bondflow.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    if state is None:
        clones: PostgresClones = request.getfixturevalue("postgres_clones")
    else:
        clones = request.getfixturevalue("postgres_states").clones(state)
    name = clones.take()
    request.addfinalizer(lambda: clones.drop(name))
    return _url_of(name)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh, migrated database: on SQLite, and on PostgreSQL too where
    the test's behaviour depends on the database (see ``backends_of``); holding the
    state one of the test's fixtures starts from (``starts_from``), if any."""
    return fresh_database_url(request, request.param, tmp_path, state=state_of(request))


@pytest.fixture(scope="session")
def shared_engines() -> Iterator[SharedEngines]:
    """This worker's engine of each backend, pointed at each test's database in turn:
    statements are compiled once per worker, not once per test (tests/support/engines.py)."""
    engines = SharedEngines()
    yield engines
    engines.dispose()


@pytest.fixture
def database_urls(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """A fresh, migrated database on each backend, by backend name, for a test that
    runs one scenario on both databases at once (``tests/workflows/crashlab.py``'s
    ``on_each_database``): the crash tests spend most of their time waiting on worker
    processes and timeouts, and two of them waiting side by side take the time of one.
    Without a PostgreSQL server (and without BONDFLOW_TEST_REQUIRE_POSTGRES=1) only
    SQLite's, with a warning saying so, where ``database_url`` would skip."""
    urls: dict[str, str] = {}
    for backend in BACKENDS:
        if backend == "postgresql" and not POSTGRES_URL and not REQUIRE_POSTGRES:
            warnings.warn(
                pytest.PytestWarning(
                    f"{request.node.nodeid}: ran on SQLite only (no BONDFLOW_TEST_POSTGRES_URL)"
                ),
                stacklevel=1,
            )
            continue
        folder = tmp_path / f"{backend}-db"
        folder.mkdir()
        urls[backend] = fresh_database_url(request, backend, folder)
    return urls


@pytest.fixture
def db(database_url: str, shared_engines: SharedEngines) -> Iterator[Database]:
    """The test's own database, through the worker's engine of its backend; closed (every
    connection to it) before it is dropped."""
    database = shared_engines.open(database_url)
    yield database
    shared_engines.close(database_url)


@starts_from(DEMO)
def seeded(db: Database) -> Database:
    """``db`` holding the demo's master data and opening history, as ``seed_demo``
    leaves them: cloned from the template of the ``DEMO`` state, so nothing is seeded
    here."""
    return db
