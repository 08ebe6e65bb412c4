"""Stocktakes (盘点) on the dev server, over the demo's solar book at its raw-material
bin: the book's positions as of the count, counts, the liaison's review (accepted
with a cause, or a recount), the duty on a loss of bonded goods paid and confirmed
(or waived by customs), and one posting to the adjustment account."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.stocktake import StocktakeActivities
from adapters.db.engine import Database
from demo import ids
from ledger import LedgerQueries
from ledger.keys import outside_key
from rules.declared_values import expected_total
from rules.taxes import cif_cny, tax_bill
from schemas.codes import DifferenceCause, DocumentType, OutsideKind
from schemas.ledger import DocumentRef, Leg, MovementRequest, OutsideRef, StockRef
from schemas.lifecycle import (
    AcceptedDifference,
    CountLine,
    Counts,
    Decision,
    DifferenceDecision,
    DifferenceReview,
    EntryResult,
    LifecycleStatus,
    PaymentConfirmation,
    Role,
    Stage,
    StocktakeCorrection,
    StocktakeDraft,
    StocktakeInput,
    StocktakePostInput,
)
from tariff.rates import default_tariff
from tests.workflows.conftest import Zone, keep_history, running_zone

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.both_databases(
        reason="the expected quantities read as of an instant and the adjustment posting"
        " go through the ledger's queries and its guarded writes on each database"
    ),
]

RATE = Decimal("7.123400")
GLASS_PRICE = Decimal("18.4000")  # USD per piece


def _draft(number: str, counted_at: dt.datetime | None = None) -> StocktakeDraft:
    return StocktakeDraft(
        stocktake_no=number,
        book_no=ids.SOLAR_BOOK,
        locations=(ids.RAW_BIN,),
        counted_at=counted_at or dt.datetime.now(ids.SHANGHAI),
        filed_by="filer-li",
    )


async def _open(zone: Zone, draft: StocktakeDraft, **more: Any) -> WorkflowHandle[Any, EntryResult]:
    return await zone.client.start_workflow(
        "Stocktake",
        StocktakeInput(draft=draft, **more),
        id=f"stocktake-{draft.stocktake_no}-{zone.task_queue}",
        task_queue=zone.task_queue,
        result_type=EntryResult,
    )


def _as_counted(status: LifecycleStatus, **changed: CountLine) -> tuple[CountLine, ...]:
    """Every position the book holds, counted as the book says, but the lots changed."""
    assert status.stocktake is not None
    lines = []
    for position in status.stocktake.expected:
        if position.lot_no in changed:
            lines.append(changed.pop(position.lot_no))
        else:
            lines.append(
                CountLine(
                    **position.model_dump(exclude={"quantity", "unit"}), quantity=position.quantity
                )
            )
    return (*lines, *changed.values())


def _expected(status: LifecycleStatus, lot_no: str) -> Decimal:
    assert status.stocktake is not None
    return next(p.quantity for p in status.stocktake.expected if p.lot_no == lot_no)


def _glass(quantity: Decimal) -> CountLine:
    return CountLine(
        item_no=ids.GLASS,
        lot_no=ids.GLASS_LOT,
        location=ids.RAW_BIN,
        quantity=quantity,
        unit_price=GLASS_PRICE,
        currency="502",
    )


def _counts(*lines: CountLine) -> Counts:
    return Counts(actor="filer-li", role=Role.FILER, lines=lines, exchange_rate=RATE)


def _review(*decisions: DifferenceDecision, reason: str = "checked on site") -> DifferenceReview:
    return DifferenceReview(
        actor="liaison-wang", role=Role.LIAISON, reason=reason, decisions=decisions
    )


def _decide(item_no: int, lot_no: str, **more: Any) -> DifferenceDecision:
    return DifferenceDecision(item_no=item_no, lot_no=lot_no, location=ids.RAW_BIN, **more)


def _posted(zone: Zone, lot_no: str) -> Decimal:
    rows = LedgerQueries(zone.db).balances(book_no=ids.SOLAR_BOOK, lot_no=lot_no)
    return sum((row.posted for row in rows), Decimal(0))


def _adjustment(zone: Zone, item_no: int) -> Decimal:
    return (
        LedgerQueries(zone.db)
        .balance(outside_key(OutsideKind.ADJUSTMENT, ids.SOLAR_BOOK, item_no))
        .posted
    )


async def test_differences_accepted_are_posted_to_the_adjustment_account(zone: Zone) -> None:
    """Given a count with two frames too many in their lot and a lot of frames the book
    never had, when the liaison accepts them (a measurement error, found goods), then
    one posting from the adjustment account brings both into the book, the stocktake
    its causing document, and nothing is owed."""
    handle = await _open(zone, _draft("ST-2612-001"))
    status = await zone.reach(handle, Stage.COUNTING)
    assert status.waiting_for is Role.FILER
    frames = _expected(status, ids.FRAME_LOT)
    found = CountLine(
        item_no=ids.FRAMES, lot_no="FRM-FOUND-1", location=ids.RAW_BIN, quantity=Decimal(3)
    )
    more = CountLine(
        item_no=ids.FRAMES, lot_no=ids.FRAME_LOT, location=ids.RAW_BIN, quantity=frames + 2
    )
    await handle.execute_update(
        "enter_counts",
        _counts(*_as_counted(status, **{ids.FRAME_LOT: more}), found),
        result_type=LifecycleStatus,
    )
    status = await zone.reach(handle, Stage.DIFFERENCE_REVIEW)
    assert status.waiting_for is Role.LIAISON
    assert status.stocktake is not None
    assert [(d.lot_no, d.difference, d.state) for d in status.stocktake.differences] == [
        (ids.FRAME_LOT, Decimal(2), "open"),
        ("FRM-FOUND-1", Decimal(3), "open"),
    ]
    await handle.execute_update(
        "review_differences",
        _review(
            _decide(ids.FRAMES, ids.FRAME_LOT, cause=DifferenceCause.MEASUREMENT),
            _decide(ids.FRAMES, "FRM-FOUND-1", cause=DifferenceCause.FOUND_GOODS),
        ),
        result_type=LifecycleStatus,
    )
    result = await handle.result()
    await keep_history(handle, "stocktake_differences_accepted")

    assert result.stage is Stage.COMPLETED
    assert _posted(zone, ids.FRAME_LOT) == frames + 2
    assert _posted(zone, "FRM-FOUND-1") == Decimal(3)
    assert _adjustment(zone, ids.FRAMES) == Decimal(-5)
    status = await zone.status(handle)
    assert status.duties_payable is None
    history = LedgerQueries(zone.db).history(
        outside_key(OutsideKind.ADJUSTMENT, ids.SOLAR_BOOK, ids.FRAMES)
    )
    assert {entry.document for entry in history} == {
        DocumentRef(type=DocumentType.STOCKTAKE, number="ST-2612-001")
    }
    # The found lot traces back to the stocktake that brought it into the book.
    trace = LedgerQueries(zone.db).trace_backward(ids.SOLAR_BOOK, "FRM-FOUND-1")
    assert any(
        step.document == DocumentRef(type=DocumentType.STOCKTAKE, number="ST-2612-001")
        for step in trace.steps
    )


async def test_a_difference_sent_back_is_recounted_and_reviewed_again(zone: Zone) -> None:
    """Given glass counted 3 short, when the liaison sends it back for a recount and
    the recount finds it all, then nothing is left to decide and nothing is posted."""
    handle = await _open(zone, _draft("ST-2612-002"))
    status = await zone.reach(handle, Stage.COUNTING)
    glass = _expected(status, ids.GLASS_LOT)
    await handle.execute_update(
        "enter_counts",
        _counts(*_as_counted(status, **{ids.GLASS_LOT: _glass(glass - 3)})),
        result_type=LifecycleStatus,
    )
    await zone.reach(handle, Stage.DIFFERENCE_REVIEW)
    await handle.execute_update(
        "review_differences",
        _review(_decide(ids.GLASS, ids.GLASS_LOT, recount=True), reason="count the racks again"),
        result_type=LifecycleStatus,
    )
    status = await zone.reach(handle, Stage.COUNTING)
    assert status.stocktake is not None
    assert [d.state for d in status.stocktake.differences] == ["recount"]
    # A recount takes only the positions sent back.
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(
            "enter_counts", _counts(*_as_counted(status)), result_type=LifecycleStatus
        )
    await handle.execute_update("enter_counts", _counts(_glass(glass)), result_type=LifecycleStatus)

    result = await handle.result()
    await keep_history(handle, "stocktake_recounted")
    assert result.stage is Stage.COMPLETED
    assert result.posted_transaction is None
    assert _posted(zone, ids.GLASS_LOT) == glass
    notes = [entry.note for entry in (await zone.status(handle)).timeline]
    assert any("sent back for a recount" in note for note in notes)
    assert notes[-1] == "the count agrees with the book: nothing to post"


def _duty_on_glass(pieces: int) -> Decimal:
    """The bill of a domestic sale of these pieces on their own value, from the tariff."""
    rate = default_tariff().rate_for("7007190000", dt.datetime.now(ids.SHANGHAI).date())
    cif = cif_cny(expected_total(GLASS_PRICE, Decimal(pieces)), RATE)
    return tax_bill(
        cif,
        duty_rate=rate.duty_rate,
        consumption_rate=rate.consumption_rate,
        vat_rate=rate.vat_rate,
    ).total


async def test_a_loss_of_bonded_goods_owes_duty_paid_before_the_posting(zone: Zone) -> None:
    """Given 2 pieces of bonded glass lost, when the liaison accepts the loss, then the
    duty and taxes are assessed from the tariff as a domestic sale's, the filer must
    confirm exactly that amount, and only then is the loss posted."""
    handle = await _open(zone, _draft("ST-2612-003"))
    status = await zone.reach(handle, Stage.COUNTING)
    glass = _expected(status, ids.GLASS_LOT)
    await handle.execute_update(
        "enter_counts",
        _counts(*_as_counted(status, **{ids.GLASS_LOT: _glass(glass - 2)})),
        result_type=LifecycleStatus,
    )
    await zone.reach(handle, Stage.DIFFERENCE_REVIEW)
    await handle.execute_update(
        "review_differences",
        _review(_decide(ids.GLASS, ids.GLASS_LOT, cause=DifferenceCause.LOSS)),
        result_type=LifecycleStatus,
    )
    status = await zone.reach(handle, Stage.AWAITING_PAYMENT)
    owed = _duty_on_glass(2)
    assert status.duties_payable == owed
    assert status.waiting_for is Role.FILER
    assert status.stocktake is not None
    assert status.stocktake.differences[0].owes_duty
    assert _posted(zone, ids.GLASS_LOT) == glass  # nothing posted before the payment

    wrong = PaymentConfirmation(
        actor="filer-li", role=Role.FILER, reference="BANK-1", amount=owed + Decimal("0.01")
    )
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update("confirm_payment", wrong, result_type=LifecycleStatus)
    await handle.execute_update(
        "confirm_payment", wrong.model_copy(update={"amount": owed}), result_type=LifecycleStatus
    )
    result = await handle.result()
    await keep_history(handle, "stocktake_loss_paid")

    assert result.stage is Stage.COMPLETED
    assert _posted(zone, ids.GLASS_LOT) == glass - 2
    assert _adjustment(zone, ids.GLASS) == Decimal(2)

    # The posting is idempotent: the activity run again (a retry after a crash) answers
    # with the first posting and moves nothing.
    status = await zone.status(handle)
    assert status.stocktake is not None
    accepted = tuple(
        AcceptedDifference(
            **d.model_dump(exclude={"state", "cause", "owes_duty"}),
            cause=DifferenceCause.LOSS,
            accepted_by="liaison-wang",
        )
        for d in status.stocktake.differences
    )
    again = StocktakeActivities(zone.deps).post(
        StocktakePostInput(
            workflow_id=handle.id,
            draft=_draft("ST-2612-003", status.stocktake.counted_at),
            differences=accepted,
            actor="liaison-wang",
            reason="stocktake ST-2612-003: differences accepted",
        )
    )
    assert again == result.posted_transaction
    assert _posted(zone, ids.GLASS_LOT) == glass - 2


@pytest_asyncio.fixture(loop_scope="session")
async def waiving_zone(
    dev_server: WorkflowEnvironment, seeded: Database, tmp_path: Path
) -> AsyncIterator[Zone]:
    """The demo's zone whose customs waives duty on damaged goods."""
    async with running_zone(
        dev_server, seeded, tmp_path, waived_causes={DifferenceCause.DAMAGE}
    ) as running:
        yield running


