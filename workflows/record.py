"""The lifecycle core: what every lifecycle workflow shares, written once.

- **State**: one dataclass per workflow on a shared ``Record`` (stage and since when,
  timeline, receipts, pending decisions, escalation, enterprise, reservation and
  posting); a lifecycle adds its own fields by subclassing it.
- **The run**: file -> validate (``_check``) -> returned -> corrected -> validated
  again -> signed off, as often as corrections need (``_prepare``); the lifecycle's
  own steps (``_carry_out``); a cancellation unwinds to one compensation (delete what
  customs has, void the reservation).
- **Steps**: activities through typed references (``workflows.steps``), with the
  lifecycle policy's timeout and one retry policy; reserving (a refusal for stock
  taken since the check goes back to the filer) and resolving.
- **People**: decisions as updates whose validators refuse a wrong role or stage
  with the field as data; ``cancel``, ``sign_off``, ``return_draft`` and ``correct``.
- **Customs**: receipts kept by id; waiting with escalation to the liaison.
- **Status and search attributes**, built once: the status query and the attributes
  the work queue filters and sorts by (who it waits for, since when, due, escalated).

Deterministic like the workflows that use it: no I/O, only workflow APIs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from schemas.ledger import LineageInput
    from schemas.lifecycle import (
        REFUSED,
        Decision,
        EntryResult,
        LateFeeView,
        Lifecycle,
        LifecyclePolicy,
        LifecycleStatus,
        NextStep,
        PaymentConfirmation,
        ReceiptSignal,
        ReceiptSignals,
        Refusal,
        ResolveInput,
        Role,
        Stage,
        StocktakeView,
        TaxAssessment,
        TimelineEntry,
        TimelineEvent,
        WriteOffView,
    )
    from schemas.messages.fields import DOCUMENT_ZONE
    from schemas.wording import with_article
    from workflows import search
    from workflows.next_step import NEXT_STEP_WORDS, Next, next_step
    from workflows.steps import Step

A = TypeVar("A")
T = TypeVar("T")


def refused(field: str, reason: str) -> ApplicationError:
    """A decision refused (an update's validator): the field is data in the details
    (``Refusal``), named relative to the decision, so the API maps no text."""
    return ApplicationError(
        f"{field}: {reason}", Refusal(field=field, reason=reason).model_dump(), type=REFUSED
    )


def refused_all(refusals: Sequence[Refusal]) -> ApplicationError:
    """A decision refused for several reasons (a stocktake's counts): every refusal as
    data in the details, the first one first."""
    first = refusals[0]
    details = [refusal.model_dump() for refusal in refusals]
    return ApplicationError(f"{first.field}: {first.reason}", *details, type=REFUSED)


# The default start-to-close timeout (``LifecyclePolicy.activity_timeout``): short
# enough that an activity lost with a crashed worker is retried within seconds; long
# enough for a 1,000-line list on a slow database.
ACTIVITY_TIMEOUT = LifecyclePolicy().activity_timeout
# Refusals of the domain are final without a list of type names here: the worker's
# interceptor (adapters/temporal/interceptors.py) raises them non-retryable.
RETRY = RetryPolicy(
    initial_interval=dt.timedelta(seconds=1),
    maximum_interval=dt.timedelta(seconds=30),
)


class Cancelled(Exception):
    """Raised inside a run to unwind to its compensation."""


class FiledDraft(Protocol):
    @property
    def filed_by(self) -> str: ...


D = TypeVar("D", bound=FiledDraft)
D_co = TypeVar("D_co", covariant=True)


class Filed(Protocol):
    """What every lifecycle's start input has."""

    @property
    def policy(self) -> LifecyclePolicy: ...
    @property
    def indexed(self) -> bool: ...


class Corrected(Protocol[D_co]):
    """A filer's correction: who, why and the corrected draft."""

    @property
    def actor(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def reason(self) -> str: ...
    @property
    def draft(self) -> D_co: ...


C = TypeVar("C", bound=Corrected[Any])
I_ = TypeVar("I_", bound=Filed)


@dataclass
class Record(Generic[D, C]):
    """The state every lifecycle keeps; a lifecycle subclasses it for its own."""

    draft: D | None = None
    stage: Stage = Stage.VALIDATING
    stage_since: dt.datetime | None = None
    timeline: list[TimelineEntry] = field(default_factory=list)
    receipts: dict[int, ReceiptSignal] = field(default_factory=dict)
    enterprise: str | None = None  # the book owner's, once the check found it
    escalated: bool = False  # customs' silence went past the receipt timeout
    # Pending decisions from people (set by updates, consumed by the run).
    signed_off: Decision | None = None
    returned: Decision | None = None  # the liaison returned the draft
    correction: C | None = None
    cancel: Decision | None = None
    # The stock: the reservation in force and the posting that resolved it.
    reservation: str | None = None
    posting: str | None = None
    # Duties and taxes confirmed paid (a lifecycle that ``Pays``).
    paid: PaymentConfirmation | None = None


@dataclass(frozen=True)
class Checked:
    """What a check of the draft found: problems (the timeline's line; back to the
    filer), or a draft that fits, waiting for a sign-off (its stage and line) or not
    (``sign_off`` None: nothing to decide)."""

    problems: str | None = None
    sign_off: tuple[Stage, str] | None = None


@dataclass(frozen=True)
class Details:
    """A lifecycle's own part of the status (its numbers, values and bills)."""

    change_count: int = 0
    pre_entry_no: str | None = None
    list_no: str | None = None
    pass_no: str | None = None
    declaration_seq_no: str | None = None
    entry_id: str | None = None
    cif_cny: Decimal = Decimal(0)
    late_fee: LateFeeView | None = None
    measured_weight: Decimal | None = None
    taxes: TaxAssessment | None = None
    paid: PaymentConfirmation | None = None
    stocktake: StocktakeView | None = None
    write_off: WriteOffView | None = None


class LifecycleRecord(Generic[D, C, I_]):
    LIFECYCLE: ClassVar[Lifecycle]
    NEXT_STEP: ClassVar[Mapping[Stage, tuple[NextStep, Role | None]]]
    # Where a filer or liaison may still withdraw the document.
    CANCELLABLE: ClassVar[Collection[Stage]] = ()
    # Where the liaison signs off or returns the draft, and the words of it.
    SIGN_OFF_STAGE: ClassVar[Stage] = Stage.AWAITING_SIGN_OFF
    RETURN_WHAT: ClassVar[str] = "the draft"
    # The ledger's reason when a cancellation voids the reservation.
    CANCELLED_REASON: ClassVar[str] = "cancelled"
    # Stages whose escalation means their deadline passed: the wait is the liaison's.
    OVERDUE: ClassVar[Collection[Stage]] = ()

    _r: Record[D, C]
    _input: I_ | None

    # --- what each lifecycle says ---------------------------------------------------

    async def _check(self) -> Checked:
        """Check the draft (an activity) and say what was found."""
        raise NotImplementedError

    async def _carry_out(self) -> None:
        """The lifecycle's own steps after the sign-off, up to completion."""
        raise NotImplementedError

    async def _delete_filed(self) -> None:
        """Compensation: ask customs to delete whatever it has (nothing by default)."""

    def _details(self) -> Details:
        return Details()

    def _result(self) -> EntryResult:
        return EntryResult(
            workflow_id=workflow.info().workflow_id,
            stage=self._r.stage,
            list_no=None,
            pass_no=None,
            posted_transaction=self._r.posting,
        )

    def _identity(self) -> tuple[str, str, str | None, str]:
        """(the book, the document number to find it by, the enterprise while the
        check has not named the book's owner: None to leave it unset, the document
        the ledger records the movements under)."""
        raise NotImplementedError

    def _due(self) -> dt.datetime | None:
        """The declaration deadline the queue sorts by (entries only)."""
        return None

    def _filed(self) -> bool:
        """Customs has a document of it: a sign-off then holds through corrections."""
        return False

    def _correction_note(self, correction: C) -> tuple[Stage, str]:
        return Stage.RETURNED, f"corrected: {correction.reason}"

    # --- the record -------------------------------------------------------------------

    @property
    def draft(self) -> D:
        assert self._r.draft is not None
        return self._r.draft

    @property
    def policy(self) -> LifecyclePolicy:
        assert self._input is not None
        return self._input.policy

    def _today(self) -> dt.date:
        return workflow.now().astimezone(DOCUMENT_ZONE).date()

    def _set(self, stage: Stage) -> None:
        if stage is not self._r.stage:
            self._r.stage = stage
            self._r.stage_since = workflow.now()
            self._upsert()

    def _note(
        self,
        stage: Stage,
        actor: str,
        role: Role,
        note: str,
        event: TimelineEvent,
        detail: str = "",
    ) -> None:
        """A timeline entry: the English ``note`` (the API's), the ``event`` as a code
        and its ``detail`` as written (the console shows both in the reader's language).
        Only the workflow's state: replaying a history rebuilds it, codes included."""
        self._set(stage)
        self._r.timeline.append(
            TimelineEntry(
                at=workflow.now(),
                stage=stage,
                actor=actor,
                role=role,
                note=note,
                event=event,
                detail=detail,
            )
        )

    def _system(self, stage: Stage, note: str, event: TimelineEvent, detail: str = "") -> None:
        self._note(stage, "bondflow", Role.SYSTEM, note, event, detail)

    def _indexed(self) -> bool:
        return self._input is not None and self._input.indexed

    def _upsert(self) -> None:
        if self._indexed():
            workflow.upsert_search_attributes(self._search_values())

    def _search_values(self) -> list[Any]:
        """Every record's search attributes: who and what (enterprise, book, number,
        status, lifecycle) and what the work queue filters and sorts by."""
        book, document_no, enterprise, _ = self._identity()
        waiting_for = self._next_step().waiting_for
        values: list[Any] = [
            search.BOOK.value_set(book),
            search.DOCUMENT_NO.value_set(document_no),
            search.STATUS.value_set(self._r.stage.value),
            search.LIFECYCLE.value_set(self.LIFECYCLE.value),
            search.WAITING_FOR.value_set(waiting_for.value if waiting_for else "none"),
            search.STAGE_SINCE.value_set(self._r.stage_since or workflow.now()),
            search.ESCALATED.value_set(self._r.escalated),
        ]
        if self._r.enterprise or enterprise:
            values.insert(0, search.ENTERPRISE.value_set(self._r.enterprise or enterprise or ""))
        due = self._due()
        if due is not None:
            values.append(search.DUE.value_set(due))
        return values

    def _learn_enterprise(self, code: str | None) -> None:
        if code and code != self._r.enterprise:
            self._r.enterprise = code
            self._upsert()

    def _require(
        self, role: Role, roles: set[Role], action: str, stages: Collection[Stage]
    ) -> None:
        """Refuse (an update's validator) a decision in the wrong role or stage."""
        if role not in roles:
            allowed = " or ".join(with_article(r) for r in sorted(roles))
            raise refused("role", f"only {allowed} may {action}")
        if self._r.stage not in stages:
            raise refused(
                "stage",
                f"cannot {action} while {self._r.stage.value}"
                f" (waiting for {NEXT_STEP_WORDS[self.NEXT_STEP[self._r.stage][0]]})",
            )

    async def _wait_until_due(self, due: dt.datetime, condition: Callable[[], bool]) -> None:
        """Wait until ``condition`` holds; past ``due``, escalate to the liaison once (a
        timeline entry and the search attributes, so the queue flags it) and keep
        waiting. A stage that uses it is one of the lifecycle's ``OVERDUE``."""
        self._upsert()
        remaining = due - workflow.now()
        try:
            if remaining <= dt.timedelta(0):
                raise TimeoutError
            await workflow.wait_condition(condition, timeout=remaining)
        except TimeoutError:
            if condition():
                return
            self._r.escalated = True
            self._system(
                self._r.stage,
                f"past the deadline {due.isoformat()}: escalated",
                TimelineEvent.OVERDUE,
                due.isoformat(),
            )
            self._upsert()
            await workflow.wait_condition(condition)

    def _next_step(self) -> Next:
        """The next step and who it waits for; customs' silence past the timeout
        makes it the liaison's."""
        return next_step(self.NEXT_STEP, self._r.stage, self._r.escalated, self.OVERDUE)

    def _keep(self, signal: ReceiptSignal, note: str) -> bool:
        """Keep a receipt by its id, once (a second delivery after a crash is known)."""
        if signal.receipt_id in self._r.receipts:
            return False
        self._r.receipts[signal.receipt_id] = signal
        self._r.timeline.append(
            TimelineEntry(
                at=workflow.now(),
                stage=self._r.stage,
                actor="customs",
                role=Role.CUSTOMS,
                note=note,
                event=TimelineEvent.RECEIPT,
                detail=note,
            )
        )
        return True

    def _since(self) -> int:
        """The first receipt id of a filing made now: earlier ones are its history."""
        return max(self._r.receipts, default=0) + 1

    # --- the run ----------------------------------------------------------------------

    def _begin(self, data: I_, draft: D, filed: str) -> None:
        self._input = data
        self._r.draft = draft
        self._r.stage_since = workflow.now()
        self._upsert()
        self._note(Stage.VALIDATING, draft.filed_by, Role.FILER, filed, TimelineEvent.FILED)

    async def _lifecycle(self, data: I_, draft: D, filed: str) -> EntryResult:
        """The whole run: prepare, carry out, or compensate a cancellation."""
        self._begin(data, draft, filed)
        watches = self._watches()
        try:
            await self._prepare()
            await self._carry_out()
        except Cancelled:
            await self._compensate()
        for watch in watches:
            watch.cancel()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._result()

    def _watches(self) -> list[Any]:
        """Timers running beside the run (the declaration deadline)."""
        return []

    async def _prepare(self) -> None:
        """Check and get the liaison's sign-off, as often as corrections need."""
        while True:
            self._set(Stage.VALIDATING)
            checked = await self._check()
            if checked.problems is not None:
                self._system(
                    Stage.RETURNED, checked.problems, TimelineEvent.CHECK_FAILED, checked.problems
                )
                await self._await_correction()
                continue
            if checked.sign_off is None:
                return
            stage, note = checked.sign_off
            found = (
                TimelineEvent.DEVIATION_FOUND
                if stage is Stage.NORM_DEVIATION
                else TimelineEvent.CHECKED
            )
            self._system(stage, note, found, note if found is TimelineEvent.DEVIATION_FOUND else "")
            await self._wait(lambda: bool(self._r.signed_off or self._r.returned or self._r.cancel))
            self._check_cancel()
            if self._r.returned is not None:
                decision, self._r.returned = self._r.returned, None
                self._note(
                    Stage.RETURNED,
                    decision.actor,
                    decision.role,
                    decision.reason,
                    TimelineEvent.RETURNED,
                    decision.reason,
                )
                await self._await_correction()
                continue
            return

    async def _await_correction(self) -> None:
        """Wait for the filer's correction (or a cancellation) and take it; a draft
        customs never saw is signed off again."""
        self._set(Stage.RETURNED)
        await self._wait(lambda: self._r.correction is not None or self._r.cancel is not None)
        self._check_cancel()
        correction = self._r.correction
        assert correction is not None
        self._r.correction = None
        self._r.draft = correction.draft
        if not self._filed():
            self._r.signed_off = None
        stage, note = self._correction_note(correction)
        self._note(
            stage,
            correction.actor,
            correction.role,
            note,
            TimelineEvent.CORRECTED,
            correction.reason,
        )

    async def _reserve_held(self, reserving: Callable[[], Awaitable[str]]) -> None:
        """Reserve after the sign-off; stock taken since the check sends the draft
        back to the filer, then it is checked and signed off again."""
        self._set(Stage.RESERVING)
        while (reservation := await self._reserved(reserving())) is None:
            await self._await_correction()
            await self._prepare()
            self._set(Stage.RESERVING)
        self._r.reservation = reservation

    async def _replace_reservation(
        self,
        reserving: Callable[[], Awaitable[str]],
        validated: Callable[[], Awaitable[bool]],
        *,
        reason: str,
    ) -> None:
        """A correction after customs' return replaces the reservation: the first is
        voided before the corrected draft is checked and reserved, so an exit's goods
        are never held twice."""
        previous = self._r.reservation
        assert previous is not None
        self._r.reservation = None
        await self._resolve(previous, post=False, reason=reason)
        self._count_correction()
        while True:
            if await validated():
                self._set(Stage.RESERVING)
                self._r.reservation = await self._reserved(reserving())
                if self._r.reservation is not None:
                    return
            await self._await_correction()

    def _count_correction(self) -> None:
        """One more correction after a return (a new reservation's number)."""

    async def _compensate(self) -> None:
        """No path leaves stock reserved: ask customs to delete what it has, void
        what was reserved, then end."""
        await self._delete_filed()
        if self._r.reservation is not None and self._r.posting is None:
            await self._resolve(self._r.reservation, post=False, reason=self.CANCELLED_REASON)
            self._r.reservation = None
        self._set(Stage.CANCELLED)

    def _check_cancel(self) -> None:
        cancel = self._r.cancel
        if cancel is not None:
            self._note(
                Stage.CANCELLED,
                cancel.actor,
                cancel.role,
                cancel.reason,
                TimelineEvent.CANCELLED,
                cancel.reason,
            )
            raise Cancelled

    # --- steps ------------------------------------------------------------------------

    async def _run(self, step: Step[A, T], argument: A) -> T:
        """Run one activity: typed by its step, the policy's timeout, one retry policy
        (refusals are final: the worker's interceptor makes them non-retryable)."""
        result: T = await workflow.execute_activity(
            step.name,
            argument,
            start_to_close_timeout=self.policy.activity_timeout,
            retry_policy=RETRY,
            result_type=step.result,
        )
        return result

    def _resolve_step(self) -> Step[ResolveInput, str]:
        raise NotImplementedError

    def _lineage(self) -> tuple[LineageInput, ...]:
        """What a posting records as lineage (a transfer's lots, lot to lot)."""
        return ()

    async def _resolve(self, reservation: str, *, post: bool, reason: str) -> str:
        """Post or void the reservation, in full."""
        return await self._run(
            self._resolve_step(),
            ResolveInput(
                workflow_id=workflow.info().workflow_id,
                reservation_client_id=reservation,
                post=post,
                at=workflow.now(),
                actor="bondflow",
                reason=reason,
                document_no=self._identity()[3],
                lineage=self._lineage() if post else (),
            ),
        )

    def _approver(self) -> str:
        """Who the stock moves on behalf of: the liaison who signed off, or the filer."""
        signed = self._r.signed_off
        return signed.actor if signed else self.draft.filed_by

    async def _reserved(self, reserving: Awaitable[str]) -> str | None:
        """The reservation's client id, or None (noted, back to the filer) when the
        ledger refused it for stock another document took since the check."""
        try:
            return await reserving
        except ActivityError as error:
            cause = error.cause
            if not isinstance(cause, ApplicationError) or cause.type != "InsufficientStock":
                raise
            self._system(
                Stage.RETURNED,
                f"the stock could not be reserved: {cause.message}",
                TimelineEvent.NOT_RESERVED,
                cause.message,
            )
            return None

    async def _wait(self, condition: Callable[[], bool]) -> None:
        await workflow.wait_condition(condition)

    async def _await_customs(self, condition: Callable[[], bool]) -> None:
        """Wait for customs; past the receipt timeout, escalate to the liaison once."""
        timeout = self.policy.receipt_timeout
        try:
            await workflow.wait_condition(condition, timeout=timeout)
        except TimeoutError:
            if not self._r.escalated:
                self._r.escalated = True
                self._system(
                    self._r.stage,
                    f"no receipt within {timeout}: escalated to the liaison",
                    TimelineEvent.ESCALATED,
                    str(timeout),
                )
                # Histories from before the queue's attributes did not upsert here.
                if workflow.patched("queue-attributes"):
                    self._upsert()
            await workflow.wait_condition(condition)

    # --- the status -------------------------------------------------------------------

    @workflow.query(name="draft")
    def current_draft(self) -> D | None:
        """The draft as it stands (the filed one, or the last correction): what a
        correction form starts from."""
        return self._r.draft

    @workflow.query(name="status")
    def status(self) -> LifecycleStatus:
        following = self._next_step()
        details = self._details()
        return LifecycleStatus(
            workflow_id=workflow.info().workflow_id,
            lifecycle=self.LIFECYCLE,
            stage=self._r.stage,
            next_step=following.words,
            next_step_code=following.step,
            waiting_for=following.waiting_for,
            change_count=details.change_count,
            escalated=self._r.escalated,
            pre_entry_no=details.pre_entry_no,
            list_no=details.list_no,
            pass_no=details.pass_no,
            declaration_seq_no=details.declaration_seq_no,
            entry_id=details.entry_id,
            cif_cny=details.cif_cny,
            late_fee=details.late_fee,
            measured_weight=details.measured_weight,
            timeline=tuple(self._r.timeline),
            taxes=details.taxes,
            paid=details.paid,
            stocktake=details.stocktake,
            write_off=details.write_off,
        )

    # --- people -----------------------------------------------------------------------

    @workflow.update(name="cancel")
    def cancel(self, decision: Decision) -> LifecycleStatus:
        self._r.cancel = decision
        return self.status()

    @cancel.validator
    def _can_cancel(self, decision: Decision) -> None:
        self._require(decision.role, {Role.FILER, Role.LIAISON}, "cancel", self.CANCELLABLE)

    @workflow.update(name="return_draft")
    def return_draft(self, decision: Decision) -> LifecycleStatus:
        self._r.returned = decision
        return self.status()

    @return_draft.validator
    def _can_return(self, decision: Decision) -> None:
        self._require(
            decision.role, {Role.LIAISON}, f"return {self.RETURN_WHAT}", {self.SIGN_OFF_STAGE}
        )

    def _require_correction(self, correction: C) -> None:
        """The shared part of each lifecycle's ``correct`` validator (the update is
        declared by each, with its correction's type for the payload converter)."""
        self._require(correction.role, {Role.FILER}, "correct", {Stage.RETURNED})


class SignedOff(LifecycleRecord[D, C, I_]):
    """A lifecycle a liaison signs off before anything is reserved or filed (待审批)."""

    @workflow.update(name="sign_off")
    def sign_off(self, decision: Decision) -> LifecycleStatus:
        self._r.signed_off = decision
        self._note(
            Stage.AWAITING_SIGN_OFF,
            decision.actor,
            decision.role,
            f"signed off: {decision.reason}",
            TimelineEvent.SIGNED_OFF,
            decision.reason,
        )
        return self.status()

    @sign_off.validator
    def _can_sign_off(self, decision: Decision) -> None:
        self._require(decision.role, {Role.LIAISON}, "sign off", {Stage.AWAITING_SIGN_OFF})


class TakesReceipts(LifecycleRecord[D, C, I_]):
    """A lifecycle customs answers (回执): each declares its ``receipt`` signal; a
    watcher's pass of receipts for it comes as one ``receipts`` signal, taken in order
    as ``receipt`` takes each, so the workflow wakes once for them."""

    def receipt(self, signal: ReceiptSignal) -> None:
        raise NotImplementedError

    @workflow.signal(name="receipts")
    def receipt_batch(self, signals: ReceiptSignals) -> None:
        for signal in signals.receipts:
            self.receipt(signal)


class Pays(LifecycleRecord[D, C, I_]):
    """A lifecycle that waits for duties and taxes to be paid (a domestic sale before
    release, a stocktake's losses before posting): the filer or the liaison confirms
    exactly the amount owed (``_owed``)."""

    def _owed(self) -> Decimal:
        raise NotImplementedError

    @workflow.update(name="confirm_payment")
    def confirm_payment(self, payment: PaymentConfirmation) -> LifecycleStatus:
        self._r.paid = payment
        return self.status()

    @confirm_payment.validator
    def _can_confirm_payment(self, payment: PaymentConfirmation) -> None:
        self._require(
            payment.role, {Role.FILER, Role.LIAISON}, "confirm a payment", {Stage.AWAITING_PAYMENT}
        )
        if payment.amount != self._owed():
            raise refused("amount", f"{payment.amount} paid, {self._owed()} payable")
