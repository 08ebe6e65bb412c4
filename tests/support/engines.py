"""One engine per database server for the whole test run, pointed at each test's own
database in turn.

SQLAlchemy compiles a statement once per engine: the compiled cache is the engine's, and
its keys hold the engine's dialect. With an engine per test (as ``create_database`` per
test made), every test compiled again every statement it ran: some 8,200 compilations
over the API, console, workflow and ledger tests, 3.5 % of the suite's CPU. Here one
engine per server (so per backend: each SQLite file, each PostgreSQL database of the
server is a database of the same server) serves every test of a worker, and so do its
dialect and its compiled cache; a test with two databases of a server open at once gets
a second engine, kept for the next such test.

Each test still has a database of its own, and sees no other:

- the engine connects to the database that is open (``SharedEngines.open``: the SQLite
  file, the PostgreSQL database name), and to none while no database is open;
- closing it (``SharedEngines.close``, when the test ends) empties the pool, so no
  connection to it is handed out again; one the test still holds (a leaked session)
  stays on that database, as it did with an engine of its own;
- a test gets an engine of its own to hold (``Engine.execution_options``: the shared
  pool, dialect, cache and listeners, with listeners added to it its own), tagged with
  the opening it belongs to; a connection asked of it once its database is closed (a
  thread or a task the test left running) is refused rather than given the next test's
  database;
- the engine's listeners (SQLite's pragmas and BEGIN IMMEDIATE, adapters/db/engine.py)
  are those of ``create_database``: it made the engine.

A test that disposes its ``Database`` disposes the shared pool, which SQLAlchemy
replaces with an empty one: nothing for the next test to notice. Tests that need an
engine of their own (another process's, two databases at once, a migration's) still
call ``create_database``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from adapters.db.engine import Database, create_database

# The execution option that tags a test's engine with the opening it belongs to.
_OPENING = "bondflow_test_opening"


def _server_of(url: str) -> str:
    """``url`` without its database: the server the shared engine connects to."""
    # (set(database=None) would keep the database: None there means "unchanged".)
    return make_url(url).set(database="").render_as_string(hide_password=False)


class SharedEngine:
    """One engine (one dialect, one compiled cache) whose connections go to the database
    that is open on it, one at a time."""

    def __init__(self, url: str) -> None:
        self.url: str | None = None
        self.openings = 0
        # The tests' databases are their own: nothing restarts the server or drops one
        # while it is open, so no connection can go stale and none is pinged before use.
        self.base = create_database(url, pre_ping=False)
        event.listen(self.base.engine, "do_connect", self._to_the_open_database)
        event.listen(self.base.engine, "engine_connect", self._refuse_a_closed_opening)

    def open(self, url: str) -> Database:
        """The engine, its connections going to the database at ``url`` until closed."""
        assert self.url is None, f"{self.url} is still open on this engine"
        self.url = url
        self.openings += 1
        engine = self.base.engine.execution_options(**{_OPENING: self.openings})
        engine.url = make_url(url)  # what the test's engine says it is connected to
        return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))

    def close(self) -> None:
        """Close every connection to the open database (those in the pool; one still
        checked out is on that database and goes back to a pool nobody uses)."""
        self.base.dispose()
        self.url = None

    def _to_the_open_database(
        self, _dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]
    ) -> None:
        if self.url is None:
            raise RuntimeError("a connection asked for while no test database is open (closed)")
        database = make_url(self.url).database
        if self.base.dialect == "sqlite":
            cargs[0] = database  # the file
        else:
            cparams["dbname"] = database

    def _refuse_a_closed_opening(self, connection: Connection) -> None:
        opening = connection.get_execution_options().get(_OPENING)
        if self.url is None or opening != self.openings:
            connection.close()  # back to the pool, having sent nothing
            raise RuntimeError(
                "a connection asked for through the engine of a test database that is"
                " closed (a thread or a task the test left running?)"
            )


class SharedEngines:
    """This worker's shared engines, made on first use: one per server, and one more for
    each database a test has open at the same time as others of that server (two
    exchanges' records, say)."""

    def __init__(self) -> None:
        self.engines: dict[str, list[SharedEngine]] = {}

    def open(self, url: str) -> Database:
        """A ``Database`` on the database at ``url``, through a free engine of its server."""
        engines = self.engines.setdefault(_server_of(url), [])
        assert all(engine.url != url for engine in engines), f"{url} is open already"
        free = next((engine for engine in engines if engine.url is None), None)
        if free is None:
            free = SharedEngine(url)
            engines.append(free)
        return free.open(url)

    def close(self, url: str) -> None:
        """Close every connection to the database at ``url`` (see ``SharedEngine.close``)."""
        engines = self.engines.get(_server_of(url), [])
        opened = next((engine for engine in engines if engine.url == url), None)
        assert opened is not None, f"{url} is not open"
        opened.close()

    def dispose(self) -> None:
        for engines in self.engines.values():
            for engine in engines:
                engine.base.dispose()
