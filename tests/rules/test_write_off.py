"""The write-off statement (核销表), pure: given a period's movements per item, the
opening, the count and the norms in force, each figure and the documents it came from.

The story (one processing book; days in the period 1..31 March 2026):
- opening: 1000 cells in stock, 2 modules in stock (holding 293.87755 cells and 2 glass);
- imports: 500 cells (list IN-1), 10 glass (IN-2); a domestic purchase of 5 glass
  (IN-3, second line); 100 cells transferred in (TR-IN);
- work order WO-1 used 1469.38776 cells and 10 glass, made 10 modules and 3.5 kg of
  scrap (the offcut item);
- out: 6 modules exported (EX-1), 2 sold into China (DS-1), 1 defective module
  destroyed (DES-1), 2 kg of scrap sold (DS-2); the stocktake ST-1 lost 7 cells.
Module norms: a module takes 144 cells at 2 % loss (146.93878 per module, half-up per
document) and 1 glass at no loss.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.norms import material_required
from rules.write_off import (
    Figure,
    Flow,
    Item,
    NormInForce,
    PeriodMovement,
    Source,
    WriteOffInput,
    WriteOffStatement,
    flow_of,
    required_norms,
    write_off,
)
from schemas.codes import AccountKind, DocumentType

CELLS, GLASS, SCRAP, MODULE = 1, 2, 3, 10
ITEMS = (
    Item(CELLS, "CELL-M10", "太阳能电池片", "007", finished=False),
    Item(GLASS, "GLASS-3.2", "光伏玻璃", "007", finished=False),
    Item(SCRAP, "SCRAP-CELL", "电池片边角料", "035", finished=False),
    Item(MODULE, "MOD-550", "光伏组件", "007", finished=True),
)
FIRST, LAST = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
LIST, WORK_ORDER, STOCKTAKE = (
    DocumentType.BONDED_LIST,
    DocumentType.WORK_ORDER,
    DocumentType.STOCKTAKE,
)
NORMS_V1 = (
    NormInForce(CELLS, 1, Decimal(144), Decimal("0.02")),
    NormInForce(GLASS, 1, Decimal(1), Decimal(0)),
)


def moved(
    item_no: int, flow: Flow, quantity: str, document: str, day: int = 10, kind: DocumentType = LIST
) -> PeriodMovement:
    return PeriodMovement(
        item_no, flow, Decimal(quantity), dt.date(2026, 3, day), f"tx-{document}", kind, document
    )


def held(quantity: str, document: str | None = None) -> Figure:
    """A balance read at an instant (or counted by a stocktake document)."""
    kind = STOCKTAKE if document else DocumentType.OPENING_BALANCE
    return Figure.of([Source(None, kind, document, Decimal(quantity))])


STORY = (
    moved(CELLS, Flow.IMPORTED, "500", "IN-1", 2),
    moved(GLASS, Flow.IMPORTED, "10", "IN-2", 2),
    moved(GLASS, Flow.PURCHASED, "5", "IN-3", 3),
    moved(CELLS, Flow.TRANSFERRED_IN, "100", "TR-IN", 4),
    moved(CELLS, Flow.USED, "1469.38776", "WO-1", 5, WORK_ORDER),
    moved(GLASS, Flow.USED, "10", "WO-1", 5, WORK_ORDER),
    moved(MODULE, Flow.PRODUCED, "10", "WO-1", 5, WORK_ORDER),
    moved(SCRAP, Flow.PRODUCED, "3.5", "WO-1", 5, WORK_ORDER),
    moved(MODULE, Flow.EXPORTED, "6", "EX-1", 12),
    moved(MODULE, Flow.SOLD, "2", "DS-1", 15),
    moved(MODULE, Flow.DISPOSED, "1", "DES-1", 20),
    moved(SCRAP, Flow.SOLD, "2", "DS-2", 21),
    moved(CELLS, Flow.LOST, "7", "ST-1", 31, STOCKTAKE),
)
OPENING = {CELLS: held("1000"), MODULE: held("2")}
# What the ledger holds at the end: cells 1000 + 500 + 100 - 1469.38776 - 7, glass
# 10 + 5 - 10, scrap 3.5 - 2, modules 2 + 10 - 6 - 2 - 1.
LEDGER_CLOSING = {"cells": "123.61224", "glass": "5", "scrap": "1.5", "modules": "3"}


def norms_for(
    movements: tuple[PeriodMovement, ...], counted: bool, norms: tuple[NormInForce, ...]
) -> dict[tuple[int, dt.date], tuple[NormInForce, ...]]:
    keys = required_norms(ITEMS, movements, FIRST, LAST, {} if counted else None)
    return {key: norms for key in keys}


def statement(
    counted: dict[int, Figure] | None,
    movements: tuple[PeriodMovement, ...] = STORY,
    norms: dict[tuple[int, dt.date], tuple[NormInForce, ...]] | None = None,
) -> WriteOffStatement:
    return write_off(
        WriteOffInput(
            items=ITEMS,
            opening=OPENING,
            opening_day=FIRST,
            movements=movements,
            counted=counted,
            closing_day=LAST,
            norms=norms
            if norms is not None
            else norms_for(movements, counted is not None, NORMS_V1),
        )
    )


def q(figure: Figure | None) -> str | None:
    return None if figure is None else format(figure.quantity.normalize(), "f")


def documents(figure: Figure) -> list[tuple[str | None, str]]:
    return [(s.document_no, format(s.quantity.normalize(), "f")) for s in figure.sources]


COUNT_AS_LEDGER = {
    CELLS: held(LEDGER_CLOSING["cells"], "ST-2"),
    GLASS: held(LEDGER_CLOSING["glass"], "ST-2"),
    SCRAP: held(LEDGER_CLOSING["scrap"], "ST-2"),
    MODULE: held(LEDGER_CLOSING["modules"], "ST-2"),
}


# --- flows from the ledger's account kinds --------------------------------------------


@pytest.mark.parametrize(
    ("source", "destination", "flow"),
    [
        (AccountKind.ABROAD, AccountKind.STOCK, Flow.IMPORTED),
        (AccountKind.DOMESTIC, AccountKind.STOCK, Flow.PURCHASED),
        (AccountKind.ZONE_TRANSFER, AccountKind.STOCK, Flow.TRANSFERRED_IN),
        (AccountKind.PROCESSING, AccountKind.STOCK, Flow.PRODUCED),
        (AccountKind.ADJUSTMENT, AccountKind.STOCK, Flow.FOUND),
        (AccountKind.STOCK, AccountKind.ABROAD, Flow.EXPORTED),
        (AccountKind.STOCK, AccountKind.DOMESTIC, Flow.SOLD),
        (AccountKind.STOCK, AccountKind.ZONE_TRANSFER, Flow.TRANSFERRED_OUT),
        (AccountKind.STOCK, AccountKind.PROCESSING, Flow.USED),
        (AccountKind.STOCK, AccountKind.DESTRUCTION, Flow.DISPOSED),
        (AccountKind.STOCK, AccountKind.ADJUSTMENT, Flow.LOST),
        (AccountKind.STOCK, AccountKind.STOCK, None),
        (AccountKind.ABROAD, AccountKind.DOMESTIC, None),
    ],
)
def test_each_pair_of_account_kinds_is_one_flow_of_the_books_stock(
    source: AccountKind, destination: AccountKind, flow: Flow | None
) -> None:
    assert flow_of(source, destination) is flow


# --- the materials ------------------------------------------------------------------

MATERIAL_FIGURES = (
    "opening_stock",
    "opening_in_finished",
    "imports",
    "purchases",
    "transfers_in",
    "produced",
    "consumed_exported",
    "consumed_sold",
    "consumed_transferred_out",
    "consumed_disposed",
    "exported",
    "sold",
    "transferred_out",
    "disposed",
    "adjustments",
    "used_by_work_orders",
    "theoretical_closing",
    "counted_stock",
    "counted_in_finished",
    "counted",
)


@pytest.mark.parametrize(
    ("item_no", "expected"),
    [
        (
            CELLS,
            # opening 1000 + 2 modules' 293.87755; consumption by the norm of 6, 2 and 1
            # modules (881.63265, 293.87755, 146.93878); 7 lost; the work order's own use
            # shown beside; counted 123.61224 in stock + 3 modules' 440.81633
            "1000 293.87755 500 0 100 0"
            " 881.63265 293.87755 0 146.93878 0 0 0 0 -7"
            " 1469.38776 564.42857 123.61224 440.81633 564.42857",
        ),
        (
            GLASS,
            "0 2 10 5 0 0 6 2 0 1 0 0 0 0 0 10 8 5 3 8",
        ),
        (
            SCRAP,  # an offcut: yielded by the work order, sold, not folded into anything
            "0 0 0 0 0 3.5 0 0 0 0 0 2 0 0 0 0 1.5 1.5 0 1.5",
        ),
    ],
)
def test_given_a_count_equal_to_the_ledger_when_written_off_then_each_material_balances(
    item_no: int, expected: str
) -> None:
    found = statement(COUNT_AS_LEDGER)
    (line,) = [m for m in found.materials if m.item.item_no == item_no]
    assert tuple(q(getattr(line, name)) for name in MATERIAL_FIGURES) == tuple(expected.split())
    assert line.difference == 0
    assert found.balanced is True
    assert found.unfolded == ()


def test_the_norms_consumption_is_the_work_orders_rule_per_document() -> None:
    (cells, *_) = statement(None).materials
    assert cells.consumed_exported.quantity == material_required(
        Decimal(6), Decimal(144), Decimal("0.02")
    )
    # one module's share rounded once (146.93878), not a sixth of six modules' share
    assert documents(cells.consumed_disposed) == [("DES-1", "146.93878")]


def test_finished_goods_balance_in_their_own_unit() -> None:
    (modules,) = statement(COUNT_AS_LEDGER).finished_goods
    assert [
        q(getattr(modules, name))
        for name in (
            "opening_stock",
            "received",
            "produced",
            "exported",
            "sold",
            "transferred_out",
            "disposed",
            "used_in_processing",
            "adjustments",
            "theoretical_closing",
            "counted",
        )
    ] == ["2", "0", "10", "6", "2", "0", "1", "0", "0", "3", "3"]
    assert modules.difference == 0


# --- traceability --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ("imports", [("IN-1", "500")]),
        ("transfers_in", [("TR-IN", "100")]),
        ("consumed_exported", [("EX-1", "881.63265")]),
        ("consumed_sold", [("DS-1", "293.87755")]),
        ("adjustments", [("ST-1", "-7")]),
        ("used_by_work_orders", [("WO-1", "1469.38776")]),
        ("opening_in_finished", [(None, "293.87755")]),
        ("counted_in_finished", [("ST-2", "440.81633")]),
    ],
)
def test_every_figure_names_the_documents_it_came_from(
    figure: str, expected: list[tuple[str | None, str]]
) -> None:
    (cells, *_) = statement(COUNT_AS_LEDGER).materials
    assert documents(getattr(cells, figure)) == expected


def test_the_theoretical_closing_is_the_signed_sum_of_every_document_in_the_balance() -> None:
    (cells, *_) = statement(None).materials
    assert sorted(documents(cells.theoretical_closing), key=str) == sorted(
        [
            (None, "1000"),
            (None, "293.87755"),
            ("IN-1", "500"),
            ("TR-IN", "100"),
            ("ST-1", "-7"),
            ("EX-1", "-881.63265"),
            ("DS-1", "-293.87755"),
            ("DES-1", "-146.93878"),
        ],
        key=str,
    )
    assert all(source.document_no != "WO-1" for source in cells.theoretical_closing.sources)


# --- counts, differences, missing norms ----------------------------------------------


def test_given_no_count_then_no_counted_figure_no_difference_and_no_verdict() -> None:
    found = statement(None)
    assert found.counted is False
    assert found.balanced is None
    assert all(m.counted is None and m.difference is None for m in found.materials)
    assert all(f.counted is None and f.difference is None for f in found.finished_goods)


def test_given_a_count_short_of_the_theory_then_the_difference_is_negative() -> None:
    short = {**COUNT_AS_LEDGER, CELLS: held("120", "ST-2"), MODULE: held("2", "ST-2")}
    found = statement(short)
    cells = found.materials[0]
    modules = found.finished_goods[0]
    # 120 + 2 modules' 293.87755 against 564.42857
    assert cells.difference == Decimal("-150.55102")
    assert modules.difference == Decimal(-1)
    assert found.balanced is False


def test_given_an_export_on_a_day_without_a_norm_then_it_is_reported_unfolded() -> None:
    norms = norms_for(STORY, False, NORMS_V1)
    norms[MODULE, dt.date(2026, 3, 12)] = ()
    found = statement(None, norms=norms)
    (missing,) = found.unfolded
    assert (missing.finished_item_no, missing.on, missing.quantity) == (
        MODULE,
        dt.date(2026, 3, 12),
        Decimal(6),
    )
    assert missing.source.document_no == "EX-1"
    assert found.materials[0].consumed_exported.quantity == 0


def test_each_leaving_document_is_folded_by_the_norms_in_force_on_its_day() -> None:
    v2 = (NormInForce(CELLS, 2, Decimal(140), Decimal("0.02")), NORMS_V1[1])
    norms = norms_for(STORY, False, NORMS_V1)
    norms[MODULE, dt.date(2026, 3, 15)] = v2  # the sale's day: version 2 in force
    cells = statement(None, norms=norms).materials[0]
    assert documents(cells.consumed_sold) == [("DS-1", "285.71429")]  # 2 x 140 / 0.98
    assert documents(cells.consumed_exported) == [("EX-1", "881.63265")]


def test_required_norms_are_the_leaving_days_and_the_period_ends_of_each_finished_good() -> None:
    assert required_norms(ITEMS, STORY, FIRST, LAST, None) == {
        (MODULE, FIRST),
        (MODULE, dt.date(2026, 3, 12)),
        (MODULE, dt.date(2026, 3, 15)),
        (MODULE, dt.date(2026, 3, 20)),
    }
    assert (MODULE, LAST) in required_norms(ITEMS, STORY, FIRST, LAST, {})


def test_a_figure_is_always_the_sum_of_its_sources() -> None:
    with pytest.raises(ValueError, match="sum of its sources"):
        Figure(Decimal(1))
    assert Figure.of([]).quantity == 0


# --- any story where the work orders use exactly the norm balances ---------------------

EXACT_NORM = (NormInForce(CELLS, 1, Decimal(147), Decimal("0.02")),)  # 150 cells a module


@st.composite
def exact_stories(draw: st.DrawFn) -> tuple[tuple[PeriodMovement, ...], dict[str, Decimal]]:
    """A month of imports, work orders using exactly 150 cells a module, and modules
    leaving every way, replayed independently into the ledger's closing stock."""
    cells, modules = Decimal(1000), Decimal(2)  # the story's opening, as OPENING
    moves: list[PeriodMovement] = []
    for number in range(draw(st.integers(min_value=0, max_value=12))):
        day, document = draw(st.integers(min_value=1, max_value=31)), f"D-{number}"
        step = draw(st.sampled_from(["import", "work", "leave"]))
        if step == "import":
            q = Decimal(draw(st.integers(min_value=1, max_value=900)))
            moves.append(moved(CELLS, Flow.IMPORTED, str(q), document, day))
            cells += q
        elif step == "work" and cells >= 150:
            made = Decimal(draw(st.integers(min_value=1, max_value=int(cells // 150))))
            moves.append(moved(CELLS, Flow.USED, str(made * 150), document, day, WORK_ORDER))
            moves.append(moved(MODULE, Flow.PRODUCED, str(made), document, day, WORK_ORDER))
            cells, modules = cells - made * 150, modules + made
        elif step == "leave" and modules >= 1:
            flow = draw(
                st.sampled_from([Flow.EXPORTED, Flow.SOLD, Flow.TRANSFERRED_OUT, Flow.DISPOSED])
            )
            q = Decimal(draw(st.integers(min_value=1, max_value=int(modules))))
            moves.append(moved(MODULE, flow, str(q), document, day))
            modules -= q
    return tuple(moves), {"cells": cells, "modules": modules}


@given(exact_stories())
def test_given_work_orders_at_the_norm_then_a_count_as_the_ledger_balances_to_zero(
    story: tuple[tuple[PeriodMovement, ...], dict[str, Decimal]],
) -> None:
    movements, ledger = story
    count = {
        CELLS: held(str(ledger["cells"]), "ST"),
        MODULE: held(str(ledger["modules"]), "ST"),
    }
    found = statement(count, movements, norms_for(movements, True, EXACT_NORM))
    cells = found.materials[0]
    assert cells.difference == 0
    assert found.finished_goods[0].difference == 0
    assert cells.theoretical_closing.quantity == ledger["cells"] + 150 * ledger["modules"]


def test_given_the_openings_share_from_the_approved_statement_then_nothing_is_folded_again() -> (
    None
):
    approved = Source(None, DocumentType.WRITE_OFF, "WO-2602", Decimal("293.87755"))
    keys = required_norms(ITEMS, STORY, FIRST, LAST, None, opening_folded=True)
    assert (MODULE, FIRST) not in keys  # no norm is read for the opening
    found = write_off(
        WriteOffInput(
            items=ITEMS,
            opening=OPENING,
            opening_day=FIRST,
            movements=STORY,
            counted=None,
            closing_day=LAST,
            norms={key: NORMS_V1 for key in keys},
            opening_in_finished={CELLS: Figure.of([approved]), GLASS: held("2")},
        )
    )
    cells, glass, _ = found.materials
    assert documents(cells.opening_in_finished) == [("WO-2602", "293.87755")]
    assert q(cells.theoretical_closing) == "564.42857"  # as when folded from the stock
    assert q(glass.theoretical_closing) == "8"
