"""What every lifecycle workflow shares: its stage, timeline and search attributes;
the refusal of a decision in the wrong role or stage; cancellation; activities with
one timeout and retry policy; and waiting for customs with escalation.

Deterministic like the workflows that use it: no I/O, only workflow APIs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any, ClassVar, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from schemas.lifecycle import (
        REFUSED,
        Decision,
        Lifecycle,
        LifecycleStatus,
        ReceiptSignal,
        Refusal,
        Role,
        Stage,
        TimelineEntry,
    )
    from schemas.wording import with_article

T = TypeVar("T")


def refused(field: str, reason: str) -> ApplicationError:
    """A decision refused (an update's validator): the field is data in the details
    (``Refusal``), named relative to the decision, so the API maps no text."""
    return ApplicationError(
        f"{field}: {reason}", Refusal(field=field, reason=reason).model_dump(), type=REFUSED
    )


# Short enough that an activity lost with a crashed worker is retried within
# seconds; long enough for a 1,000-line list on a slow database.
ACTIVITY_TIMEOUT = dt.timedelta(seconds=30)
# Refusals of the domain (bad input) will not get better by trying again: the worker's
# interceptor (adapters/temporal/interceptors.py) makes every one non-retryable.
RETRY = RetryPolicy(
    initial_interval=dt.timedelta(seconds=1),
    maximum_interval=dt.timedelta(seconds=30),
)


class Cancelled(Exception):
    """Raised inside a run to unwind to its compensation."""


class LifecycleRecord:
    LIFECYCLE: ClassVar[Lifecycle]
    NEXT_STEP: ClassVar[Mapping[Stage, tuple[str, Role | None]]]
    # Where a filer or liaison may still withdraw the document.
    CANCELLABLE: ClassVar[Collection[Stage]] = ()

    _stage: Stage
    _timeline: list[TimelineEntry]
    _cancel: Decision | None
    _escalated: bool
    _receipts: dict[int, ReceiptSignal]

    def status(self) -> LifecycleStatus:
        """The status query (each workflow declares it)."""
        raise NotImplementedError

    def _search_values(self) -> list[Any]:
        """The search attributes to upsert (each workflow says which)."""
        raise NotImplementedError

    def _receipt_timeout(self) -> dt.timedelta:
        """How long customs may stay silent before the liaison is told."""
        raise NotImplementedError

    def _indexed(self) -> bool:
        return True

    # --- the record -------------------------------------------------------------------

    def _set(self, stage: Stage) -> None:
        if stage is not self._stage:
            self._stage = stage
            self._upsert()

    def _note(self, stage: Stage, actor: str, role: Role, note: str) -> None:
        self._set(stage)
        self._timeline.append(
            TimelineEntry(at=workflow.now(), stage=stage, actor=actor, role=role, note=note)
        )

    def _upsert(self) -> None:
        if self._indexed():
            workflow.upsert_search_attributes(self._search_values())

    def _require(
        self, role: Role, roles: set[Role], action: str, stages: Collection[Stage]
    ) -> None:
        """Refuse (an update's validator) a decision in the wrong role or stage."""
        if role not in roles:
            allowed = " or ".join(with_article(r) for r in sorted(roles))
            raise refused("role", f"only {allowed} may {action}")
        if self._stage not in stages:
            raise refused(
                "stage",
                f"cannot {action} while {self._stage.value}"
                f" (waiting for {self.NEXT_STEP[self._stage][0]})",
            )

    def _next_step(self) -> tuple[str, Role | None]:
        """The next step and who it waits for; customs' silence past the timeout
        makes it the liaison's."""
        next_step, waiting_for = self.NEXT_STEP[self._stage]
        if self._escalated and waiting_for is Role.CUSTOMS:
            return f"{next_step} (escalated: no receipt in time)", Role.LIAISON
        return next_step, waiting_for

    def _keep(self, signal: ReceiptSignal, note: str) -> bool:
        """Keep a receipt by its id, once (a second delivery after a crash is known)."""
        if signal.receipt_id in self._receipts:
            return False
        self._receipts[signal.receipt_id] = signal
        self._timeline.append(
            TimelineEntry(
                at=workflow.now(), stage=self._stage, actor="customs", role=Role.CUSTOMS, note=note
            )
        )
        return True

    # --- steps ------------------------------------------------------------------------

    async def _activity(self, name: str, argument: Any, result_type: type[T]) -> T:
        result: T = await workflow.execute_activity(
            name,
            argument,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
            result_type=result_type,
        )
        return result

    async def _reserved(self, reserving: Awaitable[str]) -> str | None:
        """The reservation's client id, or None (noted, back to the filer) when the
        ledger refused it for stock another document took since the check."""
        try:
            return await reserving
        except ActivityError as error:
            cause = error.cause
            if not isinstance(cause, ApplicationError) or cause.type != "InsufficientStock":
                raise
            self._note(
                Stage.RETURNED,
                "bondflow",
                Role.SYSTEM,
                f"the stock could not be reserved: {cause.message}",
            )
            return None

    async def _wait(self, condition: Callable[[], bool]) -> None:
        await workflow.wait_condition(condition)

    async def _await_customs(self, condition: Callable[[], bool]) -> None:
        """Wait for customs; past the receipt timeout, escalate to the liaison once."""
        timeout = self._receipt_timeout()
        try:
            await workflow.wait_condition(condition, timeout=timeout)
        except TimeoutError:
            if not self._escalated:
                self._escalated = True
                self._note(
                    self._stage,
                    "bondflow",
                    Role.SYSTEM,
                    f"no receipt within {timeout}: escalated to the liaison",
                )
            await workflow.wait_condition(condition)

    def _check_cancel(self) -> None:
        if self._cancel is not None:
            self._note(Stage.CANCELLED, self._cancel.actor, self._cancel.role, self._cancel.reason)
            raise Cancelled

    # --- people -----------------------------------------------------------------------

    @workflow.update(name="cancel")
    def cancel(self, decision: Decision) -> LifecycleStatus:
        self._cancel = decision
        return self.status()

    @cancel.validator
    def _can_cancel(self, decision: Decision) -> None:
        self._require(decision.role, {Role.FILER, Role.LIAISON}, "cancel", self.CANCELLABLE)


class SignedOff(LifecycleRecord):
    """A lifecycle a liaison signs off before anything is reserved or filed (待审批)."""

    _signed_off: Decision | None

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
