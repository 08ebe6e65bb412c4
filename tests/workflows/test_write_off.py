"""Write-offs (核销) on the dev server, over the demo's solar book (a processing book):
the statement prepared with the counts of the period's completed stocktake, the
liaison's review (approved, or returned and corrected), and approval closing the
period once, its approved balances recorded for the next period's opening.

The solar book's module norm for cells changes on 1 July (better stringer yield), so
modules in stock fold to fewer cells at the period's end than they took to make: a
period from March differs from its count by the norm change, one from July agrees."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError

from adapters.db.models import WriteOffClosing
from demo import ids
from ledger.errors import PeriodClosed
from ledger.periods import BookPeriods
from schemas.codes import DocumentType, OutsideKind
from schemas.ledger import DocumentRef, Leg, MovementRequest, OutsideRef, StockRef
from schemas.lifecycle import (
    CountLine,
    Counts,
    Decision,
    EntryResult,
    LifecycleStatus,
    Role,
    Stage,
    StocktakeDraft,
    StocktakeInput,
    TimelineEvent,
    WriteOffCorrection,
    WriteOffDraft,
    WriteOffInput,
)
from tests.workflows.conftest import Zone, keep_history
from writeoff.service import known_opening

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.both_databases(
        reason="the statement is read and the period closed through the ledger's queries"
        " and its guarded writes on each database"
    ),
]

MARCH, JULY = dt.date(2026, 3, 1), dt.date(2026, 7, 1)
LOCATIONS = (ids.RAW_BIN, ids.PLANT, ids.FINISHED_GOODS)


def _tomorrow() -> dt.date:
    return dt.datetime.now(ids.SHANGHAI).date() + dt.timedelta(days=1)


async def _counted_stocktake(zone: Zone, number: str) -> str:
    """A stocktake of every location of the solar book that finds what the book says:
    completed with nothing to post. Its workflow id."""
    draft = StocktakeDraft(
        stocktake_no=number,
        book_no=ids.SOLAR_BOOK,
        locations=LOCATIONS,
        counted_at=dt.datetime.now(ids.SHANGHAI),
        filed_by="filer-li",
    )
    workflow_id = f"stocktake-{number}-{zone.task_queue}"
    handle = await zone.client.start_workflow(
        "Stocktake",
        StocktakeInput(draft=draft),
        id=workflow_id,
        task_queue=zone.task_queue,
        result_type=EntryResult,
    )
    status = await zone.reach(handle, Stage.COUNTING)
    assert status.stocktake is not None
    lines = tuple(
        CountLine(**p.model_dump(exclude={"quantity", "unit"}), quantity=p.quantity)
        for p in status.stocktake.expected
    )
    await handle.execute_update(
        "enter_counts",
        Counts(actor="filer-li", role=Role.FILER, lines=lines),
        result_type=LifecycleStatus,
    )
    assert (await handle.result()).stage is Stage.COMPLETED
    return workflow_id


def _draft(number: str, start: dt.date, **more: Any) -> WriteOffDraft:
    return WriteOffDraft(
        write_off_no=number,
        book_no=ids.SOLAR_BOOK,
        start=start,
        end=_tomorrow(),
        filed_by="filer-li",
        **more,
    )


async def _prepare(zone: Zone, draft: WriteOffDraft) -> WorkflowHandle[Any, EntryResult]:
    return await zone.client.start_workflow(
        "WriteOff",
        WriteOffInput(draft=draft),
        id=f"write-off-{draft.write_off_no}-{zone.task_queue}",
        task_queue=zone.task_queue,
        result_type=EntryResult,
    )


def _liaison(reason: str) -> Decision:
    return Decision(actor="liaison-wang", role=Role.LIAISON, reason=reason)


def _late_glass(
    on: dt.date, client_id: str, document: DocumentRef, to: OutsideKind, actor: str, reason: str
) -> MovementRequest:
    """One piece of glass leaving the raw bin, recorded late and dated noon ``on``."""
    return MovementRequest(
        client_id=client_id,
        document=document,
        legs=(
            Leg(
                book_no=ids.SOLAR_BOOK,
                item_no=ids.GLASS,
                unit="007",
                quantity=Decimal(1),
                source=StockRef(lot_no=ids.GLASS_LOT, location=ids.RAW_BIN),
                destination=OutsideRef(party=to),
            ),
        ),
        actor=actor,
        reason=reason,
        occurred_at=dt.datetime.combine(on, dt.time(12), ids.SHANGHAI),
    )


def _back_dated_glass(zone: Zone, on: dt.date) -> MovementRequest:
    return _late_glass(
        on,
        f"back-dated-{on}",
        DocumentRef(type=DocumentType.WORK_ORDER, number="WO-LATE"),
        OutsideKind.PROCESSING,
        "planner-zhao",
        "a run recorded late",
    )


def _closings(zone: Zone, workflow_id: str) -> dict[int, Decimal]:
    with zone.db.sessions() as session:
        rows = session.query(WriteOffClosing).filter_by(workflow_id=workflow_id).all()
        return {row.item_no: row.stock for row in rows}


async def test_a_write_off_that_agrees_is_approved_and_closes_the_period(zone: Zone) -> None:
    """Given July onwards counted as the book says, when the filer prepares the
    write-off and the liaison approves it, then the period is closed (a back-dated
    posting into it is refused), the counted balances are recorded and the next
    period opens from them."""
    stocktake_id = await _counted_stocktake(zone, "ST-WO-1")
    handle = await _prepare(zone, _draft("WO-2607", JULY, stocktake_id=stocktake_id))
    status = await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    assert status.waiting_for is Role.LIAISON
    assert status.write_off is not None
    assert status.write_off.balanced is True
    assert status.write_off.review_due is not None
    glass = next(b for b in status.write_off.balances if b.item_no == ids.GLASS)
    assert glass.counted == glass.theoretical
    assert glass.difference == 0

    await handle.execute_update("sign_off", _liaison("agrees with the count"))
    result = await handle.result()
    await keep_history(handle, "write_off_agreed")

    assert result.stage is Stage.COMPLETED
    status = await zone.status(handle)
    assert status.timeline[-1].event is TimelineEvent.PERIOD_CLOSED
    assert status.write_off is not None
    [period] = [p for p in BookPeriods(zone.db).periods(ids.SOLAR_BOOK) if p.first_day == JULY]
    assert period.closed
    assert period.last_day == _tomorrow() - dt.timedelta(days=1)
    assert period.last_event.actor == "liaison-wang"
    with pytest.raises(PeriodClosed):
        zone.deps.ledger.execute(_back_dated_glass(zone, dt.date(2026, 8, 3)))

    closings = _closings(zone, handle.id)
    assert closings[ids.MODULE] == next(
        b.counted for b in status.write_off.balances if b.item_no == ids.MODULE
    )
    opening = known_opening(zone.db, ids.SOLAR_BOOK, _tomorrow())
    assert opening is not None
    assert opening.stock[ids.GLASS].quantity == closings[ids.GLASS]
    assert {s.document_type for s in opening.stock[ids.GLASS].sources} == {DocumentType.WRITE_OFF}


async def test_a_difference_needs_an_explanation_then_is_approved(zone: Zone) -> None:
    """Given March onwards, whose cells fold to fewer at the end than they took (the
    norm changed in July), when the filer prepares without an explanation, then it
    comes back asking for one; corrected with it, the liaison approves the
    difference."""
    stocktake_id = await _counted_stocktake(zone, "ST-WO-2")
    handle = await _prepare(zone, _draft("WO-2603", MARCH, stocktake_id=stocktake_id))
    status = await zone.reach(handle, Stage.RETURNED)
    assert status.waiting_for is Role.FILER
    assert "explain the difference" in status.timeline[-1].note
    explained = _draft(
        "WO-2603",
        MARCH,
        stocktake_id=stocktake_id,
        explanation="the cell norm fell from 0.5 % to 0.3 % loss on 1 July",
    )
    await handle.execute_update(
        "correct",
        WriteOffCorrection(
            actor="filer-li", role=Role.FILER, reason="difference explained", draft=explained
        ),
        result_type=LifecycleStatus,
    )
    status = await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    assert status.write_off is not None
    assert status.write_off.balanced is False
    cells = next(b for b in status.write_off.balances if b.item_no == ids.CELLS)
    assert cells.difference is not None
    assert cells.difference < 0
    assert [b.item_no for b in status.write_off.balances if b.difference != 0] == [ids.CELLS]

    await handle.execute_update("sign_off", _liaison("the norm change explains it"))
    assert (await handle.result()).stage is Stage.COMPLETED
    await keep_history(handle, "write_off_difference_explained")
    assert _closings(zone, handle.id)[ids.CELLS] >= 0


async def test_a_returned_write_off_is_corrected_with_the_stocktake(zone: Zone) -> None:
    """Given a write-off prepared without a count, when the liaison returns it asking
    for the period's stocktake, then the liaison may not approve it meanwhile, the
    filer corrects it naming the stocktake, and it is approved."""
    handle = await _prepare(zone, _draft("WO-2607-B", JULY))
    status = await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    assert status.write_off is not None
    assert status.write_off.balanced is None
    await handle.execute_update("return_draft", _liaison("attach the period's stocktake"))
    status = await zone.reach(handle, Stage.RETURNED)
    assert status.timeline[-1].event is TimelineEvent.RETURNED
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update("sign_off", _liaison("too early"))

    stocktake_id = await _counted_stocktake(zone, "ST-WO-3")
    await handle.execute_update(
        "correct",
        WriteOffCorrection(
            actor="filer-li",
            role=Role.FILER,
            reason="the stocktake attached",
            draft=_draft("WO-2607-B", JULY, stocktake_id=stocktake_id),
        ),
        result_type=LifecycleStatus,
    )
    status = await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    assert status.write_off is not None
    assert status.write_off.balanced is True
    await handle.execute_update("sign_off", _liaison("counted and agreed"))
    assert (await handle.result()).stage is Stage.COMPLETED
    await keep_history(handle, "write_off_returned_corrected")


async def test_a_stocktake_of_another_period_is_refused(zone: Zone) -> None:
    """Given a write-off of March naming a stocktake counted today (outside March),
    then it goes back to the filer naming the stocktake."""
    stocktake_id = await _counted_stocktake(zone, "ST-WO-4")
    draft = _draft("WO-2603-X", MARCH, stocktake_id=stocktake_id).model_copy(
        update={"end": dt.date(2026, 4, 1)}
    )
    handle = await _prepare(zone, draft)
    status = await zone.reach(handle, Stage.RETURNED)
    assert "outside the period" in status.timeline[-1].note
    await handle.execute_update("cancel", _liaison("wrong period"), result_type=LifecycleStatus)
    assert (await handle.result()).stage is Stage.CANCELLED


async def test_an_approval_after_a_back_dated_posting_is_refused_and_reviewed_again(
    zone: Zone,
) -> None:
    """Given a write-off from July prepared and reviewed, when a piece of glass returned
    abroad on a list back-dated into the period is posted before the liaison approves,
    then the approval is refused
    (the statement changed since its review): the period the approval closed is
    reopened with the reason, the new statement goes back to the liaison with one less
    piece of glass in theory, and the second approval closes the period on it."""
    handle = await _prepare(zone, _draft("WO-2607-C", JULY))
    reviewed = await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    assert reviewed.write_off is not None
    assert reviewed.write_off.fingerprint is not None
    glass_reviewed = next(b for b in reviewed.write_off.balances if b.item_no == ids.GLASS)

    zone.deps.ledger.execute(_glass_returned_abroad(dt.date(2026, 8, 3)))
    await handle.execute_update("sign_off", _liaison("the figures I reviewed"))

    status = await _after_the_refusal(zone, handle)
    assert status.write_off is not None
    assert status.write_off.fingerprint not in (None, reviewed.write_off.fingerprint)
    glass = next(b for b in status.write_off.balances if b.item_no == ids.GLASS)
    assert glass.theoretical == glass_reviewed.theoretical - 1
    changed = next(e for e in status.timeline if e.event is TimelineEvent.STATEMENT_CHANGED)
    assert f"items {ids.GLASS} moved" in changed.detail
    assert "the period reopened" in changed.note
    [period] = [p for p in BookPeriods(zone.db).periods(ids.SOLAR_BOOK) if p.first_day == JULY]
    assert not period.closed
    assert period.last_event.operation == "reopen_period"
    assert "the statement changed since its review" in period.last_event.reason

    await handle.execute_update("sign_off", _liaison("the figures with the late run"))
    assert (await handle.result()).stage is Stage.COMPLETED
    await keep_history(handle, "write_off_statement_changed")
    [period] = [p for p in BookPeriods(zone.db).periods(ids.SOLAR_BOOK) if p.first_day == JULY]
    assert period.closed
    status = await zone.status(handle)
    assert [e.event for e in status.timeline if e.event is TimelineEvent.SIGNED_OFF] == [
        TimelineEvent.SIGNED_OFF
    ] * 2
    assert status.timeline[-1].event is TimelineEvent.PERIOD_CLOSED


def _glass_returned_abroad(on: dt.date) -> MovementRequest:
    """A piece of glass returned abroad (复出), its list recorded late, dated ``on``."""
    return _late_glass(
        on,
        f"glass-returned-{on}",
        DocumentRef(type=DocumentType.BONDED_LIST, number="QD960126E000000999"),
        OutsideKind.ABROAD,
        "filer-li",
        "a return abroad recorded late",
    )


async def _after_the_refusal(zone: Zone, handle: WorkflowHandle[Any, Any]) -> LifecycleStatus:
    """The status once the refused approval is back with the liaison."""
    for _ in range(300):
        status = await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
        if any(e.event is TimelineEvent.STATEMENT_CHANGED for e in status.timeline):
            return status
        await asyncio.sleep(0.1)
    raise AssertionError(f"no refusal: {status.timeline}")
