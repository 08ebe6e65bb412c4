"""Receipts on their way to their lifecycles: the undelivered ones (still being retried,
or parked after the retry bound) and the decisions on them.

Liaison staff and admins read every enterprise's receipts here (the list spans the
zone, like the work queue's escalations); filers and auditors are refused (403) and
read a lifecycle's receipts, with their delivery, under ``/lifecycles/{id}/documents``.

Who acts:

- **redeliver** (back to pending, due at once, attempts reset): liaison staff and
  admins. A liaison may, because it is harmless: a workflow keeps receipts by id,
  so a receipt it already has changes nothing; and it is the liaison who sees the
  lifecycle waiting for customs' answer once Temporal is back.
- **dismiss** (never to be delivered, with the reason): admins only. It decides that
  a customs answer need not reach its lifecycle.

Only a pending or parked receipt is redelivered or dismissed: any other is refused
with 409 naming ``state``; a blank reason is refused with 422 naming ``reason``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query
from starlette.concurrency import run_in_threadpool

from access import Principal
from adapters.xml.labels import receipt_content
from api.dependencies import Admin, CurrentPrincipal, ServicesDep, forbidden
from api.pagination import Page, Paging
from api.receipts.schemas import DismissIn, RedeliverIn
from schemas.access import UserRole
from schemas.customs import UNDELIVERED, DeliveryState, ReceiptContent, ReceiptDelivery
from schemas.wording import with_article

router = APIRouter(prefix="/receipts", tags=["receipts"])
ReceiptId = Annotated[int, Path(ge=1, le=2**62, description="the receipt's id")]


async def _liaison_or_admin(principal: CurrentPrincipal) -> Principal:
    if principal.role not in (UserRole.LIAISON, UserRole.ADMIN):
        raise forbidden(
            "receipt deliveries span every enterprise: liaison staff and admins see them,"
            f" not {with_article(principal.role)}"
        )
    return principal


LiaisonOrAdmin = Annotated[Principal, Depends(_liaison_or_admin)]


@router.get("", response_model=Page[ReceiptDelivery])
def list_deliveries(
    principal: LiaisonOrAdmin,
    services: ServicesDep,
    paging: Paging,
    state: Annotated[
        list[DeliveryState] | None,
        Query(description="repeat for several; default: the undelivered (pending and parked)"),
    ] = None,
) -> Page[ReceiptDelivery]:
    """Receipts in these delivery states, in arrival order, each with its document and
    its delivery: attempts, the last error, the next attempt (pending) or who decided
    what (dismissed, redelivered)."""
    items, total = services.records.deliveries.page(
        tuple(state) if state else UNDELIVERED, paging.limit, paging.offset
    )
    return Page[ReceiptDelivery](items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/{receipt_id}", response_model=ReceiptDelivery)
def get_delivery(
    receipt_id: ReceiptId, principal: LiaisonOrAdmin, services: ServicesDep
) -> ReceiptDelivery:
    """One receipt, its document and its delivery."""
    return services.records.deliveries.get(receipt_id)


@router.get("/{receipt_id}/fields", response_model=ReceiptContent)
def get_fields(
    receipt_id: ReceiptId, principal: LiaisonOrAdmin, services: ServicesDep
) -> ReceiptContent:
    """Every field of the receipt as customs sent it, each with its Chinese name."""
    return receipt_content(receipt_id, services.records.receipt_payload(receipt_id))


@router.post("/{receipt_id}/redeliver", response_model=ReceiptDelivery)
async def redeliver(
    receipt_id: ReceiptId,
    principal: LiaisonOrAdmin,
    services: ServicesDep,
    body: Annotated[RedeliverIn | None, Body()] = None,
) -> ReceiptDelivery:
    """Send a pending or parked receipt back to pending, due at once, its attempts reset
    (liaison staff and admins; see the module's note on why a liaison may). The
    watcher delivers it on its next pass."""
    reason = body.reason if body is not None else None
    return await run_in_threadpool(
        services.records.deliveries.redeliver, receipt_id, principal.name, reason
    )


@router.post("/{receipt_id}/dismiss", response_model=ReceiptDelivery)
async def dismiss(
    receipt_id: ReceiptId, body: DismissIn, principal: Admin, services: ServicesDep
) -> ReceiptDelivery:
    """Decide that a pending or parked receipt will never be delivered (admins only):
    the reason and the admin are kept, and the watcher never tries it again."""
    return await run_in_threadpool(
        services.records.deliveries.dismiss, receipt_id, principal.name, body.reason
    )
