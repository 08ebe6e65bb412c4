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
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError

from access import Principal
from adapters.cache import Expiring
from adapters.db.engine import Database
from adapters.db.models import LifecycleRow
from lifecycles import repository
from lifecycles.kinds import KINDS
from masterdata import MasterData
from observability.metrics import lifecycle_started
from schemas.errors import BondflowError, Conflict, NotFound
from schemas.lifecycle import REFUSED, Lifecycle, LifecycleStatus, Refusal, Role, Stage
from schemas.messages.fields import DOCUMENT_ZONE
from schemas.wording import with_article
from workflows import search

TEMPORAL_TIMEOUT = 10.0  # seconds: a status read or a decision never hangs the API


class Unavailable(BondflowError):
    code = "temporal_unavailable"
    status = 503


class Refused(BondflowError):
    """A decision the workflow refused: the wrong role (403) or stage (409)."""

    code = "refused"
    status = 409
    problems: tuple[dict[str, str], ...] = ()


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


# How long a lifecycle's row stays in memory: its columns never change after filing.
ROW_MEMORY_SECONDS = 3600.0


def _visible(principal: Principal, workflow_id: str, view: LifecycleView | None) -> LifecycleView:
    if view is None or not principal.may_see(view.enterprise_code, view.partner_code):
        raise NotFound(f"no lifecycle {workflow_id}", field="workflow_id")
    return view


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


@dataclass(frozen=True)
class QueueFilter:
    """What the work queue asks for: whom it waits for, and optional filters."""

    role: Role
    lifecycle: Lifecycle | None = None
    stage: Stage | None = None
    escalated: bool | None = None
    enterprise: str | None = None  # either side of a transfer
    book_no: str | None = None  # either side of a transfer

    def query(self) -> str:
        """The visibility query: what the search attributes can answer. Escalated
        false is left to ``Waiting`` (a lifecycle that never upserted it has none);
        a book is narrowed here except for transfers (BOOK is the giving side's)."""
        clauses = [
            "ExecutionStatus = 'Running'",
            _equals(search.WAITING_FOR.name, self.role.value),
        ]
        if self.lifecycle is not None:
            clauses.append(_equals(search.LIFECYCLE.name, self.lifecycle.value))
        if self.stage is not None:
            clauses.append(_equals(search.STATUS.name, self.stage.value))
        if self.escalated:
            clauses.append(f"{search.ESCALATED.name} = true")
        if self.book_no is not None:
            clauses.append(
                f"({_equals(search.BOOK.name, self.book_no)}"
                f" OR {_equals(search.LIFECYCLE.name, Lifecycle.TRANSFER.value)})"
            )
        return " AND ".join(clauses)


def _equals(attribute: str, value: str) -> str:
    quoted = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"{attribute} = '{quoted}'"


@dataclass(frozen=True)
class Waiting:
    """A lifecycle in the queue: its row and what visibility says of its wait."""

    stage: Stage
    escalated: bool
    due: dt.date | None  # the declaration deadline (first-line entries)
    since: dt.datetime | None  # the last stage change
    lifecycle: LifecycleView | None = None

    @classmethod
    def of(cls, attributes: TypedSearchAttributes) -> Waiting:
        due = attributes.get(search.DUE)
        return cls(
            stage=Stage(attributes.get(search.STATUS) or Stage.VALIDATING.value),
            escalated=bool(attributes.get(search.ESCALATED)),
            due=due.astimezone(DOCUMENT_ZONE).date() if due else None,
            since=attributes.get(search.STAGE_SINCE),
        )

    def about(self, row: LifecycleView) -> Waiting:
        return replace(self, lifecycle=row)

    @property
    def row(self) -> LifecycleView:
        assert self.lifecycle is not None
        return self.lifecycle

    @property
    def waiting_since(self) -> dt.datetime:
        """Since the last stage change; since the start where visibility has none."""
        return self.since or self.row.started_at

    def queue_order(self) -> tuple[bool, dt.date, dt.datetime]:
        """Earliest declaration deadline first, those without one after, then the
        longest waiting: the order of the work queue everywhere it is shown."""
        return (self.due is None, self.due or dt.date.max, self.waiting_since)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StatusRead(BaseModel):
    """A lifecycle's status and when its workflow gave it."""

    status: LifecycleStatus
    read_at: dt.datetime


