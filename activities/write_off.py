"""Activities of a write-off (核销): prepare the statement (its counts from the period's
completed stocktake, its opening from the previous approved write-off) and, once
approved, close the period and record the approved closing balances, each once."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from temporalio.service import RPCError

from activities.dependencies import Dependencies
from ledger.errors import PeriodState
from ledger.periods import BookPeriods
from ledger.reconciliation import BEIJING
from rules.write_off import BookWriteOff, Figure, Source
from schemas.codes import DocumentType
from schemas.errors import BondflowError
from schemas.lifecycle import (
    Lifecycle,
    LifecycleStatus,
    Refusal,
    Stage,
    WriteOffBalance,
    WriteOffCloseInput,
    WriteOffDraft,
    WriteOffPrepared,
    WriteOffPrepareInput,
    WriteOffView,
)
from schemas.periods import CloseRequest, PeriodKind
from writeoff.service import WriteOffs, known_opening, record_approved

ONE_DAY = dt.timedelta(days=1)


def view_of(draft: WriteOffDraft, written: BookWriteOff) -> WriteOffView:
    """The statement's balances as the status shows them."""
    statement = written.statement
    balances = [
        WriteOffBalance(
            item_no=line.item.item_no,
            finished=False,
            theoretical=line.theoretical_closing.quantity,
            counted=None if line.counted is None else line.counted.quantity,
            difference=line.difference,
        )
        for line in statement.materials
    ] + [
        WriteOffBalance(
            item_no=line.item.item_no,
            finished=True,
            theoretical=line.theoretical_closing.quantity,
            counted=None if line.counted is None else line.counted.quantity,
            difference=line.difference,
        )
        for line in statement.finished_goods
    ]
    return WriteOffView(
        start=draft.start,
        end=draft.end,
        stocktake_id=draft.stocktake_id,
        balances=tuple(sorted(balances, key=lambda b: b.item_no)),
        unfolded=len(statement.unfolded),
    )


def unexplained(draft: WriteOffDraft, view: WriteOffView) -> Refusal | None:
    """A difference between the counted and theoretical balances needs the filer's
    explanation before the liaison reviews it."""
    if view.balanced is False and draft.explanation is None:
        items = ", ".join(str(b.item_no) for b in view.balances if b.difference != 0)
        return Refusal(
            field="explanation",
            reason=f"the counted balances of items {items} differ from the theoretical ones:"
            " explain the difference",
        )
    return None


class WriteOffActivities:
    def __init__(self, deps: Dependencies) -> None:
        self.deps = deps

    async def _counted(self, draft: WriteOffDraft) -> Mapping[int, Figure] | Refusal | None:
        """The counted balances per item from the named stocktake: completed, of the
        same book, counted within the period."""
        if draft.stocktake_id is None:
            return None
        temporal = self.deps.temporal
        if temporal is None:
            return Refusal(field="stocktake_id", reason="stocktakes cannot be read here")
        try:
            status = await temporal.get_workflow_handle(draft.stocktake_id).query(
                "status", result_type=LifecycleStatus
            )
        except RPCError:
            return Refusal(field="stocktake_id", reason=f"no stocktake {draft.stocktake_id}")
        view = status.stocktake
        if status.lifecycle is not Lifecycle.STOCKTAKE or view is None:
            return Refusal(field="stocktake_id", reason=f"{draft.stocktake_id} is not a stocktake")
        if status.stage is not Stage.COMPLETED:
            return Refusal(
                field="stocktake_id",
                reason=f"stocktake {draft.stocktake_id} is {status.stage.value}, not completed",
            )
        day = view.counted_at.astimezone(BEIJING).date()
        if not draft.start <= day < draft.end:
            return Refusal(
                field="stocktake_id",
                reason=f"stocktake {draft.stocktake_id} counted on {day}, outside the period"
                f" {draft.start}..{draft.end - ONE_DAY}",
            )
        stocktake_book = (
            await temporal.get_workflow_handle(draft.stocktake_id).query("draft")
        ).get("book_no")
        if stocktake_book != draft.book_no:
            return Refusal(
                field="stocktake_id",
                reason=f"stocktake {draft.stocktake_id} counted {stocktake_book},"
                f" not {draft.book_no}",
            )
        by_item: dict[int, list[Source]] = defaultdict(list)
        for line in view.counted:
            by_item[line.item_no].append(
                Source(None, DocumentType.STOCKTAKE, draft.stocktake_id, line.quantity)
            )
        return {item_no: Figure.of(sources) for item_no, sources in by_item.items()}

    async def _statement(self, draft: WriteOffDraft) -> BookWriteOff | Refusal:
        if draft.end <= draft.start:
            return Refusal(field="end", reason=f"the period ends ({draft.end}) before it starts")
        counted = await self._counted(draft)
        if isinstance(counted, Refusal):
            return counted
        db = self.deps.database

        def read() -> BookWriteOff:
            opening = known_opening(db, draft.book_no, draft.start)
            return WriteOffs(db).for_days(
                draft.book_no, draft.start, draft.end, counted, opening=opening
            )

        try:
            return await asyncio.to_thread(read)
        except BondflowError as error:
            return Refusal(field=error.field or "book_no", reason=error.reason)

    async def prepare(self, data: WriteOffPrepareInput) -> WriteOffPrepared:
        """The statement over the period: problems back to the filer, or its balances."""
        draft = data.draft
        try:
            owner: str | None = await asyncio.to_thread(
                lambda: self.deps.masterdata.owner_of(draft.book_no).customs_code
            )
        except BondflowError as error:
            return WriteOffPrepared(
                ok=False, problems=(Refusal(field="book_no", reason=error.reason),)
            )
        written = await self._statement(draft)
        if isinstance(written, Refusal):
            return WriteOffPrepared(ok=False, problems=(written,), enterprise_code=owner)
        view = view_of(draft, written)
        refusal = unexplained(draft, view)
        if refusal is not None:
            return WriteOffPrepared(ok=False, problems=(refusal,), enterprise_code=owner)
        return WriteOffPrepared(ok=True, enterprise_code=owner, view=view)

    async def close(self, data: WriteOffCloseInput) -> str:
        """Close the verification period (once: a retry finds it closed) and record the
        approved closing balances of the statement as the closed period keeps it."""
        draft = data.draft
        db = self.deps.database
        last_day = draft.end - ONE_DAY

        def close() -> str:
            periods = BookPeriods(db)
            try:
                period = periods.close(
                    draft.book_no,
                    CloseRequest(
                        kind=PeriodKind.VERIFICATION,
                        first_day=draft.start,
                        last_day=last_day,
                        reason=data.reason,
                    ),
                    actor=data.actor,
                )
            except PeriodState:
                closed = [
                    p
                    for p in periods.periods(draft.book_no)
                    if p.first_day == draft.start and p.last_day == last_day and p.closed
                ]
                if not closed:
                    raise
                period = closed[0]
            return f"close_period:{period.last_event.chain_seq}"

        closed = await asyncio.to_thread(close)
        written = await self._statement(draft)
        if isinstance(written, Refusal):
            raise BondflowError(written.reason, field=written.field)
        await asyncio.to_thread(
            record_approved,
            db,
            written,
            write_off_no=draft.write_off_no,
            workflow_id=data.workflow_id,
            at=dt.datetime.now(dt.UTC),
        )
        return closed
