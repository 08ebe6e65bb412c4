"""A book's periods (账期): listed by everyone whose scope holds the book, closed and
reopened by liaison staff (each change chained with who and why, ledger/periods.py).
A posting dated before the end of a closed period is refused with 409 `period_closed`
naming `occurred_at`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from access import Principal
from api.dependencies import CurrentPrincipal, ServicesDep, forbidden
from api.inventory.scope import ensure_book_in_scope
from schemas.access import UserRole
from schemas.masterdata import BookNo
from schemas.periods import BookPeriod, CloseRequest, ReopenRequest
from schemas.wording import with_article

router = APIRouter(prefix="/books/{book_no}/periods", tags=["periods"])

BookNoPath = Annotated[BookNo, Path(description="the account book (账册编号)")]


async def _liaison(principal: CurrentPrincipal) -> Principal:
    if principal.role is not UserRole.LIAISON:
        raise forbidden(
            f"only liaison staff close and reopen periods, not {with_article(principal.role)}"
        )
    return principal


Liaison = Annotated[Principal, Depends(_liaison)]


@router.get("", response_model=list[BookPeriod])
def list_periods(
    book_no: BookNoPath, principal: CurrentPrincipal, services: ServicesDep
) -> list[BookPeriod]:
    """The book's periods by first day, closed or reopened, each with its latest change
    (who, why, when, its place in the audit chain)."""
    ensure_book_in_scope(services, principal, book_no)
    return services.periods.periods(book_no)


@router.post("/close", response_model=BookPeriod)
def close_period(
    book_no: BookNoPath, body: CloseRequest, liaison: Liaison, services: ServicesDep
) -> BookPeriod:
    """Close a month, a quarter or a verification period of the book: from now on nothing
    dated before its end is posted to the book, so its reconciliation stays as it is.
    Closing a closed period is refused (409)."""
    ensure_book_in_scope(services, liaison, book_no)
    return services.periods.close(book_no, body, actor=liaison.name)


@router.post("/reopen", response_model=BookPeriod)
def reopen_period(
    book_no: BookNoPath, body: ReopenRequest, liaison: Liaison, services: ServicesDep
) -> BookPeriod:
    """Reopen a closed period with a reason (chained): postings dated into it are taken
    again until it is closed again. Reopening an open period is refused (409)."""
    ensure_book_in_scope(services, liaison, book_no)
    return services.periods.reopen(book_no, body, actor=liaison.name)
