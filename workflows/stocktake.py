"""Stocktake (盘点): the physical count against the book (账实相符).

A filer opens a count for a book and a set of locations at a business instant; what
the book expects there is the ledger's balance as of that instant, position by
position (operations go on meanwhile). The filer enters the counts (the API's body or
a count sheet); the differences are computed exactly (``rules.stocktake``). The
liaison accepts each with a cause or sends it back for a recount; recounts come back
to the review. Shortages of bonded goods owe duty and taxes as goods sold into China
(unless customs waives their cause), paid and confirmed by the filer; then one linked
posting moves every accepted difference to or from the adjustment account, the
stocktake its causing document. Counts and payment have deadlines; past them the wait
escalates to the liaison.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from checks.stocktake import counts_refused, review_refusals, stock_differences
    from rules.stocktake import PositionKey
    from schemas.lifecycle import (
        AcceptedDifference,
        CountLine,
        Counts,
        DifferenceReview,
        DifferenceView,
        EntryResult,
        ExpectedPosition,
        Lifecycle,
        LifecycleStatus,
        NextStep,
        Role,
        Stage,
        StockDifference,
        StocktakeAssessInput,
        StocktakeCorrection,
        StocktakeDraft,
        StocktakeDuty,
        StocktakeInput,
        StocktakeOpenInput,
        StocktakePostInput,
        StocktakeView,
        TimelineEvent,
    )
    from schemas.wording import counted
    from workflows.steps import STOCKTAKE

from workflows.record import Checked, Details, Pays, Record, refused, refused_all

NEXT_STEP: dict[Stage, tuple[NextStep, Role | None]] = {
    Stage.VALIDATING: (NextStep.READ_EXPECTED, Role.SYSTEM),
    Stage.RETURNED: (NextStep.CORRECT_STOCKTAKE_OR_CANCEL, Role.FILER),
    Stage.COUNTING: (NextStep.ENTER_COUNTS, Role.FILER),
    Stage.DIFFERENCE_REVIEW: (NextStep.REVIEW_DIFFERENCES, Role.LIAISON),
    Stage.AWAITING_PAYMENT: (NextStep.PAY_STOCKTAKE_DUTY, Role.FILER),
    Stage.POSTING: (NextStep.POST_DIFFERENCES, Role.SYSTEM),
    Stage.COMPLETED: (NextStep.NOTHING_BOOK_MATCHES_COUNT, None),
    Stage.CANCELLED: (NextStep.NOTHING_CANCELLED, None),
}

# Past their deadline, these waits are the liaison's.
OVERDUE = frozenset({Stage.COUNTING, Stage.AWAITING_PAYMENT})


@dataclass
class StocktakeRecord(Record[StocktakeDraft, StocktakeCorrection]):
    """A stocktake's state: the core's, what the book expects, the counts taken,
    the liaison's decisions, the duty and its payment."""

    expected: tuple[ExpectedPosition, ...] = ()
    counted: dict[PositionKey, CountLine] = field(default_factory=dict)
    exchange_rate: Decimal | None = None
    accepted: dict[PositionKey, AcceptedDifference] = field(default_factory=dict)
    recount: set[PositionKey] = field(default_factory=set)
    due: dt.datetime | None = None  # of the counts, then of the payment
    duty: StocktakeDuty | None = None
    # Pending decisions (set by updates, taken by the run).
    counts: Counts | None = None
    review: DifferenceReview | None = None
    review_actor: str | None = None  # the liaison who accepted last: the posting's actor
    items: tuple[int, ...] = ()  # the book's item numbers, from the opening


