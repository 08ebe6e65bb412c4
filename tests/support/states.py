"""States a test's database starts from: built once per pytest-xdist worker and
backend, then cloned for each test.

Many tests start from the same few rows (a zone, its lots, a short history) and used to
write them again before every test, on SQLite and on PostgreSQL. A fixture says instead
that its database starts from a state::

    def _two_entries(db: Database) -> None:
        zone = make_zone(db)
        ...  # the writes, as the fixture made them before

    @starts_from(DatabaseState("two-entries", _two_entries))
    def history(db: Database) -> Database:
        # its docstring: what the test starts from (two entries of cells, L1 and L2)
        return db

``database_url`` (tests/conftest.py) sees the state among the test's parameters and
clones the test's database from a template holding it: built from the migrated
template the first time a test of this worker asks for it on that backend, then copied
(SQLite) or cloned with ``CREATE DATABASE ... TEMPLATE`` (PostgreSQL). Every test still
gets a database of its own: what it writes is gone after it. The fixture's body runs
per test on that copy: what it returns is made from the database as it is (``Zone.of``
for make_zone's helper), and what it writes besides (a lot, a posting made by the very
ledger it hands the test) is that test's alone.

The copy is the same bytes as the template: ids, timestamps and the hash chain are the
ones the build wrote, so a history verifies with ``ChainAuditor`` as built. Its record
times are the build's, earlier than the test's: a state whose tests compare record
times with the clock they run on must not be built this way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from adapters.db.engine import Database

NAME = re.compile(r"[a-z][a-z0-9-]*")


@dataclass(frozen=True)
class DatabaseState:
    """What ``build`` writes into a migrated database; ``name`` shows in the test ids and
    names the template (unique in the run: two states of one name are refused)."""

    name: str
    build: Callable[[Database], object]

    def __post_init__(self) -> None:
        if not NAME.fullmatch(self.name):
            raise ValueError(f"state name {self.name!r}: lower-case letters, digits and '-'")


def starts_from(state: DatabaseState) -> Callable[[Callable[..., object]], object]:
    """Declares a (function-scoped) fixture whose database, ``db``, starts from
    ``state``.

    The state rides on the fixture as its one parameter: pytest resolves which fixture
    of a name a test uses (a module's own, a conftest's), so ``database_url`` finds the
    states of exactly the fixtures the test asks for, among the test's parameters; the
    test's id shows the state's name."""
    return pytest.fixture(params=[state], ids=[state.name])


def state_of(request: pytest.FixtureRequest) -> DatabaseState | None:
    """The state the test's database starts from, or None: the migrated template."""
    callspec = getattr(request.node, "callspec", None)
    params = callspec.params.values() if callspec is not None else ()
    states = {param for param in params if isinstance(param, DatabaseState)}
    if len(states) > 1:
        names = ", ".join(sorted(state.name for state in states))
        raise pytest.UsageError(f"{request.node.nodeid}: a database starts from one state: {names}")
    return next(iter(states), None)
