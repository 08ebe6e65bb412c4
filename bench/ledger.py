"""Benchmark of the bonded inventory ledger (a benchmark, not a test).

Everything runs per backend (SQLite file in WAL mode, PostgreSQL) in scratch databases
that the script creates, migrates with the project's Alembic migrations and drops.

1. Write path, measured in its own scratch database. One client, sequential requests:
   * grouped: movements posted through ``Ledger.execute`` (the real service: idempotency
     row, guarded conditional balance updates, running-balance entries, audit-chain
     append, receipt), as linked groups of ``--legs`` legs (default 10) per request;
     three receipt groups (abroad -> 10 lots) for every exit group (10 lots ->
     domestic, which exercises the stock guard). Reported as movements/s and requests/s.
   * single: single-leg requests (abroad -> lot), reported as requests/s (= movements/s).
   Baseline in the same run and the same database/engine settings: a bare SQLAlchemy
   Core transaction per request inserting the same number of rows (one per movement)
   into a plain 5-column table, then commit. ``ratio`` = ledger / bare. The accounts
   exist before timing starts (a warm-up pass creates them; it is not counted).
2. Query latency, p50 (and p99) in ms over ``--repeats`` calls after a warm-up, in a
   second scratch database holding ``small`` and then ``large`` movements of history
   (10,000 and 1,000,000; --quick: 10,000 and 100,000), and the ratio large/small
   (index seeks keep it near 1):
   * balance: ``LedgerQueries.balance(key)``, balance now;
   * asof: ``balance(key, as_of=t)``, t = the middle of the history, by business time
     (occurred_at) as known now;
   * asof_known: ``balance(key, as_of=t, known_at=t + 12 h)``, the same instant as
     known 12 hours later (bitemporal; ledger/timeline.py);
   One bulk transaction in 7 is back-dated by 2 hours and one in 1,000 by 3 days, so
   both answers need the corrections of the entries recorded near t;
   * history: ``history(key, limit=50)``, the first page of the account's history;
   * history_tail: ``history(key, after_entry_id=..., limit=50)``, its last page;
   * history_late: ``history(key, limit=50)`` of an account that becomes busy halfway
     through the history and then takes 10 % of the transactions (a different account at
     each size): its first page lies behind half of the entries table, as for any lot
     that starts moving after years of history;
   * lineage: ``trace_backward`` of a module lot made from 4 input lots.
   The queried account receives 5 % of all bulk transactions, so its own history grows
   with the database (about 50,000 entries at 1,000,000 movements): a query that read
   the account's history, or a whole table, would slow down.
   The history is built quickly: master data, ~1,100 opening receipts and the lineage
   fixture go through the service; the rest is BULK-INSERTED with Core executemany into
   ledger_transactions, ledger_movements, ledger_entries, ledger_lineage and ledger_chain
   (receipts, exits, processing with lineage, spread over 1,100 lots), with correct
   running balances, ledger_accounts balances and a valid audit chain (canonical events
   hashed with ledger.chain; ``ChainAuditor.verify`` is run on the small history).
   Every SELECT that each query sends is captured and explained once, on the large
   history: EXPLAIN QUERY PLAN on SQLite (flags a SCAN, or a SEARCH with no equality
   term, of a table that grows with history); EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL
   (flags a Seq Scan, an index walk without condition, or an index scan that filters out
   more than 10x the rows it returns). PostgreSQL gets VACUUM ANALYZE after each bulk
   load; SQLite gets no ANALYZE statistics, as the application runs it.

Run from the repository root:
    .venv/bin/python bench/ledger.py --quick          # under a minute
    .venv/bin/python bench/ledger.py                  # full: about 15 minutes
Options: --backend sqlite|postgresql|both (default both), --pg-url ADMIN_URL (default
postgresql+psycopg:///postgres; a scratch database is created and dropped there),
--profile (cProfile of the write path after the measurement; top functions printed),
--writes-only (part 1 only), --queries-only (skip the write path). With PostgreSQL
unreachable, its part is skipped with the reason and SQLite is still measured.
The last line printed is a one-line key=value summary.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    # As in bench/api.py: keep bench/ (whose queue.py and xml.py shadow the standard
    # library's, which psycopg and openpyxl import) off the import path, the repository on it.
    _HERE = Path(__file__).resolve().parent
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
    sys.path.insert(0, str(_HERE.parent))

import argparse
import collections
import cProfile
import datetime as dt
import functools
import hashlib
import io
import pstats
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.types import TypeDecorator

from adapters.db.engine import Database, create_database
from adapters.db.migrate import upgrade
from adapters.db.models import (
    AccountBook,
    AccountEntry,
    BookItem,
    ChainEvent,
    ChainHead,
    LedgerAccount,
    LedgerTransaction,
    LineageLink,
    Lot,
    Movement,
)
from adapters.db.types import TextDecimal
from ledger import ChainAuditor, Ledger, LedgerQueries, chain
from ledger.keys import outside_key, stock_key
from ledger.timeline import lag_class
from schemas.codes import DocumentType, OutsideKind
from schemas.ledger import (
    DocumentRef,
    Leg,
    LineageInput,
    LotRef,
    MovementRequest,
    OutsideRef,
    StockRef,
)
from tests.support.builders import BOOK, CELLS, MODULE, WAREHOUSE, make_zone

ZERO = Decimal(0)
ABROAD = OutsideRef(party=OutsideKind.ABROAD)
DOMESTIC = OutsideRef(party=OutsideKind.DOMESTIC)
PROCESSING = OutsideRef(party=OutsideKind.PROCESSING)

WRITE_LOTS = 200  # the write benchmark spreads its legs over these lots
CELL_LOTS = 1_000  # bulk history: cell lots receiving, shipping and feeding processing
MODULE_LOTS = 100  # bulk history: module lots produced from cell lots (with lineage)
HOT_LOT = "HOT"  # the queried account: it gets every HOT_SHARE-th bulk transaction
HOT_SHARE = 20  # 5 %
# Accounts that become busy halfway through the history (a new lot taking a tenth of the
# zone's traffic): dormant after an opening receipt, then every LATE_EVERY-th bulk
# transaction once the history has reached half its target size. LATE_SMALL is queried at
# the small size, LATE_LARGE at the large one: their first page lies deep in the entries
# table, behind half the history, although each holds only ~2 % of all entries.
LATE_SMALL, LATE_LARGE = "LATE1", "LATE2"
LATE_EVERY, LATE_SLOT = 10, 1  # 10 % of the transactions after the account becomes busy
INPUT_LOTS = ("IN1", "IN2", "IN3", "IN4")  # the traced module lot "OUT" is made of these
BULK_CHUNK = 10_000  # bulk transactions per database transaction
# Tables whose size grows with history: a full scan of one of them does not scale.
GROWING = frozenset(
    {"ledger_transactions", "ledger_movements", "ledger_entries", "ledger_lineage", "ledger_chain"}
)
QUERIES = (
    "balance",
    "asof",
    "asof_known",
    "history",
    "history_tail",
    "history_late",
    "lineage",
)
# Back-dated bulk postings (business time before record time, ledger/timeline.py): every
# BACKDATED_HOURS_EVERY-th transaction occurred 2 hours before it was recorded, every
# BACKDATED_DAYS_EVERY-th 3 days before.
BACKDATED_HOURS_EVERY, BACKDATED_HOURS = 7, dt.timedelta(hours=2)
BACKDATED_DAYS_EVERY, BACKDATED_DAYS = 1000, dt.timedelta(days=3)
KNOWN_AFTER = dt.timedelta(hours=12)  # asof_known: as of T as known 12 hours after T


@dataclass(frozen=True)
class Plan:
    movements: int  # posted through the service in linked groups
    legs: int  # legs per grouped request
    singles: int  # single-leg requests
    small: int  # movements of history, first query measurement
    large: int  # movements of history, second query measurement
    repeats: int  # calls per query latency


QUICK = Plan(movements=5_000, legs=10, singles=300, small=10_000, large=100_000, repeats=50)
FULL = Plan(movements=100_000, legs=10, singles=5_000, small=10_000, large=1_000_000, repeats=200)


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p99_ms: float


@dataclass
class Access:
    """How one statement of a query reads one table (from EXPLAIN)."""

    table: str
    detail: str
    problem: str | None  # set when a table that grows with history is read unselectively


@dataclass
class Explained:
    statements: int = 0
    accesses: list[Access] = field(default_factory=list)

    @property
    def uses_indexes(self) -> bool:
        return not any(a.problem for a in self.accesses)


def log(backend: str, message: str) -> None:
    print(f"[{backend}] {message}", flush=True)


# --- scratch databases ------------------------------------------------------------------


@contextmanager
def scratch_database(backend: str, pg_url: str) -> Iterator[Database]:
    """A migrated, empty database, dropped afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bondflow-bench-") as folder:
            url = f"sqlite:///{folder}/bench.db"
            upgrade(url)
            database = create_database(url)
            try:
                yield database
            finally:
                database.dispose()
        return
    name = f"bondflow_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        database = create_database(url)
        try:
            yield database
        finally:
            database.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def add_lots(database: Database, lots: Sequence[tuple[int, str]]) -> None:
    """Master data in bulk: (item no., lot no.) of the zone's book."""
    with database.engine.begin() as conn:
        book_id = conn.scalar(select(AccountBook.id).where(AccountBook.book_no == BOOK))
        items = dict(
            conn.execute(
                select(BookItem.item_no, BookItem.id).where(BookItem.book_id == book_id)
            ).all()
        )
        created = dt.datetime.now(dt.UTC)
        conn.execute(
            insert(Lot),
            [
                {
                    "book_id": book_id,
                    "item_id": items[item_no],
                    "lot_no": lot_no,
                    "origin": "bench",
                    "created_at": created,
                }
                for item_no, lot_no in lots
            ],
        )


