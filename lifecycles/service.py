"""File a lifecycle, read its status, act on it: every call checks who may.

Rules of access (the API's promise to tenants):
- a filer sees and acts only on lifecycles of its own enterprise (the book's owner,
  or for a transfer either side); another enterprise's lifecycle is "not found",
  exactly like a missing one;
- liaison staff see and act on all; auditors and admins see (all or their
  enterprises) and never act (the dependencies refuse them before this service).
The workflows themselves check the role and stage of every decision.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError

from access import Principal
from adapters.db.engine import Database
from adapters.db.models import LifecycleRow
from lifecycles import repository
from lifecycles.kinds import KINDS
from masterdata import MasterData
from schemas.errors import BondflowError, Conflict, NotFound
from schemas.lifecycle import REFUSED, Lifecycle, LifecycleStatus, Refusal, Role
from schemas.wording import with_article

TEMPORAL_TIMEOUT = 10.0  # seconds: a status read or a decision never hangs the API


class Unavailable(BondflowError):
    code = "temporal_unavailable"
    status = 503


class Refused(BondflowError):
    """A decision the workflow refused: the wrong role (403) or stage (409)."""

    code = "refused"
    status = 409


class LifecycleView(BaseModel):
    workflow_id: str
    lifecycle: Lifecycle
    business_no: str
    enterprise_code: str
    book_no: str
    partner_code: str | None
    partner_book_no: str | None
    filed_by: str
    started_at: dt.datetime


def view_of(row: LifecycleRow) -> LifecycleView:
    return LifecycleView(
        workflow_id=row.workflow_id,
        lifecycle=Lifecycle(row.lifecycle),
        business_no=row.business_no,
        enterprise_code=row.enterprise_code,
        book_no=row.book_no,
        partner_code=row.partner_code,
        partner_book_no=row.partner_book_no,
        filed_by=row.filed_by,
        started_at=row.started_at,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LifecycleService:
    def __init__(
        self,
        database: Database,
        masterdata: MasterData,
        temporal: Callable[[], Awaitable[Client]],
        task_queue: str,
    ) -> None:
        self.db = database
        self.masterdata = masterdata
        self.temporal = temporal
        self.task_queue = task_queue

    # --- filing -----------------------------------------------------------------------

    async def file(self, principal: Principal, lifecycle: Lifecycle, draft: Any) -> LifecycleView:
        """Record whose it is, then start its workflow; a failed start leaves no row."""
        kind = KINDS[lifecycle]
        draft = draft.model_copy(update={"filed_by": principal.name})
        # Refusals name the draft's fields (the filing route's body is the draft).
        book_no, partner_book_no = kind.books(draft)
        book_field, partner_field = kind.book_fields(draft)
        owner = await run_in_threadpool(self._owner, principal, book_no, book_field)
        partner = None
        if partner_book_no is not None and partner_field is not None:
            partner = await run_in_threadpool(self._owner, None, partner_book_no, partner_field)
        row = LifecycleRow(
            workflow_id=kind.workflow_id(draft),
            lifecycle=lifecycle.value,
            business_no=kind.number(draft),
            enterprise_code=owner,
            book_no=book_no,
            partner_code=partner,
            partner_book_no=partner_book_no,
            filed_by=principal.name,
            started_at=_now(),
        )
        await run_in_threadpool(self._insert, row, kind.number_field(draft))
        try:
            client = await self._client()
            await asyncio.wait_for(
                client.start_workflow(
                    kind.workflow,
                    kind.start_input(draft),
                    id=row.workflow_id,
                    task_queue=self.task_queue,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                ),
                TEMPORAL_TIMEOUT,
            )
        except WorkflowAlreadyStartedError:
            # Started by an earlier attempt whose answer was lost (its row was removed
            # then): the same kind on our task queue is that one; anything else is not.
            if not await self._ours(client, row.workflow_id, kind.workflow):
                await run_in_threadpool(self._delete, row.workflow_id)
                raise Conflict(
                    f"a workflow {row.workflow_id} exists in Temporal that bondflow did not"
                    " file here",
                    field=kind.number_field(draft),
                ) from None
        except (RPCError, TimeoutError, OSError, RuntimeError) as error:
            await run_in_threadpool(self._delete, row.workflow_id)
            raise Unavailable(f"Temporal did not start the lifecycle: {error}") from error
        return view_of(row)

    async def _ours(self, client: Client, workflow_id: str, workflow_type: str) -> bool:
        described = await client.get_workflow_handle(workflow_id).describe()
        return described.workflow_type == workflow_type and described.task_queue == self.task_queue

    def _owner(self, principal: Principal | None, book_no: str, field: str) -> str:
        """The book's owner; a book outside the filer's scope is "not found" too."""
        try:
            owner = self.masterdata.owner_of(book_no).customs_code
        except NotFound:
            raise NotFound(f"no account book {book_no}", field=field) from None
        if principal is not None and not principal.may_see(owner):
            raise NotFound(f"no account book {book_no}", field=field)
        return owner

    def _insert(self, row: LifecycleRow, number_field: str) -> None:
        """Record the lifecycle; the same number twice (even from two requests at
        once: the unique constraint decides) is a conflict."""
        try:
            with self.db.transaction() as session:
                session.add(row)
        except IntegrityError:
            lifecycle = Lifecycle(row.lifecycle).value.replace("_", " ")
            raise Conflict(
                f"{with_article(lifecycle)} numbered {row.business_no} is already filed",
                field=number_field,
            ) from None

    def _delete(self, workflow_id: str) -> None:
        with self.db.transaction() as session:
            row = repository.get(session, workflow_id)
            if row is not None:
                session.delete(row)

    # --- reading ----------------------------------------------------------------------

    def row(self, principal: Principal, workflow_id: str) -> LifecycleView:
        """The lifecycle if the principal may see it; else "not found", as if missing."""
        with self.db.transaction() as session:
            row = repository.get(session, workflow_id)
            if row is None or not principal.may_see(row.enterprise_code, row.partner_code):
                raise NotFound(f"no lifecycle {workflow_id}", field="workflow_id")
            return view_of(row)

    def page(
        self, principal: Principal, lifecycle: Lifecycle | None, limit: int, offset: int
    ) -> tuple[list[LifecycleView], int]:
        with self.db.transaction() as session:
            rows, total = repository.page(
                session,
                principal.enterprises,
                lifecycle.value if lifecycle else None,
                limit,
                offset,
            )
            return [view_of(r) for r in rows], total

    def in_scope(self, principal: Principal) -> Sequence[LifecycleView]:
        with self.db.transaction() as session:
            return [view_of(r) for r in repository.all_in_scope(session, principal.enterprises)]

    async def status(self, principal: Principal, workflow_id: str) -> LifecycleStatus:
        await run_in_threadpool(self.row, principal, workflow_id)
        return await self.query(workflow_id)

    async def query(self, workflow_id: str) -> LifecycleStatus:
        client = await self._client()
        try:
            status: LifecycleStatus = await asyncio.wait_for(
                client.get_workflow_handle(workflow_id).query(
                    "status", result_type=LifecycleStatus
                ),
                TEMPORAL_TIMEOUT,
            )
        except (RPCError, TimeoutError) as error:
            raise Unavailable(f"Temporal did not answer for {workflow_id}: {error}") from error
        return status

    async def waiting(
        self, principal: Principal, role: Role, lifecycle: Lifecycle | None = None
    ) -> list[tuple[LifecycleView, LifecycleStatus]]:
        """The running lifecycles in scope that wait for someone of ``role`` (for the
        liaison this includes what customs was escalated on), with their status."""
        client = await self._client()
        running: set[str] = set()
        try:
            async for execution in client.list_workflows("ExecutionStatus = 'Running'"):
                running.add(execution.id)
        except RPCError as error:
            raise Unavailable(f"Temporal did not list the running lifecycles: {error}") from error
        rows = [
            row
            for row in await run_in_threadpool(self.in_scope, principal)
            if row.workflow_id in running and (lifecycle is None or row.lifecycle is lifecycle)
        ]
        limit = asyncio.Semaphore(16)

        async def status_of(row: LifecycleView) -> tuple[LifecycleView, LifecycleStatus | None]:
            async with limit:
                try:
                    return row, await self.query(row.workflow_id)
                except Unavailable:
                    return row, None  # finished meanwhile, or not yet started: not waiting

        found = await asyncio.gather(*(status_of(row) for row in rows))
        return [(row, status) for row, status in found if status and status.waiting_for is role]

    # --- acting -----------------------------------------------------------------------

    async def act(
        self, principal: Principal, workflow_id: str, update: str, decision: BaseModel
    ) -> LifecycleStatus:
        """Send a decision as a Temporal update; the workflow's refusal comes back as
        a problem naming the field and the reason."""
        await run_in_threadpool(self.row, principal, workflow_id)
        client = await self._client()
        try:
            status: LifecycleStatus = await asyncio.wait_for(
                client.get_workflow_handle(workflow_id).execute_update(
                    update, decision, result_type=LifecycleStatus
                ),
                TEMPORAL_TIMEOUT,
            )
        except WorkflowUpdateFailedError as error:
            raise _refusal(error) from None
        except (RPCError, TimeoutError) as error:
            raise Unavailable(f"Temporal did not take the decision: {error}") from error
        return status

    async def _client(self) -> Client:
        try:
            return await asyncio.wait_for(self.temporal(), TEMPORAL_TIMEOUT)
        except (RPCError, TimeoutError, OSError, RuntimeError) as error:
            raise Unavailable(f"Temporal is not reachable: {error}") from error


def _refusal(error: WorkflowUpdateFailedError) -> Refused:
    """The workflow's refusal as a problem, read from data only: an ApplicationError of
    type ``Refused`` carries ``Refusal{field, reason}`` in its details, the field named
    relative to the update's payload (the body the caller sent plus ``role``), passed
    through as it is. Anything else that fails an update (the SDK refusing a payload it
    cannot decode, a fault) has no field of ours: it names the body, with its message."""
    cause = error.cause
    refusal = _refusal_of(cause) if isinstance(cause, ApplicationError) else None
    if refusal is None:
        message = cause.message if isinstance(cause, ApplicationError) else str(cause or error)
        refusal = Refusal(field="body", reason=message)
    refused = Refused(refusal.reason, field=refusal.field)
    if refusal.field == "role":
        refused.status = 403
    if refusal.field == "stage":
        refused.code = "wrong_stage"
    return refused


def _refusal_of(error: ApplicationError) -> Refusal | None:
    if error.type != REFUSED:
        return None
    for detail in error.details:
        try:
            return Refusal.model_validate(detail)
        except ValidationError:
            continue
    return None
