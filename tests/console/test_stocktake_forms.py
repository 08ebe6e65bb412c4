"""A stocktake's forms and its document on the console, pure: the counts form's rows
(every position on a first count with rows for found goods, only the positions sent
back on a recount), locations typed as a list, the count's instant in Beijing time,
and the liaison's document table (labels for its fields, its time as a time, its
locations as a list of codes, never a Python tuple)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from console.pages.liaison import DOCUMENT_FIELDS
from console.pages.liaison_draft import table_of
from console.stocktake_forms import FOUND_ROWS, count_rows, instant_of, locations_of
from demo import ids
from schemas.lifecycle import (
    DifferenceView,
    ExpectedPosition,
    Lifecycle,
    LifecycleStatus,
    Stage,
    StocktakeDraft,
    StocktakeView,
    WriteOffDraft,
)

COUNTED_AT = dt.datetime(2026, 12, 6, 10, 30, tzinfo=ids.SHANGHAI)


def _status(stage: Stage, *differences: DifferenceView) -> LifecycleStatus:
    expected = tuple(
        ExpectedPosition(item_no=i, lot_no=lot, location=ids.RAW_BIN, quantity=q, unit="007")
        for i, lot, q in (
            (ids.GLASS, ids.GLASS_LOT, Decimal(10)),
            (ids.FRAMES, ids.FRAME_LOT, Decimal(4)),
        )
    )
    view = StocktakeView(
        counted_at=COUNTED_AT,
        locations=(ids.RAW_BIN,),
        items=(ids.GLASS, ids.FRAMES),
        expected=expected,
        counted=(),
        differences=differences,
        counting_due=None,
        duty=None,
    )
    return LifecycleStatus.model_validate(
        {
            "workflow_id": "stocktake-x",
            "lifecycle": Lifecycle.STOCKTAKE,
            "stage": stage,
            "next_step": "",
            "waiting_for": None,
            "change_count": 0,
            "escalated": False,
            "pre_entry_no": None,
            "list_no": None,
            "pass_no": None,
            "declaration_seq_no": None,
            "entry_id": None,
            "cif_cny": "0",
            "late_fee": None,
            "measured_weight": None,
            "timeline": (),
            "stocktake": view,
        }
    )


def test_a_first_count_has_a_row_per_position_the_book_holds_and_rows_for_found_goods() -> None:
    rows = count_rows(_status(Stage.COUNTING))
    assert [r.position.lot_no if r.position else None for r in rows] == [
        ids.GLASS_LOT,
        ids.FRAME_LOT,
        *[None] * FOUND_ROWS,
    ]
    assert [r.index for r in rows] == list(range(2 + FOUND_ROWS))
    assert (rows[0].expected, rows[0].unit) == (Decimal(10), "007")


def test_a_recount_has_only_the_positions_sent_back_and_no_stage_but_counting_has_rows() -> None:
    sent_back = DifferenceView(
        item_no=ids.FRAMES,
        lot_no=ids.FRAME_LOT,
        location=ids.RAW_BIN,
        expected=Decimal(4),
        counted=Decimal(7),
        difference=Decimal(3),
        state="recount",
    )
    rows = count_rows(_status(Stage.COUNTING, sent_back))
    assert [(r.index, r.position and r.position.lot_no, r.expected) for r in rows] == [
        (0, ids.FRAME_LOT, Decimal(4))
    ]
    assert count_rows(_status(Stage.DIFFERENCE_REVIEW, sent_back)) == []
    assert count_rows(None) == []


def test_locations_are_typed_one_a_line_or_by_commas_of_either_width() -> None:
    assert locations_of(" A-01\nB-02，C-03, A-01、D-04 ") == ("A-01", "B-02", "C-03", "D-04")
    assert locations_of("  ") == ()


def test_the_counts_instant_is_typed_in_beijing_time() -> None:
    assert instant_of("2026-12-06T10:30") == COUNTED_AT
    assert instant_of("2026-12-06T02:30:00+00:00") == COUNTED_AT
    assert instant_of("yesterday") == "yesterday"


def test_a_stocktakes_document_has_labels_a_time_and_its_locations_as_a_list() -> None:
    draft = StocktakeDraft(
        stocktake_no="ST-1",
        book_no=ids.SOLAR_BOOK,
        locations=(ids.RAW_BIN, ids.COLD_BIN),
        counted_at=COUNTED_AT,
        filed_by="solar-filer",
    )
    table = table_of(draft, corrected=False)
    cells = {cell.name: cell for cell in table.head}
    assert set(cells) <= set(DOCUMENT_FIELDS)  # every field has its label
    assert cells["locations"].codes
    assert cells["locations"].value == (ids.RAW_BIN, ids.COLD_BIN)
    assert cells["counted_at"].instant
    assert table.lines == ()


def test_a_write_offs_document_has_a_label_for_every_field() -> None:
    draft = WriteOffDraft(
        write_off_no="WO-2026Q1",
        book_no=ids.SOLAR_BOOK,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 4, 1),
        stocktake_id="stocktake-ST-1",
        explanation="玻璃破损一片，已按损耗核算",
        filed_by="solar-filer",
    )
    table = table_of(draft, corrected=False)
    assert {cell.name for cell in table.head} <= set(DOCUMENT_FIELDS)
