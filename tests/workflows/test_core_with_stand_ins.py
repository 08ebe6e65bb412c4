"""The lifecycle core with stand-in activities, in the style of temporalio's samples:
the real workflows on the dev server, activities registered under the real names
(``workflows.steps``) that answer at once and record what they were asked, and
customs' receipts sent by the test as the ``receipt`` signal.

What is tested here is the workflows' own logic (receipts kept by id and read by
customs' time, decisions refused as data, what a cancellation files); the
end-to-end tests (the simulator, the ledger, the watcher) are in the lifecycles'
own files.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from rules.gate_weight import declared_gross_weight
from rules.inner_numbers import transfer_inner_no
from schemas.lifecycle import (
    REFUSED,
    Decision,
    EntryDraft,
    EntryInput,
    EntryResult,
    InspectionResult,
    LifecycleStatus,
    ReceiptSignal,
    Refusal,
    ReserveInput,
    ResolveInput,
    Role,
    Stage,
    SubmitGatePassInput,
    SubmitListInput,
    Submitted,
    TransferInput,
    TransferReserveInput,
    TransferSideInput,
    TransferValidateInput,
    ValidateInput,
    ValidationReport,
    VehicleCorrection,
)
from schemas.messages.codes import DeclarationChannel, MessageType, ReviewResult
from tests.workflows.conftest import entry_draft
from tests.workflows.test_transfer import transfer
from workflows.first_line_entry import FirstLineEntryWorkflow
from workflows.steps import TRANSFER, list_steps
from workflows.transfer import TransferWorkflow

pytestmark = pytest.mark.asyncio(loop_scope="session")

ENTRY = list_steps("entry")
CIF = Decimal("134988.43")
ENTERPRISE = "9601346001"
LIAISON = Decision(actor="liaison-wang", role=Role.LIAISON, reason="documents complete")
FILER = Decision(actor="filer-li", role=Role.FILER, reason="买方取消")
CUSTOMS_DAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


# --- stand-ins --------------------------------------------------------------------------


class EntryStandIns:
    """A first-line entry's activities: the draft fits, everything is filed at once,
    and each call is recorded (by workflow id) for the test to inspect."""

    def __init__(self) -> None:
        self.lists: list[SubmitListInput] = []
        self.passes: list[SubmitGatePassInput] = []
        self.resolved: list[ResolveInput] = []

    def activities(self) -> Sequence[Callable[..., Any]]:
        return [self.validate, self.reserve, self.resolve, self.submit_list, self.submit_pass]

    @activity.defn(name=ENTRY.validate.name)
    async def validate(self, data: ValidateInput) -> ValidationReport:
        return ValidationReport(ok=True, cif_cny=CIF, enterprise_code=ENTERPRISE)

    @activity.defn(name=ENTRY.reserve.name)
    async def reserve(self, data: ReserveInput) -> str:
        return f"{data.workflow_id}/reserve/c{data.change_count}"

    @activity.defn(name=ENTRY.resolve.name)
    async def resolve(self, data: ResolveInput) -> str:
        self.resolved.append(data)
        return f"{data.reservation_client_id}/{'post' if data.post else 'void'}"

    @activity.defn(name=ENTRY.submit_list.name)
    async def submit_list(self, data: SubmitListInput) -> Submitted:
        self.lists.append(data)
        return Submitted(
            file_name=f"INV101__{data.draft.inner_no}__c{data.change_count}.xml", again=False
        )

    @activity.defn(name=ENTRY.submit_gate_pass.name)
    async def submit_pass(self, data: SubmitGatePassInput) -> Submitted:
        self.passes.append(data)
        return Submitted(file_name=f"SAS121__{data.draft.inner_no}.xml", again=False)

    def postings(self, workflow_id: str) -> list[tuple[str, bool]]:
        return [
            (r.reservation_client_id, r.post) for r in self.resolved if r.workflow_id == workflow_id
        ]


class TransferStandIns:
    """A transfer's activities; a list's filing can be held until the test lets it go."""

    def __init__(self) -> None:
        self.reserved: list[TransferReserveInput] = []
        self.lists: list[TransferSideInput] = []
        self.resolved: list[ResolveInput] = []
        self.filing = asyncio.Event()  # a filing has started
        self.go = asyncio.Event()  # let held filings go
        self.go.set()

    def activities(self) -> Sequence[Callable[..., Any]]:
        return [self.validate, self.reserve, self.resolve, self.submit_list]

    @activity.defn(name=TRANSFER.validate.name)
    async def validate(self, data: TransferValidateInput) -> ValidationReport:
        return ValidationReport(ok=True, enterprise_code=ENTERPRISE)

    @activity.defn(name=TRANSFER.reserve.name)
    async def reserve(self, data: TransferReserveInput) -> str:
        self.reserved.append(data)
        return f"{data.workflow_id}/reserve"

    @activity.defn(name=TRANSFER.resolve.name)
    async def resolve(self, data: ResolveInput) -> str:
        self.resolved.append(data)
        return f"{data.reservation_client_id}/{'post' if data.post else 'void'}"

    @activity.defn(name=TRANSFER.submit_list.name)
    async def submit_list(self, data: TransferSideInput) -> Submitted:
        self.filing.set()
        await self.go.wait()
        self.lists.append(data)
        return Submitted(file_name=f"INV101__{data.draft.transfer_no}-{data.side}.xml", again=False)


@contextlib.asynccontextmanager
async def worker(
    dev_server: WorkflowEnvironment, workflow: type, activities: Sequence[Callable[..., Any]]
) -> AsyncIterator[str]:
    """A worker with the stand-ins on a task queue of its own; its task queue."""
    task_queue = f"stand-ins-{uuid.uuid4().hex[:8]}"
    async with Worker(
        dev_server.client, task_queue=task_queue, workflows=[workflow], activities=activities
    ):
        yield task_queue


# --- receipts as customs sends them -----------------------------------------------------


def receipt(
    receipt_id: int, message_type: MessageType, result: str | None, **facts: Any
) -> ReceiptSignal:
    """Customs' receipt number ``receipt_id``, sent ``receipt_id`` minutes into the day."""
    return ReceiptSignal(
        receipt_id=receipt_id,
        message_type=message_type,
        result=result,
        business_time=CUSTOMS_DAY + dt.timedelta(minutes=receipt_id),
        **facts,
    )


