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

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from customs.drafting import transfer_inner_no
    from schemas.lifecycle import (
        EntryResult,
        Lifecycle,
        LifecycleStatus,
        ReceiptSignal,
        ResolveInput,
        Role,
        Stage,
        Submitted,
        TimelineEntry,
        TransferCorrection,
        TransferDraft,
        TransferInput,
        TransferReserveInput,
        TransferSideInput,
        ValidationReport,
    )
    from workflows import search

from workflows.record import Cancelled, SignedOff, refused

Side = Literal["out", "in"]
SIDES: tuple[Side, Side] = ("out", "in")
APPROVED = {"1", "4", "5"}

NEXT_STEP: dict[Stage, tuple[str, Role | None]] = {
    Stage.VALIDATING: ("checking both books", Role.SYSTEM),
    Stage.RETURNED: ("correct the transfer, or cancel", Role.FILER),
    Stage.AWAITING_SIGN_OFF: ("liaison sign-off", Role.LIAISON),
    Stage.RESERVING: ("reserving both sides", Role.SYSTEM),
    Stage.DECLARING: ("filing the lists", Role.SYSTEM),
    Stage.AWAITING_REVIEW: ("customs review of the lists", Role.CUSTOMS),
    Stage.POSTING: ("posting both books", Role.SYSTEM),
    Stage.COMPLETED: ("nothing: both books posted", None),
    Stage.CANCELLED: ("nothing: cancelled, neither book moved", None),
}
# What a correction may change once customs approved the out list: the receiving side.
RECEIVING_FIELDS = {"to_item_no", "to_lot_no", "to_location"}


