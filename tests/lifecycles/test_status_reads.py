"""A lifecycle's status read: answered from memory for at most the API's status max
age, then asked of the workflow again; with no max age, asked every time."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from temporalio.client import Client

from access import Principal
from adapters.db.engine import Database
from adapters.db.models import LifecycleRow
from lifecycles.service import LifecycleService, Unavailable
from masterdata import MasterData
from schemas.access import UserRole
from schemas.errors import NotFound
from schemas.lifecycle import Lifecycle, LifecycleStatus, Stage
from tests.support.clocks import HandTimer

pytestmark = pytest.mark.asyncio(loop_scope="session")

WORKFLOW = "entry-IN-1"


def _status(stage: Stage) -> LifecycleStatus:
    return LifecycleStatus(
        workflow_id=WORKFLOW,
        lifecycle=Lifecycle.FIRST_LINE_ENTRY,
        stage=stage,
        next_step="",
        waiting_for=None,
        change_count=0,
        escalated=False,
        pre_entry_no=None,
        list_no=None,
        pass_no=None,
        declaration_seq_no=None,
        entry_id=None,
        cif_cny=Decimal("0.00"),
        late_fee=None,
        measured_weight=None,
        timeline=(),
    )


class Workflow:
    """Stands in for the workflow's status query: answers its current stage, counts."""

    def __init__(self) -> None:
        self.stage = Stage.AWAITING_SIGN_OFF
        self.asked = 0

    async def __call__(self, workflow_id: str) -> LifecycleStatus:
        self.asked += 1
        return _status(self.stage)


def _service(
    db: Database, max_age: float, clock: HandTimer, workflow: Workflow
) -> LifecycleService:
    async def no_temporal() -> Client:
        raise AssertionError("the stand-in answers; Temporal is not asked")

    service = LifecycleService(
        db, MasterData(db), no_temporal, "q", status_max_age_seconds=max_age, timer=clock
    )
    service.query = workflow  # type: ignore[method-assign]
    return service


async def test_a_status_is_answered_from_memory_within_its_max_age(db: Database) -> None:
    """Given a status read at t=0 with a 1 s max age, when it is read again at 0.9 s
    after the workflow moved on, then the first answer (and its read_at) comes back;
    at 1 s the workflow is asked again and the new stage shows."""
    clock, workflow = HandTimer(), Workflow()
    service = _service(db, 1.0, clock, workflow)
    first = await service.status(WORKFLOW)
    workflow.stage = Stage.AWAITING_REVIEW
    clock.now = 0.9
    again = await service.status(WORKFLOW)
    assert again == first
    assert workflow.asked == 1
    clock.now = 1.0
    fresh = await service.status(WORKFLOW)
    assert fresh.status.stage is Stage.AWAITING_REVIEW
    assert workflow.asked == 2
    assert fresh.read_at >= first.read_at


async def test_without_a_max_age_every_read_asks_the_workflow(db: Database) -> None:
    clock, workflow = HandTimer(), Workflow()
    service = _service(db, 0.0, clock, workflow)
    await service.status(WORKFLOW)
    workflow.stage = Stage.AWAITING_REVIEW
    assert (await service.status(WORKFLOW)).status.stage is Stage.AWAITING_REVIEW
    assert workflow.asked == 2


class SlowWorkflow(Workflow):
    """Answers only when released, so several readers arrive while one query runs."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    async def __call__(self, workflow_id: str) -> LifecycleStatus:
        self.asked += 1
        await self.release.wait()
        return _status(self.stage)


async def test_readers_arriving_while_the_workflow_is_asked_share_its_answer(
    db: Database,
) -> None:
    """Given a status no longer in memory, when ten readers ask at once, then the
    workflow is asked once and all ten get its answer."""
    clock, workflow = HandTimer(), SlowWorkflow()
    service = _service(db, 1.0, clock, workflow)
    readers = [asyncio.create_task(service.status(WORKFLOW)) for _ in range(10)]
    await asyncio.sleep(0)
    workflow.release.set()
    reads = await asyncio.gather(*readers)
    assert workflow.asked == 1
    assert {read.status.stage for read in reads} == {Stage.AWAITING_SIGN_OFF}


class FailingWorkflow(Workflow):
    async def __call__(self, workflow_id: str) -> LifecycleStatus:
        self.asked += 1
        await asyncio.sleep(0)
        raise Unavailable(f"Temporal did not answer for {workflow_id}")


async def test_a_failed_query_fails_every_reader_that_shared_it_and_is_not_kept(
    db: Database,
) -> None:
    clock, workflow = HandTimer(), FailingWorkflow()
    service = _service(db, 1.0, clock, workflow)
    reads = await asyncio.gather(
        *(service.status(WORKFLOW) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(read, Unavailable) for read in reads)
    assert workflow.asked == 1
    with pytest.raises(Unavailable):
        await service.status(WORKFLOW)
    assert workflow.asked == 2  # the failure was not remembered


def _filed_row(db: Database) -> None:
    with db.transaction() as session:
        session.add(
            LifecycleRow(
                workflow_id=WORKFLOW,
                lifecycle=Lifecycle.FIRST_LINE_ENTRY.value,
                business_no="IN-1",
                enterprise_code="6301A00001",
                book_no="H96001234567",
                partner_code=None,
                partner_book_no=None,
                filed_by="filer-li",
                started_at=dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC),
            )
        )


async def test_a_lifecycle_read_once_is_answered_from_memory_within_each_readers_scope(
    db: Database,
) -> None:
    """Given a lifecycle read once, when it is asked for again, then memory answers it
    (its row never changes after filing), still only to readers whose scope holds it."""
    _filed_row(db)
    service = _service(db, 1.0, HandTimer(), Workflow())
    owner = Principal(1, "filer-li", UserRole.FILER, frozenset({"6301A00001"}))
    stranger = Principal(2, "filer-wang", UserRole.FILER, frozenset({"6301A00002"}))
    assert service.remembered_row(owner, WORKFLOW) is None  # never read yet
    first = service.row(owner, WORKFLOW)
    assert service.remembered_row(owner, WORKFLOW) == first
    with pytest.raises(NotFound):
        service.remembered_row(stranger, WORKFLOW)
    with pytest.raises(NotFound):
        service.row(stranger, WORKFLOW)
    with pytest.raises(NotFound):
        service.row(owner, "entry-never-filed")
