"""Books, items and consumption norms: filers register their own enterprise's, an
admin any; everyone in scope reads. Another enterprise's book is "not found"."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from access import Principal
from api.dependencies import Admin, BookKeeper, CurrentPrincipal, ServicesDep
from api.masterdata.schemas import (
    BookView,
    EnterpriseView,
    ItemView,
    book_view,
    enterprise_view,
    item_view,
)
from api.pagination import Page, Paging, page_of
from api.problems import Problem, problem_response
from api.services import Services
from api.uploads import IMPORT_REFUSED, SHEET_BODY, body_within
from masterdata import MasterData, imports
from masterdata.errors import ImportRefused
from schemas.errors import NotFound
from schemas.inventory import LotBalance
from schemas.masterdata import (
    AccountBookIn,
    BookItemIn,
    BookNo,
    ConsumptionNormIn,
    EnterpriseIn,
    ImportSummary,
    NormView,
)

router = APIRouter(prefix="/books", tags=["books"])
enterprises = APIRouter(prefix="/enterprises", tags=["books"])


def ensure_book_in_scope(services: Services, principal: Principal, book_no: str) -> str:
    """The customs code of the book's owner if the principal may see the book; a foreign
    book answers as a missing one. From memory (masterdata/owners.py): no statement for
    a book already known."""
    owner = services.masterdata.owners.owner(book_no)
    if owner is None or not principal.may_see(owner):
        raise NotFound(f"no account book {book_no}", field="book_no")
    return owner


def book_in_scope(services: Services, principal: Principal, book_no: str) -> BookView:
    """The book if the principal may see it; a foreign book answers as a missing one."""
    owner = ensure_book_in_scope(services, principal, book_no)
    return book_view(services.masterdata.book(book_no), owner)


def _same_book(path_book: str, body_book: str) -> None:
    if path_book != body_book:
        raise Problem(
            422,
            "invalid request",
            f"book_no: {body_book} in the body, {path_book} in the path",
            code="invalid_request",
            field="book_no",
        )


@router.get("", response_model=Page[BookView])
def list_books(
    principal: CurrentPrincipal, services: ServicesDep, paging: Paging
) -> Page[BookView]:
    owners = {e.id: e.customs_code for e in services.masterdata.enterprises()}
    books = [
        book_view(book, owners[book.enterprise_id])
        for book in services.masterdata.books()
        if principal.may_see(owners[book.enterprise_id])
    ]
    return page_of(books, paging)


@router.post("", response_model=BookView, status_code=status.HTTP_201_CREATED)
def open_book(data: AccountBookIn, principal: BookKeeper, services: ServicesDep) -> BookView:
    if not principal.may_see(data.enterprise_customs_code):
        raise NotFound(
            f"no enterprise {data.enterprise_customs_code}", field="enterprise_customs_code"
        )
    book = services.masterdata.open_book(data)
    return book_view(book, data.enterprise_customs_code)


@router.get("/{book_no}", response_model=BookView)
def get_book(book_no: BookNo, principal: CurrentPrincipal, services: ServicesDep) -> BookView:
    return book_in_scope(services, principal, book_no)  # the book itself


@router.get("/{book_no}/items", response_model=Page[ItemView])
def list_items(
    book_no: BookNo, principal: CurrentPrincipal, services: ServicesDep, paging: Paging
) -> Page[ItemView]:
    ensure_book_in_scope(services, principal, book_no)
    items = [item_view(book_no, item) for item in services.masterdata.items(book_no)]
    return page_of(items, paging)


@router.post("/{book_no}/items", response_model=ItemView, status_code=status.HTTP_201_CREATED)
def register_item(
    book_no: BookNo, data: BookItemIn, principal: BookKeeper, services: ServicesDep
) -> ItemView:
    _same_book(book_no, data.book_no)
    ensure_book_in_scope(services, principal, book_no)
    return item_view(book_no, services.masterdata.register_item(data))


@router.get("/{book_no}/lots", response_model=Page[LotBalance])
def list_lots(
    book_no: BookNo, principal: CurrentPrincipal, services: ServicesDep, paging: Paging
) -> Page[LotBalance]:
    """The book's lots (批次) by number, each with its stock summed over the positions
    it holds: posted, reserved out, expected in and available."""
    ensure_book_in_scope(services, principal, book_no)
    lots, total = services.ledger.lots(book_no, limit=paging.limit, offset=paging.offset)
    return Page[LotBalance](items=lots, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/{book_no}/norms", response_model=Page[NormView])
def list_norms(
    book_no: BookNo, principal: CurrentPrincipal, services: ServicesDep, paging: Paging
) -> Page[NormView]:
    ensure_book_in_scope(services, principal, book_no)
    return page_of(services.masterdata.norms(book_no), paging)


@router.post("/{book_no}/norms", response_model=NormView, status_code=status.HTTP_201_CREATED)
async def register_norm(
    book_no: BookNo, data: ConsumptionNormIn, principal: BookKeeper, services: ServicesDep
) -> NormView:
    _same_book(book_no, data.book_no)
    await run_in_threadpool(book_in_scope, services, principal, book_no)
    await run_in_threadpool(services.masterdata.register_norm, data)
    found = [
        norm
        for norm in await run_in_threadpool(services.masterdata.norms, book_no)
        if (norm.finished_item_no, norm.material_item_no, norm.version)
        == (data.finished_item_no, data.material_item_no, data.version)
    ]
    return found[0]


MAX_IMPORT = 8 * 1024 * 1024  # bytes: thousands of items are well under 1 MB


async def _import(
    request: Request,
    book_no: str,
    principal: Principal,
    services: Services,
    read: Callable[[MasterData, str, bytes, str], ImportSummary],
    what: str,
) -> ImportSummary:
    await run_in_threadpool(book_in_scope, services, principal, book_no)
    data = await body_within(request, MAX_IMPORT)
    return await run_in_threadpool(read, services.masterdata, book_no, data, f"the uploaded {what}")


@router.post(
    "/{book_no}/items/import",
    response_model=ImportSummary,
    openapi_extra=SHEET_BODY,
    responses=IMPORT_REFUSED,
)
async def import_items(
    book_no: BookNo, request: Request, principal: BookKeeper, services: ServicesDep
) -> ImportSummary:
    """Register the book's items (备案料件/成品) from a sheet: all or nothing. Importing
    the same file again creates nothing (the counts say so); a row that differs from
    an item already registered is refused naming the row."""
    return await _import(request, book_no, principal, services, imports.import_items, "items")


@router.post(
    "/{book_no}/norms/import",
    response_model=ImportSummary,
    openapi_extra=SHEET_BODY,
    responses=IMPORT_REFUSED,
)
async def import_norms(
    book_no: BookNo, request: Request, principal: BookKeeper, services: ServicesDep
) -> ImportSummary:
    """Register the book's consumption norm versions (单耗) from a sheet: all or nothing,
    as the items."""
    return await _import(request, book_no, principal, services, imports.import_norms, "norms")


def import_refused(request: Request, error: Exception) -> JSONResponse:
    """422 naming the first bad row's field, with every bad row in `errors`."""
    assert isinstance(error, ImportRefused)
    return problem_response(
        error.status,
        "import refused",
        error.reason,
        code=error.code,
        field=error.field,
        errors=[row.model_dump() for row in error.rows],
    )


@enterprises.get("", response_model=Page[EnterpriseView])
def list_enterprises(
    principal: CurrentPrincipal, services: ServicesDep, paging: Paging
) -> Page[EnterpriseView]:
    """The enterprises in the caller's scope."""
    found = [
        enterprise_view(e)
        for e in services.masterdata.enterprises()
        if principal.may_see(e.customs_code)
    ]
    return page_of(found, paging)


@enterprises.post("", response_model=EnterpriseView, status_code=status.HTTP_201_CREATED)
def register_enterprise(
    data: EnterpriseIn, principal: Admin, services: ServicesDep
) -> EnterpriseView:
    """An admin registers a zone enterprise or declaring agent (then its filers)."""
    return enterprise_view(services.masterdata.register_enterprise(data))
