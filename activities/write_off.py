"""Activities of a write-off (核销): prepare the statement (its counts from the period's
completed stocktake, its opening from the previous approved write-off, its fingerprint)
and, once approved, close the period and record the approved closing balances, each
once, if the statement is still the one the liaison reviewed; else the approval is
refused (StatementChanged) and a close it made is undone (the period reopened)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import NoReturn

from temporalio.exceptions import ApplicationError, ApplicationErrorCategory
from temporalio.service import RPCError

from activities.dependencies import Dependencies
from ledger.errors import PeriodState
from ledger.periods import BookPeriods
from ledger.reconciliation import BEIJING
from rules.write_off import BookWriteOff, Figure, Source, statement_fingerprint
from schemas.codes import DocumentType, Operation
from schemas.errors import BondflowError
from schemas.lifecycle import (
    STATEMENT_CHANGED,
    Lifecycle,
    LifecycleStatus,
    Refusal,
    Stage,
    WriteOffBalance,
    WriteOffChanged,
    WriteOffCloseInput,
    WriteOffDraft,
    WriteOffPrepared,
    WriteOffPrepareInput,
    WriteOffView,
)
from schemas.periods import BookPeriod, CloseRequest, PeriodKind, ReopenRequest
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
        fingerprint=statement_fingerprint(written),
    )


def approval_tag(draft: WriteOffDraft, reviewed: str) -> str:
    """What the period's close and reopen reasons carry to name one approval of one
    reviewed statement, so that a retry finds what the first attempt did."""
    return f"[write-off {draft.write_off_no}, statement {reviewed[:16]}]"


def _undone_by(period: BookPeriod | None, tag: str) -> bool:
    """The period was reopened by this approval's refusal (a retry after it)."""
    return (
        period is not None
        and not period.closed
        and period.last_event.operation == Operation.REOPEN_PERIOD.value
        and tag in period.last_event.reason
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
        """Close the verification period (once: a retry finds it closed), read the
        statement as the closed period keeps it and, if its fingerprint is the reviewed
        one, record its approved closing balances (once). If a posting slipped into the
        period since the review, refuse the approval (StatementChanged, the new
        statement in the details) and reopen the period if this approval closed it.

        Idempotent: the close and the reopen carry the approval's tag in their reason,
        so a retry after either finds it done and does not close or reopen again."""
        draft = data.draft
        db = self.deps.database
        periods = BookPeriods(db)
        last_day = draft.end - ONE_DAY
        tag = None if data.reviewed is None else approval_tag(draft, data.reviewed)
        reason = data.reason if tag is None else f"{data.reason} {tag}"

        def period() -> BookPeriod | None:
            found = [
                p
                for p in periods.periods(draft.book_no)
                if p.first_day == draft.start and p.last_day == last_day
            ]
            return found[0] if found else None

        def close() -> tuple[BookPeriod, bool]:
            """The closed period, and whether this approval closed it."""
            try:
                closed = periods.close(
                    draft.book_no,
                    CloseRequest(
                        kind=PeriodKind.VERIFICATION,
                        first_day=draft.start,
                        last_day=last_day,
                        reason=reason,
                    ),
                    actor=data.actor,
                )
                return closed, True
            except PeriodState:
                found = period()
                if found is None or not found.closed:
                    raise
                ours = (
                    found.last_event.operation == Operation.CLOSE_PERIOD.value
                    and found.last_event.reason == reason
                )
                return found, ours

        if tag is not None and _undone_by(await asyncio.to_thread(period), tag):
            await self._refuse_changed(data, reopened=True)
        closed, ours = await asyncio.to_thread(close)
        written = await self._statement(draft)
        if isinstance(written, Refusal):
            raise BondflowError(written.reason, field=written.field)
        if tag is not None and statement_fingerprint(written) != data.reviewed:
            if ours:
                await asyncio.to_thread(
                    periods.reopen,
                    draft.book_no,
                    ReopenRequest(
                        first_day=draft.start,
                        last_day=last_day,
                        reason=f"write-off {draft.write_off_no}: approval refused, the"
                        f" statement changed since its review {tag}",
                    ),
                    actor=data.actor,
                )
            await self._refuse_changed(data, reopened=ours, written=written)
        await asyncio.to_thread(
            record_approved,
            db,
            written,
            write_off_no=draft.write_off_no,
            workflow_id=data.workflow_id,
            at=dt.datetime.now(dt.UTC),
        )
        return f"close_period:{closed.last_event.chain_seq}"

    async def _refuse_changed(
        self,
        data: WriteOffCloseInput,
        *,
        reopened: bool,
        written: BookWriteOff | None = None,
    ) -> NoReturn:
        """Refuse the approval as data: the statement as it is now, to review again."""
        assert data.reviewed is not None
        if written is None:
            statement = await self._statement(data.draft)
            if isinstance(statement, Refusal):
                raise BondflowError(statement.reason, field=statement.field)
            written = statement
        view = view_of(data.draft, written)
        refusal = unexplained(data.draft, view)
        assert view.fingerprint is not None
        changed = WriteOffChanged(
            reviewed=data.reviewed,
            found=view.fingerprint,
            view=view,
            problems=() if refusal is None else (refusal,),
            reopened=reopened,
        )
        raise ApplicationError(
            f"the statement changed since its review ({data.reviewed[:12]} reviewed,"
            f" {view.fingerprint[:12]} now): review it again",
            changed.model_dump(mode="json"),
            type=STATEMENT_CHANGED,
            non_retryable=True,
            category=ApplicationErrorCategory.BENIGN,
        )