def movement_count(database: Database) -> int:
    with database.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Movement)) or 0)


def vacuum_analyze(database: Database) -> None:
    """PostgreSQL: statistics and visibility map after a bulk load (SQLite: left as is)."""
    if database.dialect == "postgresql":
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


# --- requests ------------------------------------------------------------------------------


def stock(lot_no: str) -> StockRef:
    return StockRef(lot_no=lot_no, location=WAREHOUSE)


def make_leg(
    quantity: int | Decimal,
    source: StockRef | OutsideRef,
    destination: StockRef | OutsideRef,
    item_no: int = CELLS,
) -> Leg:
    return Leg(
        book_no=BOOK,
        item_no=item_no,
        unit="007",
        quantity=Decimal(quantity),
        source=source,
        destination=destination,
    )


def make_request(
    client_id: str,
    legs: Sequence[Leg],
    *,
    occurred_at: dt.datetime,
    doc_type: DocumentType = DocumentType.BONDED_LIST,
    lineage: tuple[LineageInput, ...] = (),
) -> MovementRequest:
    return MovementRequest(
        client_id=client_id,
        document=DocumentRef(type=doc_type, number=f"BENCH-{client_id}"[:64]),
        legs=tuple(legs),
        lineage=lineage,
        actor="bench",
        reason="benchmark",
        occurred_at=occurred_at,
    )


# --- 1. the write path -----------------------------------------------------------------


