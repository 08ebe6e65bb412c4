"""In-zone transfer (区内流转) between two enterprises: paired out and in lists.

draft -> validation of both books (items, units, HS codes, the giving lots' stock)
-> liaison sign-off -> one reservation holding both sides -> the out list, then the
in list naming it (RltInvtNo) -> both approved -> the reservation is posted: both
books move at once, or (returned, cancelled) the reservation is voided and neither
does. No gate: the goods stay in the zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from customs.drafting import transfer_inner_no
    from schemas.lifecycle import (
        Decision,
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

from workflows.record import LifecycleRecord

RETRY = RetryPolicy(
    maximum_interval=dt.timedelta(seconds=30),
    non_retryable_error_types=[
        "BondflowError",
        "UnknownCode",
        "SchemaViolation",
        "ValidationError",
    ],
)
TIMEOUT = dt.timedelta(seconds=30)  # see bonded_list.ACTIVITY_TIMEOUT
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


class Cancelled(Exception):
    pass


@workflow.defn(name="Transfer")
class TransferWorkflow(LifecycleRecord):
    LIFECYCLE = Lifecycle.TRANSFER
    NEXT_STEP = NEXT_STEP

    def __init__(self) -> None:
        self._input: TransferInput | None = None
        self._draft: TransferDraft | None = None
        self._stage = Stage.VALIDATING
        self._timeline: list[TimelineEntry] = []
        self._receipts: dict[int, ReceiptSignal] = {}
        self._list_numbers: dict[str, str] = {}
        self._enterprise: str | None = None
        self._signed_off: Decision | None = None
        self._correction: TransferCorrection | None = None
        self._cancel: Decision | None = None
        self._reservation: str | None = None
        self._posting: str | None = None
        self._filed = False

    @workflow.run
    async def run(self, data: TransferInput) -> EntryResult:
        self._input = data
        self._draft = data.draft
        self._upsert()
        self._note(Stage.VALIDATING, data.draft.filed_by, Role.FILER, "transfer filed")
        try:
            await self._prepare()
            self._set(Stage.RESERVING)
            self._reservation = await self._activity(
                "transfer.reserve",
                TransferReserveInput(
                    workflow_id=workflow.info().workflow_id,
                    draft=self.draft,
                    at=workflow.now(),
                    actor=self._signed_off.actor if self._signed_off else self.draft.filed_by,
                ),
                str,
            )
            out_no = await self._file_and_wait("out", None)
            await self._file_and_wait("in", out_no)
            self._set(Stage.POSTING)
            self._posting = await self._resolve(post=True, reason="both lists approved")
            self._note(Stage.COMPLETED, "bondflow", Role.SYSTEM, "both books posted")
        except Cancelled:
            if self._reservation is not None:
                await self._resolve(post=False, reason="transfer cancelled")
            self._set(Stage.CANCELLED)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return EntryResult(
            workflow_id=workflow.info().workflow_id,
            stage=self._stage,
            list_no=self._list_numbers.get("out"),
            pass_no=None,
            posted_transaction=self._posting,
        )

    async def _prepare(self) -> None:
        while True:
            self._set(Stage.VALIDATING)
            report = await self._activity("transfer.validate", self.draft, ValidationReport)
            if report.enterprise_code and report.enterprise_code != self._enterprise:
                self._enterprise = report.enterprise_code
                self._upsert()
            if not report.ok:
                self._note(Stage.RETURNED, "bondflow", Role.SYSTEM, "; ".join(report.problems))
                await self._wait(lambda: bool(self._correction or self._cancel))
                self._check_cancel()
                correction = self._correction
                assert correction is not None
                self._correction, self._draft = None, correction.draft
                self._note(Stage.VALIDATING, correction.actor, correction.role, correction.reason)
                continue
            self._note(Stage.AWAITING_SIGN_OFF, "bondflow", Role.SYSTEM, "both books fit")
            await self._wait(lambda: bool(self._signed_off or self._cancel))
            self._check_cancel()
            return

    async def _file_and_wait(self, side: Literal["out", "in"], related: str | None) -> str:
        """File one side's list and wait for its review; its list number."""
        self._set(Stage.DECLARING)
        submitted = await self._activity(
            "transfer.submit_list",
            TransferSideInput(
                workflow_id=workflow.info().workflow_id,
                draft=self.draft,
                side=side,
                at=workflow.now(),
                related_list_no=related,
            ),
            Submitted,
        )
        self._filed = True
        self._note(
            Stage.AWAITING_REVIEW,
            "bondflow",
            Role.SYSTEM,
            f"{side} list filed: {submitted.file_name}",
        )
        inner = transfer_inner_no(self.draft.transfer_no, side)
        await self._wait(lambda: self._verdict(inner) is not None)
        verdict = self._verdict(inner)
        assert verdict is not None
        if verdict.result not in APPROVED:
            reasons = "; ".join(verdict.reasons) or "returned"
            self._note(Stage.CANCELLED, "customs", Role.CUSTOMS, f"{side} list returned: {reasons}")
            raise Cancelled
        assert verdict.list_no is not None
        self._list_numbers[side] = verdict.list_no
        self._note(
            Stage.AWAITING_REVIEW,
            "customs",
            Role.CUSTOMS,
            f"{side} list approved: {verdict.list_no}",
        )
        return verdict.list_no

    def _verdict(self, inner_no: str) -> ReceiptSignal | None:
        """The latest final review (approved or returned) of one side's list."""
        finals = [
            r
            for r in self._receipts.values()
            if r.inner_no == inner_no
            and r.message_type == "INV201"
            and (r.result in APPROVED or r.result == "3")
        ]
        if not finals:
            return None
        return max(finals, key=lambda r: (r.business_time or workflow.now(), r.receipt_id))

    async def _resolve(self, *, post: bool, reason: str) -> str:
        assert self._reservation is not None
        resolved: str = await self._activity(
            "transfer.resolve",
            ResolveInput(
                workflow_id=workflow.info().workflow_id,
                reservation_client_id=self._reservation,
                post=post,
                at=workflow.now(),
                actor="bondflow",
                reason=reason,
                document_no=self.draft.transfer_no,
                lineage=self.draft.lineage() if post else (),
            ),
            str,
        )
        return resolved

    def _check_cancel(self) -> None:
        if self._cancel is not None:
            self._note(Stage.CANCELLED, self._cancel.actor, self._cancel.role, self._cancel.reason)
            raise Cancelled

    async def _wait(self, condition: Callable[[], bool]) -> None:
        await workflow.wait_condition(condition)

    # --- people and customs -----------------------------------------------------------

    @workflow.update(name="sign_off")
    def sign_off(self, decision: Decision) -> LifecycleStatus:
        self._signed_off = decision
        self._note(
            Stage.AWAITING_SIGN_OFF, decision.actor, decision.role, f"signed off: {decision.reason}"
        )
        return self.status()

    @sign_off.validator
    def _can_sign_off(self, decision: Decision) -> None:
        self._require(decision.role, {Role.LIAISON}, "sign off", {Stage.AWAITING_SIGN_OFF})

    @workflow.update(name="correct")
    def correct(self, correction: TransferCorrection) -> LifecycleStatus:
        self._correction = correction
        return self.status()

    @correct.validator
    def _can_correct(self, correction: TransferCorrection) -> None:
        self._require(correction.role, {Role.FILER}, "correct", {Stage.RETURNED})

    @workflow.update(name="cancel")
    def cancel(self, decision: Decision) -> LifecycleStatus:
        self._cancel = decision
        return self.status()

    @cancel.validator
    def _can_cancel(self, decision: Decision) -> None:
        self._require(
            decision.role,
            {Role.FILER, Role.LIAISON},
            "cancel",
            {Stage.VALIDATING, Stage.RETURNED, Stage.AWAITING_SIGN_OFF},
        )

    @workflow.signal(name="receipt")
    def receipt(self, signal: ReceiptSignal) -> None:
        if signal.receipt_id in self._receipts:
            return
        self._receipts[signal.receipt_id] = signal
        self._timeline.append(
            TimelineEntry(
                at=workflow.now(),
                stage=self._stage,
                actor="customs",
                role=Role.CUSTOMS,
                note=f"{signal.inner_no or ''} {signal.message_type} {signal.result or ''}".strip(),
            )
        )

    @workflow.query(name="status")
    def status(self) -> LifecycleStatus:
        next_step, waiting_for = NEXT_STEP[self._stage]
        return LifecycleStatus(
            workflow_id=workflow.info().workflow_id,
            lifecycle=Lifecycle.TRANSFER,
            stage=self._stage,
            next_step=next_step,
            waiting_for=waiting_for,
            change_count=0,
            escalated=False,
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

    async def _activity(self, name: str, argument: Any, result_type: type[Any]) -> Any:
        return await workflow.execute_activity(
            name,
            argument,
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
            result_type=result_type,
        )
