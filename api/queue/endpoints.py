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
from lifecycles.service import LifecycleView
from schemas.access import UserRole
from schemas.identifiers import BookNo, CustomsCode
from schemas.lifecycle import Lifecycle, LifecycleStatus, Role, Stage

router = APIRouter(prefix="/queue", tags=["work queue"])


class QueueItem(BaseModel):
    workflow_id: str
    lifecycle: Lifecycle
    business_no: str
    enterprise_code: str
    book_no: str
    stage: Stage
    next_step: str
    escalated: bool
    # The declaration deadline (entries), by which the late fee starts: first in line.
    due: dt.date | None
    waiting_since: dt.datetime
    actions: tuple[str, ...]


def _item(row_view: LifecycleView, status: LifecycleStatus) -> QueueItem:
    since = status.timeline[-1].at if status.timeline else row_view.started_at
    return QueueItem(
        workflow_id=row_view.workflow_id,
        lifecycle=row_view.lifecycle,
        business_no=row_view.business_no,
        enterprise_code=row_view.enterprise_code,
        book_no=row_view.book_no,
        stage=status.stage,
        next_step=status.next_step,
        escalated=status.escalated,
        due=status.late_fee.deadline if status.late_fee else None,
        waiting_since=since,
        actions=tuple(action.path for action in KINDS[row_view.lifecycle].offered(status.stage)),
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
    found = await services.lifecycles.waiting(principal, role, lifecycle)
    items = [
        _item(row, status)
        for row, status in found
        if (stage is None or status.stage is stage)
        and (escalated is None or status.escalated is escalated)
        and (enterprise is None or enterprise in (row.enterprise_code, row.partner_code))
        and (book_no is None or book_no in (row.book_no, row.partner_book_no))
    ]
    items.sort(key=lambda i: (i.due is None, i.due or dt.date.max, i.waiting_since))
    return page_of(items, paging)
