"""Benchmark: checking a 1,000-line export list and a 200-material work order against
their book (a benchmark, not a test).

One *validation* is ``export.validate`` as the worker runs it (``BondedListActivities``
with the export's policy, called directly with a ``ValidateInput``): one snapshot of
the database read in one session (the book and its owner, the declarant, the book's
items, the draft's lots and locations, what the draft's stock positions hold, a few
statements whatever the length), then the pure check of ``checks/lists.py``. The
list takes 5 modules from each of 1,000 lots (distinct lots, one location), each
holding 10 (posted on the ledger first, not timed), so the check passes and every line is looked at.

The baseline in the same run, on the same database and engine: the reads the check
made before it read a snapshot (bondflow before #12), with the same public services,
in the same order: the book, owner, declarant and items once, then per line the
location's refusal, the lot, the book's items again (to compare the lot's item) and
the position's balance, each in its own session; on SQLite each session takes the
write lock (BEGIN IMMEDIATE). Only the reads: the old check's arithmetic is left out,
which favours the baseline. ``speedup`` = before_ms / after_ms; the statements and
transactions each run sends are counted from the engine's events.

The work order (``processing.check``, ``ProcessingActivities`` called directly with a
``WorkOrderCheckInput``) draws on 200 material lots (the most a work order names),
spread over the module's six normed materials, with three outputs (modules, defective
modules, cullet): one snapshot (the book, the outputs' locations, the norms in force on
the run's day, the material positions) and the pure check of ``checks/work_orders.py``.
Its baseline is the reads of the check before (the book's items, its owner, each
output location's refusal, each material position's balance, the norms in force), each
in its own session. Its figures are the ``wo_`` ones.

SQLite file in WAL mode, migrated with the project's migrations, demo master data
seeded. Each figure is the median of the repeats (after one warm-up of each).

Run from the repository root:
    .venv/bin/python bench/validation.py --quick    # 3 repeats, a few seconds
    .venv/bin/python bench/validation.py            # 10 repeats
Options: --lines N (default 1000, the most a list may carry), --repeats R.
The last line printed is a one-line key=value summary.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ first on the import path, where bench/xml.py
# would shadow the standard library's xml: keep bench/ off it, the repository on it.
if __name__ == "__main__":
    _HERE = Path(__file__).resolve().parent
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
    sys.path.insert(0, str(_HERE.parent))

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import event

from activities.bonded_list import BondedListActivities
from activities.dependencies import Dependencies
from activities.processing import ProcessingActivities
from adapters.db.engine import Database, create_database
from adapters.db.migrate import upgrade
from adapters.gateway.folders import ExchangeFolders
from demo import ids, seed_demo
from ledger import LedgerQueries
from ledger.keys import stock_key
from lifecycles.kinds import KINDS
from schemas.codes import DocumentType, OutsideKind
from schemas.errors import NotFound
from schemas.ledger import DocumentRef, Leg, MovementRequest, OutsideRef, StockRef
from schemas.lifecycle import (
    EntryLine,
    ExportDraft,
    Lifecycle,
    MaterialUse,
    OutputLot,
    ValidateInput,
    Vehicle,
    WorkOrderCheckInput,
    WorkOrderDraft,
)
from schemas.masterdata import LotIn
from schemas.messages.fields import DOCUMENT_ZONE

HELD, ASKED = Decimal(10), Decimal(5)
MATERIAL_LINES = 200  # the most a work order names
MATERIALS = (ids.CELLS, ids.GLASS, ids.EVA, ids.FRAMES, ids.BACKSHEET, ids.JUNCTION_BOX)
RUN_DAY = dt.date(2026, 11, 20)


@dataclass
class Counts:
    statements: int = 0
    transactions: int = 0


@contextmanager
def counting(db: Database) -> Iterator[Counts]:
    counts = Counts()

    def statement(*_: Any) -> None:
        counts.statements += 1

    def begin(*_: Any) -> None:
        counts.transactions += 1

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "begin", begin)
    try:
        yield counts
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(db.engine, "begin", begin)


def lot_no(number: int) -> str:
    return f"BENCH-{number:04d}"


def stock_up(deps: Dependencies, lines: int) -> None:
    """1,000 lots of modules at the finished-goods store, each holding 10 (not timed)."""
    deps.masterdata.create_lots(
        [LotIn(book_no=ids.SOLAR_BOOK, item_no=ids.MODULE, lot_no=lot_no(n)) for n in range(lines)]
    )
    deps.ledger.execute(
        MovementRequest(
            client_id="bench-validation-stock",
            document=DocumentRef(type=DocumentType.BONDED_LIST, number="BENCH-STOCK"),
            legs=tuple(
                Leg(
                    book_no=ids.SOLAR_BOOK,
                    item_no=ids.MODULE,
                    unit="007",
                    quantity=HELD,
                    source=OutsideRef(party=OutsideKind.PROCESSING),
                    destination=StockRef(lot_no=lot_no(n), location=ids.FINISHED_GOODS),
                )
                for n in range(lines)
            ),
            actor="bench",
            reason="stock for the validation benchmark",
            occurred_at=dt.datetime.now(dt.UTC),
        )
    )


def export_draft(lines: int) -> ExportDraft:
    return ExportDraft(
        inner_no="BENCH-EX-1",
        book_no=ids.SOLAR_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        supervision_mode="5015",
        destination_country="304",
        train="X8001",
        exchange_rate=Decimal("7.123400"),
        lines=tuple(
            EntryLine(
                item_no=ids.MODULE,
                lot_no=lot_no(n),
                location=ids.FINISHED_GOODS,
                quantity=ASKED,
                unit_price=Decimal("95.0000"),
                currency="502",
                origin_country="142",
                gross_weight=Decimal("120"),
                net_weight=Decimal("110"),
            )
            for n in range(lines)
        ),
        vehicle=Vehicle(vehicle_no="青A·D2468", vehicle_weight=Decimal("9800")),
        filed_by="bench",
    )


def per_line_reads(deps: Dependencies, draft: ExportDraft) -> None:
    """The reads of the check before #12, in its order (see the module's docstring)."""
    md = deps.masterdata
    md.book(draft.book_no)
    md.owner_of(draft.book_no)
    md.enterprise(draft.declarant_code)
    md.items(draft.book_no)
    md.book(draft.book_no)
    for line in draft.lines:
        md.stock_location_refusal(line.location, draft.book_no)
        lot = md.lot(draft.book_no, line.lot_no)
        if lot is not None:
            next(i.id for i in md.items(draft.book_no) if i.item_no == line.item_no)
    queries = LedgerQueries(deps.database)
    for line in draft.lines:
        key = stock_key(draft.book_no, line.item_no, line.lot_no, line.location, "bonded")
        with suppress(NotFound):
            queries.balance(key)