class StatementCounter:
    """Counts the SQL statements an engine sends (round trips), by kind, while attached."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.count = 0
        self.kinds: collections.Counter[str] = collections.Counter()

    def _on(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.count += 1
        words = statement.split()
        if words[:1] == ["SELECT"] and "FROM" in words:
            kind = "SELECT ... FROM " + words[words.index("FROM") + 1]
        else:
            kind = " ".join(words[:3])
        self.kinds[kind] += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on)


class WriteLoad:
    """The requests of the write benchmark, with client ids unique per run."""

    def __init__(self, legs: int, tag: str) -> None:
        self.legs = legs
        self.tag = tag

    def group(self, g: int) -> MovementRequest:
        """Three receipt groups, then an exit group from the lots of the group before."""
        now = dt.datetime.now(dt.UTC)
        if g % 4 == 3:
            lots = [f"W{((g - 1) * self.legs + i) % WRITE_LOTS:04d}" for i in range(self.legs)]
            legs = [make_leg(1, stock(lot), DOMESTIC) for lot in lots]
            return make_request(
                f"{self.tag}-exit-{g:09d}", legs, occurred_at=now, doc_type=DocumentType.GATE_PASS
            )
        lots = [f"W{(g * self.legs + i) % WRITE_LOTS:04d}" for i in range(self.legs)]
        legs = [make_leg(5, ABROAD, stock(lot)) for lot in lots]
        return make_request(f"{self.tag}-in-{g:09d}", legs, occurred_at=now)

    def single(self, s: int) -> MovementRequest:
        lot = f"W{s % WRITE_LOTS:04d}"
        return make_request(
            f"{self.tag}-single-{s:09d}",
            [make_leg(1, ABROAD, stock(lot))],
            occurred_at=dt.datetime.now(dt.UTC),
        )


def prepare_write_database(database: Database) -> Ledger:
    make_zone(database)
    add_lots(database, [(CELLS, f"W{i:04d}") for i in range(WRITE_LOTS)])
    ledger = Ledger(database)
    # Warm-up, not timed: every account of the benchmark exists before timing starts.
    warm = WriteLoad(100, "warm")
    for g in range(WRITE_LOTS // 100):
        ledger.execute(warm.group(g))
    exit_leg = make_leg(1, stock("W0000"), DOMESTIC)
    ledger.execute(make_request("warm-exit", [exit_leg], occurred_at=dt.datetime.now(dt.UTC)))
    return ledger


def measure_writes(backend: str, database: Database, plan: Plan) -> dict[str, float]:
    ledger = prepare_write_database(database)
    load = WriteLoad(plan.legs, "run")
    groups = plan.movements // plan.legs
    before = movement_count(database)

    # Requests are built before timing: the clock measures the ledger, not pydantic.
    requests = [load.group(g) for g in range(groups)]
    started, cpu = time.perf_counter(), time.process_time()
    for request in requests:
        ledger.execute(request)
    grouped_s = time.perf_counter() - started
    grouped_cpu = time.process_time() - cpu

    singles = [load.single(s) for s in range(plan.singles)]
    started, cpu = time.perf_counter(), time.process_time()
    for request in singles:
        ledger.execute(request)
    single_s = time.perf_counter() - started
    single_cpu = time.process_time() - cpu
    posted = movement_count(database) - before
    assert posted == groups * plan.legs + plan.singles, posted

    # Round trips per request, on a few more requests.
    with StatementCounter(database.engine) as grouped_sql:
        for g in range(groups, groups + 20):
            ledger.execute(load.group(g))
    with StatementCounter(database.engine) as single_sql:
        for s in range(plan.singles, plan.singles + 20):
            ledger.execute(load.single(s))
    breakdown = ", ".join(f"{n / 20:g} x {kind}" for kind, n in single_sql.kinds.most_common())
    log(backend, f"SQL statements of one single-leg request: {breakdown}")

    # Baseline: the same transactions, each inserting one plain row per movement.
    bare = Table(
        "bench_bare",
        MetaData(),
        Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
        Column("client_id", String(64)),
        Column("account_id", Integer),
        Column("quantity", BigInteger),
        Column("recorded_at", DateTime(timezone=True)),
    )
    bare.create(database.engine)

    def rows(tag: str, n: int) -> list[dict[str, object]]:
        at = dt.datetime.now(dt.UTC)
        return [
            {"client_id": tag, "account_id": i, "quantity": 500_000, "recorded_at": at}
            for i in range(n)
        ]

    started = time.perf_counter()
    for g in range(groups):
        with database.engine.begin() as conn:
            conn.execute(insert(bare), rows(f"g{g}", plan.legs))
    bare_grouped_s = time.perf_counter() - started
    started = time.perf_counter()
    for s in range(plan.singles):
        with database.engine.begin() as conn:
            conn.execute(insert(bare), rows(f"s{s}", 1))
    bare_single_s = time.perf_counter() - started

    out = {
        "movements_per_s": groups * plan.legs / grouped_s,
        "group_requests_per_s": groups / grouped_s,
        "bare_inserts_per_s": groups * plan.legs / bare_grouped_s,
        "single_leg_requests_per_s": plan.singles / single_s,
        "bare_single_inserts_per_s": plan.singles / bare_single_s,
        # This process's CPU time per request: on a shared machine it varies far less than
        # the wall clock (SQLite works in-process; PostgreSQL's server time is not in it).
        "client_cpu_ms_per_group_request": 1000 * grouped_cpu / groups,
        "client_cpu_ms_per_single_request": 1000 * single_cpu / plan.singles,
        "sql_per_group_request": grouped_sql.count / 20,
        "sql_per_single_request": single_sql.count / 20,
    }
    out["ratio"] = out["movements_per_s"] / out["bare_inserts_per_s"]
    out["single_ratio"] = out["single_leg_requests_per_s"] / out["bare_single_inserts_per_s"]
    log(
        backend,
        f"grouped ({plan.legs} legs/request): {groups * plan.legs:,} movements in "
        f"{grouped_s:.1f} s = {out['movements_per_s']:,.0f} movements/s "
        f"({out['group_requests_per_s']:,.0f} requests/s, "
        f"{out['sql_per_group_request']:.0f} SQL statements/request, "
        f"{out['client_cpu_ms_per_group_request']:.2f} ms client CPU/request); bare baseline "
        f"{out['bare_inserts_per_s']:,.0f} rows/s; ratio {out['ratio']:.4f}",
    )
    log(
        backend,
        f"single-leg: {plan.singles:,} requests in {single_s:.1f} s = "
        f"{out['single_leg_requests_per_s']:,.0f} requests/s "
        f"({out['sql_per_single_request']:.0f} SQL statements/request, "
        f"{out['client_cpu_ms_per_single_request']:.2f} ms client CPU/request); bare baseline "
        f"{out['bare_single_inserts_per_s']:,.0f} one-row commits/s; "
        f"ratio {out['single_ratio']:.4f}",
    )
    return out


def profile_writes(backend: str, database: Database, plan: Plan) -> None:
    """cProfile of grouped and single-leg requests; prints the top functions."""
    ledger = prepare_write_database(database)
    load = WriteLoad(plan.legs, "prof")
    n = 400
    requests = [load.group(g) for g in range(n)] + [load.single(s) for s in range(n)]
    profiler = cProfile.Profile()
    profiler.enable()
    for request in requests:
        ledger.execute(request)
    profiler.disable()
    root = str(Path(__file__).resolve().parents[1]) + "/"
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    project = re.escape(root) + r"(ledger|adapters|schemas|rules)/"
    stats.sort_stats("cumulative").print_stats(project, 25)
    log(backend, f"profile of {n} grouped + {n} single-leg requests: project code by cumulative")
    body = stream.getvalue().replace(root, "")
    print(body[body.find("   ncalls") :], flush=True)
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats("tottime").print_stats(20)
    log(backend, "same profile, all functions by own time (tottime)")
    body = stream.getvalue()
    print(body[body.find("   ncalls") :], flush=True)


# --- 2. query latency: the history --------------------------------------------------------


class FakeClock:
    """A clock in the past for the service-written part of the query database."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(milliseconds=1)
        return self.now


