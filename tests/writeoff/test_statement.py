"""A processing book's write-off statement read from the ledger, on each database.

The story, posted through the ledger (times in Beijing; the period is March 2026):
- 20 Feb: 1000 cells enter lot L1 (list IN-0A), 10 glass lot G0 (IN-0B);
- 25 Feb: work order WO-0 makes 2 modules (M0) of 300 cells and 2 glass;
  so March opens with 700 cells, 8 glass and 2 modules;
- 2 Mar: 1000 cells enter lot L2 (IN-1); 3 Mar: 5 glass bought in China (IN-2, second
  line, non-bonded lot G1);
- 5 Mar: work order WO-1 uses 1500 cells and 10 glass, makes 10 modules (M1) and 3.5 kg
  of cell scrap (S1, the offcut item);
- 11 Mar 23:00: 6 modules reserved for export EX-1, posted at the gate 12 Mar;
- 13 Mar: 1 module reserved for a sale DS-9, voided on 14 Mar (moves nothing);
- 15 Mar: 2 modules sold into China (DS-1); 20 Mar: 2 kg of scrap sold (DS-2);
- 31 Mar 22:00: the stocktake ST-1 finds 7 cells missing;
- 1 Apr 00:00: 1 module exported (EX-2): the next period's.
Norms: from 1 Feb a module takes 144 cells at 4 % loss (150 cells: version 2, over
version 1's 144 at 2 % from 1 Jan) and 1 glass.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from adapters.db.engine import Database
from ledger import Ledger
from masterdata import MasterData
from rules.write_off import Figure, Source
from schemas.codes import DocumentType
from schemas.errors import BondflowError, NotFound
from schemas.ledger import MovementRequest, ResolveRequest
from schemas.masterdata import AccountBookIn, BookItemIn, ConsumptionNormIn
from tests.support.builders import (
    BOOK,
    CELLS,
    GLASS,
    LINE,
    MODULE,
    SHANGHAI,
    consumed,
    leg,
    make_zone,
    outside,
    request,
    resolve,
    stock,
)
from tests.support.states import DatabaseState, starts_from
from writeoff import BookWriteOff, KnownOpening, WriteOffs

SCRAP = 3
MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
WO = DocumentType.WORK_ORDER


def beijing(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def _story(db: Database) -> None:
    zone = make_zone(db)
    md: MasterData = zone.md
    md.register_item(
        BookItemIn(
            book_no=BOOK,
            item_no=SCRAP,
            part_no="SCRAP-CELL",
            hs_code="8549210000",
            name="电池片边角料",
            specification="broken cells",
            declared_unit="035",
            first_legal_unit="035",
            first_legal_factor=Decimal(1),
        )
    )
    for material, version, net, loss, since in (
        (CELLS, 2, "144", "0.04", dt.date(2026, 2, 1)),
        (GLASS, 1, "1", "0", dt.date(2026, 1, 1)),
    ):
        md.register_norm(
            ConsumptionNormIn(
                book_no=BOOK,
                finished_item_no=MODULE,
                material_item_no=material,
                version=version,
                net_consumption=Decimal(net),
                loss_rate=Decimal(loss),
                effective_from=since,
            )
        )
    for lot, item in (
        ("L1", CELLS),
        ("L2", CELLS),
        ("G0", GLASS),
        ("G1", GLASS),
        ("M0", MODULE),
        ("M1", MODULE),
        ("S1", SCRAP),
    ):
        zone.lot(lot, item_no=item)
    ledger = Ledger(db)

    def post(when: dt.datetime, req: MovementRequest) -> None:
        ledger.execute(req.model_copy(update={"occurred_at": when}))

    def settle(when: dt.datetime, req: ResolveRequest) -> None:
        ledger.resolve(req.model_copy(update={"occurred_at": when}))

    post(
        beijing(2, 20),
        request("in-0a", leg("1000", outside("abroad"), stock("L1")), document="IN-0A"),
    )
    post(
        beijing(2, 20),
        request(
            "in-0b", leg("10", outside("abroad"), stock("G0"), item_no=GLASS), document="IN-0B"
        ),
    )
    post(
        beijing(2, 25),
        request(
            "wo-0",
            leg("300", stock("L1"), outside("processing")),
            leg("2", stock("G0"), outside("processing"), item_no=GLASS),
            leg("2", outside("processing"), stock("M0", LINE), item_no=MODULE),
            document="WO-0",
            doc_type=WO,
            lineage=(consumed("M0", "L1", "300"), consumed("M0", "G0", "2")),
        ),
    )
    post(
        beijing(3, 2), request("in-1", leg("1000", outside("abroad"), stock("L2")), document="IN-1")
    )
    post(
        beijing(3, 3),
        request(
            "in-2",
            leg("5", outside("domestic"), stock("G1", status="non_bonded"), item_no=GLASS),
            document="IN-2",
        ),
    )
    post(
        beijing(3, 5),
        request(
            "wo-1",
            leg("700", stock("L1"), outside("processing")),
            leg("800", stock("L2"), outside("processing")),
            leg("8", stock("G0"), outside("processing"), item_no=GLASS),
            leg("2", stock("G1", status="non_bonded"), outside("processing"), item_no=GLASS),
            leg("10", outside("processing"), stock("M1", LINE), item_no=MODULE),
            leg("3.5", outside("processing"), stock("S1"), item_no=SCRAP, unit="035"),
            document="WO-1",
            doc_type=WO,
            lineage=(
                consumed("M1", "L1", "700"),
                consumed("M1", "L2", "800"),
                consumed("M1", "G0", "8"),
                consumed("M1", "G1", "2"),
                consumed("S1", "L2", "800"),
            ),
        ),
    )
    export = leg("6", stock("M1", LINE), outside("abroad"), item_no=MODULE)
    post(beijing(3, 11, 23), request("ex-1", export, reserve=True, document="EX-1"))
    settle(beijing(3, 12), resolve("ex-1/gate", "ex-1"))
    sale = leg("1", stock("M1", LINE), outside("domestic"), item_no=MODULE)
    post(beijing(3, 13), request("ds-9", sale, reserve=True, document="DS-9"))
    settle(beijing(3, 14), resolve("ds-9/void", "ds-9", post=False))
    post(
        beijing(3, 15),
        request(
            "ds-1",
            leg("2", stock("M1", LINE), outside("domestic"), item_no=MODULE),
            document="DS-1",
        ),
    )
    post(
        beijing(3, 20),
        request(
            "ds-2",
            leg("2", stock("S1"), outside("domestic"), item_no=SCRAP, unit="035"),
            document="DS-2",
        ),
    )
    post(
        beijing(3, 31, 22),
        request(
            "st-1",
            leg("7", stock("L2"), outside("adjustment")),
            document="ST-1",
            doc_type=DocumentType.STOCKTAKE,
        ),
    )
    post(
        beijing(4, 1, 0),
        request(
            "ex-2",
            leg("1", stock("M1", LINE), outside("abroad"), item_no=MODULE),
            document="EX-2",
        ),
    )


# Written once per worker and backend, cloned for each test (tests/support/states.py);
# test_approval's tests start from it too.
MARCH_STORY = DatabaseState("write-off-march", _story)


@starts_from(MARCH_STORY)
def write_offs(db: Database) -> WriteOffs:
    """The write-offs of a database holding the story above (the module's docstring)."""
    return WriteOffs(db)


def counted(**quantities: str) -> dict[int, Figure]:
    """The stocktake ST-2's count per item (cells, glass, scrap, modules)."""
    items = {"cells": CELLS, "glass": GLASS, "scrap": SCRAP, "modules": MODULE}
    return {
        items[name]: Figure.of([Source(None, DocumentType.STOCKTAKE, "ST-2", Decimal(q))])
        for name, q in quantities.items()
    }


# What the ledger holds at the end of March: cells 700 + 1000 - 1500 - 7, glass
# 8 + 5 - 10, scrap 3.5 - 2, modules 2 + 10 - 6 - 2.
AS_THE_LEDGER = {"cells": "193", "glass": "3", "scrap": "1.5", "modules": "4"}


def s(figure: Figure | None) -> str | None:
    return None if figure is None else format(figure.quantity.normalize(), "f")


def by_document(figure: Figure) -> list[tuple[str | None, str | None, str]]:
    return [
        (src.transaction, src.document_no, format(src.quantity.normalize(), "f"))
        for src in figure.sources
    ]


def march(write_offs: WriteOffs, **count: str) -> BookWriteOff:
    return write_offs.for_days(BOOK, MARCH, APRIL, counted(**count) if count else None)


MATERIAL = [
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
]


# Per material, the figures in MATERIAL's order.
MATERIAL_FIGURES = {
    # cells: 700 in stock + 2 modules x 150; 1000 imported; the norm's 900 and 300 for
    # the 6 exported and 2 sold modules; 7 lost; 1500 used by WO-1 (shown beside, not in
    # the balance); counted 193 + 4 modules x 150
    CELLS: "700 300 1000 0 0 0 900 300 0 0 0 0 0 0 -7 1500 793 193 600 793",
    GLASS: "8 2 0 5 0 0 6 2 0 0 0 0 0 0 0 10 7 3 4 7",
    SCRAP: "0 0 0 0 0 3.5 0 0 0 0 0 2 0 0 0 0 1.5 1.5 0 1.5",  # the offcut: its own figures
}


def test_given_the_story_and_a_count_as_the_ledger_then_each_material_balances(
    write_offs: WriteOffs,
) -> None:
    found = march(write_offs, **AS_THE_LEDGER)
    assert {
        line.item.item_no: " ".join(str(s(getattr(line, name))) for name in MATERIAL)
        for line in found.statement.materials
    } == MATERIAL_FIGURES
    assert [line.difference for line in found.statement.materials] == [0, 0, 0]


def test_finished_goods_count_what_left_in_the_period_only(write_offs: WriteOffs) -> None:
    found = march(write_offs, **AS_THE_LEDGER)
    (modules,) = found.statement.finished_goods
    assert (
        s(modules.opening_stock),
        s(modules.produced),
        s(modules.exported),
        s(modules.sold),
        s(modules.theoretical_closing),
        s(modules.counted),
        modules.difference,
    ) == ("2", "10", "6", "2", "4", "4", Decimal(0))
    assert found.statement.balanced is True
    assert found.statement.unfolded == ()


TRACED = [
    (CELLS, "imports", [("in-1", "IN-1", "1000")]),
    # the reservation counts when it was posted, under its document, by its resolution
    (CELLS, "consumed_exported", [("ex-1/gate", "EX-1", "900")]),
    (CELLS, "consumed_sold", [("ds-1", "DS-1", "300")]),
    (CELLS, "adjustments", [("st-1", "ST-1", "-7")]),
    (CELLS, "used_by_work_orders", [("wo-1", "WO-1", "1500")]),
    (CELLS, "opening_stock", [(None, None, "700")]),
    (CELLS, "opening_in_finished", [(None, None, "300")]),
    (CELLS, "counted_in_finished", [(None, "ST-2", "600")]),
    (GLASS, "purchases", [("in-2", "IN-2", "5")]),
    (SCRAP, "produced", [("wo-1", "WO-1", "3.5")]),
    (SCRAP, "sold", [("ds-2", "DS-2", "2")]),
]


def test_each_figure_is_traced_to_the_ledger_transactions_and_documents(
    write_offs: WriteOffs,
) -> None:
    found = march(write_offs, **AS_THE_LEDGER)
    lines = {line.item.item_no: line for line in found.statement.materials}
    assert [
        (item_no, figure, by_document(getattr(lines[item_no], figure)))
        for item_no, figure, _ in TRACED
    ] == TRACED
    (modules,) = found.statement.finished_goods
    assert by_document(modules.exported) == [("ex-1/gate", "EX-1", "6")]
    assert "DS-9" not in {src.document_no for src in modules.theoretical_closing.sources}


def test_given_a_count_short_of_the_theory_then_the_statement_shows_the_difference(
    write_offs: WriteOffs,
) -> None:
    found = march(write_offs, **{**AS_THE_LEDGER, "cells": "190", "modules": "3"})
    cells, glass, scrap = found.statement.materials
    (modules,) = found.statement.finished_goods
    # cells: 190 + 3 x 150 against 793; glass 3 + 3 against 7
    assert (cells.difference, glass.difference, scrap.difference, modules.difference) == (
        Decimal(-153),
        Decimal(-1),
        Decimal(0),
        Decimal(-1),
    )
    assert found.statement.balanced is False


def test_without_a_count_the_statement_has_no_difference(write_offs: WriteOffs) -> None:
    found = march(write_offs)
    assert found.statement.counted is False
    assert found.statement.balanced is None
    assert [s(m.theoretical_closing) for m in found.statement.materials] == ["793", "7", "1.5"]


def test_the_next_period_opens_where_march_closed(write_offs: WriteOffs) -> None:
    april = write_offs.for_days(BOOK, APRIL, dt.date(2026, 5, 1))
    cells = april.statement.materials[0]
    (modules,) = april.statement.finished_goods
    assert (s(cells.opening_stock), s(cells.opening_in_finished)) == ("193", "600")
    assert by_document(cells.consumed_exported) == [("ex-2", "EX-2", "150")]
    assert s(cells.theoretical_closing) == "643"
    assert s(modules.theoretical_closing) == "3"


def test_the_period_is_the_beijing_days_from_start_to_the_day_before_end(
    write_offs: WriteOffs,
) -> None:
    found = march(write_offs)
    assert (found.first_day, found.last_day) == (MARCH, dt.date(2026, 3, 31))
    assert found.starts_at == dt.datetime(2026, 3, 1, tzinfo=SHANGHAI)
    assert found.ends_at == dt.datetime(2026, 4, 1, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("book_no", "start", "end", "count", "error", "field"),
    [
        ("H96009999999", MARCH, APRIL, None, NotFound, "book_no"),
        (BOOK, APRIL, MARCH, None, BondflowError, "end"),
        (BOOK, MARCH, MARCH, None, BondflowError, "end"),
        (BOOK, MARCH, APRIL, {99: Figure(Decimal(0))}, BondflowError, "counted"),
    ],
)
def test_bad_requests_are_refused_naming_the_field(
    write_offs: WriteOffs,
    book_no: str,
    start: dt.date,
    end: dt.date,
    count: dict[int, Figure] | None,
    error: type[BondflowError],
    field: str,
) -> None:
    with pytest.raises(error) as refused:
        write_offs.for_days(book_no, start, end, count)
    assert refused.value.field == field


def test_a_logistics_book_is_not_written_off(db: Database) -> None:
    zone = make_zone(db)
    zone.md.open_book(
        AccountBookIn(
            book_no="T96001234567",
            book_type="T",
            enterprise_customs_code="9600A12345",
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2030, 12, 31),
            customs_district="9601",
        )
    )
    with pytest.raises(BondflowError, match="not a processing book") as refused:
        WriteOffs(db).for_days("T96001234567", MARCH, APRIL)
    assert refused.value.field == "book_no"