def review_and_release(inner_no: str) -> list[ReceiptSignal]:
    """The list stored, its declaration generated, the list approved, then released."""
    numbers = {"inner_no": inner_no, "pre_entry_no": "I20260000000001"}
    return [
        receipt(1, MessageType.INV201, "Y", change_count=0, **numbers),
        receipt(2, MessageType.INV202, "1", declaration_seq_no="200000000000000001", **numbers),
        receipt(
            3,
            MessageType.INV201,
            ReviewResult.APPROVED,
            change_count=0,
            list_no="QD960126I000001",
            **numbers,
        ),
        receipt(
            4,
            MessageType.DEC_RESULT,
            DeclarationChannel.RELEASED,
            inner_no=inner_no,
            declaration_seq_no="200000000000000001",
            entry_id="960120261000000001",
        ),
    ]


def gate_and_book(draft: EntryDraft) -> list[ReceiptSignal]:
    """The gate pass approved, the vehicle through the gate at the declared weight,
    the list posted on customs' book."""
    inner_no = f"{draft.inner_no}-GP"
    weight = declared_gross_weight(draft.vehicle, draft.lines)
    return [
        receipt(5, MessageType.SAS221, ReviewResult.APPROVED, inner_no=inner_no, pass_no="P1"),
        receipt(
            6, MessageType.SAS223, "1", inner_no=inner_no, pass_no="P1", measured_weight=weight
        ),
        receipt(7, MessageType.INV211, "1", inner_no=draft.inner_no, list_no="QD960126I000001"),
    ]


