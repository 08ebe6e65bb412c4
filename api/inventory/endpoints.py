"""Stock: the balances of stock positions, now or as of a business instant as known at a
record instant (api/instants.py), and a lot's movements.

Everyone reads the books in their scope: a filer its own enterprise's, a scoped
auditor its enterprises', liaison staff, admins and other auditors every book. A book
out of scope answers exactly as a missing one: 404 naming book_no. Listing without a
book lists only the books in scope.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.dependencies import CurrentPrincipal, ServicesDep
from api.instants import InstantsDep
from api.inventory.schemas import (
    BalanceLine,
    BalancePage,
    LotMovementPage,
    balance_line,
    movement_page,
)
from api.inventory.scope import books_in_scope, ensure_book_in_scope
from api.pagination import Paging
from ledger import UnknownReference
from schemas.codes import CustomsStatus
from schemas.errors import NotFound
from schemas.masterdata import BookNo, Code

router = APIRouter(prefix="/inventory", tags=["inventory"])

BookNoPath = Annotated[BookNo, Path(description="the account book (账册编号)")]
# A lot number may hold "/": the path takes the rest of the URL up to the route's end.
LotNoPath = Annotated[Code, Path(description="the lot (批次)")]
ItemNo = Annotated[int, Query(ge=1, le=2_147_483_647, description="备案序号")]


@router.get("/balances", response_model=BalancePage)
def list_balances(
    principal: CurrentPrincipal,
    services: ServicesDep,
    paging: Paging,
    at: InstantsDep,
    book_no: Annotated[BookNo | None, Query(description="one book; else every book in scope")] = (
        None
    ),
    item_no: ItemNo | None = None,
    lot_no: Annotated[Code | None, Query()] = None,
    location: Annotated[Code | None, Query(description="a location code, exactly")] = None,
    status: Annotated[CustomsStatus | None, Query(description="customs status")] = None,
) -> BalancePage:
    """Stock positions and their balances, by book, item, key, now or as of a business
    instant (`as_of`) as known at a record instant (`known_at`); positions opened later
    are not listed."""
    if book_no is not None:
        ensure_book_in_scope(services, principal, book_no)
    views, total = services.ledger.positions(
        book_nos=books_in_scope(services, principal),
        book_no=book_no,
        item_no=item_no,
        lot_no=lot_no,
        location=location,
        status=status,
        as_of=at.as_of,
        known_at=at.known_at,
        limit=paging.limit,
        offset=paging.offset,
    )
    items: list[BalanceLine] = [balance_line(v) for v in views]
    return BalancePage(
        items=items,
        total=total,
        limit=paging.limit,
        offset=paging.offset,
        as_of=at.as_of,
        known_at=at.known_at,
    )


@router.get("/lots/{book_no}/{lot_no:path}/movements", response_model=LotMovementPage)
def lot_movements(
    book_no: BookNoPath,
    lot_no: LotNoPath,
    principal: CurrentPrincipal,
    services: ServicesDep,
    paging: Paging,
    at: InstantsDep,
) -> LotMovementPage:
    """Every change of the lot's positions that occurred by `as_of` and was recorded by
    `known_at`, in business order (occurred_at): the document, who and why, the change
    (posted, reserved out, expected in), the position's balances after it and the whole
    lot's."""
    ensure_book_in_scope(services, principal, book_no)
    try:
        found = services.ledger.lot_movements(
            book_no,
            lot_no,
            as_of=at.as_of,
            known_at=at.known_at,
            limit=paging.limit,
            offset=paging.offset,
        )
    except UnknownReference:
        raise NotFound(f"book {book_no} has no lot {lot_no}", field="lot_no") from None
    return movement_page(found, paging.limit, paging.offset)
