"""The lifecycle of a bonded list through the first line, in or out of the zone.

draft -> validation against the book -> liaison sign-off -> reservation (pending in
for an entry, pending out for an exit) -> INV101 through the gateway -> receipts
(stored, manual review | returned: correction and re-declaration with ChgTmsCnt + 1
| deleted) -> the generated filing list's channels (inspection: the liaison records
the result) -> released -> gate pass (SAS121) -> passage, the scale against the
declared weight (a mismatch holds the vehicle for the liaison) -> INV211 posted ->
the reservation is posted -> (exports) closed (结关) when the train has left.

The workflows (``first_line_entry``, ``export``) are this class with a name, their
activities and their few differences as class attributes.

Deterministic and thin: no I/O here, only activities (by name), timers, updates,
signals and queries. Receipts may arrive twice or out of order: they are kept by
id and every decision is derived from the set, so neither changes the outcome.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from rules.gate_weight import check_weight
    from rules.late_fees import declaration_deadline, late_fee
    from schemas.lifecycle import (
        Correction,
        Decision,
        DomesticSaleDraft,
        DomesticSaleInput,
        EntryDraft,
        EntryInput,
        EntryResult,
        ExportDraft,
        ExportInput,
        InspectionResult,
        LateFeeView,
        Lifecycle,
        LifecyclePolicy,
        LifecycleStatus,
        PaymentConfirmation,
        ReceiptSignal,
        ReserveInput,
        ResolveInput,
        Role,
        SecondLineEntryDraft,
        SecondLineEntryInput,
        Stage,
        SubmitGatePassInput,
        SubmitListInput,
        Submitted,
        TaxAssessment,
        TimelineEntry,
        ValidationReport,
        VehicleCorrection,
        WeightDecision,
    )
    from schemas.messages.fields import DOCUMENT_ZONE
    from workflows import search

from workflows.record import Cancelled, SignedOff, refused

T = TypeVar("T")
Draft = EntryDraft | ExportDraft | DomesticSaleDraft | SecondLineEntryDraft
Input = EntryInput | ExportInput | DomesticSaleInput | SecondLineEntryInput

NEXT_STEP = {
    Stage.VALIDATING: ("checking the draft against the book", Role.SYSTEM),
    Stage.AWAITING_SIGN_OFF: ("liaison sign-off", Role.LIAISON),
    Stage.RESERVING: ("reserving the incoming stock", Role.SYSTEM),
    Stage.DECLARING: ("filing the list through the single window", Role.SYSTEM),
    Stage.AWAITING_REVIEW: ("customs review of the list", Role.CUSTOMS),
    Stage.MANUAL_REVIEW: ("customs manual review", Role.CUSTOMS),
    Stage.RETURNED: ("correct and re-declare, or cancel", Role.FILER),
    Stage.AWAITING_RELEASE: ("customs release of the filing list", Role.CUSTOMS),
    Stage.INSPECTION: ("record the inspection result", Role.LIAISON),
    Stage.AWAITING_PAYMENT: ("pay the duties and taxes, then confirm the payment", Role.FILER),
    Stage.AWAITING_GATE: ("the vehicle through the gate and the book posted", Role.CUSTOMS),
    Stage.GATE_PASS_RETURNED: (
        "correct the vehicle and file the gate pass again, or cancel",
        Role.FILER,
    ),
    Stage.WEIGHT_HOLD: ("decide on the weight mismatch", Role.LIAISON),
    Stage.POSTING: ("posting the stock", Role.SYSTEM),
    Stage.AWAITING_DEPARTURE: ("departure of the train (结关)", Role.CUSTOMS),
    Stage.COMPLETED: ("nothing: the goods are bonded stock", None),
    Stage.CANCELLED: ("nothing: cancelled, the reservation voided", None),
}
APPROVED = {"1", "4", "5"}


class BondedListLifecycle(SignedOff):
    """Not a workflow by itself: subclasses name it and set the class attributes."""

    NEXT_STEP = NEXT_STEP
    CANCELLABLE = frozenset(
        {
            Stage.VALIDATING,
            Stage.AWAITING_SIGN_OFF,
            Stage.RETURNED,
            Stage.INSPECTION,
            Stage.GATE_PASS_RETURNED,
        }
    )
    ACTIVITIES: ClassVar[str]  # the activity name prefix: "entry", "export"
    LIFECYCLE: ClassVar[Lifecycle]
    DEADLINE: ClassVar[bool] = False  # the 14-day declaration deadline applies
    CLOSES: ClassVar[bool] = False  # wait for 结关 (DEC_RESULT R) after posting
    PAYS: ClassVar[bool] = False  # duties and taxes are paid before release
    # The list generates its declaration, whose channels release the goods; without
    # one (a linked declaration filed by someone else), the list's approval does.
    GENERATES_DECLARATION: ClassVar[bool] = True
    # What the posting means for the goods (the timeline and the completed status).
    POSTED: ClassVar[str] = "the goods are bonded stock"

    def __init__(self) -> None:
        self._draft: Draft | None = None
        self._input: Input | None = None
        self._stage = Stage.VALIDATING
        self._timeline: list[TimelineEntry] = []
        self._receipts: dict[int, ReceiptSignal] = {}
        self._change_count = 0
        self._cif = Decimal("0.00")
        self._declared_on: dt.date | None = None
        self._escalated = False
        self._numbers: dict[str, str] = {}
        self._measured: Decimal | None = None
        self._reservation: str | None = None
        self._posting: str | None = None
        # Pending decisions from people (set by updates, consumed by the run).
        self._signed_off: Decision | None = None
        self._returned_by_liaison: Decision | None = None
        self._correction: Correction | None = None
        self._cancel: Decision | None = None
        self._inspection: InspectionResult | None = None
        self._weight_decision: WeightDecision | None = None
        self._vehicle: VehicleCorrection | None = None
        self._first_receipt_id = 0  # receipts before the current filing are history
        self._returned_reasons: tuple[str, ...] = ()
        self._filed = False  # a list is with customs: cancelling must ask for its deletion
        self._enterprise: str | None = None
        self._taxes: TaxAssessment | None = None
        self._paid: PaymentConfirmation | None = None

    # --- the run --------------------------------------------------------------------

    async def _lifecycle(self, data: Input) -> EntryResult:
        self._input = data
        self._draft = data.draft
        self._upsert()
        self._note(Stage.VALIDATING, data.draft.filed_by, Role.FILER, "draft filed")
        deadline_watch = asyncio.create_task(self._watch_deadline()) if self.DEADLINE else None
        try:
            await self._prepare()
            await self._declare()
            await self._release()
            await self._through_the_gate()
        except Cancelled:
            await self._compensate()
        if deadline_watch is not None:
            deadline_watch.cancel()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return EntryResult(
            workflow_id=workflow.info().workflow_id,
            stage=self._stage,
            list_no=self._numbers.get("list_no"),
            pass_no=self._numbers.get("pass_no"),
            posted_transaction=self._posting,
        )

    async def _prepare(self) -> None:
        """Validate and get the liaison's sign-off, as often as corrections need."""
        while True:
            self._set(Stage.VALIDATING)
            report = await self._activity(
                f"{self.ACTIVITIES}.validate", self.draft, ValidationReport
            )
            self._cif = report.cif_cny
            self._taxes = report.taxes
            if report.enterprise_code and report.enterprise_code != self._enterprise:
                self._enterprise = report.enterprise_code
                self._upsert()
            if not report.ok:
                self._note(
                    Stage.RETURNED,
                    "bondflow",
                    Role.SYSTEM,
                    "the draft does not fit the book: " + report.described(),
                )
                await self._await_correction()
                continue
            self._note(Stage.AWAITING_SIGN_OFF, "bondflow", Role.SYSTEM, "draft fits the book")
            await self._wait(
                lambda: bool(self._signed_off or self._returned_by_liaison or self._cancel)
            )
            self._check_cancel()
            if self._returned_by_liaison is not None:
                decision, self._returned_by_liaison = self._returned_by_liaison, None
                self._note(Stage.RETURNED, decision.actor, decision.role, decision.reason)
                await self._await_correction()
                continue
            assert self._signed_off is not None
            return

    async def _declare(self) -> None:
        """Reserve, file the list and follow its review until it is approved."""
        self._set(Stage.RESERVING)
        while (reservation := await self._reserved(self._reserve())) is None:
            # The stock went to another document since the check: back to the filer,
            # then checked and signed off again.
            await self._await_correction()
            await self._prepare()
            self._set(Stage.RESERVING)
        self._reservation = reservation
        while True:
            await self._file_list()
            outcome = await self._await_review()
            if outcome == "approved":
                return
            # Returned by customs: the filer corrects (ChgTmsCnt + 1) or cancels.
            await self._await_correction()
            # Running lifecycles were recorded with two older paths; their histories
            # carry no marker (or only the older one) and replay as they ran.
            if workflow.patched("release-before-correcting"):
                await self._replace_reservation()
            else:
                await self._replace_reservation_v1()

    async def _replace_reservation(self) -> None:
        """The corrected list is checked and reserved in place of the first: the first
        reservation is voided before, so an exit's goods are not held twice (a
        returned export of 120 of 150 modules could never be corrected otherwise)."""
        previous = self._reservation
        assert previous is not None
        self._reservation = None
        await self._resolve(previous, post=False, reason="released for the corrected list")
        self._change_count += 1
        while True:
            await self._validate_correction()
            self._set(Stage.RESERVING)
            self._reservation = await self._reserved(self._reserve())
            if self._reservation is not None:
                return
            await self._await_correction()

    async def _replace_reservation_v1(self) -> None:
        if workflow.patched("validate-corrections"):
            await self._validate_correction()
        previous = self._reservation
        assert previous is not None
        self._change_count += 1
        self._set(Stage.RESERVING)
        self._reservation = await self._reserve()
        await self._resolve(previous, post=False, reason="replaced by the corrected list")

    async def _release(self) -> None:
        """The generated filing list's channels until customs releases it (P)."""
        if not self.GENERATES_DECLARATION:
            return
        while True:
            channel = self._latest_channel()
            if self.PAYS and channel in ("T", "P") and self._paid is None and self._owes():
                self._note(
                    Stage.AWAITING_PAYMENT,
                    "customs",
                    Role.CUSTOMS,
                    f"duties payable: {self._owed()} CNY",
                )
                await self._wait(lambda: self._paid is not None)
                paid = self._paid
                assert paid is not None
                self._note(
                    Stage.AWAITING_RELEASE,
                    paid.actor,
                    paid.role,
                    f"paid {paid.amount} CNY, reference {paid.reference}",
                )
                continue
            if channel == "P":
                self._note(Stage.AWAITING_RELEASE, "customs", Role.CUSTOMS, "released (P)")
                return
            if channel in ("E", "Z", "D"):
                self._note(
                    Stage.CANCELLED, "customs", Role.CUSTOMS, f"declaration ended ({channel})"
                )
                self._filed = channel != "D"  # deleted by customs: nothing left to delete
                raise Cancelled
            if channel in ("C", "S") and self._inspection is None:
                self._set(Stage.INSPECTION)
                await self._wait(lambda: self._inspection is not None or self._cancel is not None)
                self._check_cancel()
                result = self._inspection
                assert result is not None
                self._note(Stage.INSPECTION, result.actor, result.role, result.reason)
                if not result.passed:
                    raise Cancelled
                continue
            self._set(Stage.AWAITING_RELEASE)
            await self._await_customs(self._more_receipts_than(len(self._receipts)))

    async def _through_the_gate(self) -> None:
        list_no = self._numbers["list_no"]
        await self._file_gate_pass(list_no)
        passage = self._receipt("SAS223")
        assert passage is not None
        assert passage.measured_weight is not None
        self._measured = passage.measured_weight
        declared = self._declared_weight()
        check = check_weight(declared, passage.measured_weight, self.policy.weight_tolerance)
        if not check.within:
            self._note(
                Stage.WEIGHT_HOLD,
                "gate",
                Role.CUSTOMS,
                f"scale read {check.measured} kg, declared {check.declared} kg"
                f" (difference {check.difference}, allowed {check.allowed})",
            )
            await self._wait(lambda: self._weight_decision is not None)
            decision = self._weight_decision
            assert decision is not None
            self._note(Stage.WEIGHT_HOLD, decision.actor, decision.role, decision.reason)
            if not decision.accept:
                raise Cancelled
        self._set(Stage.AWAITING_GATE)
        await self._await_customs(lambda: self._receipt("INV211") is not None)
        self._set(Stage.POSTING)
        assert self._reservation is not None
        self._posting = await self._resolve(
            self._reservation, post=True, reason=f"through the gate, list {list_no} posted"
        )
        if not self.CLOSES:
            self._note(Stage.COMPLETED, "bondflow", Role.SYSTEM, f"stock posted: {self.POSTED}")
            return
        self._note(Stage.AWAITING_DEPARTURE, "bondflow", Role.SYSTEM, "stock posted: gone abroad")
        await self._await_customs(self._closed)
        self._note(Stage.COMPLETED, "customs", Role.CUSTOMS, "closed (结关): the train has left")

    async def _file_gate_pass(self, list_no: str) -> None:
        """File the SAS121 until the vehicle passes; a returned pass (SAS221 3) waits
        for the filer's corrected vehicle and is filed again."""
        while True:
            # Receipts of an earlier filing of the pass are history (as for the list).
            first = max(self._receipts, default=0) + 1
            submitted = await self._activity(
                f"{self.ACTIVITIES}.submit_gate_pass",
                SubmitGatePassInput(
                    workflow_id=workflow.info().workflow_id,
                    draft=self.draft,
                    list_no=list_no,
                    at=workflow.now(),
                ),
                Submitted,
            )
            self._note(
                Stage.AWAITING_GATE, "bondflow", Role.SYSTEM, f"gate pass {submitted.file_name}"
            )
            await self._await_customs(self._passed_or_returned(first))
            if self._receipt("SAS223") is not None:
                return
            reasons = "; ".join(self._pass_return_reasons(first)) or "returned without a reason"
            self._note(
                Stage.GATE_PASS_RETURNED, "customs", Role.CUSTOMS, f"gate pass returned: {reasons}"
            )
            await self._wait(lambda: self._vehicle is not None or self._cancel is not None)
            self._check_cancel()
            correction, self._vehicle = self._vehicle, None
            assert correction is not None
            self._draft = self.draft.model_copy(update={"vehicle": correction.vehicle})
            self._note(
                Stage.GATE_PASS_RETURNED,
                correction.actor,
                correction.role,
                f"vehicle {correction.vehicle.vehicle_no}: {correction.reason}",
            )

    def _passed_or_returned(self, since: int) -> Callable[[], bool]:
        return lambda: self._receipt("SAS223") is not None or bool(self._pass_returns(since))

    def _pass_returns(self, since: int) -> list[ReceiptSignal]:
        return [
            r
            for r in self._receipts.values()
            if r.message_type == "SAS221" and r.result == "3" and r.receipt_id >= since
        ]

    def _pass_return_reasons(self, since: int) -> tuple[str, ...]:
        return max(self._pass_returns(since), key=lambda r: r.receipt_id).reasons

    def _owes(self) -> bool:
        return self._taxes is not None and self._taxes.payable.total > 0

    def _owed(self) -> Decimal:
        assert self._taxes is not None
        return self._taxes.payable.total

    def _closed(self) -> bool:
        return any(
            r.message_type == "DEC_RESULT" and r.result == "R" for r in self._receipts.values()
        )

    async def _compensate(self) -> None:
        """No path leaves stock reserved: ask customs to delete a filed list, void what
        was reserved, then end."""
        if self._filed:
            await self._file_list(delete=True)
        if self._reservation is not None and self._posting is None:
            await self._resolve(self._reservation, post=False, reason="entry cancelled")
            self._reservation = None
        self._set(Stage.CANCELLED)

    # --- steps ----------------------------------------------------------------------

    async def _reserve(self) -> str:
        return await self._activity(
            f"{self.ACTIVITIES}.reserve",
            ReserveInput(
                workflow_id=workflow.info().workflow_id,
                draft=self.draft,
                change_count=self._change_count,
                at=workflow.now(),
                actor=self._signed_off.actor if self._signed_off else self.draft.filed_by,
            ),
            str,
        )

    async def _resolve(self, reservation: str, *, post: bool, reason: str) -> str:
        return await self._activity(
            f"{self.ACTIVITIES}.resolve",
            ResolveInput(
                workflow_id=workflow.info().workflow_id,
                reservation_client_id=reservation,
                post=post,
                at=workflow.now(),
                actor="bondflow",
                reason=reason,
                document_no=self.draft.inner_no,
            ),
            str,
        )

    async def _file_list(self, *, delete: bool = False) -> None:
        self._set(Stage.DECLARING)
        self._first_receipt_id = max(self._receipts, default=0) + 1 if not delete else 0
        submitted = await self._activity(
            f"{self.ACTIVITIES}.submit_list",
            SubmitListInput(
                workflow_id=workflow.info().workflow_id,
                draft=self.draft,
                change_count=self._change_count,
                delete=delete,
                at=workflow.now(),
                seq_no=self._numbers.get("pre_entry_no"),
                list_no=self._numbers.get("list_no"),
            ),
            Submitted,
        )
        self._filed = not delete
        if self._declared_on is None and not delete:
            self._declared_on = self._today()
        verb = "deletion filed" if delete else f"list filed (ChgTmsCnt {self._change_count})"
        self._note(Stage.AWAITING_REVIEW, "bondflow", Role.SYSTEM, f"{verb}: {submitted.file_name}")

    async def _await_review(self) -> str:
        """'approved' or 'returned', from the receipts of the current filing."""
        while True:
            verdict = self._review_verdict()
            if verdict == "returned":
                reasons = "; ".join(self._returned_reasons)
                self._note(Stage.RETURNED, "customs", Role.CUSTOMS, f"returned: {reasons}")
                return verdict
            if verdict == "approved":
                number = self._numbers.get("list_no", "?")
                self._note(Stage.AWAITING_RELEASE, "customs", Role.CUSTOMS, f"approved: {number}")
                return verdict
            if verdict == "manual" and self._stage is not Stage.MANUAL_REVIEW:
                self._note(Stage.MANUAL_REVIEW, "customs", Role.CUSTOMS, "to manual review")
            await self._await_customs(self._more_receipts_than(len(self._receipts)))

    def _review_verdict(self) -> str:
        reviews = sorted(
            (
                r
                for r in self._receipts.values()
                if r.receipt_id >= self._first_receipt_id
                and (
                    (r.message_type == "INV201" and r.change_count in (None, self._change_count))
                    or (r.message_type == "CommonResponeMessage" and r.result == "-1")
                )
            ),
            key=lambda r: (r.business_time or workflow.now(), r.receipt_id),
        )
        verdict = "pending"
        for review in reviews:
            if review.message_type == "CommonResponeMessage":
                verdict = "returned"
                self._returned_reasons = review.reasons or ("the client refused the file",)
            elif review.result in APPROVED:
                verdict = "approved"
            elif review.result == "3":
                verdict = "returned"
                self._returned_reasons = review.reasons or ("returned without a reason",)
            elif review.result == "2":
                verdict = "manual"
        return verdict

    async def _validate_correction(self) -> None:
        while True:
            report = await self._activity(
                f"{self.ACTIVITIES}.validate", self.draft, ValidationReport
            )
            self._cif = report.cif_cny
            self._taxes = report.taxes
            if report.ok:
                return
            problems = report.described()
            self._note(
                Stage.RETURNED,
                "bondflow",
                Role.SYSTEM,
                f"the corrected draft does not fit the book: {problems}",
            )
            await self._await_correction()

    async def _await_correction(self) -> None:
        self._set(Stage.RETURNED)
        await self._wait(lambda: self._correction is not None or self._cancel is not None)
        self._check_cancel()
        correction = self._correction
        assert correction is not None
        self._correction = None
        self._draft = correction.draft
        # Corrected before it was ever filed: the liaison signs the new draft off.
        self._signed_off = self._signed_off if self._filed else None
        self._note(
            Stage.RETURNED, correction.actor, correction.role, f"corrected: {correction.reason}"
        )

    # --- waiting --------------------------------------------------------------------

    async def _watch_deadline(self) -> None:
        """The 14-day declaration deadline: from the 15th day a late fee accrues."""
        assert isinstance(self.draft, EntryDraft)
        deadline = declaration_deadline(self.draft.arrival_date)
        accrues_from = dt.datetime.combine(
            deadline + dt.timedelta(days=1), dt.time(0, 0), tzinfo=DOCUMENT_ZONE
        )
        delay = accrues_from - workflow.now()
        if delay > dt.timedelta(0):
            await workflow.sleep(delay)
        if self._declared_on is None:
            self._note(
                self._stage,
                "bondflow",
                Role.SYSTEM,
                f"declaration deadline {deadline} passed: a late fee accrues daily on the CIF",
            )
        # Wake at each Beijing midnight until the list is filed, so the fee on the
        # document (computed at the workflow's own time) is today's.
        while self._declared_on is None:
            midnight = dt.datetime.combine(
                self._today() + dt.timedelta(days=1), dt.time(0, 0), tzinfo=DOCUMENT_ZONE
            )
            await workflow.sleep(midnight - workflow.now())

    # --- people: updates with validators ---------------------------------------------

    @workflow.update(name="return_draft")
    def return_draft(self, decision: Decision) -> LifecycleStatus:
        self._returned_by_liaison = decision
        return self.status()

    @return_draft.validator
    def _can_return(self, decision: Decision) -> None:
        self._require(decision.role, {Role.LIAISON}, "return the draft", {Stage.AWAITING_SIGN_OFF})

    @workflow.update(name="correct")
    def correct(self, correction: Correction) -> LifecycleStatus:
        self._correction = correction
        return self.status()

    @correct.validator
    def _can_correct(self, correction: Correction) -> None:
        self._require(correction.role, {Role.FILER}, "correct", {Stage.RETURNED})
        if correction.draft.inner_no != self.draft.inner_no:
            raise refused("draft.inner_no", f"a correction keeps the number {self.draft.inner_no}")
        if self._reservation is not None and correction.draft.book_no != self.draft.book_no:
            raise refused("draft.book_no", "a declared list keeps its book")

    @workflow.update(name="record_inspection")
    def record_inspection(self, result: InspectionResult) -> LifecycleStatus:
        self._inspection = result
        return self.status()

    @record_inspection.validator
    def _can_record_inspection(self, result: InspectionResult) -> None:
        self._require(result.role, {Role.LIAISON}, "record an inspection", {Stage.INSPECTION})

    @workflow.update(name="confirm_payment")
    def confirm_payment(self, payment: PaymentConfirmation) -> LifecycleStatus:
        self._paid = payment
        return self.status()

    @confirm_payment.validator
    def _can_confirm_payment(self, payment: PaymentConfirmation) -> None:
        self._require(
            payment.role, {Role.FILER, Role.LIAISON}, "confirm a payment", {Stage.AWAITING_PAYMENT}
        )
        if payment.amount != self._owed():
            raise refused("amount", f"{payment.amount} paid, {self._owed()} payable")

    @workflow.update(name="correct_vehicle")
    def correct_vehicle(self, correction: VehicleCorrection) -> LifecycleStatus:
        self._vehicle = correction
        return self.status()

    @correct_vehicle.validator
    def _can_correct_vehicle(self, correction: VehicleCorrection) -> None:
        self._require(
            correction.role, {Role.FILER}, "correct the vehicle", {Stage.GATE_PASS_RETURNED}
        )
        if correction.vehicle == self.draft.vehicle:
            # The same pass again would be the same file: the exchange takes it as a
            # repeat and customs never answers.
            raise refused("vehicle", "unchanged; customs returned the pass for this vehicle")

    @workflow.update(name="decide_weight")
    def decide_weight(self, decision: WeightDecision) -> LifecycleStatus:
        self._weight_decision = decision
        return self.status()

    @decide_weight.validator
    def _can_decide_weight(self, decision: WeightDecision) -> None:
        self._require(
            decision.role, {Role.LIAISON}, "decide a weight mismatch", {Stage.WEIGHT_HOLD}
        )

    @workflow.signal(name="receipt")
    def receipt(self, signal: ReceiptSignal) -> None:
        if not self._keep(signal, f"{signal.message_type} {signal.result or ''}".strip()):
            return
        for name in ("pre_entry_no", "list_no", "pass_no", "declaration_seq_no", "entry_id"):
            value = getattr(signal, name)
            if value and name not in self._numbers:
                self._numbers[name] = value
                if name == "list_no":
                    self._upsert()

    def _more_receipts_than(self, count: int) -> Callable[[], bool]:
        return lambda: len(self._receipts) > count

    def _receipt(self, message_type: str) -> ReceiptSignal | None:
        found = [r for r in self._receipts.values() if r.message_type == message_type]
        return max(found, key=lambda r: r.receipt_id) if found else None

    def _latest_channel(self) -> str | None:
        channels = sorted(
            (r for r in self._receipts.values() if r.message_type == "DEC_RESULT"),
            key=lambda r: (r.business_time or workflow.now(), r.receipt_id),
        )
        # Release wins over a late inspection notice: customs only releases after it.
        if any(r.result == "P" for r in channels):
            return "P"
        return channels[-1].result if channels else None

    # --- the query ------------------------------------------------------------------

    @workflow.query(name="status")
    def status(self) -> LifecycleStatus:
        next_step, waiting_for = self._next_step()
        if self._stage is Stage.COMPLETED:
            next_step = f"nothing: {self.POSTED}"
        return LifecycleStatus(
            workflow_id=workflow.info().workflow_id,
            lifecycle=self.LIFECYCLE,
            stage=self._stage,
            next_step=next_step,
            waiting_for=waiting_for,
            change_count=self._change_count,
            escalated=self._escalated,
            pre_entry_no=self._numbers.get("pre_entry_no"),
            list_no=self._numbers.get("list_no"),
            pass_no=self._numbers.get("pass_no"),
            declaration_seq_no=self._numbers.get("declaration_seq_no"),
            entry_id=self._numbers.get("entry_id"),
            cif_cny=self._cif,
            late_fee=self._late_fee(),
            measured_weight=self._measured,
            timeline=tuple(self._timeline),
            taxes=self._taxes,
            paid=self._paid,
        )

    def _late_fee(self) -> LateFeeView | None:
        if not isinstance(self.draft, EntryDraft):
            return None
        arrival = self.draft.arrival_date
        on = self._declared_on or self._today()
        fee = late_fee(
            self._cif,
            arrival,
            max(on, arrival),
            daily_rate=self.policy.late_fee_daily_rate,
            minimum=self.policy.late_fee_minimum,
        )
        return LateFeeView(
            deadline=declaration_deadline(arrival),
            days_late=fee.days,
            amount=fee.amount,
            charged=fee.charged,
        )

    # --- helpers --------------------------------------------------------------------

    @property
    def draft(self) -> Draft:
        assert self._draft is not None
        return self._draft

    @property
    def policy(self) -> LifecyclePolicy:
        assert self._input is not None
        return self._input.policy

    def _today(self) -> dt.date:
        return workflow.now().astimezone(DOCUMENT_ZONE).date()

    def _declared_weight(self) -> Decimal:
        vehicle = self.draft.vehicle
        gross = sum((line.gross_weight for line in self.draft.lines), Decimal(0))
        return vehicle.vehicle_weight + vehicle.frame_weight + vehicle.container_weight + gross

    def _indexed(self) -> bool:
        return self._input is None or self._input.indexed

    def _search_values(self) -> list[Any]:
        draft = self.draft
        return [
            search.ENTERPRISE.value_set(self._enterprise or draft.declarant_code),
            search.BOOK.value_set(draft.book_no),
            search.DOCUMENT_NO.value_set(self._numbers.get("list_no", draft.inner_no)),
            search.STATUS.value_set(self._stage.value),
            search.LIFECYCLE.value_set(self.LIFECYCLE.value),
        ]

    def _receipt_timeout(self) -> dt.timedelta:
        return self.policy.receipt_timeout