@workflow.defn(name="Transfer")
class TransferWorkflow(SignedOff):
    LIFECYCLE = Lifecycle.TRANSFER
    NEXT_STEP = NEXT_STEP
    CANCELLABLE = frozenset({Stage.VALIDATING, Stage.RETURNED, Stage.AWAITING_SIGN_OFF})

    def __init__(self) -> None:
        self._input: TransferInput | None = None
        self._draft: TransferDraft | None = None
        self._stage = Stage.VALIDATING
        self._timeline: list[TimelineEntry] = []
        self._receipts: dict[int, ReceiptSignal] = {}
        self._list_numbers: dict[str, str] = {}
        self._enterprise: str | None = None
        self._signed_off = None
        self._correction: TransferCorrection | None = None
        self._cancel = None
        self._escalated = False
        self._reservation: str | None = None
        self._posting: str | None = None
        self._filed: set[str] = set()  # sides customs has: a cancellation deletes them
        self._changes: dict[str, int] = {"out": 0, "in": 0}  # ChgTmsCnt per side
        self._corrections = 0  # corrections after a return (one reservation each)

    @workflow.run
    async def run(self, data: TransferInput) -> EntryResult:
        self._input = data
        self._draft = data.draft
        self._upsert()
        self._note(Stage.VALIDATING, data.draft.filed_by, Role.FILER, "transfer filed")
        try:
            await self._prepare()
            self._set(Stage.RESERVING)
            while (reservation := await self._reserved(self._reserve())) is None:
                await self._await_correction()
                await self._prepare()
                self._set(Stage.RESERVING)
            self._reservation = reservation
            await self._file_both()
            self._set(Stage.POSTING)
            self._posting = await self._resolve(
                self._reservation, post=True, reason="both lists approved"
            )
            self._note(Stage.COMPLETED, "bondflow", Role.SYSTEM, "both books posted")
        except Cancelled:
            await self._compensate()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return EntryResult(
            workflow_id=workflow.info().workflow_id,
            stage=self._stage,
            list_no=self._list_numbers.get("out"),
            pass_no=None,
            posted_transaction=self._posting,
        )

    async def _prepare(self) -> None:
        """Validate both books and get the liaison's sign-off."""
        while True:
            report = await self._validate()
            if not report.ok:
                self._note(Stage.RETURNED, "bondflow", Role.SYSTEM, report.described())
                await self._await_correction()
                continue
            self._note(Stage.AWAITING_SIGN_OFF, "bondflow", Role.SYSTEM, "both books fit")
            await self._wait(lambda: bool(self._signed_off or self._cancel))
            self._check_cancel()
            return

    async def _validate(self) -> ValidationReport:
        self._set(Stage.VALIDATING)
        report = await self._activity("transfer.validate", self.draft, ValidationReport)
        if report.enterprise_code and report.enterprise_code != self._enterprise:
            self._enterprise = report.enterprise_code
            self._upsert()
        return report

    async def _file_both(self) -> None:
        """The out list, then the in list naming it, until customs approved both."""
        while True:
            if "out" not in self._list_numbers and not await self._file_and_wait("out"):
                await self._correct_after_return("out")
                continue
            if not await self._file_and_wait("in"):
                await self._correct_after_return("in")
                continue
            return

    async def _file_and_wait(self, side: Side) -> bool:
        """File one side's list and wait for its review: True when approved."""
        since = max(self._receipts, default=0) + 1  # earlier filings' receipts are history
        submitted = await self._submit(side)
        self._note(
            Stage.AWAITING_REVIEW,
            "bondflow",
            Role.SYSTEM,
            f"{side} list filed (ChgTmsCnt {self._changes[side]}): {submitted.file_name}",
        )
        condition = self._reviewed(side, since)
        # Transfers recorded before escalation existed waited without a timer.
        if workflow.patched("transfer-escalation"):
            await self._await_customs(condition)
        else:
            await self._wait(condition)
        verdict = self._verdict(side, since)
        assert verdict is not None
        if verdict.result not in APPROVED:
            reasons = "; ".join(verdict.reasons) or "returned without a reason"
            self._note(Stage.RETURNED, "customs", Role.CUSTOMS, f"{side} list returned: {reasons}")
            return False
        assert verdict.list_no is not None
        self._list_numbers[side] = verdict.list_no
        self._note(
            Stage.AWAITING_REVIEW,
            "customs",
            Role.CUSTOMS,
            f"{side} list approved: {verdict.list_no}",
        )
        return True

    async def _submit(self, side: Side, *, delete: bool = False) -> Submitted:
        self._set(Stage.DECLARING)
        submitted = await self._activity(
            "transfer.submit_list",
            TransferSideInput(
                workflow_id=workflow.info().workflow_id,
                draft=self.draft,
                side=side,
                at=workflow.now(),
                related_list_no=self._list_numbers.get("out") if side == "in" else None,
                change_count=self._changes[side],
                delete=delete,
                seq_no=self._pre_entry_no(side),
                list_no=self._list_numbers.get(side),
            ),
            Submitted,
        )
        if delete:
            self._filed.discard(side)
        else:
            self._filed.add(side)
        return submitted

    async def _correct_after_return(self, side: Side) -> None:
        """The filer's correction replaces the reservation: the first is voided before
        the corrected transfer is checked, so the giving lots are not held twice. The
        returned side is filed again with ChgTmsCnt + 1."""
        await self._await_correction()
        self._changes[side] += 1
        previous = self._reservation
        assert previous is not None
        self._reservation = None
        await self._resolve(previous, post=False, reason="released for the corrected transfer")
        self._corrections += 1
        while True:
            report = await self._validate()
            if report.ok:
                self._set(Stage.RESERVING)
                self._reservation = await self._reserved(self._reserve())
                if self._reservation is not None:
                    return
            else:
                self._note(Stage.RETURNED, "bondflow", Role.SYSTEM, report.described())
            await self._await_correction()

    async def _await_correction(self) -> None:
        self._set(Stage.RETURNED)
        await self._wait(lambda: bool(self._correction or self._cancel))
        self._check_cancel()
        correction = self._correction
        assert correction is not None
        self._correction, self._draft = None, correction.draft
        if not self._filed:
            self._signed_off = None  # a draft customs never saw is signed off again
        self._note(
            Stage.RETURNED, correction.actor, correction.role, f"corrected: {correction.reason}"
        )

    async def _reserve(self) -> str:
        return await self._activity(
            "transfer.reserve",
            TransferReserveInput(
                workflow_id=workflow.info().workflow_id,
                draft=self.draft,
                at=workflow.now(),
                actor=self._signed_off.actor if self._signed_off else self.draft.filed_by,
                change_count=self._corrections,
            ),
            str,
        )

    async def _compensate(self) -> None:
        """Ask customs to delete every side it has, void the reservation, end."""
        for side in SIDES:
            if side in self._filed:
                submitted = await self._submit(side, delete=True)
                self._note(
                    Stage.CANCELLED,
                    "bondflow",
                    Role.SYSTEM,
                    f"{side} list deletion filed: {submitted.file_name}",
                )
        if self._reservation is not None and self._posting is None:
            await self._resolve(self._reservation, post=False, reason="transfer cancelled")
            self._reservation = None
        self._set(Stage.CANCELLED)

    async def _resolve(self, reservation: str, *, post: bool, reason: str) -> str:
        return await self._activity(
            "transfer.resolve",
            ResolveInput(
                workflow_id=workflow.info().workflow_id,
                reservation_client_id=reservation,
                post=post,
                at=workflow.now(),
                actor="bondflow",
                reason=reason,
                document_no=self.draft.transfer_no,
                lineage=self.draft.lineage() if post else (),
            ),
            str,
        )

    # --- receipts -----------------------------------------------------------------------

    def _reviewed(self, side: Side, since: int) -> Callable[[], bool]:
        return lambda: self._verdict(side, since) is not None

    def _verdict(self, side: Side, since: int) -> ReceiptSignal | None:
        """The latest final review (approved or returned) of one side's current filing."""
        inner = transfer_inner_no(self.draft.transfer_no, side)
        finals = [
            r
            for r in self._receipts.values()
            if r.inner_no == inner
            and r.receipt_id >= since
            and r.message_type == "INV201"
            and r.change_count in (None, self._changes[side])
            and (r.result in APPROVED or r.result == "3")
        ]
        if not finals:
            return None
        return max(finals, key=lambda r: (r.business_time or workflow.now(), r.receipt_id))

    def _pre_entry_no(self, side: Side) -> str | None:
        inner = transfer_inner_no(self.draft.transfer_no, side)
        for receipt in sorted(self._receipts.values(), key=lambda r: r.receipt_id):
            if receipt.inner_no == inner and receipt.pre_entry_no:
                return receipt.pre_entry_no
        return None

    # --- people and customs -----------------------------------------------------------

    @workflow.update(name="correct")
    def correct(self, correction: TransferCorrection) -> LifecycleStatus:
        self._correction = correction
        return self.status()

    @correct.validator
    def _can_correct(self, correction: TransferCorrection) -> None:
        self._require(correction.role, {Role.FILER}, "correct", {Stage.RETURNED})
        new, old = correction.draft, self.draft
        for name in ("transfer_no", "from_book_no", "to_book_no"):
            if self._filed and getattr(new, name) != getattr(old, name):
                raise refused(f"draft.{name}", f"a filed transfer keeps {getattr(old, name)}")
        out_no = self._list_numbers.get("out")
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

    @workflow.query(name="status")
    def status(self) -> LifecycleStatus:
        next_step, waiting_for = self._next_step()
        return LifecycleStatus(
            workflow_id=workflow.info().workflow_id,
            lifecycle=Lifecycle.TRANSFER,
            stage=self._stage,
            next_step=next_step,
            waiting_for=waiting_for,
            change_count=max(self._changes.values()),
            escalated=self._escalated,
            pre_entry_no=None,
            list_no=self._list_numbers.get("out"),
            pass_no=None,
            declaration_seq_no=None,
            entry_id=None,
            cif_cny=0,
            late_fee=None,
            measured_weight=None,
            timeline=tuple(self._timeline),
        )

    # --- helpers ----------------------------------------------------------------------

    @property
    def draft(self) -> TransferDraft:
        assert self._draft is not None
        return self._draft

    def _receipt_timeout(self) -> dt.timedelta:
        assert self._input is not None
        return self._input.policy.receipt_timeout

    def _indexed(self) -> bool:
        return self._input is not None and self._input.indexed

    def _search_values(self) -> list[Any]:
        updates: list[Any] = [
            search.BOOK.value_set(self.draft.from_book_no),
            search.DOCUMENT_NO.value_set(self._list_numbers.get("out", self.draft.transfer_no)),
            search.STATUS.value_set(self._stage.value),
            search.LIFECYCLE.value_set(Lifecycle.TRANSFER.value),
        ]
        if self._enterprise:
            updates.append(search.ENTERPRISE.value_set(self._enterprise))
        return updates