async def test_a_shortage_whose_cause_customs_waives_owes_no_duty(waiving_zone: Zone) -> None:
    """Given customs waives duty on damage, when 1 piece of glass is accepted as
    damaged, then nothing is owed and the shortage is posted at once."""
    zone = waiving_zone
    handle = await _open(zone, _draft("ST-2612-004"))
    status = await zone.reach(handle, Stage.COUNTING)
    glass = _expected(status, ids.GLASS_LOT)
    await handle.execute_update(
        "enter_counts",
        _counts(*_as_counted(status, **{ids.GLASS_LOT: _glass(glass - 1)})),
        result_type=LifecycleStatus,
    )
    await zone.reach(handle, Stage.DIFFERENCE_REVIEW)
    await handle.execute_update(
        "review_differences",
        _review(_decide(ids.GLASS, ids.GLASS_LOT, cause=DifferenceCause.DAMAGE)),
        result_type=LifecycleStatus,
    )
    result = await handle.result()
    await keep_history(handle, "stocktake_damage_waived")

    assert result.stage is Stage.COMPLETED
    status = await zone.status(handle)
    assert status.duties_payable is None
    assert all(entry.stage is not Stage.AWAITING_PAYMENT for entry in status.timeline)
    assert _posted(zone, ids.GLASS_LOT) == glass - 1