Delivery = Callable[[list[ReceiptSignal]], list[ReceiptSignal]]


def once_in_order(receipts: list[ReceiptSignal]) -> list[ReceiptSignal]:
    return receipts


def twice_newest_first(receipts: list[ReceiptSignal]) -> list[ReceiptSignal]:
    """As a watcher that kept crashing would: the latest first, every receipt twice."""
    return [r for r in reversed(receipts) for _ in range(2)]


async def send(handle: WorkflowHandle[Any, Any], receipts: list[ReceiptSignal]) -> None:
    for signal in receipts:
        await handle.signal("receipt", signal)


# --- waiting and reading ----------------------------------------------------------------


async def status_of(handle: WorkflowHandle[Any, Any]) -> LifecycleStatus:
    status: LifecycleStatus = await handle.query("status", result_type=LifecycleStatus)
    return status


async def reach(handle: WorkflowHandle[Any, Any], stage: Stage) -> LifecycleStatus:
    """The status once the lifecycle is in ``stage`` (the status query, polled)."""
    for _ in range(600):
        status = await status_of(handle)
        if status.stage is stage:
            return status
        await asyncio.sleep(0.05)
    raise AssertionError(f"still {status.stage}: {[e.note for e in status.timeline]}")


def refusal(error: WorkflowUpdateFailedError) -> Refusal:
    """What a validator refused, read from the error's details (never from its text)."""
    cause = error.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == REFUSED
    (detail,) = cause.details
    return Refusal.model_validate(detail)


def what_happened(status: LifecycleStatus) -> Counter[tuple[str, Role, str]]:
    """The timeline without its times: who noted what, as often as it was noted."""
    return Counter((e.actor, e.role, e.note) for e in status.timeline)


# --- (a) receipts twice and out of order ------------------------------------------------


async def _entry_through(
    dev_server: WorkflowEnvironment, deliver: Delivery
) -> tuple[EntryResult, LifecycleStatus, EntryStandIns]:
    """One first-line entry from filing to the book, customs' receipts delivered as
    ``deliver`` orders them: its result, final status and the stand-ins' record."""
    stand_ins = EntryStandIns()
    draft = entry_draft("IN-STANDIN-1")
    async with worker(dev_server, FirstLineEntryWorkflow, stand_ins.activities()) as queue:
        handle = await dev_server.client.start_workflow(
            "FirstLineEntry",
            EntryInput(draft=draft),
            id=f"entry-{draft.inner_no}-{queue}",
            task_queue=queue,
            result_type=EntryResult,
        )
        await reach(handle, Stage.AWAITING_SIGN_OFF)
        await handle.execute_update("sign_off", LIAISON)
        await reach(handle, Stage.AWAITING_REVIEW)
        await send(handle, deliver(review_and_release(draft.inner_no)))
        await reach(handle, Stage.AWAITING_GATE)
        await send(handle, deliver(gate_and_book(draft)))
        result = await handle.result()
        return result, await status_of(handle), stand_ins


async def test_receipts_signalled_twice_and_out_of_order_end_as_single_deliveries(
    dev_server: WorkflowEnvironment,
) -> None:
    """Given two identical entries signed off, when customs' receipts reach one once
    each in customs' order and the other twice each, newest first (the approval before
    the stored receipt, the release before the approval, the posting before the gate),
    then both end completed with the same numbers, weight and timeline, each list and
    gate pass filed once and the reservation posted by exactly one call."""
    single, single_status, single_calls = await _entry_through(dev_server, once_in_order)
    repeated, repeated_status, repeated_calls = await _entry_through(dev_server, twice_newest_first)

    assert single.stage is repeated.stage is Stage.COMPLETED
    assert (single.list_no, single.pass_no) == (repeated.list_no, repeated.pass_no)
    assert (single.list_no, single.pass_no) == ("QD960126I000001", "P1")
    same_fields = {"workflow_id", "timeline"}
    assert single_status.model_dump(exclude=same_fields) == repeated_status.model_dump(
        exclude=same_fields
    )
    assert repeated_status.entry_id == "960120261000000001"
    assert repeated_status.measured_weight == declared_gross_weight(
        entry_draft("IN-STANDIN-1").vehicle, entry_draft("IN-STANDIN-1").lines
    )
    assert what_happened(single_status) == what_happened(repeated_status)
    # every receipt once on the timeline, however often it came
    customs_notes = [e.note for e in repeated_status.timeline if e.role is Role.CUSTOMS]
    assert customs_notes.count("INV201 1") == customs_notes.count("INV211 1") == 1
    for calls, result in ((single_calls, single), (repeated_calls, repeated)):
        assert [(f.change_count, f.delete) for f in calls.lists] == [(0, False)]
        assert len(calls.passes) == 1
        assert calls.postings(result.workflow_id) == [(f"{result.workflow_id}/reserve/c0", True)]
        assert result.posted_transaction == f"{result.workflow_id}/reserve/c0/post"


