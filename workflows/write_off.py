"""Write-off (核销): a processing book's verification period, reviewed and closed.

The filer prepares the statement for a processing (H) book's period: the statement of
``writeoff.WriteOffs`` (by business time), its counted balances from the period's
completed stocktake of the book when the draft names one; a difference between the
theoretical and counted balances needs the filer's explanation. The liaison reviews it
and approves (the core's ``sign_off``) or returns it with reasons (``return_draft``);
the filer corrects (another stocktake, an explanation) and it is prepared again.
Approval closes the period in the ledger (``BookPeriods.close``, once) and records the
approved closing balances, from which the next period's statement opens, if the
statement is still the one the liaison reviewed (its fingerprint): a posting that
slipped into the period since the review refuses the approval (StatementChanged, the
period reopened if the approval closed it) and the new statement goes back to the
liaison's review. The review is due ``review_days`` after the statement was prepared,
a correction ``correction_days`` after the write-off came back; past either, the wait
escalates to the liaison, and the decision ends the escalation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from schemas.lifecycle import (
        STATEMENT_CHANGED,
        EntryResult,
        Lifecycle,
        LifecycleStatus,
        NextStep,
        Role,
        Stage,
        TimelineEvent,
        WriteOffChanged,
        WriteOffCloseInput,
        WriteOffCorrection,
        WriteOffDraft,
        WriteOffInput,
        WriteOffPrepareInput,
        WriteOffView,
    )
    from workflows.steps import WRITE_OFF

from workflows.record import Checked, Details, Record, SignedOff, refused

NEXT_STEP: dict[Stage, tuple[NextStep, Role | None]] = {
    Stage.VALIDATING: (NextStep.PREPARE_STATEMENT, Role.SYSTEM),
    Stage.RETURNED: (NextStep.CORRECT_WRITE_OFF_OR_CANCEL, Role.FILER),
    Stage.AWAITING_SIGN_OFF: (NextStep.REVIEW_STATEMENT, Role.LIAISON),
    Stage.POSTING: (NextStep.CLOSE_PERIOD, Role.SYSTEM),
    Stage.COMPLETED: (NextStep.NOTHING_PERIOD_CLOSED, None),
    Stage.CANCELLED: (NextStep.NOTHING_CANCELLED, None),
}

# Past their deadline, the review (flagged in the liaison's queue) and the filer's
# correction (the liaison's then) are escalated.
OVERDUE = frozenset({Stage.AWAITING_SIGN_OFF, Stage.RETURNED})

# Patches: the filer's correction has a deadline and a decision ends an escalation;
# an approval refused because the statement changed goes back to the review.
DEADLINES = "write-off-deadlines"
CHANGED = "write-off-statement-changed"


@dataclass
class WriteOffRecord(Record[WriteOffDraft, WriteOffCorrection]):
    """A write-off's state: the core's, and the statement's balances as prepared."""

    view: WriteOffView | None = None
    review_due: dt.datetime | None = None
    correction_due: dt.datetime | None = None
    # The statement an approval found changed, to review again (taken by ``_check``).
    changed: WriteOffChanged | None = None