async def test_the_expected_quantities_are_the_books_as_of_the_count(zone: Zone) -> None:
    """Given a count at an instant, when glass leaves the lot after it (operations go
    on), then the stocktake still expects what the book held at the instant."""
    counted_at = dt.datetime.now(ids.SHANGHAI)
    before = _posted(zone, ids.GLASS_LOT)
    zone.deps.ledger.execute(
        MovementRequest(
            client_id="after-the-count",
            document=DocumentRef(type=DocumentType.WORK_ORDER, number="WO-AFTER"),
            legs=(
                Leg(
                    book_no=ids.SOLAR_BOOK,
                    item_no=ids.GLASS,
                    unit="007",
                    quantity=Decimal(5),
                    source=StockRef(lot_no=ids.GLASS_LOT, location=ids.RAW_BIN),
                    destination=OutsideRef(party=OutsideKind.PROCESSING),
                ),
            ),
            actor="planner-zhao",
            reason="a run after the count",
            occurred_at=counted_at + dt.timedelta(seconds=1),
        )
    )
    handle = await _open(zone, _draft("ST-2612-005", counted_at))
    status = await zone.reach(handle, Stage.COUNTING)
    assert _expected(status, ids.GLASS_LOT) == before
    await handle.execute_update("cancel", _cancel(), result_type=LifecycleStatus)
    assert (await handle.result()).stage is Stage.CANCELLED