# --- (b) decisions refused as data ------------------------------------------------------


async def test_a_decision_in_the_wrong_role_or_stage_is_refused_with_its_reason_as_data(
    dev_server: WorkflowEnvironment,
) -> None:
    """Given an entry waiting for the liaison's sign-off, when the filer signs off, the
    liaison corrects the vehicle or records an inspection, and (once filed) anyone
    cancels, then each is refused with the field (role or stage) and the reason as
    the error's details, and none of them leaves a trace on the timeline."""
    stand_ins = EntryStandIns()
    draft = entry_draft("IN-STANDIN-2")
    async with worker(dev_server, FirstLineEntryWorkflow, stand_ins.activities()) as queue:
        handle = await dev_server.client.start_workflow(
            "FirstLineEntry",
            EntryInput(draft=draft),
            id=f"entry-{draft.inner_no}-{queue}",
            task_queue=queue,
        )
        before = await reach(handle, Stage.AWAITING_SIGN_OFF)

        with pytest.raises(WorkflowUpdateFailedError) as by_filer:
            await handle.execute_update(
                "sign_off", Decision(actor="filer-li", role=Role.FILER, reason="please")
            )
        assert refusal(by_filer.value) == Refusal(
            field="role", reason="only a liaison may sign off"
        )
        with pytest.raises(WorkflowUpdateFailedError) as by_liaison:
            await handle.execute_update(
                "correct_vehicle",
                VehicleCorrection(
                    actor="liaison-wang", role=Role.LIAISON, reason="换车", vehicle=draft.vehicle
                ),
            )
        assert refusal(by_liaison.value) == Refusal(
            field="role", reason="only a filer may correct the vehicle"
        )
        with pytest.raises(WorkflowUpdateFailedError) as too_early:
            await handle.execute_update(
                "record_inspection",
                InspectionResult(actor="liaison-wang", role=Role.LIAISON, passed=True, reason="ok"),
            )
        assert refusal(too_early.value) == Refusal(
            field="stage",
            reason="cannot record an inspection while awaiting_sign_off"
            " (waiting for liaison sign-off)",
        )
        unchanged = await status_of(handle)
        assert unchanged.stage is Stage.AWAITING_SIGN_OFF
        assert unchanged.timeline == before.timeline

        await handle.execute_update("sign_off", LIAISON)
        await reach(handle, Stage.AWAITING_REVIEW)
        with pytest.raises(WorkflowUpdateFailedError) as filed:
            await handle.execute_update("cancel", FILER)
        assert refusal(filed.value) == Refusal(
            field="stage",
            reason="cannot cancel while awaiting_review (waiting for customs review of the list)",
        )
        after = await status_of(handle)
        assert after.stage is Stage.AWAITING_REVIEW
        assert FILER.reason not in [e.note for e in after.timeline]
        assert stand_ins.resolved == []  # nothing voided: the entry goes on
        await handle.terminate("the test is over")


# --- (c) what a transfer's cancellation files -------------------------------------------