def material_lot(number: int) -> str:
    return f"BENCH-MAT-{number:03d}"


def material_of(number: int) -> int:
    return MATERIALS[number % len(MATERIALS)]


def stock_materials(deps: Dependencies) -> None:
    """200 material lots in the raw-material bin, each holding 10 (not timed)."""
    units = {item.item_no: item.declared_unit for item in deps.masterdata.items(ids.SOLAR_BOOK)}
    numbers = range(MATERIAL_LINES)
    deps.masterdata.create_lots(
        [
            LotIn(book_no=ids.SOLAR_BOOK, item_no=material_of(n), lot_no=material_lot(n))
            for n in numbers
        ]
    )
    deps.ledger.execute(
        MovementRequest(
            client_id="bench-validation-materials",
            document=DocumentRef(type=DocumentType.BONDED_LIST, number="BENCH-MATERIALS"),
            legs=tuple(
                Leg(
                    book_no=ids.SOLAR_BOOK,
                    item_no=material_of(n),
                    unit=units[material_of(n)],
                    quantity=HELD,
                    source=OutsideRef(party=OutsideKind.PROCESSING),
                    destination=StockRef(lot_no=material_lot(n), location=ids.RAW_BIN),
                )
                for n in numbers
            ),
            actor="bench",
            reason="materials for the validation benchmark",
            occurred_at=dt.datetime.now(dt.UTC),
        )
    )


def work_order_draft() -> WorkOrderDraft:
    def output(item_no: int, lot_no: str, location: str, quantity: str) -> OutputLot:
        return OutputLot(
            item_no=item_no, lot_no=lot_no, location=location, quantity=Decimal(quantity)
        )

    return WorkOrderDraft(
        work_order_no="BENCH-WO-1",
        book_no=ids.SOLAR_BOOK,
        produced_on=RUN_DAY,
        finished=output(ids.MODULE, "BENCH-WO-M", ids.FINISHED_GOODS, "9"),
        defective=output(ids.MODULE, "BENCH-WO-D", ids.PLANT, "1"),
        offcuts=(
            OutputLot(
                item_no=ids.GLASS_CULLET,
                lot_no="BENCH-WO-GC",
                location=ids.PLANT,
                quantity=Decimal("5.2"),
                from_material=ids.GLASS,
            ),
        ),
        materials=tuple(
            MaterialUse(
                item_no=material_of(n),
                lot_no=material_lot(n),
                location=ids.RAW_BIN,
                quantity=ASKED,
            )
            for n in range(MATERIAL_LINES)
        ),
        filed_by="bench",
    )


