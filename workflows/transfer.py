"""In-zone transfer (区内流转) between two enterprises: paired out and in lists.

draft -> validation of both books (items, units, HS codes, the giving lots' stock)
-> liaison sign-off -> one reservation holding both sides -> the out list, then the
in list naming it (RltInvtNo) -> both approved -> the reservation is posted: both
books move at once, with lineage from each receiving lot to its giving lot.

A side customs returns waits for the filer's correction (of the receiving side only,
once the out list is approved) and is filed again with ChgTmsCnt + 1; the
reservation is replaced by one for the corrected transfer. A cancellation asks
customs to delete every side it has, and voids the reservation: neither book moves.
No gate: the goods stay in the zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from rules import receipts
    from rules.inner_numbers import transfer_inner_no
    from rules.receipts import Review, Verdict
    from schemas.ledger import LineageInput
    from schemas.lifecycle import (
        EntryResult,
        Lifecycle,
        LifecycleStatus,
        NextStep,
        ReceiptSignal,
        ResolveInput,
        Role,
        Stage,
        Submitted,
        TimelineEvent,
        TransferCorrection,
        TransferDraft,
        TransferInput,
        TransferReserveInput,
        TransferSideInput,
        TransferValidateInput,
        ValidationReport,
    )
    from workflows.steps import TRANSFER, Step

from workflows.record import Checked, Details, Record, SignedOff, TakesReceipts, refused

Side = Literal["out", "in"]
SIDES: tuple[Side, Side] = ("out", "in")

NEXT_STEP: dict[Stage, tuple[NextStep, Role | None]] = {
    Stage.VALIDATING: (NextStep.CHECK_BOTH_BOOKS, Role.SYSTEM),
    Stage.RETURNED: (NextStep.CORRECT_OR_CANCEL, Role.FILER),
    Stage.AWAITING_SIGN_OFF: (NextStep.SIGN_OFF, Role.LIAISON),
    Stage.RESERVING: (NextStep.RESERVE_BOTH, Role.SYSTEM),
    Stage.DECLARING: (NextStep.FILE_LISTS, Role.SYSTEM),
    Stage.AWAITING_REVIEW: (NextStep.CUSTOMS_REVIEW_BOTH, Role.CUSTOMS),
    Stage.POSTING: (NextStep.POST_BOTH, Role.SYSTEM),
    Stage.COMPLETED: (NextStep.NOTHING_POSTED, None),
    Stage.CANCELLED: (NextStep.NOTHING_CANCELLED, None),
}
# What a correction may change once customs approved the out list: the receiving side.
RECEIVING_FIELDS = {"to_item_no", "to_lot_no", "to_location"}


@dataclass
class TransferRecord(Record[TransferDraft, TransferCorrection]):
    """A transfer's state: the core's, plus each side's list."""

    list_numbers: dict[str, str] = field(default_factory=dict)  # approved lists, by side
    filed: set[str] = field(default_factory=set)  # sides customs has: a cancel deletes them
    changes: dict[str, int] = field(default_factory=lambda: {"out": 0, "in": 0})  # ChgTmsCnt
    corrections: int = 0  # corrections after a return (one reservation each)