def prepare_query_database(database: Database, clock: FakeClock) -> None:
    """Master data, opening receipts of every lot and the lineage fixture, via the service."""
    make_zone(database)
    cells = [f"C{i:04d}" for i in range(CELL_LOTS)]
    modules = [f"M{i:03d}" for i in range(MODULE_LOTS)]
    add_lots(
        database,
        [(CELLS, c) for c in (*cells, HOT_LOT, LATE_SMALL, LATE_LARGE, *INPUT_LOTS)]
        + [(MODULE, m) for m in (*modules, "OUT")],
    )
    ledger = Ledger(database, clock=clock)
    for start in range(0, CELL_LOTS, 100):
        legs = [make_leg(10, ABROAD, stock(c)) for c in cells[start : start + 100]]
        ledger.execute(make_request(f"open-cells-{start}", legs, occurred_at=clock()))
    legs = [make_leg(1, PROCESSING, stock(m), item_no=MODULE) for m in modules]
    ledger.execute(
        make_request("open-modules", legs, occurred_at=clock(), doc_type=DocumentType.WORK_ORDER)
    )
    legs = [make_leg(10, ABROAD, stock(lot)) for lot in (HOT_LOT, LATE_SMALL, LATE_LARGE)]
    ledger.execute(make_request("open-hot", legs, occurred_at=clock()))
    ledger.execute(
        make_request(
            "open-exit",
            [make_leg(1, stock(cells[0]), DOMESTIC)],
            occurred_at=clock(),
            doc_type=DocumentType.GATE_PASS,
        )
    )
    for lot in INPUT_LOTS:  # each input lot enters on its own bonded list
        ledger.execute(
            make_request(f"entry-{lot}", [make_leg(100, ABROAD, stock(lot))], occurred_at=clock())
        )
    legs = [make_leg(50, stock(lot), PROCESSING) for lot in INPUT_LOTS]
    legs.append(make_leg(2, PROCESSING, stock("OUT"), item_no=MODULE))
    lineage = tuple(
        LineageInput(
            output=LotRef(book_no=BOOK, lot_no="OUT"),
            input=LotRef(book_no=BOOK, lot_no=lot),
            quantity=Decimal(50),
        )
        for lot in INPUT_LOTS
    )
    ledger.execute(
        make_request(
            "work-order-OUT",
            legs,
            occurred_at=clock(),
            doc_type=DocumentType.WORK_ORDER,
            lineage=lineage,
        )
    )


# Plain row objects for the bulk history. ledger.chain.canonical_event only reads their
# attributes, so they stand in for the ORM rows (far cheaper than ORM instances); vars()
# of each is the parameter dict of its INSERT.
@dataclass
class _Txn:
    id: int
    client_id: str
    operation: str
    reservation_id: int | None
    document_type: str
    document_no: str
    actor: str
    reason: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    fingerprint: str


@dataclass
class _Move:
    id: int
    transaction_id: int
    leg_no: int
    phase: str
    source_id: int
    destination_id: int
    item_id: int
    unit: str
    quantity: Decimal
    first_legal_quantity: Decimal
    second_legal_quantity: Decimal | None
    amount: Decimal | None
    currency: str | None


@dataclass
class _Entry:
    id: int
    account_id: int
    movement_id: int
    delta_posted: Decimal
    delta_pending_out: Decimal
    delta_pending_in: Decimal
    posted_after: Decimal
    pending_out_after: Decimal
    pending_in_after: Decimal
    recorded_at: dt.datetime
    occurred_at: dt.datetime
    lag_class: int


@dataclass
class _Link:
    id: int
    transaction_id: int
    output_lot_id: int
    input_lot_id: int
    quantity: Decimal


@dataclass
class _Chunk:
    txns: list[dict[str, Any]] = field(default_factory=list)
    moves: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def _next_id(conn: Any, column: Any) -> int:
    return int(conn.scalar(select(func.coalesce(func.max(column), 0)))) + 1


