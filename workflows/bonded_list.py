"""The lifecycle of a bonded list through the first line, in or out of the zone.

draft -> validation against the book -> liaison sign-off -> reservation (pending in
for an entry, pending out for an exit) -> INV101 through the gateway -> receipts
(stored, manual review | returned: correction and re-declaration with ChgTmsCnt + 1
| deleted) -> the generated filing list's channels (inspection: the liaison records
the result) -> released -> gate pass (SAS121) -> passage, the scale against the
declared weight (a mismatch holds the vehicle for the liaison) -> INV211 posted ->
the reservation is posted -> (exports) closed (结关) when the train has left.

The workflows (``first_line_entry``, ``export``...) are this class with a name, their
steps (``workflows.steps``) and their few differences as class attributes; what every
lifecycle shares (the correction loop, compensation, status, search attributes) is
the core in ``workflows.record``, what customs' receipts mean is ``rules.receipts``.

Deterministic and thin: no I/O here, only activities (typed steps), timers, updates,
signals and queries. Receipts may arrive twice or out of order: they are kept by
id and every decision is derived from the set, so neither changes the outcome.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from rules import receipts
    from rules.gate_weight import check_weight, declared_gross_weight
    from rules.late_fees import declaration_deadline, late_fee
    from rules.receipts import Verdict
    from schemas.lifecycle import (
        Correction,
        DomesticSaleDraft,
        DomesticSaleInput,
        EntryDraft,
        EntryInput,
        EntryResult,
        ExportDraft,
        ExportInput,
        InspectionResult,
        LateFeeView,
        LifecycleStatus,
        NextStep,
        ReceiptSignal,
        ReserveInput,
        ResolveInput,
        Role,
        SecondLineEntryDraft,
        SecondLineEntryInput,
        Stage,
        SubmitGatePassInput,
        SubmitListInput,
        TaxAssessment,
        TimelineEvent,
        ValidateInput,
        ValidationReport,
        VehicleCorrection,
        WeightDecision,
    )
    from schemas.messages.fields import DOCUMENT_ZONE
    from workflows.next_step import Next
    from workflows.steps import ListSteps, Step

from workflows.record import (
    Cancelled,
    Checked,
    Details,
    Pays,
    Record,
    SignedOff,
    TakesReceipts,
    refused,
)

Draft = EntryDraft | ExportDraft | DomesticSaleDraft | SecondLineEntryDraft
Input = EntryInput | ExportInput | DomesticSaleInput | SecondLineEntryInput

NEXT_STEP = {
    Stage.VALIDATING: (NextStep.CHECK_DRAFT, Role.SYSTEM),
    Stage.AWAITING_SIGN_OFF: (NextStep.SIGN_OFF, Role.LIAISON),
    Stage.RESERVING: (NextStep.RESERVE, Role.SYSTEM),
    Stage.DECLARING: (NextStep.FILE_LIST, Role.SYSTEM),
    Stage.AWAITING_REVIEW: (NextStep.CUSTOMS_REVIEW, Role.CUSTOMS),
    Stage.MANUAL_REVIEW: (NextStep.CUSTOMS_MANUAL_REVIEW, Role.CUSTOMS),
    Stage.RETURNED: (NextStep.CORRECT_OR_CANCEL, Role.FILER),
    Stage.AWAITING_RELEASE: (NextStep.CUSTOMS_RELEASE, Role.CUSTOMS),
    Stage.INSPECTION: (NextStep.RECORD_INSPECTION, Role.LIAISON),
    Stage.AWAITING_PAYMENT: (NextStep.PAY, Role.FILER),
    Stage.AWAITING_GATE: (NextStep.GATE_AND_POSTING, Role.CUSTOMS),
    Stage.GATE_PASS_RETURNED: (NextStep.CORRECT_VEHICLE_OR_CANCEL, Role.FILER),
    Stage.WEIGHT_HOLD: (NextStep.DECIDE_WEIGHT, Role.LIAISON),
    Stage.POSTING: (NextStep.POST, Role.SYSTEM),
    Stage.AWAITING_DEPARTURE: (NextStep.DEPARTURE, Role.CUSTOMS),
    Stage.COMPLETED: (NextStep.NOTHING_BONDED_STOCK, None),
    Stage.CANCELLED: (NextStep.NOTHING_CANCELLED, None),
}


@dataclass
class ListRecord(Record[Draft, Correction]):
    """A bonded list's state: the core's, plus its filing, numbers and decisions."""

    change_count: int = 0  # ChgTmsCnt of the current filing
    cif: Decimal = Decimal("0.00")
    taxes: TaxAssessment | None = None
    declared_on: dt.date | None = None
    numbers: dict[str, str] = field(default_factory=dict)  # customs' numbers, by name
    measured: Decimal | None = None
    first_receipt_id: int = 0  # receipts before the current filing are history
    filed: bool = False  # a list is with customs: cancelling must ask for its deletion
    inspection: InspectionResult | None = None
    weight_decision: WeightDecision | None = None
    vehicle: VehicleCorrection | None = None


class BondedListLifecycle(
    SignedOff[Draft, Correction, Input],
    Pays[Draft, Correction, Input],
    TakesReceipts[Draft, Correction, Input],
):
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
    CANCELLED_REASON = "entry cancelled"
    STEPS: ClassVar[ListSteps]  # the activities: list_steps("entry"), ...
    DEADLINE: ClassVar[bool] = False  # the 14-day declaration deadline applies
    CLOSES: ClassVar[bool] = False  # wait for 结关 (DEC_RESULT R) after posting
    PAYS: ClassVar[bool] = False  # duties and taxes are paid before release
    # The list generates its declaration, whose channels release the goods; without
    # one (a linked declaration filed by someone else), the list's approval does.
    GENERATES_DECLARATION: ClassVar[bool] = True
    # What the posting means for the goods (the timeline and the completed status).
    POSTED: ClassVar[str] = "the goods are bonded stock"
    POSTED_STEP: ClassVar[NextStep] = NextStep.NOTHING_BONDED_STOCK  # (completed: nothing)

    def __init__(self) -> None:
        self._r: ListRecord = ListRecord()
        self._input: Input | None = None

    # --- the run --------------------------------------------------------------------

    async def _list_lifecycle(self, data: Input) -> EntryResult:
        return await self._lifecycle(data, data.draft, "draft filed")

    def _watches(self) -> list[Any]:
        return [asyncio.create_task(self._watch_deadline())] if self.DEADLINE else []

    async def _check(self) -> Checked:
        report = await self._validate()
        self._learn_enterprise(report.enterprise_code)
        if not report.ok:
            return Checked(problems=f"the draft does not fit the book: {report.described()}")
        return Checked(sign_off=(Stage.AWAITING_SIGN_OFF, "draft fits the book"))

    async def _validate(self) -> ValidationReport:
        report = await self._run(
            self.STEPS.validate, ValidateInput(draft=self.draft, on=self._today())
        )
        self._r.cif = report.cif_cny
        self._r.taxes = report.taxes
        return report

    async def _carry_out(self) -> None:
        await self._declare()
        await self._release()
        await self._through_the_gate()

    async def _declare(self) -> None:
        """Reserve, file the list and follow its review until it is approved."""
        await self._reserve_held(self._reserve)
        while True:
            await self._file_list()
            if await self._await_review() is Verdict.APPROVED:
                return
            # Returned by customs: the filer corrects (ChgTmsCnt + 1) or cancels.
            await self._await_correction()
            # Running lifecycles were recorded with two older paths; their histories
            # carry no marker (or only the older one) and replay as they ran.
            if workflow.patched("release-before-correcting"):
                await self._replace_reservation(
                    self._reserve, self._corrected_fits, reason="released for the corrected list"
                )
            else:
                await self._replace_reservation_v1()

    async def _corrected_fits(self) -> bool:
        report = await self._validate()
        if not report.ok:
            described = report.described()
            self._system(
                Stage.RETURNED,
                f"the corrected draft does not fit the book: {described}",
                TimelineEvent.CHECK_FAILED,
                described,
            )
        return report.ok

    def _count_correction(self) -> None:
        self._r.change_count += 1

    async def _replace_reservation_v1(self) -> None:
        if workflow.patched("validate-corrections"):
            while not await self._corrected_fits():
                await self._await_correction()
        previous = self._r.reservation
        assert previous is not None
        self._r.change_count += 1
        self._set(Stage.RESERVING)
        self._r.reservation = await self._reserve()
        await self._resolve(previous, post=False, reason="replaced by the corrected list")

    async def _release(self) -> None:
        """The generated filing list's channels until customs releases it (P)."""
        if not self.GENERATES_DECLARATION:
            return
        while True:
            found = receipts.clearance(self._r.receipts.values(), now=workflow.now())
            if self.PAYS and found.duties_payable and self._r.paid is None and self._owes():
                self._note(
                    Stage.AWAITING_PAYMENT,
                    "customs",
                    Role.CUSTOMS,
                    f"duties payable: {self._owed()} CNY",
                    TimelineEvent.DUTIES_PAYABLE,
                    f"{self._owed()} CNY",
                )
                await self._wait(lambda: self._r.paid is not None)
                paid = self._r.paid
                assert paid is not None
                self._note(
                    Stage.AWAITING_RELEASE,
                    paid.actor,
                    paid.role,
                    f"paid {paid.amount} CNY, reference {paid.reference}",
                    TimelineEvent.PAID,
                    f"{paid.amount} CNY · {paid.reference}",
                )
                continue
            if found.released:
                self._note(
                    Stage.AWAITING_RELEASE,
                    "customs",
                    Role.CUSTOMS,
                    "released (P)",
                    TimelineEvent.RELEASED,
                )
                return
            if found.ended:
                assert found.channel is not None
                self._note(
                    Stage.CANCELLED,
                    "customs",
                    Role.CUSTOMS,
                    f"declaration ended ({found.channel.value})",
                    TimelineEvent.DECLARATION_ENDED,
                    found.channel.value,
                )
                self._r.filed = not found.deleted  # nothing left to delete
                raise Cancelled
            if found.inspection and self._r.inspection is None:
                self._set(Stage.INSPECTION)
                await self._wait(
                    lambda: self._r.inspection is not None or self._r.cancel is not None
                )
                self._check_cancel()
                result = self._r.inspection
                assert result is not None
                self._note(
                    Stage.INSPECTION,
                    result.actor,
                    result.role,
                    result.reason,
                    TimelineEvent.INSPECTION_PASSED
                    if result.passed
                    else TimelineEvent.INSPECTION_FAILED,
                    result.reason,
                )
                if not result.passed:
                    raise Cancelled
                continue
            self._set(Stage.AWAITING_RELEASE)
            await self._await_customs(self._more_receipts_than(len(self._r.receipts)))

    async def _through_the_gate(self) -> None:
        list_no = self._r.numbers["list_no"]
        measured = await self._file_gate_pass(list_no)
        self._r.measured = measured
        declared = declared_gross_weight(self.draft.vehicle, self.draft.lines)
        check = check_weight(declared, measured, self.policy.weight_tolerance)
        if not check.within:
            self._note(
                Stage.WEIGHT_HOLD,
                "gate",
                Role.CUSTOMS,
                f"scale read {check.measured} kg, declared {check.declared} kg"
                f" (difference {check.difference}, allowed {check.allowed})",
                TimelineEvent.WEIGHT_MISMATCH,
                f"{check.measured} / {check.declared} kg (± {check.allowed})",
            )
            await self._wait(lambda: self._r.weight_decision is not None)
            decision = self._r.weight_decision
            assert decision is not None
            self._note(
                Stage.WEIGHT_HOLD,
                decision.actor,
                decision.role,
                decision.reason,
                TimelineEvent.WEIGHT_ACCEPTED if decision.accept else TimelineEvent.WEIGHT_REFUSED,
                decision.reason,
            )
            if not decision.accept:
                raise Cancelled
        self._set(Stage.AWAITING_GATE)
        await self._await_customs(lambda: receipts.posted(self._r.receipts.values()))
        self._set(Stage.POSTING)
        assert self._r.reservation is not None
        self._r.posting = await self._resolve(
            self._r.reservation, post=True, reason=f"through the gate, list {list_no} posted"
        )
        if not self.CLOSES:
            self._system(Stage.COMPLETED, f"stock posted: {self.POSTED}", TimelineEvent.POSTED)
            return
        self._system(
            Stage.AWAITING_DEPARTURE,
            "stock posted: gone abroad",
            TimelineEvent.POSTED_AWAITING_DEPARTURE,
        )
        await self._await_customs(lambda: receipts.closed(self._r.receipts.values()))
        self._note(
            Stage.COMPLETED,
            "customs",
            Role.CUSTOMS,
            "closed (结关): the train has left",
            TimelineEvent.CLOSED,
        )

    async def _file_gate_pass(self, list_no: str) -> Decimal:
        """File the SAS121 until the vehicle passes (the scale's reading); a returned
        pass (SAS221 3) waits for the filer's corrected vehicle and is filed again."""
        while True:
            # Receipts of an earlier filing of the pass are history (as for the list).
            first = self._since()
            submitted = await self._run(
                self.STEPS.submit_gate_pass,
                SubmitGatePassInput(
                    workflow_id=workflow.info().workflow_id,
                    draft=self.draft,
                    list_no=list_no,
                    at=workflow.now(),
                ),
            )
            self._system(
                Stage.AWAITING_GATE,
                f"gate pass {submitted.file_name}",
                TimelineEvent.GATE_PASS_FILED,
                submitted.file_name,
            )
            await self._await_customs(self._pass_decided(first))
            found = self._gate_pass(first)
            if found.passed:
                assert found.measured_weight is not None
                return found.measured_weight
            reasons = "; ".join(found.reasons) or "returned without a reason"
            self._note(
                Stage.GATE_PASS_RETURNED,
                "customs",
                Role.CUSTOMS,
                f"gate pass returned: {reasons}",
                TimelineEvent.GATE_PASS_RETURNED,
                reasons,
            )
            await self._wait(lambda: self._r.vehicle is not None or self._r.cancel is not None)
            self._check_cancel()
            correction, self._r.vehicle = self._r.vehicle, None
            assert correction is not None
            self._r.draft = self.draft.model_copy(update={"vehicle": correction.vehicle})
            self._note(
                Stage.GATE_PASS_RETURNED,
                correction.actor,
                correction.role,
                f"vehicle {correction.vehicle.vehicle_no}: {correction.reason}",
                TimelineEvent.VEHICLE_CORRECTED,
                f"{correction.vehicle.vehicle_no}: {correction.reason}",
            )

    def _pass_decided(self, since: int) -> Callable[[], bool]:
        return lambda: self._gate_pass(since).passed or self._gate_pass(since).returned

    def _gate_pass(self, since: int) -> receipts.GatePass:
        return receipts.gate_pass(self._r.receipts.values(), since=since)

    def _owes(self) -> bool:
        return self._r.taxes is not None and self._r.taxes.payable.total > 0

    def _owed(self) -> Decimal:
        assert self._r.taxes is not None
        return self._r.taxes.payable.total

    async def _delete_filed(self) -> None:
        if self._r.filed:
            await self._file_list(delete=True)

    def _filed(self) -> bool:
        return self._r.filed

    # --- steps ----------------------------------------------------------------------

    async def _reserve(self) -> str:
        return await self._run(
            self.STEPS.reserve,
            ReserveInput(
                workflow_id=workflow.info().workflow_id,
                draft=self.draft,
                change_count=self._r.change_count,
                at=workflow.now(),
                actor=self._approver(),
            ),
        )

    def _resolve_step(self) -> Step[ResolveInput, str]:
        return self.STEPS.resolve

    async def _file_list(self, *, delete: bool = False) -> None:
        self._set(Stage.DECLARING)
        self._r.first_receipt_id = self._since() if not delete else 0
        submitted = await self._run(
            self.STEPS.submit_list,
            SubmitListInput(
                workflow_id=workflow.info().workflow_id,
                draft=self.draft,
                change_count=self._r.change_count,
                delete=delete,
                at=workflow.now(),
                seq_no=self._r.numbers.get("pre_entry_no"),
                list_no=self._r.numbers.get("list_no"),
            ),
        )
        self._r.filed = not delete
        if self._r.declared_on is None and not delete:
            self._r.declared_on = self._today()
        verb = "deletion filed" if delete else f"list filed (ChgTmsCnt {self._r.change_count})"
        self._system(
            Stage.AWAITING_REVIEW,
            f"{verb}: {submitted.file_name}",
            TimelineEvent.DELETION_FILED if delete else TimelineEvent.LIST_FILED,
            submitted.file_name,
        )

    async def _await_review(self) -> Verdict:
        """Approved or returned, from the receipts of the current filing."""
        while True:
            found = receipts.review(
                self._r.receipts.values(),
                since=self._r.first_receipt_id,
                change_count=self._r.change_count,
                now=workflow.now(),
            )
            if found.verdict is Verdict.RETURNED:
                reasons = "; ".join(found.reasons)
                self._note(
                    Stage.RETURNED,
                    "customs",
                    Role.CUSTOMS,
                    f"returned: {reasons}",
                    TimelineEvent.CUSTOMS_RETURNED,
                    reasons,
                )
                return found.verdict
            if found.verdict is Verdict.APPROVED:
                number = self._r.numbers.get("list_no", "?")
                self._note(
                    Stage.AWAITING_RELEASE,
                    "customs",
                    Role.CUSTOMS,
                    f"approved: {number}",
                    TimelineEvent.CUSTOMS_APPROVED,
                    number,
                )
                return found.verdict
            if found.verdict is Verdict.MANUAL and self._r.stage is not Stage.MANUAL_REVIEW:
                self._note(
                    Stage.MANUAL_REVIEW,
                    "customs",
                    Role.CUSTOMS,
                    "to manual review",
                    TimelineEvent.MANUAL_REVIEW,
                )
            await self._await_customs(self._more_receipts_than(len(self._r.receipts)))

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
        if self._r.declared_on is None:
            self._system(
                self._r.stage,
                f"declaration deadline {deadline} passed: a late fee accrues daily on the CIF",
                TimelineEvent.DEADLINE_PASSED,
                str(deadline),
            )
        # Wake at each Beijing midnight until the list is filed, so the fee on the
        # document (computed at the workflow's own time) is today's.
        while self._r.declared_on is None:
            midnight = dt.datetime.combine(
                self._today() + dt.timedelta(days=1), dt.time(0, 0), tzinfo=DOCUMENT_ZONE
            )
            await workflow.sleep(midnight - workflow.now())

    # --- people: updates with validators ---------------------------------------------

    @workflow.update(name="correct")
    def correct(self, correction: Correction) -> LifecycleStatus:
        self._r.correction = correction
        return self.status()

    @correct.validator
    def _can_correct(self, correction: Correction) -> None:
        self._require_correction(correction)
        if correction.draft.inner_no != self.draft.inner_no:
            raise refused("draft.inner_no", f"a correction keeps the number {self.draft.inner_no}")
        if self._r.reservation is not None and correction.draft.book_no != self.draft.book_no:
            raise refused("draft.book_no", "a declared list keeps its book")

    @workflow.update(name="record_inspection")
    def record_inspection(self, result: InspectionResult) -> LifecycleStatus:
        self._r.inspection = result
        return self.status()

    @record_inspection.validator
    def _can_record_inspection(self, result: InspectionResult) -> None:
        self._require(result.role, {Role.LIAISON}, "record an inspection", {Stage.INSPECTION})

    @workflow.update(name="correct_vehicle")
    def correct_vehicle(self, correction: VehicleCorrection) -> LifecycleStatus:
        self._r.vehicle = correction
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
        self._r.weight_decision = decision
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
            if value and name not in self._r.numbers:
                self._r.numbers[name] = value
                if name == "list_no":
                    self._upsert()

    def _more_receipts_than(self, count: int) -> Callable[[], bool]:
        return lambda: len(self._r.receipts) > count

    # --- the status -----------------------------------------------------------------

    def _next_step(self) -> Next:
        following = super()._next_step()
        if self._r.stage is Stage.COMPLETED:
            return Next(self.POSTED_STEP, following.waiting_for)
        return following

    def _details(self) -> Details:
        numbers = self._r.numbers
        return Details(
            change_count=self._r.change_count,
            pre_entry_no=numbers.get("pre_entry_no"),
            list_no=numbers.get("list_no"),
            pass_no=numbers.get("pass_no"),
            declaration_seq_no=numbers.get("declaration_seq_no"),
            entry_id=numbers.get("entry_id"),
            cif_cny=self._r.cif,
            late_fee=self._late_fee(),
            measured_weight=self._r.measured,
            taxes=self._r.taxes,
            paid=self._r.paid,
        )

    def _result(self) -> EntryResult:
        return EntryResult(
            workflow_id=workflow.info().workflow_id,
            stage=self._r.stage,
            list_no=self._r.numbers.get("list_no"),
            pass_no=self._r.numbers.get("pass_no"),
            posted_transaction=self._r.posting,
        )

    def _late_fee(self) -> LateFeeView | None:
        if not isinstance(self.draft, EntryDraft):
            return None
        arrival = self.draft.arrival_date
        on = self._r.declared_on or self._today()
        fee = late_fee(
            self._r.cif,
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

    def _identity(self) -> tuple[str, str, str | None, str]:
        draft = self.draft
        number = self._r.numbers.get("list_no", draft.inner_no)
        return draft.book_no, number, draft.declarant_code, draft.inner_no

    def _due(self) -> dt.datetime | None:
        if not self.DEADLINE or not isinstance(self.draft, EntryDraft):
            return None
        deadline = declaration_deadline(self.draft.arrival_date)
        return dt.datetime.combine(deadline, dt.time(0, 0), tzinfo=DOCUMENT_ZONE)
