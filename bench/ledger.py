"""Benchmark of the bonded inventory ledger (not a test).

What it measures, on SQLite and on PostgreSQL:
1. The write path: movements posted through ``Ledger.execute`` (the real service:
   idempotency row, guarded balance updates, entries, audit chain), as linked groups
   of 10 legs and as single-leg requests. Baseline in the same run: a bare
   SQLAlchemy transaction that inserts the same rows into a plain table and commits.
2. Query latency (p50 and p99, ms) of balance now, balance as of a past instant, the
   first page of an account's history, and a lot's backward lineage, first with
   10,000 movements of history and then with 1,000,000, and the ratio large/small.
   The history is bulk-inserted (valid rows with running balances, but not chained:
   building a million chained events through the service would take hours); the
   queried account receives a fixed share of it, so a query that scanned the
   account's history would slow down with it. EXPLAIN shows whether indexes are used.

Run:  .venv/bin/python bench/ledger.py [--quick] [--backend sqlite|postgresql|both]
      [--pg-url postgresql+psycopg:///postgres]
--quick: 2,000 posted movements, histories of 10,000 and 100,000; under a minute.
The last line printed is the key=value summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    text,
    update,
)
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.db.engine import Database, create_database
from adapters.db.migrate import upgrade
from adapters.db.models import (
    AccountEntry,
    LedgerAccount,
    LedgerTransaction,
    Movement,
)
from ledger import Ledger, LedgerQueries
from ledger.keys import outside_key, stock_key
from masterdata import MasterData
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
from schemas.masterdata import LotIn
from tests.support.builders import BOOK, CELLS, MODULE, WAREHOUSE, make_zone

ABROAD = OutsideRef(party=OutsideKind.ABROAD)
PROCESSING = OutsideRef(party=OutsideKind.PROCESSING)
HOT_LOT = "HOT"  # the account whose history grows with the benchmark
BULK_LOTS = 50  # history is spread over this many other lots as well
HOT_SHARE = 20  # every 20th bulk movement goes to the hot account (5 %)
LEGS_PER_GROUP = 10


@dataclass
class Latency:
    p50_ms: float
    p99_ms: float


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@contextmanager
def scratch_database(backend: str, pg_url: str) -> Iterator[Database]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            upgrade(url)
            database = create_database(url)
            try:
                yield database
            finally:
                database.dispose()
        return
    name = f"bondflow_bench_{uuid.uuid4().hex[:8]}"
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


def _request(
    client_id: str, legs: list[Leg], lineage: tuple[LineageInput, ...] = ()
) -> MovementRequest:
    return MovementRequest(
        client_id=client_id,
        document=DocumentRef(
            type=DocumentType.BONDED_LIST, number=f"QD960126I{client_id[-9:]:>09}"
        ),
        legs=tuple(legs),
        lineage=lineage,
        actor="bench",
        reason="bench",
        occurred_at=_now(),
    )


def _leg(
    lot: str, quantity: str = "1", item: int = CELLS, source: StockRef | OutsideRef = ABROAD
) -> Leg:
    return Leg(
        book_no=BOOK,
        item_no=item,
        unit="007",
        quantity=Decimal(quantity),
        source=source,
        destination=StockRef(lot_no=lot, location=WAREHOUSE),
    )


def prepare(database: Database) -> None:
    zone = make_zone(database)
    md = MasterData(database)
    for i in range(BULK_LOTS):
        md.create_lot(LotIn(book_no=BOOK, item_no=CELLS, lot_no=f"B{i:03d}"))
    for lot in (HOT_LOT, "IN1", "IN2", "IN3"):
        zone.lot(lot)
    zone.lot("OUT", item_no=MODULE)


def measure_writes(database: Database, movements: int, single: int) -> dict[str, float]:
    ledger = Ledger(database)
    groups = movements // LEGS_PER_GROUP
    started = time.perf_counter()
    for g in range(groups):
        legs = [_leg(f"B{(g * LEGS_PER_GROUP + i) % BULK_LOTS:03d}") for i in range(LEGS_PER_GROUP)]
        ledger.execute(_request(f"group-{g:09d}", legs))
    grouped = groups * LEGS_PER_GROUP / (time.perf_counter() - started)

    started = time.perf_counter()
    for s in range(single):
        ledger.execute(_request(f"single-{s:09d}", [_leg(f"B{s % BULK_LOTS:03d}")]))
    single_rate = single / (time.perf_counter() - started)

    # Baseline: the same number of transactions, each inserting as many plain rows
    # (one per leg, plus one for the request) and committing.
    bare = Table(
        "bench_bare",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("payload", String(64)),
        Column("quantity", Integer),
    )
    bare.create(database.engine)
    started = time.perf_counter()
    for g in range(groups):
        with database.engine.begin() as conn:
            conn.execute(
                insert(bare),
                [{"payload": f"g{g}-{i}", "quantity": 100000} for i in range(LEGS_PER_GROUP + 1)],
            )
    bare_rate = groups * LEGS_PER_GROUP / (time.perf_counter() - started)
    return {
        "movements_per_s": grouped,
        "single_leg_per_s": single_rate,
        "bare_per_s": bare_rate,
        "ratio": grouped / bare_rate,
    }


def lineage_fixture(database: Database) -> None:
    """A module lot made of three input lots, each from its own entry list."""
    ledger = Ledger(database)
    for n, lot in enumerate(("IN1", "IN2", "IN3")):
        ledger.execute(_request(f"lin-entry-{n:09d}", [_leg(lot, "100")]))
    legs = [
        Leg(
            book_no=BOOK,
            item_no=CELLS,
            unit="007",
            quantity=Decimal(50),
            source=StockRef(lot_no=lot, location=WAREHOUSE),
            destination=PROCESSING,
        )
        for lot in ("IN1", "IN2", "IN3")
    ]
    legs.append(_leg("OUT", "1", item=MODULE, source=PROCESSING))
    lineage = tuple(
        LineageInput(
            output=LotRef(book_no=BOOK, lot_no="OUT"),
            input=LotRef(book_no=BOOK, lot_no=lot),
            quantity=Decimal(50),
        )
        for lot in ("IN1", "IN2", "IN3")
    )
    ledger.execute(_request("lin-wo-000000001", legs, lineage))
    ledger.execute(_request("hot-seed-00000001", [_leg(HOT_LOT, "1")]))


class BulkHistory:
    """Appends valid movements (abroad -> stock) with running balances, without the service."""

    def __init__(self, database: Database) -> None:
        self.db = database
        self.clock = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        with database.sessions() as session:
            rows = session.query(LedgerAccount).all()
            self.ids = {a.key: a.id for a in rows}
            self.balance = {a.id: a.posted for a in rows}
            self.next_txn = (
                session.query(LedgerTransaction.id).order_by(LedgerTransaction.id.desc()).first()
                or (0,)
            )[0] + 1
            self.next_mov = (
                session.query(Movement.id).order_by(Movement.id.desc()).first() or (0,)
            )[0] + 1
        self.abroad = self.ids[outside_key("abroad", BOOK, CELLS)]
        self.targets = [
            self.ids[stock_key(BOOK, CELLS, f"B{i:03d}", WAREHOUSE, "bonded")]
            for i in range(BULK_LOTS)
        ]
        self.hot = self.ids[stock_key(BOOK, CELLS, HOT_LOT, WAREHOUSE, "bonded")]
        self.item_id = self._item_id()
        self.written = 0
        # Bulk rows start after everything the service wrote, in time order.
        self.clock = max(self.clock, _now())

    def _item_id(self) -> int:
        with self.db.sessions() as session:
            value = session.query(Movement.item_id).first()
            assert value is not None
            return int(value[0])

    def grow_to(self, total: int, chunk: int = 20_000) -> None:
        while self.written < total:
            n = min(chunk, total - self.written)
            txns, moves, entries = [], [], []
            for _ in range(n):
                k = self.written
                dest = self.hot if k % HOT_SHARE == 0 else self.targets[k % BULK_LOTS]
                self.clock += dt.timedelta(milliseconds=1)
                tid, mid = self.next_txn, self.next_mov
                self.next_txn += 1
                self.next_mov += 1
                txns.append(
                    {
                        "id": tid,
                        "client_id": f"bulk-{tid}",
                        "operation": "post",
                        "reservation_id": None,
                        "document_type": "bonded_list",
                        "document_no": f"BULK{tid}",
                        "actor": "bulk",
                        "reason": "bulk",
                        "occurred_at": self.clock,
                        "recorded_at": self.clock,
                        "fingerprint": "0" * 64,
                    }
                )
                moves.append(
                    {
                        "id": mid,
                        "transaction_id": tid,
                        "leg_no": 0,
                        "phase": "posted",
                        "source_id": self.abroad,
                        "destination_id": dest,
                        "item_id": self.item_id,
                        "unit": "007",
                        "quantity": Decimal(1),
                        "first_legal_quantity": Decimal(1),
                        "second_legal_quantity": None,
                        "amount": None,
                        "currency": None,
                    }
                )
                for account, delta in ((self.abroad, Decimal(-1)), (dest, Decimal(1))):
                    self.balance[account] += delta
                    entries.append(
                        {
                            "account_id": account,
                            "movement_id": mid,
                            "delta_posted": delta,
                            "delta_pending_out": Decimal(0),
                            "delta_pending_in": Decimal(0),
                            "posted_after": self.balance[account],
                            "pending_out_after": Decimal(0),
                            "pending_in_after": Decimal(0),
                            "recorded_at": self.clock,
                        }
                    )
                self.written += 1
            with self.db.engine.begin() as conn:
                conn.execute(insert(LedgerTransaction), txns)
                conn.execute(insert(Movement), moves)
                conn.execute(insert(AccountEntry), entries)
                for account in {self.abroad, self.hot, *self.targets}:
                    conn.execute(
                        update(LedgerAccount)
                        .where(LedgerAccount.id == account)
                        .values(posted=self.balance[account])
                    )
        if self.db.dialect == "postgresql":
            with self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")


def time_query(fn: Callable[[], object], repeats: int) -> Latency:
    fn()  # warm caches and the connection pool
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return Latency(
        statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    )


def measure_queries(database: Database, repeats: int, as_of: dt.datetime) -> dict[str, Latency]:
    queries = LedgerQueries(database)
    hot = stock_key(BOOK, CELLS, HOT_LOT, WAREHOUSE, "bonded")
    return {
        "balance": time_query(lambda: queries.balance(hot), repeats),
        "asof": time_query(lambda: queries.balance(hot, as_of=as_of), repeats),
        "history": time_query(lambda: queries.history(hot, limit=50), repeats),
        "lineage": time_query(lambda: queries.trace_backward(BOOK, "OUT"), repeats),
    }


def explain(database: Database, account_id: int, at: dt.datetime) -> dict[str, bool]:
    if database.dialect == "sqlite":
        prefix, when = (
            "EXPLAIN QUERY PLAN ",
            f"'{at.replace(tzinfo=None).strftime('%Y-%m-%d %H:%M:%S.%f')}'",
        )
    else:
        prefix, when = "EXPLAIN ", f"'{at.isoformat()}'"
    checks = {
        "asof": f"SELECT * FROM ledger_entries WHERE account_id = {account_id}"
        f" AND recorded_at <= {when} ORDER BY recorded_at DESC, id DESC LIMIT 1",
        "history": f"SELECT * FROM ledger_entries WHERE account_id = {account_id}"
        " AND id > 0 ORDER BY id LIMIT 50",
        # tracing a lot reads the movements into its accounts by destination
        "lineage": f"SELECT * FROM ledger_movements WHERE destination_id = {account_id}"
        " ORDER BY id LIMIT 50",
    }
    out = {}
    with database.engine.connect() as conn:
        for name, sql in checks.items():
            plan = " ".join(str(r) for r in conn.exec_driver_sql(prefix + sql).all())
            out[name] = "INDEX" in plan.upper() and 'SCAN LEDGER_ENTRIES"' not in plan.upper()
    return out


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, float]:
    quick = args.quick
    posted, single = (2_000, 300) if quick else (100_000, 2_000)
    small, large = (10_000, 100_000) if quick else (10_000, 1_000_000)
    repeats = 30 if quick else 200
    figures: dict[str, float] = {}
    with scratch_database(backend, args.pg_url) as database:
        prepare(database)
        print(
            f"[{backend}] posting {posted:,} movements in groups of {LEGS_PER_GROUP}, "
            f"{single:,} single-leg requests, and the bare baseline",
            flush=True,
        )
        writes = measure_writes(database, posted, single)
        figures.update(writes)
        print(
            f"[{backend}] {writes['movements_per_s']:.0f} movements/s grouped, "
            f"{writes['single_leg_per_s']:.0f} single-leg requests/s, "
            f"bare {writes['bare_per_s']:.0f} rows/s",
            flush=True,
        )
        lineage_fixture(database)
        bulk = BulkHistory(database)
        bulk.grow_to(small)
        mid_small = bulk.clock - dt.timedelta(seconds=1)
        small_lat = measure_queries(database, repeats, mid_small)
        print(f"[{backend}] growing the history to {large:,} bulk movements", flush=True)
        started = time.perf_counter()
        bulk.grow_to(large)
        print(
            f"[{backend}] bulk history written in {time.perf_counter() - started:.0f} s", flush=True
        )
        mid_large = bulk.clock - dt.timedelta(seconds=(large - small) // 2000)
        large_lat = measure_queries(database, repeats, mid_large)
        plans = explain(database, bulk.hot, mid_large)
        for name in small_lat:
            s, big = small_lat[name], large_lat[name]
            figures[f"{name}_ms_small"] = s.p50_ms
            figures[f"{name}_ms_large"] = big.p50_ms
            figures[f"{name}_ratio"] = big.p50_ms / s.p50_ms
            used = plans.get(name)
            note = "" if used is None else (" (index used)" if used else " (NO INDEX)")
            print(
                f"[{backend}] {name:8s} p50 {s.p50_ms:7.3f} ms -> {big.p50_ms:7.3f} ms, "
                f"p99 {s.p99_ms:7.3f} -> {big.p99_ms:7.3f}, "
                f"ratio {big.p50_ms / s.p50_ms:.2f}{note}",
                flush=True,
            )
        figures["history_movements_large"] = float(large)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a run under one minute")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default="postgresql+psycopg:///postgres", help="admin URL")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    summary: list[str] = []
    for backend in backends:
        prefix = "sqlite" if backend == "sqlite" else "pg"
        for key, value in run_backend(backend, args).items():
            summary.append(
                f"{prefix}_{key}={value:.3g}" if value < 1000 else f"{prefix}_{key}={value:.0f}"
            )
    print(" ".join(summary))


if __name__ == "__main__":
    main()
