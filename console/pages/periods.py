"""The liaison's periods page (账期): a book's periods with their state and latest change,
a form to close a month, a quarter or a verification period, and one to reopen a closed
period with a reason. Both go through `BookPeriods`, as the API's routes do; a refusal
(closed already, not a whole month) comes back on the page as data."""

from __future__ import annotations

from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import Query
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.inventory.scope import book_owners
from console.dependencies import LiaisonPage
from console.i18n import N_
from console.navigation import PREFIX
from console.page import Page
from console.refusals import ShownRefusal, from_error, from_validation
from console.routing import console_router
from schemas.errors import BondflowError
from schemas.periods import CloseRequest, PeriodKind, ReopenRequest

router = console_router(f"{PREFIX}/liaison/periods")
PERIODS: Final = f"{PREFIX}/liaison/periods"

KINDS: Final[dict[PeriodKind, str]] = {
    PeriodKind.MONTH: N_("month"),
    PeriodKind.QUARTER: N_("quarter"),
    PeriodKind.VERIFICATION: N_("verification period"),
}


async def _render(
    page: Page,
    book_no: str,
    *,
    status: int = 200,
    refusals: list[ShownRefusal] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    books = sorted(await run_in_threadpool(book_owners, page.services))
    periods: list[Any] = []
    if book_no in books:
        periods = await run_in_threadpool(page.services.periods.periods, book_no)
    return page.render(
        "liaison/periods.html",
        status=status,
        refusals=refusals or [],
        books=books,
        book_no=book_no,
        periods=periods,
        kinds=KINDS,
        typed=typed or {},
    )


@router.get("")
async def periods(
    page: LiaisonPage, book_no: Annotated[str, Query(max_length=12)] = ""
) -> Response:
    """A book's periods, closed or reopened, with who changed them last and why."""
    return await _render(page, book_no)


@router.post("/close")
async def close(page: LiaisonPage) -> Response:
    """Close a period of the book: nothing dated before its end is posted any more."""
    return await _change(page, closing=True)


@router.post("/reopen")
async def reopen(page: LiaisonPage) -> Response:
    """Reopen a closed period with a reason."""
    return await _change(page, closing=False)


async def _change(page: Page, *, closing: bool) -> Response:
    assert page.principal is not None
    actor = page.principal.name
    form = await page.request.form()
    typed = {name: value for name, value in form.items() if isinstance(value, str)}
    book_no = typed.get("book_no", "")
    fields = (
        ("kind", "first_day", "last_day", "reason")
        if closing
        else ("first_day", "last_day", "reason")
    )
    try:
        if closing:
            request = CloseRequest.model_validate({k: typed.get(k) for k in fields})
            done = await run_in_threadpool(
                lambda: page.services.periods.close(book_no, request, actor=actor)
            )
        else:
            again = ReopenRequest.model_validate({k: typed.get(k) for k in fields})
            done = await run_in_threadpool(
                lambda: page.services.periods.reopen(book_no, again, actor=actor)
            )
    except ValidationError as error:
        return await _render(
            page, book_no, status=422, refusals=from_validation(error), typed=typed
        )
    except BondflowError as error:
        return await _render(
            page, book_no, status=error.status, refusals=from_error(error), typed=typed
        )
    days = {"first": str(done.first_day), "last": str(done.last_day)}
    flash = (
        page.ok("Period %(first)s to %(last)s closed.", **days)
        if closing
        else page.ok("Period %(first)s to %(last)s reopened.", **days)
    )
    return page.redirect(f"{PERIODS}?{urlencode({'book_no': book_no})}", flash)
