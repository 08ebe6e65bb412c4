"""Stock: the balances of stock positions, now or as of an instant, and a lot's movements.

Everyone reads the books in their scope: a filer its own enterprise's, a scoped
auditor its enterprises', liaison staff, admins and other auditors every book. A book
out of scope answers exactly as a missing one: 404 naming book_no. Listing without a
book lists only the books in scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime

from api.dependencies import CurrentPrincipal, ServicesDep
from api.inventory.schemas import (
    BalanceLine,
    BalancePage,
    LotMovementPage,
    balance_line,
    movement_page,
)
from api.inventory.scope import book_in_scope, books_in_scope
from api.pagination import Paging
from api.problems import Problem
from ledger import UnknownReference
from schemas.codes import CustomsStatus
from schemas.errors import NotFound
from schemas.masterdata import BookNo, Code

router = APIRouter(prefix="/inventory", tags=["inventory"])

BookNoPath = Annotated[BookNo, Path(description="the account book (账册编号)")]
# A lot number may hold "/": the path takes the rest of the URL up to the route's end.
LotNoPath = Annotated[Code, Path(description="the lot (批次)")]
ItemNo = Annotated[int, Query(ge=1, le=2_147_483_647, description="备案序号")]


def instant(value: dt.datetime | None, field: str) -> dt.datetime | None:
    """An aware instant in UTC; one that UTC cannot hold (year 1 at +08:00) is refused."""
    if value is None:
        return None
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise Problem(
            422,
            "invalid request",
            f"{field}: {value.isoformat()} is outside the instants the ledger holds",
            code="invalid_request",
            field=field,
        ) from None


@router.get("/balances", response_model=BalancePage)
def list_balances(
    principal: CurrentPrincipal,
    services: ServicesDep,
    paging: Paging,
    book_no: Annotated[BookNo | None, Query(description="one book; else every book in scope")] = (
        None
    ),
    item_no: ItemNo | None = None,
    lot_no: Annotated[Code | None, Query()] = None,
    location: Annotated[Code | None, Query(description="a location code, exactly")] = None,
    status: Annotated[CustomsStatus | None, Query(description="customs status")] = None,
    as_of: Annotated[
        AwareDatetime | None,
        Query(
            description="balances as they were recorded at this instant (with its offset, "
            "e.g. 2026-03-21T00:00:00+08:00); positions opened later are not listed"
        ),
    ] = None,
) -> BalancePage:
    """Stock positions and their balances, by book, item, key, now or as of an instant."""
    if book_no is not None:
        book_in_scope(services, principal, book_no)
    at = instant(as_of, "as_of")
    views, total = services.ledger.positions(
        book_nos=books_in_scope(services, principal),
        book_no=book_no,
        item_no=item_no,
        lot_no=lot_no,
        location=location,
        status=status,
        as_of=at,
        limit=paging.limit,
        offset=paging.offset,
    )
    items: list[BalanceLine] = [balance_line(v) for v in views]
    return BalancePage(items=items, total=total, limit=paging.limit, offset=paging.offset, as_of=at)


@router.get("/lots/{book_no}/{lot_no:path}/movements", response_model=LotMovementPage)
def lot_movements(
    book_no: BookNoPath,
    lot_no: LotNoPath,
    principal: CurrentPrincipal,
    services: ServicesDep,
    paging: Paging,
) -> LotMovementPage:
    """Every change of the lot's positions, oldest first: the document, who and why, the
    change (posted, reserved out, expected in), the position's balances after it and the
    whole lot's."""
    book_in_scope(services, principal, book_no)
    try:
        found = services.ledger.lot_movements(
            book_no, lot_no, limit=paging.limit, offset=paging.offset
        )
    except UnknownReference:
        raise NotFound(f"book {book_no} has no lot {lot_no}", field="lot_no") from None
    return movement_page(found, paging.limit, paging.offset)
