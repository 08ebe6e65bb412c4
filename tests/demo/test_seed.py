"""The Xining demo: seeded through the ledger, exact, traceable, and safe to run twice."""

from __future__ import annotations

from decimal import Decimal

from adapters.db.engine import Database
from demo import ids, seed_demo
from ledger import ChainAuditor, LedgerQueries
from ledger.keys import stock_key
from rules.norms import material_required


def test_seeding_twice_changes_nothing(db: Database) -> None:
    first = seed_demo(db)
    head = ChainAuditor(db).anchor()
    second = seed_demo(db)
    assert second == first
    assert ChainAuditor(db).anchor().hash == head.hash
    assert first.enterprises == 3
    assert first.books == 2
    assert first.transactions == 10


def test_the_demo_ledger_verifies_and_nothing_is_negative(db: Database) -> None:
    seed_demo(db)
    assert ChainAuditor(db).verify().ok
    for balance in LedgerQueries(db).balances():
        assert balance.posted >= 0
        assert balance.available >= 0


def test_balances_are_exactly_what_the_story_says(db: Database) -> None:
    seed_demo(db)
    queries = LedgerQueries(db)
    modules = queries.balance(
        stock_key(ids.SOLAR_BOOK, ids.MODULE, ids.MODULE_LOT, ids.FINISHED_GOODS, "bonded")
    )
    # 2,400 made, 2,000 exported, 150 sold domestically, 100 reserved for the next train.
    assert modules.posted == Decimal(250)
    assert modules.pending_out == Decimal(100)
    assert modules.available == Decimal(150)
    cells = queries.balance(
        stock_key(ids.SOLAR_BOOK, ids.CELLS, ids.CELL_LOT_1, ids.RAW_BIN, "bonded")
    )
    used = material_required(Decimal(2400), Decimal(144), Decimal("0.005"))
    assert cells.posted == Decimal(360000) - used == Decimal("12663.31658")
    honey = queries.balance(
        stock_key(ids.COLD_CHAIN_BOOK, ids.HONEY, ids.HONEY_LOT, ids.COLD_BIN, "bonded")
    )
    assert honey.posted == Decimal(12000)


def test_the_module_lot_traces_back_to_the_entry_lists(db: Database) -> None:
    seed_demo(db)
    trace = LedgerQueries(db).trace_backward(ids.SOLAR_BOOK, ids.MODULE_LOT)
    inputs = {link.lot.lot_no: link for link in trace.links}
    assert set(inputs) == {
        ids.CELL_LOT_1,
        ids.GLASS_LOT,
        ids.EVA_LOT,
        ids.FRAME_LOT,
        ids.BACKSHEET_LOT,
        ids.JUNCTION_BOX_LOT,
    }
    cells = inputs[ids.CELL_LOT_1]
    assert cells.quantity == Decimal("347336.68342")
    assert [s.document.number for s in cells.lot.steps if s.document] == [ids.ENTRY_LIST_1]


def test_the_cell_lot_traces_forward_to_the_export_train(db: Database) -> None:
    seed_demo(db)
    trace = LedgerQueries(db).trace_forward(ids.SOLAR_BOOK, ids.CELL_LOT_1)
    [module] = [link.lot for link in trace.links if link.lot.lot_no == ids.MODULE_LOT]
    exits = {s.document.number: (s.outside, s.quantity) for s in module.steps if s.document}
    assert exits[ids.EXPORT_LIST] == ("abroad", Decimal(2000))
    assert exits[ids.DOMESTIC_SALE_LIST] == ("domestic", Decimal(150))
    assert ids.PENDING_EXPORT_LIST not in exits  # reserved, not yet through the gate