def work_order_per_line_reads(deps: Dependencies, draft: WorkOrderDraft) -> None:
    """The reads of the work order's check before #12, in its order."""
    md = deps.masterdata
    md.items(draft.book_no)
    md.owner_of(draft.book_no)
    outputs = [draft.finished, *([draft.defective] if draft.defective else []), *draft.offcuts]
    for output in outputs:
        md.stock_location_refusal(output.location, draft.book_no)
    queries = LedgerQueries(deps.database)
    for use in draft.materials:
        key = stock_key(draft.book_no, use.item_no, use.lot_no, use.location, "bonded")
        with suppress(NotFound):
            queries.balance(key)
    md.norms_in_force(draft.book_no, draft.finished.item_no, draft.produced_on)


def timed(db: Database, run: Callable[[], object], repeats: int) -> tuple[float, Counts]:
    run()  # warm-up
    seconds = []
    per_run = []
    for _ in range(repeats):
        with counting(db) as counted:
            started = time.perf_counter()
            run()
            seconds.append(time.perf_counter() - started)
        per_run.append(counted)
    return statistics.median(seconds), per_run[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="3 repeats")
    parser.add_argument("--lines", type=int, default=1000, help="lines of the list")
    parser.add_argument("--repeats", type=int, help="repeats of each (the median counts)")
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 10)
    with tempfile.TemporaryDirectory(prefix="bondflow-bench-") as scratch:
        root = Path(scratch)
        url = f"sqlite:///{root / 'bondflow.db'}"
        started = time.perf_counter()
        upgrade(url)
        db = create_database(url)
        seed_demo(db)
        deps = Dependencies.build(db, ExchangeFolders.under(root / "exchange").create())
        stock_up(deps, args.lines)
        stock_materials(deps)
        print(f"database ready: {time.perf_counter() - started:.1f} s", flush=True)
        draft = export_draft(args.lines)
        on = dt.datetime.now(DOCUMENT_ZONE).date()
        policy = KINDS[Lifecycle.EXPORT].activities
        assert policy is not None
        activities = BondedListActivities(deps, policy)
        report = activities.validate(ValidateInput(draft=draft, on=on))
        if not report.ok:
            raise SystemExit(f"the benchmark's list does not check: {report.described()}")
        before_s, before = timed(db, lambda: per_line_reads(deps, draft), repeats)
        print(f"before (per-line reads): {before_s * 1000:.1f} ms", flush=True)
        after_s, after = timed(
            db, lambda: activities.validate(ValidateInput(draft=draft, on=on)), repeats
        )
        print(f"after (one snapshot + pure check): {after_s * 1000:.1f} ms", flush=True)
        work_order = work_order_draft()
        processing = ProcessingActivities(deps)
        check_input = WorkOrderCheckInput(draft=work_order, tolerance=Decimal("0.02"))
        checked = processing.check(check_input)
        if not checked.ok:
            raise SystemExit(f"the benchmark's work order does not check: {checked.described()}")
        wo_before_s, wo_before = timed(
            db, lambda: work_order_per_line_reads(deps, work_order), repeats
        )
        print(f"work order before (per-line reads): {wo_before_s * 1000:.1f} ms", flush=True)
        wo_after_s, wo_after = timed(db, lambda: processing.check(check_input), repeats)
        print(f"work order after (one snapshot + pure check): {wo_after_s * 1000:.1f} ms")
        db.dispose()
    figures = {
        "backend": "sqlite",
        "lines": str(args.lines),
        "before_ms": f"{before_s * 1000:.1f}",
        "after_ms": f"{after_s * 1000:.1f}",
        "speedup": f"{before_s / after_s:.1f}",
        "before_statements": str(before.statements),
        "after_statements": str(after.statements),
        "before_transactions": str(before.transactions),
        "after_transactions": str(after.transactions),
        "wo_materials": str(MATERIAL_LINES),
        "wo_before_ms": f"{wo_before_s * 1000:.1f}",
        "wo_after_ms": f"{wo_after_s * 1000:.1f}",
        "wo_speedup": f"{wo_before_s / wo_after_s:.1f}",
        "wo_before_statements": str(wo_before.statements),
        "wo_after_statements": str(wo_after.statements),
        "wo_before_transactions": str(wo_before.transactions),
        "wo_after_transactions": str(wo_after.transactions),
    }
    print(" ".join(f"{key}={value}" for key, value in figures.items()), flush=True)


if __name__ == "__main__":
    main()