@workflow.defn(name="WriteOff")
class WriteOffWorkflow(SignedOff[WriteOffDraft, WriteOffCorrection, WriteOffInput]):
    LIFECYCLE = Lifecycle.WRITE_OFF
    NEXT_STEP = NEXT_STEP
    OVERDUE = OVERDUE
    CANCELLABLE = frozenset({Stage.RETURNED, Stage.AWAITING_SIGN_OFF})
    RETURN_WHAT = "the write-off"

    def __init__(self) -> None:
        self._r: WriteOffRecord = WriteOffRecord()
        self._input: WriteOffInput | None = None

    @workflow.run
    async def run(self, data: WriteOffInput) -> EntryResult:
        return await self._lifecycle(data, data.draft, "write-off prepared")

    async def _check(self) -> Checked:
        """The statement over the period, its counts from the named stocktake; or the
        statement an approval found changed (read by that activity already)."""
        assert self._input is not None
        changed, self._r.changed = self._r.changed, None
        if changed is not None:
            self._r.view = changed.view
            if changed.problems:
                return Checked(problems=changed.described())
            view = changed.view
        else:
            prepared = await self._run(WRITE_OFF.prepare, WriteOffPrepareInput(draft=self.draft))
            self._learn_enterprise(prepared.enterprise_code)
            if not prepared.ok or prepared.view is None:
                return Checked(problems=prepared.described())
            view = prepared.view
        self._r.review_due = workflow.now() + dt.timedelta(days=self._input.review_days)
        self._r.escalated = False
        self._r.view = view.model_copy(update={"review_due": self._r.review_due})
        return Checked(sign_off=(Stage.AWAITING_SIGN_OFF, self._summary(self._r.view)))

    @staticmethod
    def _summary(view: WriteOffView) -> str:
        items = f"{len(view.balances)} item{'' if len(view.balances) == 1 else 's'}"
        period = f"{view.start.isoformat()}..{view.end.isoformat()}"
        if view.balanced is None:
            return f"statement of {period} prepared: {items}, no count"
        if view.balanced:
            return f"statement of {period} prepared: {items}, counted balances agree"
        differing = sum(1 for balance in view.balances if balance.difference != 0)
        return f"statement of {period} prepared: {items}, {differing} differing from the count"

    async def _wait(self, condition: Any) -> None:
        """The liaison's review or the filer's correction, escalated once past its
        deadline; the decision ends the escalation."""
        due = self._wait_due()
        if due is None:
            await workflow.wait_condition(condition)
            return
        await self._wait_until_due(due, condition)
        self._r.correction_due = None
        if self._r.escalated and workflow.patched(DEADLINES):
            self._r.escalated = False

    def _wait_due(self) -> dt.datetime | None:
        """The deadline of the wait the stage is: the review's, or (behind its patch:
        histories from before waited without it) the correction's from now."""
        assert self._input is not None
        if self._r.stage is Stage.AWAITING_SIGN_OFF:
            return self._r.review_due
        if self._r.stage is Stage.RETURNED and workflow.patched(DEADLINES):
            self._r.escalated = False
            self._r.correction_due = workflow.now() + dt.timedelta(days=self._input.correction_days)
            return self._r.correction_due
        return None

    async def _carry_out(self) -> None:
        """Approved: close the period (once) and record the approved balances, if the
        statement is the one reviewed; a statement changed since goes back to the
        review, another refusal (the period is closed already as another kind) to the
        filer."""
        while True:
            self._set(Stage.POSTING)
            view = self._r.view
            try:
                self._r.posting = await self._run(
                    WRITE_OFF.close,
                    WriteOffCloseInput(
                        workflow_id=workflow.info().workflow_id,
                        draft=self.draft,
                        actor=self._approver(),
                        reason=f"write-off {self.draft.write_off_no} approved",
                        reviewed=None if view is None else view.fingerprint,
                    ),
                )
            except ActivityError as error:
                cause = error.cause
                if not isinstance(cause, ApplicationError) or not cause.non_retryable:
                    raise
                if cause.type == STATEMENT_CHANGED and workflow.patched(CHANGED):
                    self._review_again(WriteOffChanged.model_validate(cause.details[0]))
                    await self._prepare()
                    continue
                self._system(
                    Stage.RETURNED,
                    f"the period could not be closed: {cause.message}",
                    TimelineEvent.CHECK_FAILED,
                    cause.message,
                )
                await self._await_correction()
                await self._prepare()
                continue
            break
        period = f"{self.draft.start.isoformat()}..{self.draft.end.isoformat()}"
        self._system(
            Stage.COMPLETED,
            f"period {period} closed; its approved balances open the next",
            TimelineEvent.PERIOD_CLOSED,
            period,
        )

    def _review_again(self, changed: WriteOffChanged) -> None:
        """The approval refused: the statement changed since the liaison reviewed it.
        The sign-off is spent; the new statement is the next ``_check``'s."""
        self._r.signed_off = None
        self._r.changed = changed
        before = {b.item_no: b.theoretical for b in self._r.view.balances} if self._r.view else {}
        moved = [b.item_no for b in changed.view.balances if before.get(b.item_no) != b.theoretical]
        what = (
            f"the theoretical balance of items {', '.join(map(str, moved))} moved"
            if moved
            else "its documents changed, not its balances"
        )
        reopened = "; the period reopened" if changed.reopened else ""
        self._system(
            Stage.VALIDATING,
            f"approval refused: the statement changed since its review ({what});"
            f" it goes back to the review{reopened}",
            TimelineEvent.STATEMENT_CHANGED,
            f"{changed.reviewed[:12]} -> {changed.found[:12]}: {what}{reopened}",
        )

    def _due(self) -> dt.datetime | None:
        if self._r.stage is Stage.RETURNED:
            return self._r.correction_due
        return self._r.review_due if self._r.stage in OVERDUE else None

    def _identity(self) -> tuple[str, str, str | None, str]:
        number = self.draft.write_off_no
        return self.draft.book_no, number, None, number

    def _correction_note(self, correction: WriteOffCorrection) -> tuple[Stage, str]:
        return Stage.VALIDATING, correction.reason

    def _details(self) -> Details:
        view = self._r.view
        if view is not None:
            review = self._r.stage is Stage.AWAITING_SIGN_OFF
            returned = self._r.stage is Stage.RETURNED
            view = view.model_copy(
                update={
                    "review_due": self._r.review_due if review else None,
                    "correction_due": self._r.correction_due if returned else None,
                }
            )
        return Details(write_off=view)

    # --- people -----------------------------------------------------------------------

    @workflow.update(name="correct")
    def correct(self, correction: WriteOffCorrection) -> LifecycleStatus:
        self._r.correction = correction
        return self.status()

    @correct.validator
    def _can_correct(self, correction: WriteOffCorrection) -> None:
        self._require_correction(correction)
        draft = correction.draft
        if draft.write_off_no != self.draft.write_off_no:
            raise refused("draft.write_off_no", f"a correction keeps {self.draft.write_off_no}")
        if draft.book_no != self.draft.book_no:
            raise refused("draft.book_no", f"a correction keeps the book {self.draft.book_no}")
