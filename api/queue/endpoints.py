"""The work queue: everything waiting for a person, most urgent first.

Liaison staff see what waits for the liaison (sign-offs, inspections, weight
mismatches, norm deviations, and what customs has not answered in time); a filer
sees what waits for its enterprise's filer (corrections, payments, returned gate
passes). Auditors and admins may read either by asking for ``waiting_for``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.dependencies import CurrentPrincipal, ServicesDep
from api.pagination import Page, Paging, page_of
from lifecycles.kinds import KINDS
from lifecycles.service import QueueFilter, Waiting
from schemas.access import UserRole
from schemas.identifiers import BookNo, CustomsCode
from schemas.lifecycle import Lifecycle, NextStep, Role, Stage

router = APIRouter(prefix="/queue", tags=["work queue"])


class QueueItem(BaseModel):
    workflow_id: str
    lifecycle: Lifecycle
    business_no: str
    enterprise_code: str
    book_no: str
    stage: Stage
    next_step: str
    next_step_code: NextStep
    escalated: bool
    # The declaration deadline (entries), by which the late fee starts: first in line.
    due: dt.date | None
    waiting_since: dt.datetime
    actions: tuple[str, ...]


def queue_item(waiting: Waiting) -> QueueItem:
    """A waiting lifecycle as the queue shows it, with the routes that act on it (the
    API's queue and the liaison's page both)."""
    row = waiting.row
    kind = KINDS[row.lifecycle]
    following = kind.next_step(waiting.stage, waiting.escalated)
    return QueueItem(
        workflow_id=row.workflow_id,
        lifecycle=row.lifecycle,
        business_no=row.business_no,
        enterprise_code=row.enterprise_code,
        book_no=row.book_no,
        stage=waiting.stage,
        next_step=following.words,
        next_step_code=following.step,
        escalated=waiting.escalated,
        due=waiting.due,
        waiting_since=waiting.waiting_since,
        actions=tuple(action.path for action in kind.offered(waiting.stage)),
    )


@router.get("", response_model=Page[QueueItem])
async def work_queue(
    principal: CurrentPrincipal,
    services: ServicesDep,
    paging: Paging,
    waiting_for: Annotated[
        Role | None, Query(description="liaison or filer; default: the caller's own role")
    ] = None,
    lifecycle: Annotated[Lifecycle | None, Query()] = None,
    stage: Annotated[Stage | None, Query()] = None,
    escalated: Annotated[bool | None, Query()] = None,
    enterprise: Annotated[CustomsCode | None, Query()] = None,
    book_no: Annotated[BookNo | None, Query()] = None,
) -> Page[QueueItem]:
    """Ordered by deadline (the earliest first; those without one after), then by how
    long each has waited."""
    role = waiting_for or (Role.FILER if principal.role is UserRole.FILER else Role.LIAISON)
    wanted = QueueFilter(role, lifecycle, stage, escalated, enterprise, book_no)
    waiting = await services.lifecycles.waiting(principal, wanted)
    return page_of([queue_item(each) for each in waiting], paging)