def _cancel() -> Decision:
    return Decision(actor="filer-li", role=Role.FILER, reason="opened by mistake")


async def test_a_posting_the_ledger_refuses_ends_the_stocktake_with_its_reason(
    waiving_zone: Zone,
) -> None:
    """Given 1 piece of glass counted short, when the lot is emptied before the review
    (the book held more than was there) and the damage is accepted, then the ledger
    refuses the shortage: nothing is posted and the stocktake ends cancelled with the
    ledger's reason, not as a failed workflow."""
    zone = waiving_zone
    handle = await _open(zone, _draft("ST-2612-006"))
    status = await zone.reach(handle, Stage.COUNTING)
    glass = _expected(status, ids.GLASS_LOT)
    await handle.execute_update(
        "enter_counts",
        _counts(*_as_counted(status, **{ids.GLASS_LOT: _glass(glass - 1)})),
        result_type=LifecycleStatus,
    )
    await zone.reach(handle, Stage.DIFFERENCE_REVIEW)
    zone.deps.ledger.execute(
        MovementRequest(
            client_id="empty-the-glass",
            document=DocumentRef(type=DocumentType.WORK_ORDER, number="WO-ALL-GLASS"),
            legs=(
                Leg(
                    book_no=ids.SOLAR_BOOK,
                    item_no=ids.GLASS,
                    unit="007",
                    quantity=glass,
                    source=StockRef(lot_no=ids.GLASS_LOT, location=ids.RAW_BIN),
                    destination=OutsideRef(party=OutsideKind.PROCESSING),
                ),
            ),
            actor="planner-zhao",
            reason="every piece into modules",
            occurred_at=dt.datetime.now(ids.SHANGHAI),
        )
    )
    await handle.execute_update(
        "review_differences",
        _review(_decide(ids.GLASS, ids.GLASS_LOT, cause=DifferenceCause.DAMAGE)),
        result_type=LifecycleStatus,
    )
    result = await handle.result()

    assert result.stage is Stage.CANCELLED
    assert result.posted_transaction is None
    notes = [entry.note for entry in (await zone.status(handle)).timeline]
    assert notes[-1].startswith("the ledger refused the posting:")
    assert _posted(zone, ids.GLASS_LOT) == 0  # as the run left it: nothing adjusted


async def test_a_location_the_book_cannot_hold_goes_back_to_the_filer(zone: Zone) -> None:
    """Given a stocktake of a location that does not exist, then it goes back to the
    filer naming the location; corrected, it opens and waits for the counts."""
    draft = _draft("ST-2612-007").model_copy(update={"locations": (ids.RAW_BIN, "XN-NOWHERE")})
    handle = await _open(zone, draft)
    status = await zone.reach(handle, Stage.RETURNED)
    assert status.waiting_for is Role.FILER
    assert status.timeline[-1].note == "locations[1]: no location XN-NOWHERE"

    correction = StocktakeCorrection(
        actor="filer-li", role=Role.FILER, reason="the bin's real code", draft=_draft("ST-2612-007")
    )
    await handle.execute_update("correct", correction, result_type=LifecycleStatus)
    status = await zone.reach(handle, Stage.COUNTING)
    assert status.stocktake is not None
    assert status.stocktake.locations == (ids.RAW_BIN,)
    await handle.execute_update("cancel", _cancel(), result_type=LifecycleStatus)
    assert (await handle.result()).stage is Stage.CANCELLED