async def _start_transfer(
    dev_server: WorkflowEnvironment, queue: str, number: str
) -> WorkflowHandle[Any, EntryResult]:
    return await dev_server.client.start_workflow(
        "Transfer",
        TransferInput(draft=transfer(number)),
        id=f"transfer-{number}-{queue}",
        task_queue=queue,
        result_type=EntryResult,
    )


async def test_a_transfer_cancelled_before_sign_off_files_nothing(
    dev_server: WorkflowEnvironment,
) -> None:
    """Given a transfer that fits both books, waiting for the liaison's sign-off, when
    the filer cancels it, then it ends cancelled with nothing reserved, filed or
    posted, and the filer's reason is the last word on the timeline."""
    stand_ins = TransferStandIns()
    async with worker(dev_server, TransferWorkflow, stand_ins.activities()) as queue:
        handle = await _start_transfer(dev_server, queue, "TR-STANDIN-1")
        await reach(handle, Stage.AWAITING_SIGN_OFF)

        await handle.execute_update("cancel", FILER)
        result = await handle.result()
        final = await status_of(handle)

    assert result.stage is Stage.CANCELLED
    assert result.posted_transaction is None
    assert stand_ins.reserved == []
    assert stand_ins.lists == []
    assert not stand_ins.filing.is_set()  # customs never heard of it
    assert stand_ins.resolved == []
    assert (final.timeline[-1].actor, final.timeline[-1].note) == ("filer-li", "买方取消")


async def test_after_sign_off_a_transfer_cannot_be_cancelled_and_goes_on_to_post(
    dev_server: WorkflowEnvironment,
) -> None:
    """Given the liaison signed off and the out list is being filed, when the filer or
    the liaison asks to cancel (then again once the list is with customs), then each is
    refused with the stage as data, and the transfer files both lists once and posts
    its reservation once, with no deletion filed."""
    stand_ins = TransferStandIns()
    stand_ins.go.clear()
    number = "TR-STANDIN-2"
    async with worker(dev_server, TransferWorkflow, stand_ins.activities()) as queue:
        handle = await _start_transfer(dev_server, queue, number)
        await reach(handle, Stage.AWAITING_SIGN_OFF)
        await handle.execute_update("sign_off", LIAISON)
        await stand_ins.filing.wait()
        assert (await status_of(handle)).stage is Stage.DECLARING

        for who in (FILER, LIAISON.model_copy(update={"reason": "撤回"})):
            with pytest.raises(WorkflowUpdateFailedError) as declaring:
                await handle.execute_update("cancel", who)
            assert refusal(declaring.value) == Refusal(
                field="stage", reason="cannot cancel while declaring (waiting for filing the lists)"
            )
        stand_ins.go.set()
        await reach(handle, Stage.AWAITING_REVIEW)
        with pytest.raises(WorkflowUpdateFailedError) as reviewing:
            await handle.execute_update("cancel", FILER)
        assert refusal(reviewing.value).field == "stage"

        out_no, in_no = transfer_inner_no(number, "out"), transfer_inner_no(number, "in")
        await send(
            handle,
            [receipt(1, MessageType.INV201, "1", inner_no=out_no, change_count=0, list_no="QO1")],
        )
        for _ in range(600):
            if len(stand_ins.lists) == 2:
                break
            await asyncio.sleep(0.05)
        await send(
            handle,
            [receipt(2, MessageType.INV201, "1", inner_no=in_no, change_count=0, list_no="QI1")],
        )
        result = await handle.result()
        final = await status_of(handle)

    assert result.stage is Stage.COMPLETED
    assert [(f.side, f.delete, f.related_list_no) for f in stand_ins.lists] == [
        ("out", False, None),
        ("in", False, "QO1"),
    ]
    assert len(stand_ins.reserved) == 1
    assert [(r.reservation_client_id, r.post) for r in stand_ins.resolved] == [
        (f"{result.workflow_id}/reserve", True)
    ]
    notes = [entry.note for entry in final.timeline]
    assert "买方取消" not in notes
    assert "撤回" not in notes