@workflow.defn(name="Transfer")
class TransferWorkflow(
    SignedOff[TransferDraft, TransferCorrection, TransferInput],
    TakesReceipts[TransferDraft, TransferCorrection, TransferInput],
):
    LIFECYCLE = Lifecycle.TRANSFER
    NEXT_STEP = NEXT_STEP
    CANCELLABLE = frozenset({Stage.VALIDATING, Stage.RETURNED, Stage.AWAITING_SIGN_OFF})
    CANCELLED_REASON = "transfer cancelled"

    def __init__(self) -> None:
        self._r: TransferRecord = TransferRecord()
        self._input: TransferInput | None = None

    @workflow.run
    async def run(self, data: TransferInput) -> EntryResult:
        return await self._lifecycle(data, data.draft, "transfer filed")

    async def _check(self) -> Checked:
        report = await self._validate()
        if not report.ok:
            return Checked(problems=report.described())
        return Checked(sign_off=(Stage.AWAITING_SIGN_OFF, "both books fit"))

    async def _validate(self) -> ValidationReport:
        self._set(Stage.VALIDATING)
        report = await self._run(
            TRANSFER.validate, TransferValidateInput(draft=self.draft, on=self._today())
        )
        self._learn_enterprise(report.enterprise_code)
        return report

    async def _carry_out(self) -> None:
        await self._reserve_held(self._reserve)
        await self._file_both()
        self._set(Stage.POSTING)
        assert self._r.reservation is not None
        self._r.posting = await self._resolve(
            self._r.reservation, post=True, reason="both lists approved"
        )
        self._system(Stage.COMPLETED, "both books posted", TimelineEvent.POSTED)

    async def _file_both(self) -> None:
        """The out list, then the in list naming it, until customs approved both."""
        while True:
            if "out" not in self._r.list_numbers and not await self._file_and_wait("out"):
                await self._correct_after_return("out")
                continue
            if not await self._file_and_wait("in"):
                await self._correct_after_return("in")
                continue
            return

    async def _file_and_wait(self, side: Side) -> bool:
        """File one side's list and wait for its review: True when approved."""
        since = self._since()  # earlier filings' receipts are history
        submitted = await self._submit(side)
        self._system(
            Stage.AWAITING_REVIEW,
            f"{side} list filed (ChgTmsCnt {self._r.changes[side]}): {submitted.file_name}",
            TimelineEvent.LIST_FILED,
            f"{side}: {submitted.file_name}",
        )
        condition = self._reviewed(side, since)
        # Transfers recorded before escalation existed waited without a timer.
        if workflow.patched("transfer-escalation"):
            await self._await_customs(condition)
        else:
            await self._wait(condition)
        found = self._review(side, since)
        if found.verdict is Verdict.RETURNED:
            reasons = "; ".join(found.reasons) or "returned without a reason"
            self._note(
                Stage.RETURNED,
                "customs",
                Role.CUSTOMS,
                f"{side} list returned: {reasons}",
                TimelineEvent.CUSTOMS_RETURNED,
                f"{side}: {reasons}",
            )
            return False
        assert found.list_no is not None
        self._r.list_numbers[side] = found.list_no
        self._note(
            Stage.AWAITING_REVIEW,
            "customs",
            Role.CUSTOMS,
            f"{side} list approved: {found.list_no}",
            TimelineEvent.CUSTOMS_APPROVED,
            f"{side}: {found.list_no}",
        )
        return True

    async def _submit(self, side: Side, *, delete: bool = False) -> Submitted:
        self._set(Stage.DECLARING)
        submitted = await self._run(
            TRANSFER.submit_list,
            TransferSideInput(
                workflow_id=workflow.info().workflow_id,
                draft=self.draft,
                side=side,
                at=workflow.now(),
                related_list_no=self._r.list_numbers.get("out") if side == "in" else None,
                change_count=self._r.changes[side],
                delete=delete,
                seq_no=receipts.first_pre_entry_no(
                    self._r.receipts.values(), transfer_inner_no(self.draft.transfer_no, side)
                ),
                list_no=self._r.list_numbers.get(side),
            ),
        )
        if delete:
            self._r.filed.discard(side)
        else:
            self._r.filed.add(side)
        return submitted

    async def _correct_after_return(self, side: Side) -> None:
        """The filer's correction replaces the reservation (the core's rule); the
        returned side is filed again with ChgTmsCnt + 1."""
        await self._await_correction()
        self._r.changes[side] += 1
        await self._replace_reservation(
            self._reserve, self._corrected_fits, reason="released for the corrected transfer"
        )

    async def _corrected_fits(self) -> bool:
        report = await self._validate()
        if not report.ok:
            described = report.described()
            self._system(Stage.RETURNED, described, TimelineEvent.CHECK_FAILED, described)
        return report.ok

    def _count_correction(self) -> None:
        self._r.corrections += 1

    def _filed(self) -> bool:
        return bool(self._r.filed)

    async def _reserve(self) -> str:
        return await self._run(
            TRANSFER.reserve,
            TransferReserveInput(
                workflow_id=workflow.info().workflow_id,
                draft=self.draft,
                at=workflow.now(),
                actor=self._approver(),
                change_count=self._r.corrections,
            ),
        )

    async def _delete_filed(self) -> None:
        """Ask customs to delete every side it has."""
        for side in SIDES:
            if side in self._r.filed:
                submitted = await self._submit(side, delete=True)
                self._system(
                    Stage.CANCELLED,
                    f"{side} list deletion filed: {submitted.file_name}",
                    TimelineEvent.DELETION_FILED,
                    f"{side}: {submitted.file_name}",
                )

    def _resolve_step(self) -> Step[ResolveInput, str]:
        return TRANSFER.resolve

    def _lineage(self) -> tuple[LineageInput, ...]:
        return self.draft.lineage()

    # --- receipts -----------------------------------------------------------------------

    def _reviewed(self, side: Side, since: int) -> Callable[[], bool]:
        return lambda: self._review(side, since).verdict is not Verdict.PENDING

    def _review(self, side: Side, since: int) -> Review:
        """The latest final review (approved or returned) of one side's current filing."""
        return receipts.side_review(
            self._r.receipts.values(),
            inner_no=transfer_inner_no(self.draft.transfer_no, side),
            since=since,
            change_count=self._r.changes[side],
            now=workflow.now(),
        )

    # --- people and customs -----------------------------------------------------------

    @workflow.update(name="correct")
    def correct(self, correction: TransferCorrection) -> LifecycleStatus:
        self._r.correction = correction
        return self.status()

    @correct.validator
    def _can_correct(self, correction: TransferCorrection) -> None:
        self._require_correction(correction)
        new, old = correction.draft, self.draft
        for name in ("transfer_no", "from_book_no", "to_book_no"):
            if self._r.filed and getattr(new, name) != getattr(old, name):
                raise refused(f"draft.{name}", f"a filed transfer keeps {getattr(old, name)}")
        out_no = self._r.list_numbers.get("out")
        if out_no is None:
            return
        giving = [line.model_dump(exclude=RECEIVING_FIELDS) for line in new.lines]
        if giving != [line.model_dump(exclude=RECEIVING_FIELDS) for line in old.lines]:
            raise refused(
                "draft.lines",
                f"the out list {out_no} is approved; only the receiving side"
                f" ({', '.join(sorted(RECEIVING_FIELDS))}) may change",
            )

    @workflow.signal(name="receipt")
    def receipt(self, signal: ReceiptSignal) -> None:
        self._keep(
            signal, f"{signal.inner_no or ''} {signal.message_type} {signal.result or ''}".strip()
        )

    # --- the status -------------------------------------------------------------------

    def _details(self) -> Details:
        return Details(
            change_count=max(self._r.changes.values()),
            list_no=self._r.list_numbers.get("out"),
        )

    def _result(self) -> EntryResult:
        return EntryResult(
            workflow_id=workflow.info().workflow_id,
            stage=self._r.stage,
            list_no=self._r.list_numbers.get("out"),
            pass_no=None,
            posted_transaction=self._r.posting,
        )

    def _identity(self) -> tuple[str, str, str | None, str]:
        draft = self.draft
        number = self._r.list_numbers.get("out", draft.transfer_no)
        return draft.from_book_no, number, None, draft.transfer_no