@workflow.defn(name="Stocktake")
class StocktakeWorkflow(Pays[StocktakeDraft, StocktakeCorrection, StocktakeInput]):
    LIFECYCLE = Lifecycle.STOCKTAKE
    NEXT_STEP = NEXT_STEP
    OVERDUE = OVERDUE
    CANCELLABLE = frozenset({Stage.RETURNED, Stage.COUNTING, Stage.DIFFERENCE_REVIEW})
    RETURN_WHAT = "the stocktake"

    def __init__(self) -> None:
        self._r: StocktakeRecord = StocktakeRecord()
        self._input: StocktakeInput | None = None

    @workflow.run
    async def run(self, data: StocktakeInput) -> EntryResult:
        return await self._lifecycle(data, data.draft, "stocktake opened")

    async def _check(self) -> Checked:
        """The book and its locations; what the book holds there as of the count."""
        opened = await self._run(STOCKTAKE.open, StocktakeOpenInput(draft=self.draft))
        self._learn_enterprise(opened.enterprise_code)
        if not opened.ok:
            return Checked(problems=opened.described())
        self._r.expected = opened.expected
        self._r.items = opened.items
        return Checked()

    async def _carry_out(self) -> None:
        """Count (and recount) until every difference is accepted; the duty on the
        losses paid; one posting of every accepted difference."""
        assert self._input is not None
        held = (
            f"{counted(len(self._r.expected), 'position')} held by the book as of"
            f" {self.draft.counted_at.isoformat()}"
        )
        self._system(Stage.COUNTING, held, TimelineEvent.EXPECTED_READ, held)
        deadline = self.draft.counted_at + dt.timedelta(days=self._input.counting_days)
        while True:
            await self._count(deadline)
            if await self._reviewed():
                break
            deadline = workflow.now() + dt.timedelta(days=self._input.counting_days)
        accepted = tuple(self._r.accepted[key] for key in sorted(self._r.accepted))
        if not accepted:
            self._system(
                Stage.COMPLETED,
                "the count agrees with the book: nothing to post",
                TimelineEvent.NOTHING_TO_POST,
            )
            return
        await self._pay(accepted)
        self._set(Stage.POSTING)
        try:
            self._r.posting = await self._run(
                STOCKTAKE.post,
                StocktakePostInput(
                    workflow_id=workflow.info().workflow_id,
                    draft=self.draft,
                    differences=accepted,
                    actor=self._r.review_actor or self.draft.filed_by,
                    reason=f"stocktake {self.draft.stocktake_no}: differences accepted",
                ),
            )
        except ActivityError as error:
            cause = error.cause
            if not isinstance(cause, ApplicationError) or not cause.non_retryable:
                raise
            # The ledger refused (a shortage larger than the position holds today):
            # nothing was posted; the stocktake ends saying why, not as a failure.
            self._system(
                Stage.CANCELLED,
                f"the ledger refused the posting: {cause.message}; nothing was posted"
                " (count again in a new stocktake)",
                TimelineEvent.POSTING_REFUSED,
                cause.message,
            )
            return
        posted = f"{counted(len(accepted), 'difference')} posted to the adjustment account"
        self._system(
            Stage.COMPLETED,
            posted,
            TimelineEvent.DIFFERENCES_POSTED,
            counted(len(accepted), "difference"),
        )

    async def _count(self, deadline: dt.datetime) -> None:
        """Wait for the counts (or the recounts) until the deadline, then escalate."""
        self._set(Stage.COUNTING)
        await self._await_due(deadline, lambda: bool(self._r.counts or self._r.cancel))
        self._check_cancel()
        counts = self._r.counts
        assert counts is not None
        self._r.counts = None
        for line in counts.lines:
            self._r.counted[line.key()] = line
        if counts.exchange_rate is not None:
            self._r.exchange_rate = counts.exchange_rate
        again = bool(self._r.recount)
        self._r.recount = set()
        self._r.escalated = False
        self._note(
            Stage.COUNTING,
            counts.actor,
            counts.role,
            f"{counted(len(counts.lines), 'position')} {'recounted' if again else 'counted'}:"
            f" {counts.reason}",
            TimelineEvent.COUNTED,
            counts.reason,
        )

    async def _reviewed(self) -> bool:
        """The liaison's review of the open differences; False: some go back for a
        recount."""
        still_open = self._open()
        if not still_open:
            return True
        found = "; ".join(f"{d.label()}: {d.difference:+}" for d in still_open)
        self._system(Stage.DIFFERENCE_REVIEW, found, TimelineEvent.DIFFERENCES_FOUND, found)
        await self._wait(lambda: bool(self._r.review or self._r.cancel))
        self._check_cancel()
        review = self._r.review
        assert review is not None
        self._r.review = None
        self._r.review_actor = review.actor
        by_key = {d.key(): d for d in still_open}
        for decision in review.decisions:
            key = decision.key()
            if decision.cause is None:
                self._r.recount.add(key)
                continue
            self._r.accepted[key] = AcceptedDifference(
                **by_key[key].model_dump(), cause=decision.cause, accepted_by=review.actor
            )
        accepted = len(review.decisions) - len(self._r.recount)
        sent_back = f", {len(self._r.recount)} sent back for a recount" if self._r.recount else ""
        self._note(
            Stage.DIFFERENCE_REVIEW,
            review.actor,
            review.role,
            f"{accepted} accepted{sent_back}: {review.reason}",
            TimelineEvent.DIFFERENCES_REVIEWED,
            review.reason,
        )
        return not self._r.recount

    async def _pay(self, accepted: tuple[AcceptedDifference, ...]) -> None:
        """The duty and taxes the losses owe, assessed on the day; the filer pays and
        confirms the exact amount (past the deadline the wait is the liaison's)."""
        assert self._input is not None
        self._r.duty = await self._run(
            STOCKTAKE.assess,
            StocktakeAssessInput(
                book_no=self.draft.book_no,
                differences=accepted,
                exchange_rate=self._r.exchange_rate,
                on=self._today(),
            ),
        )
        if self._owed() == 0:
            return
        self._r.due = workflow.now() + dt.timedelta(days=self._input.payment_days)
        self._r.escalated = False
        owed = f"{self._owed()} CNY, due {self._r.due.date()}"
        self._system(
            Stage.AWAITING_PAYMENT,
            f"duty and taxes on the losses: {owed}",
            TimelineEvent.DUTIES_PAYABLE,
            owed,
        )
        await self._await_due(self._r.due, lambda: self._r.paid is not None)
        paid = self._r.paid
        assert paid is not None
        self._r.escalated = False
        self._note(
            Stage.AWAITING_PAYMENT,
            paid.actor,
            paid.role,
            f"paid {paid.amount} (reference {paid.reference}): {paid.reason}",
            TimelineEvent.PAID,
            f"{paid.amount} CNY · {paid.reference}",
        )

    async def _await_due(self, deadline: dt.datetime, condition: Callable[[], bool]) -> None:
        """Wait until the condition holds; past the deadline, escalate to the liaison
        once and keep waiting."""
        self._r.due = deadline
        await self._wait_until_due(deadline, condition)

    def _open(self) -> tuple[StockDifference, ...]:
        """The differences the counts leave that are not accepted yet."""
        return tuple(
            d
            for d in stock_differences(self._r.expected, self._r.counted)
            if d.key() not in self._r.accepted
        )

    def _owed(self) -> Decimal:
        duty = self._r.duty
        return Decimal("0.00") if duty is None or duty.bill is None else duty.bill.total

    def _due(self) -> dt.datetime | None:
        return self._r.due if self._r.stage in OVERDUE else None

    def _identity(self) -> tuple[str, str, str | None, str]:
        number = self.draft.stocktake_no
        return self.draft.book_no, number, None, number

    def _correction_note(self, correction: StocktakeCorrection) -> tuple[Stage, str]:
        return Stage.VALIDATING, correction.reason

    # --- the status -------------------------------------------------------------------

    def _view(self) -> StocktakeView | None:
        if self._r.draft is None:
            return None
        owing = set() if self._r.duty is None else {p.key() for p in self._r.duty.owing}
        views = []
        for difference in stock_differences(self._r.expected, self._r.counted):
            key = difference.key()
            accepted = self._r.accepted.get(key)
            state = "accepted" if accepted else "recount" if key in self._r.recount else "open"
            views.append(
                DifferenceView(
                    **difference.model_dump(),
                    state=state,
                    cause=accepted.cause if accepted else None,
                    owes_duty=key in owing,
                )
            )
        return StocktakeView(
            counted_at=self.draft.counted_at,
            locations=self.draft.locations,
            items=self._r.items,
            expected=self._r.expected,
            counted=tuple(self._r.counted[key] for key in sorted(self._r.counted)),
            differences=tuple(views),
            counting_due=self._r.due if self._r.stage is Stage.COUNTING else None,
            duty=None if self._r.duty is None else self._r.duty.bill,
        )

    def _details(self) -> Details:
        return Details(stocktake=self._view(), paid=self._r.paid)

    # --- people -----------------------------------------------------------------------

    @workflow.update(name="enter_counts")
    def enter_counts(self, counts: Counts) -> LifecycleStatus:
        self._r.counts = counts
        return self.status()

    @enter_counts.validator
    def _can_enter_counts(self, counts: Counts) -> None:
        self._require(counts.role, {Role.FILER}, "enter counts", {Stage.COUNTING})
        if self._r.counts is not None:
            raise refused("stage", "counts were entered a moment ago: wait for their review")
        view = self._view()
        assert view is not None
        refusals = counts_refused(view, counts)
        if refusals:
            raise refused_all(refusals)

    @workflow.update(name="review_differences")
    def review_differences(self, review: DifferenceReview) -> LifecycleStatus:
        self._r.review = review
        return self.status()

    @review_differences.validator
    def _can_review(self, review: DifferenceReview) -> None:
        self._require(review.role, {Role.LIAISON}, "review differences", {Stage.DIFFERENCE_REVIEW})
        if self._r.review is not None:
            raise refused("stage", "the differences were reviewed a moment ago")
        refusals = review_refusals(self._open(), review.decisions)
        if refusals:
            raise refused_all(refusals)

    @workflow.update(name="correct")
    def correct(self, correction: StocktakeCorrection) -> LifecycleStatus:
        self._r.correction = correction
        return self.status()

    @correct.validator
    def _can_correct(self, correction: StocktakeCorrection) -> None:
        self._require_correction(correction)
        if correction.draft.stocktake_no != self.draft.stocktake_no:
            raise refused("draft.stocktake_no", f"a correction keeps {self.draft.stocktake_no}")