class LifecycleService:
    def __init__(
        self,
        database: Database,
        masterdata: MasterData,
        temporal: Callable[[], Awaitable[Client]],
        task_queue: str,
        *,
        status_max_age_seconds: float = 0.0,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = database
        self.masterdata = masterdata
        self.temporal = temporal
        self.task_queue = task_queue
        # Status reads answered from memory for at most this long (a Temporal query
        # each costs a round trip to the worker); a decision taken here replaces it.
        self._statuses: Expiring[str, StatusRead] = Expiring(status_max_age_seconds, timer=timer)
        # One query in flight per workflow: readers arriving while it runs share its
        # answer instead of each asking the worker again (the API's event loop only).
        self._asking: dict[str, asyncio.Future[StatusRead]] = {}
        # A lifecycle's row never changes once filed (whose it is, its number, when):
        # kept in memory (the most recent 10,000) so a status read costs no statement.
        self._rows: Expiring[str, LifecycleView] = Expiring(ROW_MEMORY_SECONDS, timer=timer)

    # --- filing -----------------------------------------------------------------------

    async def file(self, principal: Principal, lifecycle: Lifecycle, draft: Any) -> LifecycleView:
        """Record whose it is, then start its workflow; a failed start leaves no row."""
        kind = KINDS[lifecycle]
        draft = draft.model_copy(update={"filed_by": principal.name})
        # Refusals name the draft's fields (the filing route's body is the draft).
        book_no, partner_book_no = kind.books(draft)
        book_field, partner_field = kind.book_field, kind.partner_book_field
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
        await run_in_threadpool(self._insert, row, kind.number_field)
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
                    field=kind.number_field,
                ) from None
        except (RPCError, TimeoutError, OSError, RuntimeError) as error:
            await run_in_threadpool(self._delete, row.workflow_id)
            raise Unavailable(f"Temporal did not start the lifecycle: {error}") from error
        else:
            lifecycle_started(lifecycle.value)
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
        # After the delete: a read between a forget and the delete would keep it.
        self._rows.forget(workflow_id)

    # --- reading ----------------------------------------------------------------------

    def row(self, principal: Principal, workflow_id: str) -> LifecycleView:
        """The lifecycle if the principal may see it; else "not found", as if missing."""
        view = self._rows.get(workflow_id)
        if view is None:
            with self.db.reading() as session:
                found = repository.get(session, workflow_id)
                view = None if found is None else view_of(found)
            if view is not None:
                self._rows.put(workflow_id, view)
        return _visible(principal, workflow_id, view)

    def remembered_row(self, principal: Principal, workflow_id: str) -> LifecycleView | None:
        """The lifecycle from memory if it was read before (no statement: the API asks on
        its event loop), refused as "not found" if the principal may not see it; None:
        not in memory, read it with ``row``."""
        view = self._rows.get(workflow_id)
        return None if view is None else _visible(principal, workflow_id, view)

    def page(
        self, principal: Principal, lifecycle: Lifecycle | None, limit: int, offset: int
    ) -> tuple[list[LifecycleView], int]:
        with self.db.reading() as session:
            rows, total = repository.page(
                session,
                principal.enterprises,
                lifecycle.value if lifecycle else None,
                limit,
                offset,
            )
            return [view_of(r) for r in rows], total

    async def status(self, workflow_id: str) -> StatusRead:
        """The lifecycle's status as the workflow answered it at most
        ``status_max_age_seconds`` ago (the caller checks the principal's scope)."""
        known = self._statuses.get(workflow_id)
        if known is not None:
            return known
        asking = self._asking.get(workflow_id)
        if asking is not None:
            try:
                return await asyncio.shield(asking)
            except asyncio.CancelledError:
                if not asking.cancelled():
                    raise  # this reader was cancelled, not the query it waited for
            return await self.status(workflow_id)  # the asker went away: ask again
        asking = asyncio.get_running_loop().create_future()
        self._asking[workflow_id] = asking
        try:
            read = StatusRead(status=await self.query(workflow_id), read_at=_now())
        except asyncio.CancelledError:
            asking.cancel()
            raise
        except Exception as error:
            asking.set_exception(error)
            asking.exception()  # retrieved: no "never retrieved" warning when nobody shared it
            raise
        finally:
            del self._asking[workflow_id]
        self._statuses.put(workflow_id, read)
        asking.set_result(read)
        return read

    async def query(self, workflow_id: str) -> LifecycleStatus:
        """The lifecycle's status, asked of its workflow now."""
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

    async def draft(self, principal: Principal, workflow_id: str) -> BaseModel:
        """The lifecycle's draft as it stands, read as its own kind's model."""
        row = await run_in_threadpool(self.row, principal, workflow_id)
        model = KINDS[row.lifecycle].draft
        client = await self._client()
        try:
            draft: BaseModel | None = await asyncio.wait_for(
                client.get_workflow_handle(workflow_id).query("draft", result_type=model),
                TEMPORAL_TIMEOUT,
            )
        except (RPCError, TimeoutError) as error:
            raise Unavailable(f"Temporal did not answer for {workflow_id}: {error}") from error
        if draft is None:
            raise Conflict(f"{workflow_id} has no draft yet", field="workflow_id")
        return draft

    async def waiting(self, principal: Principal, wanted: QueueFilter) -> list[Waiting]:
        """The running lifecycles in scope that wait for someone of ``wanted.role``
        (for the liaison this includes what customs' silence escalated), from one
        visibility query on the queue's search attributes and one read of the
        lifecycles table (whose rows say what visibility cannot: both sides of a
        transfer), in the queue's order (``Waiting.queue_order``). Visibility is
        eventually consistent: a stage changed a moment ago may still show the one
        before."""
        client = await self._client()
        found: dict[str, Waiting] = {}
        try:
            async for execution in client.list_workflows(wanted.query(), page_size=1000):
                found[execution.id] = Waiting.of(execution.typed_search_attributes)
        except RPCError as error:
            raise Unavailable(f"Temporal did not list the waiting lifecycles: {error}") from error
        rows = await run_in_threadpool(self._among, principal, found, wanted)
        waiting = [
            found[row.workflow_id].about(row)
            for row in rows
            # The query asks only for escalated=true; false includes those never marked.
            if wanted.escalated is None or found[row.workflow_id].escalated is wanted.escalated
        ]
        return sorted(waiting, key=Waiting.queue_order)

    def _among(
        self, principal: Principal, workflow_ids: Collection[str], wanted: QueueFilter
    ) -> list[LifecycleView]:
        with self.db.reading() as session:
            rows = repository.among(
                session, workflow_ids, principal.enterprises, wanted.enterprise, wanted.book_no
            )
            return [view_of(row) for row in rows]

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
        self._statuses.put(workflow_id, StatusRead(status=status, read_at=_now()))
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
    refusals = _refusals_of(cause) if isinstance(cause, ApplicationError) else []
    if not refusals:
        message = cause.message if isinstance(cause, ApplicationError) else str(cause or error)
        refusals = [Refusal(field="body", reason=message)]
    refusal = refusals[0]
    refused = Refused(refusal.reason, field=refusal.field)
    # Every reason where there are several (a stocktake's counts): the problem's errors.
    refused.problems = tuple(r.model_dump() for r in refusals)
    if refusal.field == "role":
        refused.status = 403
    if refusal.field == "stage":
        refused.code = "wrong_stage"
    return refused


def _refusals_of(error: ApplicationError) -> list[Refusal]:
    if error.type != REFUSED:
        return []
    found = []
    for detail in error.details:
        try:
            found.append(Refusal.model_validate(detail))
        except ValidationError:
            continue
    return found
