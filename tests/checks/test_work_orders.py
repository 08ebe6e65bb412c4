"""A work order's check is a pure function of (draft, snapshot, tolerance): given a run
and what its book holds on the run's day, then exactly these refusals and these
deviations from the norms. No database, no clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from checks.work_orders import norm_deviations, positions, work_order_check
from schemas.lifecycle import (
    MaterialUse,
    NormDeviationView,
    OutputLot,
    Refusal,
    WorkOrderDraft,
)
from schemas.snapshots import LocationRecord, NormRecord, Position, WorkOrderSnapshot
from tests.checks.test_lists import BOOK, CELLS, GLASS, MODULES, OWNER, _book

RUN_DAY = dt.date(2026, 11, 20)
TOLERANCE = Decimal("0.02")
CULLET = 4  # not an item of the book
STORE, PLANT = "FG-1", "PLANT"
# 10 modules take 100 cells net at no loss, and 20 glass at a loss rate of 0.2 (25).
NORMS = {
    CELLS: NormRecord(CELLS, 1, Decimal("10"), Decimal("0")),
    GLASS: NormRecord(GLASS, 2, Decimal("2"), Decimal("0.2")),
}


def _output(item_no: int, lot_no: str, quantity: str, location: str = STORE) -> OutputLot:
    return OutputLot(item_no=item_no, lot_no=lot_no, location=location, quantity=Decimal(quantity))


def _use(item_no: int, lot_no: str, quantity: str) -> MaterialUse:
    return MaterialUse(item_no=item_no, lot_no=lot_no, location="RAW-1", quantity=Decimal(quantity))


def _draft(
    *,
    finished: OutputLot | None = None,
    defective: OutputLot | None = None,
    offcuts: tuple[OutputLot, ...] = (),
    cells: str = "100",
    glass: str = "25",
) -> WorkOrderDraft:
    return WorkOrderDraft(
        work_order_no="WO-1",
        book_no=BOOK,
        produced_on=RUN_DAY,
        finished=finished or _output(MODULES, "M1", "9"),
        defective=defective if defective is not None else _output(MODULES, "D1", "1", PLANT),
        offcuts=offcuts,
        materials=(_use(CELLS, "C1", cells), _use(GLASS, "G1", glass)),
        filed_by="planner",
    )


def _snapshot(
    *,
    locations: tuple[LocationRecord, ...] = (
        LocationRecord(STORE, False, OWNER.customs_code),
        LocationRecord(PLANT, False, None),
    ),
    cells_held: str = "500",
    norms: dict[int, NormRecord] = NORMS,
) -> WorkOrderSnapshot:
    return WorkOrderSnapshot(
        book=_book(locations=locations),
        finished_item_no=MODULES,
        norms_on=RUN_DAY,
        norms=norms,
        available={
            Position(BOOK, CELLS, "C1", "RAW-1"): Decimal(cells_held),
            Position(BOOK, GLASS, "G1", "RAW-1"): Decimal("500"),
        },
    )


def test_a_run_on_the_norms_with_stock_enough_is_neither_refused_nor_deviating() -> None:
    """Given 10 modules made with exactly the norms' materials from lots holding them,
    when checked, then nothing is refused, nothing deviates, and the owner is named."""
    check = work_order_check(_draft(), _snapshot(), TOLERANCE)

    assert check.ok
    assert check.problems == ()
    assert check.deviations == ()
    assert check.enterprise_code == OWNER.customs_code


def test_a_finished_item_that_is_no_finished_good_is_refused_and_no_norm_is_asked() -> None:
    """Given a run whose 'finished' item is a material, then that is the refusal, and its
    materials are not held to norms (the norms are the finished good's)."""
    draft = _draft(finished=_output(CELLS, "M1", "9"), defective=_output(CELLS, "D1", "1", PLANT))

    check = work_order_check(draft, _snapshot(norms={}), TOLERANCE)

    assert not check.ok
    assert check.problems == (
        Refusal(field="finished.item_no", reason=f"item {CELLS} is not a finished good"),
    )


def test_a_finished_item_the_book_does_not_have_is_refused() -> None:
    draft = _draft(finished=_output(99, "M1", "9"), defective=_output(99, "D1", "1", PLANT))

    assert work_order_check(draft, _snapshot(norms={}), TOLERANCE).problems == (
        Refusal(field="finished.item_no", reason=f"book {BOOK} has no item 99"),
    )


def test_defective_goods_of_another_item_than_the_finished_one_are_refused() -> None:
    draft = _draft(defective=_output(GLASS, "D1", "1", PLANT))

    assert work_order_check(draft, _snapshot(), TOLERANCE).problems == (
        Refusal(
            field="defective.item_no",
            reason=f"defective goods are the finished item ({MODULES}), not item {GLASS}",
        ),
    )


def test_an_offcut_of_an_unknown_item_is_refused_by_its_number() -> None:
    """Given two offcuts, the second of an item the book does not have, then the refusal
    names the second offcut (numbered from 1)."""
    draft = _draft(
        offcuts=(
            _output(GLASS, "GC1", "2", PLANT),
            _output(CULLET, "GC2", "1", PLANT),
        )
    )

    assert work_order_check(draft, _snapshot(), TOLERANCE).problems == (
        Refusal(field="offcuts[2].item_no", reason=f"book {BOOK} has no item {CULLET}"),
    )


def test_outputs_at_a_retired_or_another_enterprises_location_are_refused() -> None:
    """Given the finished store retired and the plant another enterprise's, then the
    finished and the defective lot's locations are each refused, by the one rule."""
    snapshot = _snapshot(
        locations=(
            LocationRecord(STORE, True, OWNER.customs_code),
            LocationRecord(PLANT, False, "6301640009"),
        )
    )

    assert work_order_check(_draft(), snapshot, TOLERANCE).problems == (
        Refusal(
            field="finished.location",
            reason=f"location {STORE} is retired and takes no new stock",
        ),
        Refusal(
            field="defective.location",
            reason=f"location {PLANT} belongs to enterprise 6301640009,"
            f" not to {OWNER.customs_code} (book {BOOK})",
        ),
    )


def test_an_unknown_output_location_is_refused() -> None:
    draft = _draft(offcuts=(_output(GLASS, "GC1", "2", "NOWHERE"),))

    assert work_order_check(draft, _snapshot(), TOLERANCE).problems == (
        Refusal(field="offcuts[1].location", reason="no location NOWHERE"),
    )


def test_a_lot_holding_less_than_the_run_used_is_refused_on_that_line() -> None:
    """Given the cell lot holding 99.5 available and the run using 100 of it, then the
    first material line's quantity is refused with both figures."""
    check = work_order_check(_draft(), _snapshot(cells_held="99.5"), TOLERANCE)

    assert check.problems == (
        Refusal(
            field="materials[1].quantity",
            reason="lot C1 at RAW-1 holds 99.5 available, 100 used",
        ),
    )


def test_a_material_without_a_norm_in_force_on_the_run_day_is_refused() -> None:
    """Given no glass norm in force on the run's day, then the glass line is refused
    naming the finished item and the day."""
    check = work_order_check(_draft(), _snapshot(norms={CELLS: NORMS[CELLS]}), TOLERANCE)

    assert check.problems == (
        Refusal(
            field="materials[2].item_no",
            reason=f"item {GLASS} has no norm for item {MODULES} in force on 2026-11-20",
        ),
    )


def test_consumption_outside_the_norm_is_a_deviation_not_a_refusal() -> None:
    """Given 110 cells used where the norm asks 100 (+10 %, tolerance 2 %), then the
    check passes with one deviation for the liaison: required, actual, signed share."""
    check = work_order_check(_draft(cells="110"), _snapshot(), TOLERANCE)

    assert check.ok
    assert check.deviations == (
        NormDeviationView(
            material_item_no=CELLS,
            required=Decimal("100"),
            actual=Decimal("110"),
            deviation=Decimal("0.1"),
        ),
    )


def test_consumption_within_the_tolerance_either_way_is_no_deviation() -> None:
    """Given 101.9 cells (+1.9 %) and 24.6 glass (-1.6 %) at a 2 % tolerance, then none."""
    assert norm_deviations(_draft(cells="101.9", glass="24.6"), _snapshot(), TOLERANCE) == ()


def test_a_normed_material_the_run_did_not_use_deviates_by_all_of_it() -> None:
    draft = _draft().model_copy(update={"materials": (_use(CELLS, "C1", "100"),)})

    assert norm_deviations(draft, _snapshot(), TOLERANCE) == (
        NormDeviationView(
            material_item_no=GLASS,
            required=Decimal("25"),
            actual=Decimal("0"),
            deviation=Decimal("-1"),
        ),
    )


def test_the_positions_read_are_the_material_lots() -> None:
    assert positions(_draft()) == {
        Position(BOOK, CELLS, "C1", "RAW-1"),
        Position(BOOK, GLASS, "G1", "RAW-1"),
    }