def test_an_instant_without_a_time_zone_is_refused(write_offs: WriteOffs) -> None:
    with pytest.raises(BondflowError) as refused:
        write_offs.statement(
            BOOK,
            dt.datetime(2026, 3, 1),  # noqa: DTZ001 (the naive instant is what is refused)
            dt.datetime(2026, 4, 1, tzinfo=SHANGHAI),
        )
    assert refused.value.field == "start"


def test_april_opened_from_marchs_approved_count_equals_april_opened_from_the_ledger(
    write_offs: WriteOffs,
) -> None:
    approved = march(write_offs, **AS_THE_LEDGER).statement
    opening = KnownOpening(
        stock={
            **{m.item.item_no: m.counted_stock for m in approved.materials if m.counted_stock},
            **{f.item.item_no: f.counted for f in approved.finished_goods if f.counted},
        },
        in_finished={
            m.item.item_no: m.counted_in_finished
            for m in approved.materials
            if m.counted_in_finished
        },
    )
    from_ledger = write_offs.for_days(BOOK, APRIL, dt.date(2026, 5, 1))
    from_march = write_offs.for_days(BOOK, APRIL, dt.date(2026, 5, 1), opening=opening)
    assert [s(m.theoretical_closing) for m in from_march.statement.materials] == [
        s(m.theoretical_closing) for m in from_ledger.statement.materials
    ]
    cells = from_march.statement.materials[0]
    assert by_document(cells.opening_in_finished) == [(None, "ST-2", "600")]


def test_an_opening_naming_an_item_the_book_lacks_is_refused(write_offs: WriteOffs) -> None:
    opening = KnownOpening(stock={99: Figure(Decimal(0))}, in_finished={})
    with pytest.raises(BondflowError) as refused:
        write_offs.for_days(BOOK, APRIL, dt.date(2026, 5, 1), opening=opening)
    assert refused.value.field == "opening.stock"