class BulkHistory:
    """Appends valid history rows behind the service, continuing its ids and its chain.

    Transaction k: every 10th is a receipt into the latest "late" account once it is
    busy; every 20th touches the queried (hot) account (receipt, or an exit every 4th
    time); otherwise one in ten is a processing step (2 cells of a cell lot
    consumed, 1 module produced into a module lot, with a lineage link), two in ten are
    exits (1 piece of a cell lot to the domestic market), the rest receipts (3 pieces from
    abroad into a cell lot). Stock accounts never go below zero.
    """

    def __init__(
        self,
        database: Database,
        start: dt.datetime,
        step: dt.timedelta,
        late: Sequence[tuple[str, int]],
    ) -> None:
        """late: (lot no., movements of history from which the lot's account is active)."""
        self.db = database
        self.clock = start
        self.step = step
        self.k = 0
        self.written_movements = 0
        with database.engine.connect() as conn:
            accounts = conn.execute(
                select(
                    LedgerAccount.id,
                    LedgerAccount.key,
                    LedgerAccount.lot_id,
                    LedgerAccount.posted,
                    LedgerAccount.pending_out,
                    LedgerAccount.pending_in,
                )
            ).all()
            self.movements = int(conn.scalar(select(func.count()).select_from(Movement)) or 0)
            self.next_txn = _next_id(conn, LedgerTransaction.id)
            self.next_move = _next_id(conn, Movement.id)
            self.next_entry = _next_id(conn, AccountEntry.id)
            self.next_link = _next_id(conn, LineageLink.id)
            head = conn.execute(select(ChainHead.seq, ChainHead.hash)).one()
            self.seq, self.head_hash = int(head[0]), str(head[1])
            items = dict(
                conn.execute(
                    select(BookItem.item_no, BookItem.id)
                    .join(AccountBook, AccountBook.id == BookItem.book_id)
                    .where(AccountBook.book_no == BOOK)
                ).all()
            )
            lots = conn.execute(select(Lot.id, Lot.lot_no)).all()
        self.keys: dict[int, str] = {a.id: a.key for a in accounts}
        ids: dict[str, int] = {a.key: a.id for a in accounts}
        self.lot_of: dict[int, int] = {a.id: a.lot_id for a in accounts if a.lot_id is not None}
        self.posted: dict[int, Decimal] = {a.id: a.posted for a in accounts}
        self.pending_out: dict[int, Decimal] = {a.id: a.pending_out for a in accounts}
        self.pending_in: dict[int, Decimal] = {a.id: a.pending_in for a in accounts}
        self.lot_labels = {lot_id: f"{BOOK}/{lot_no}" for lot_id, lot_no in lots}
        self.cells_item, self.module_item = items[CELLS], items[MODULE]

        def stock_id(lot: str, item: int = CELLS) -> int:
            return ids[stock_key(BOOK, item, lot, WAREHOUSE, "bonded")]

        self.cells = [stock_id(f"C{i:04d}") for i in range(CELL_LOTS)]
        self.modules = [stock_id(f"M{i:03d}", MODULE) for i in range(MODULE_LOTS)]
        self.hot = stock_id(HOT_LOT)
        self.late = [(stock_id(lot), opens_at) for lot, opens_at in late]
        self.abroad = ids[outside_key("abroad", BOOK, CELLS)]
        self.domestic = ids[outside_key("domestic", BOOK, CELLS)]
        self.proc_cells = ids[outside_key("processing", BOOK, CELLS)]
        self.proc_modules = ids[outside_key("processing", BOOK, MODULE)]
        self.touched: set[int] = set()
        self.encoders = {
            model.__tablename__: BulkInsert(cast(Table, model.__table__), database.engine.dialect)
            for model in (LedgerTransaction, Movement, AccountEntry, LineageLink, ChainEvent)
        }

    def grow_to(self, total_movements: int) -> None:
        while self.movements < total_movements:
            chunk = _Chunk()
            for _ in range(BULK_CHUNK):
                if self.movements >= total_movements:
                    break
                self._transaction(chunk)
            self._write(chunk)
        if self.db.dialect == "postgresql":  # ids were given explicitly: move the sequences
            with self.db.engine.begin() as conn:
                for table in ("ledger_transactions", "ledger_movements", "ledger_entries"):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                conn.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('ledger_lineage', 'id'), "
                    "greatest((SELECT max(id) FROM ledger_lineage), 1))"
                )
        vacuum_analyze(self.db)

    def _transaction(self, chunk: _Chunk) -> None:
        k = self.k
        self.k += 1
        link: tuple[int, int, Decimal] | None = None
        doc = "bonded_list"
        late = [a for a, opens_at in self.late if self.movements >= opens_at]
        if late and k % LATE_EVERY == LATE_SLOT:
            legs = [(self.abroad, late[-1], self.cells_item, Decimal(1))]
        elif k % HOT_SHARE == 0:
            if (k // HOT_SHARE) % 4 == 3 and self.posted[self.hot] >= 1:
                legs = [(self.hot, self.domestic, self.cells_item, Decimal(1))]
                doc = "gate_pass"
            else:
                legs = [(self.abroad, self.hot, self.cells_item, Decimal(2))]
        elif k % 10 == 5 and self.posted[cell := self.cells[(k * 7) % CELL_LOTS]] >= 2:
            module = self.modules[k % MODULE_LOTS]
            legs = [
                (cell, self.proc_cells, self.cells_item, Decimal(2)),
                (self.proc_modules, module, self.module_item, Decimal(1)),
            ]
            link = (self.lot_of[module], self.lot_of[cell], Decimal(2))
            doc = "work_order"
        elif k % 10 in (3, 7) and self.posted[cell := self.cells[(k * 3) % CELL_LOTS]] >= 1:
            legs = [(cell, self.domestic, self.cells_item, Decimal(1))]
            doc = "gate_pass"
        else:
            legs = [(self.abroad, self.cells[k % CELL_LOTS], self.cells_item, Decimal(3))]
        self._append(chunk, legs, link, doc)

    def _append(
        self,
        chunk: _Chunk,
        legs: list[tuple[int, int, int, Decimal]],
        link: tuple[int, int, Decimal] | None,
        doc: str,
    ) -> None:
        self.clock += self.step
        at = self.clock
        occurred = at
        k = self.k - 1  # this transaction's number (_transaction counted it)
        if k % BACKDATED_DAYS_EVERY == 0:
            occurred = at - BACKDATED_DAYS
        elif k % BACKDATED_HOURS_EVERY == 0:
            occurred = at - BACKDATED_HOURS
        lag = lag_class(occurred, at)
        tid = self.next_txn
        self.next_txn += 1
        client_id = f"bulk-{tid:010d}"
        txn = _Txn(
            id=tid,
            client_id=client_id,
            operation="post",
            reservation_id=None,
            document_type=doc,
            document_no=f"BULK{tid:012d}",
            actor="bench-bulk",
            reason="bulk history for the query benchmark",
            occurred_at=occurred,
            recorded_at=at,
            fingerprint=hashlib.sha256(client_id.encode()).hexdigest(),
        )
        moves: list[_Move] = []
        entries: dict[int, list[_Entry]] = {}
        for leg_no, (source, destination, item, quantity) in enumerate(legs):
            move = _Move(
                id=self.next_move,
                transaction_id=tid,
                leg_no=leg_no,
                phase="posted",
                source_id=source,
                destination_id=destination,
                item_id=item,
                unit="007",
                quantity=quantity,
                first_legal_quantity=quantity,  # both items: 1 legal unit per piece
                second_legal_quantity=None,
                amount=None,
                currency=None,
            )
            self.next_move += 1
            moves.append(move)
            rows = entries[move.id] = []
            for account, delta in ((source, -quantity), (destination, quantity)):
                self.posted[account] += delta
                self.touched.add(account)
                rows.append(
                    _Entry(
                        id=self.next_entry,
                        account_id=account,
                        movement_id=move.id,
                        delta_posted=delta,
                        delta_pending_out=ZERO,
                        delta_pending_in=ZERO,
                        posted_after=self.posted[account],
                        pending_out_after=self.pending_out[account],
                        pending_in_after=self.pending_in[account],
                        recorded_at=at,
                        occurred_at=occurred,
                        lag_class=lag,
                    )
                )
                self.next_entry += 1
        links: list[_Link] = []
        if link is not None:
            links.append(_Link(self.next_link, tid, *link))
            self.next_link += 1
        self.seq += 1
        canonical = chain.canonical_event(
            seq=self.seq,
            transaction=cast(LedgerTransaction, txn),
            reservation_client_id=None,
            movements=cast(list[Movement], moves),
            entries=cast(dict[int, list[AccountEntry]], entries),
            lineage=cast(list[LineageLink], links),
            account_keys=self.keys,
            lot_labels=self.lot_labels,
        )
        digest = chain.link_hash(self.head_hash, canonical)
        chunk.txns.append(vars(txn))
        chunk.moves.extend(vars(m) for m in moves)
        chunk.entries.extend(vars(e) for rows in entries.values() for e in rows)
        chunk.links.extend(vars(x) for x in links)
        chunk.events.append(
            {
                "seq": self.seq,
                "transaction_id": tid,
                "prev_hash": self.head_hash,
                "hash": digest,
                "payload": canonical,
                "recorded_at": at,
            }
        )
        self.head_hash = digest
        self.movements += len(moves)
        self.written_movements += len(moves)

    def _write(self, chunk: _Chunk) -> None:
        posted = LedgerAccount.__table__.c.posted
        with self.db.engine.begin() as conn:
            for model, rows in (
                (LedgerTransaction, chunk.txns),
                (Movement, chunk.moves),
                (AccountEntry, chunk.entries),
                (LineageLink, chunk.links),
                (ChainEvent, chunk.events),
            ):
                self.encoders[model.__tablename__].insert(conn, rows)
            conn.execute(
                update(LedgerAccount)
                .where(LedgerAccount.id == bindparam("b_id"))
                .values(posted=bindparam("b_posted", type_=posted.type)),
                [{"b_id": a, "b_posted": self.posted[a]} for a in sorted(self.touched)],
            )
            conn.execute(
                update(ChainHead).where(ChainHead.id == 1).values(seq=self.seq, hash=self.head_hash)
            )
        self.touched.clear()


class BulkInsert:
    """Fast appends to one ledger table, storing exactly what the ORM types would store.

    Every value goes through its column type's own process_bind_param (ScaledDecimal,
    TextDecimal, UTCDateTime), memoized since few distinct values recur; the rows are
    then sent through the types' plain implementations: COPY on PostgreSQL, executemany
    on SQLite. ChainAuditor.verify on the result checks that nothing was stored
    differently from what the service stores.
    """

    def __init__(self, table: Table, dialect: Dialect) -> None:
        self.name = table.name
        self.columns = [c.name for c in table.columns]
        self.plain = Table(
            table.name,
            MetaData(),
            *(
                Column(
                    c.name, c.type.impl_instance if isinstance(c.type, TypeDecorator) else c.type
                )
                for c in table.columns
            ),
        )
        self.encode: dict[str, Callable[[Any], Any]] = {
            c.name: functools.lru_cache(maxsize=1 << 16)(
                functools.partial(c.type.process_bind_param, dialect=dialect)
            )
            for c in table.columns
            if isinstance(c.type, TypeDecorator) and not isinstance(c.type, TextDecimal)
        }
        self.encode.update(
            {
                c.name: functools.partial(c.type.process_bind_param, dialect=dialect)
                for c in table.columns
                if isinstance(c.type, TextDecimal)  # text keeps the exponent: not memoized
            }
        )
        self.copy = dialect.name == "postgresql"

    def insert(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        encode = self.encode
        encoded = [
            {k: (encode[k](v) if k in encode and v is not None else v) for k, v in row.items()}
            for row in rows
        ]
        if not self.copy:
            conn.execute(insert(self.plain), encoded)
            return
        raw: Any = conn.connection.dbapi_connection
        columns = self.columns
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {self.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in encoded:
                copy.write_row(tuple(row[c] for c in columns))


# --- 2. query latency: measuring and explaining --------------------------------------------


def time_call(fn: Callable[[], object], repeats: int) -> Latency:
    for _ in range(5):  # warm the pool, the statement caches and the page cache
        fn()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return Latency(
        statistics.median(samples), samples[min(len(samples) - 1, len(samples) * 99 // 100)]
    )


def query_calls(
    database: Database, as_of: dt.datetime, late_lot: str
) -> dict[str, Callable[[], object]]:
    queries = LedgerQueries(database)
    hot = stock_key(BOOK, CELLS, HOT_LOT, WAREHOUSE, "bonded")
    late = stock_key(BOOK, CELLS, late_lot, WAREHOUSE, "bonded")
    with database.engine.connect() as conn:
        account = conn.scalar(select(LedgerAccount.id).where(LedgerAccount.key == hot))
        tail_after = conn.scalar(
            select(AccountEntry.id)
            .where(AccountEntry.account_id == account)
            .order_by(AccountEntry.id.desc())
            .limit(1)
            .offset(50)
        )
    assert tail_after is not None
    calls: dict[str, Callable[[], object]] = {
        "balance": lambda: queries.balance(hot),
        "asof": lambda: queries.balance(hot, as_of=as_of),
        "asof_known": lambda: queries.balance(hot, as_of=as_of, known_at=as_of + KNOWN_AFTER),
        "history": lambda: queries.history(hot, limit=50),
        "history_tail": lambda: queries.history(hot, after_entry_id=tail_after, limit=50),
        "history_late": lambda: queries.history(late, limit=50),
        "lineage": lambda: queries.trace_backward(BOOK, "OUT"),
    }
    # Sanity: the answers are what the fixture says.
    page = queries.history(hot, limit=50)
    assert len(page) == 50
    assert len(queries.history(hot, after_entry_id=tail_after)) == 50
    assert len(queries.history(late, limit=50)) == 50
    trace = queries.trace_backward(BOOK, "OUT")
    assert len(trace.links) == len(INPUT_LOTS), trace
    return calls


def measure_queries(calls: dict[str, Callable[[], object]], repeats: int) -> dict[str, Latency]:
    return {name: time_call(fn, repeats) for name, fn in calls.items()}


def _table_of(name: str) -> str:
    """ledger_accounts_1 (an SQLAlchemy alias) -> ledger_accounts."""
    return re.sub(r"_\d+$", "", name)


def _explain_sqlite(conn: Any, statement: str, parameters: Any) -> list[Access]:
    """EXPLAIN QUERY PLAN: SCAN = whole table; SEARCH without an equality = range walk."""
    out = []
    for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all():
        detail = str(row[3])
        m = re.match(r"(SCAN|SEARCH) (\w+)", detail)
        if m is None or m.group(2) in ("CONSTANT", "SUBQUERY"):
            continue
        table = _table_of(m.group(2))
        terms = re.findall(r"\((.*)\)\s*$", detail)
        equality = bool(terms) and any(
            re.fullmatch(r"\w+=\?", t.strip()) for t in terms[0].split(" AND ")
        )
        problem = None
        if m.group(1) == "SCAN":
            problem = "FULL SCAN"
        elif not equality:
            problem = "RANGE WALK (no equality on the index)"
        out.append(Access(table, detail, problem if table in GROWING else None))
    return out


def _explain_postgresql(conn: Any, statement: str, parameters: Any) -> list[Access]:
    """EXPLAIN ANALYZE (the statement is a SELECT): rows returned and rows filtered out."""
    sql = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement
    plan = conn.exec_driver_sql(sql, parameters).scalar()
    out: list[Access] = []

    def walk(node: dict[str, Any]) -> None:
        relation = node.get("Relation Name")
        if relation is not None:
            kind = str(node["Node Type"])
            index = node.get("Index Name")
            cond = node.get("Index Cond") or node.get("Recheck Cond")
            loops = int(node.get("Actual Loops", 1))
            rows = int(node.get("Actual Rows", 0)) * loops
            removed = int(node.get("Rows Removed by Filter", 0)) * loops
            buffers = int(node.get("Shared Hit Blocks", 0)) + int(node.get("Shared Read Blocks", 0))
            detail = f"{kind} on {relation}" + (f" using {index}" if index else "")
            detail += f" [{cond}]" if cond else ""
            if node.get("Filter"):
                detail += f" filter [{node['Filter']}]"
            detail += f": {rows:,} rows returned, {removed:,} filtered out, {buffers:,} buffers"
            problem = None
            if kind == "Seq Scan":
                problem = "FULL SCAN"
            elif kind.startswith("Index") and not cond:
                problem = "FULL INDEX WALK"
            elif removed > max(1_000, 10 * rows):
                problem = "INDEX NOT SELECTIVE (reads far more rows than it returns)"
            out.append(Access(relation, detail, problem if relation in GROWING else None))
        for child in node.get("Plans", ()):
            walk(child)

    walk(plan[0]["Plan"])
    return out


def capture_selects(engine: Engine, fn: Callable[[], object]) -> list[tuple[str, Any]]:
    """The SELECT statements (and their parameters) that one call of fn sends."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return captured


def explain_queries(
    database: Database, calls: dict[str, Callable[[], object]]
) -> dict[str, Explained]:
    """EXPLAIN every SELECT each query sends, once, with the parameters it sent."""
    results: dict[str, Explained] = {}
    for name, fn in calls.items():
        captured = capture_selects(database.engine, fn)
        explained = Explained(statements=len(captured))
        seen: set[str] = set()
        with database.engine.connect() as conn:
            for statement, parameters in captured:
                if database.dialect == "postgresql":
                    accesses = _explain_postgresql(conn, statement, parameters)
                else:
                    accesses = _explain_sqlite(conn, statement, parameters)
                for access in accesses:
                    if access.detail not in seen:
                        seen.add(access.detail)
                        explained.accesses.append(access)
            conn.rollback()
        results[name] = explained
    return results


def measure_query_scaling(backend: str, database: Database, plan: Plan) -> dict[str, float]:
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    clock = FakeClock(base)
    prepare_query_database(database, clock)
    bulk = BulkHistory(
        database,
        start=clock.now + dt.timedelta(hours=1),
        step=dt.timedelta(seconds=10),
        late=[(LATE_SMALL, plan.small // 2), (LATE_LARGE, plan.large // 2)],
    )
    bulk_start = bulk.clock
    figures: dict[str, float] = {}
    results: dict[str, dict[str, Latency]] = {}
    sizes: dict[str, int] = {}
    explained: dict[str, Explained] = {}
    for label, target, late_lot in (
        ("small", plan.small, LATE_SMALL),
        ("large", plan.large, LATE_LARGE),
    ):
        started = time.perf_counter()
        bulk.grow_to(target)
        sizes[label] = movement_count(database)
        log(
            backend,
            f"history: {sizes[label]:,} movements ({bulk.written_movements:,} bulk-inserted, "
            f"the rest through the service); entries of the queried account: "
            f"{_entries_of(database, HOT_LOT):,}, of the late account {late_lot}: "
            f"{_entries_of(database, late_lot):,}; loaded in "
            f"{time.perf_counter() - started:.0f} s",
        )
        if label == "small":
            started = time.perf_counter()
            verdict = ChainAuditor(database).verify()
            assert verdict.ok, verdict
            log(
                backend,
                f"ChainAuditor.verify on the small history: ok, {verdict.events_checked:,} "
                f"events, balances match ({time.perf_counter() - started:.1f} s)",
            )
        as_of = bulk_start + (bulk.clock - bulk_start) / 2  # the middle of the history
        calls = query_calls(database, as_of, late_lot)
        results[label] = measure_queries(calls, plan.repeats)
        if label == "large":
            explained = explain_queries(database, calls)
    for name in QUERIES:
        small, large = results["small"][name], results["large"][name]
        ratio = large.p50_ms / small.p50_ms
        figures[f"{name}_ms_small"] = small.p50_ms
        figures[f"{name}_ms_large"] = large.p50_ms
        figures[f"{name}_ratio_large_small"] = ratio
        figures[f"{name}_index"] = 1.0 if explained[name].uses_indexes else 0.0
        log(
            backend,
            f"{name:12s} p50 {small.p50_ms:7.3f} ms -> {large.p50_ms:7.3f} ms "
            f"(p99 {small.p99_ms:.3f} -> {large.p99_ms:.3f}), ratio large/small {ratio:5.2f}, "
            + ("indexes used" if explained[name].uses_indexes else "NOT INDEXED WELL"),
        )
    how = "EXPLAIN (ANALYZE)" if database.dialect == "postgresql" else "EXPLAIN QUERY PLAN"
    for name in QUERIES:
        ex = explained[name]
        log(backend, f"{how} of {name} on the large history ({ex.statements} SELECTs):")
        for access in ex.accesses:
            flag = f"   <-- {access.problem}" if access.problem else ""
            print(f"      {access.detail}{flag}", flush=True)
    figures["history_small"] = float(sizes["small"])
    figures["history_large"] = float(sizes["large"])
    return figures


def _entries_of(database: Database, lot_no: str) -> int:
    key = stock_key(BOOK, CELLS, lot_no, WAREHOUSE, "bonded")
    with database.engine.connect() as conn:
        return int(
            conn.scalar(
                select(func.count())
                .select_from(AccountEntry)
                .join(LedgerAccount, LedgerAccount.id == AccountEntry.account_id)
                .where(LedgerAccount.key == key)
            )
            or 0
        )


# --- main ------------------------------------------------------------------------------------


def run_backend(backend: str, args: argparse.Namespace, plan: Plan) -> dict[str, float]:
    figures: dict[str, float] = {}
    started = time.perf_counter()
    if not args.queries_only:
        log(
            backend,
            f"write path: {plan.movements:,} movements in groups of {plan.legs} legs, "
            f"{plan.singles:,} single-leg requests, and the bare-insert baseline",
        )
        with scratch_database(backend, args.pg_url) as database:
            figures.update(measure_writes(backend, database, plan))
    if not args.writes_only:
        log(backend, f"queries: history of {plan.small:,} then {plan.large:,} movements")
        with scratch_database(backend, args.pg_url) as database:
            figures.update(measure_query_scaling(backend, database, plan))
    if args.profile:
        with scratch_database(backend, args.pg_url) as database:
            profile_writes(backend, database, plan)
    log(backend, f"done in {time.perf_counter() - started:.0f} s")
    return figures


def postgresql_unavailable(pg_url: str) -> str | None:
    """Why the PostgreSQL part cannot run (no driver, server down, refused), or None."""
    try:
        admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    except ImportError as exc:
        return f"no PostgreSQL driver ({exc})"
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = " ".join(str(exc.orig).split()) if exc.orig is not None else str(exc)
        url = make_url(pg_url).render_as_string(hide_password=True)
        return f"cannot connect to {url}: {reason}"
    finally:
        admin.dispose()
    return None


def _format(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.3g}" if value < 10 else f"{value:.1f}"
    return f"{value:.3g}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Ledger benchmark: write throughput and query latency vs history size."
    )
    parser.add_argument("--quick", action="store_true", help="a run under one minute")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--pg-url",
        default="postgresql+psycopg:///postgres",
        help="admin URL; a scratch database is created and dropped there",
    )
    parser.add_argument("--legs", type=int, default=10, help="legs per grouped request")
    parser.add_argument("--repeats", type=int, help="calls per query latency")
    parser.add_argument("--profile", action="store_true", help="cProfile the write path too")
    parser.add_argument(
        "--writes-only", action="store_true", help="the write path only, no query latency"
    )
    parser.add_argument(
        "--queries-only", action="store_true", help="skip the write path: query latency only"
    )
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    plan = Plan(
        movements=plan.movements,
        legs=args.legs,
        singles=plan.singles,
        small=plan.small,
        large=plan.large,
        repeats=args.repeats or plan.repeats,
    )
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    started = time.perf_counter()
    summary = [f"mode={'quick' if args.quick else 'full'}"]
    for backend in backends:
        prefix = "sqlite" if backend == "sqlite" else "pg"
        if backend == "postgresql" and (why := postgresql_unavailable(args.pg_url)):
            log(backend, f"skipped: {why}")
            summary.append("pg=skipped")
            continue
        for key, value in run_backend(backend, args, plan).items():
            summary.append(f"{prefix}_{key}={_format(value)}")
    summary.append(f"elapsed_s={time.perf_counter() - started:.0f}")
    print(" ".join(summary), flush=True)


if __name__ == "__main__":
    main()
