"""The filer's stocktake pages (盘点): opening one from a form (a book, its locations
and the business instant the count stands for), entering the counts per lot and
location in a form or uploading a count sheet (CSV or XLSX, every bad row named by its
row and column), as the API's filing, ``counts`` and ``count-sheet`` routes do. The
stocktake's status, differences and duty are on the lifecycle's page (``filer.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Final

from fastapi import File, Form, Path, UploadFile
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.lifecycles.endpoints import MAX_COUNT_SHEET, decision_of, enter_count_sheet
from console.dependencies import FilerPage
from console.draft_fields import draft_of
from console.navigation import PREFIX
from console.page import Page
from console.pages.filer import LIFECYCLES, _lifecycle_page, my_books
from console.refusals import ShownRefusal, from_error, from_import, from_validation
from console.routing import console_router
from console.stocktake_forms import beijing_input, instant_of, locations_of
from lifecycles.actions import COUNTS, CountsIn
from masterdata.errors import ImportRefused
from schemas.errors import BondflowError
from schemas.lifecycle import ExchangeRate, Lifecycle, StocktakeDraft

router = console_router(f"{PREFIX}/filer")

NEW: Final = f"{PREFIX}/filer/stocktakes/new"
LINES: Final = "lines"  # the counts form's rows: lines[0].quantity ...

WorkflowId = Annotated[str, Path(min_length=1, max_length=200)]
Text = Annotated[str, Form(max_length=200)]
LongText = Annotated[str, Form(max_length=4000)]


class ExchangeRateIn(BaseModel):
    """The count sheet's form field (the API's query parameter)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    exchange_rate: ExchangeRate | None = None


# --- opening a stocktake ----------------------------------------------------------------


async def _opening_page(
    page: Page,
    form: dict[str, str],
    *,
    status: int = 200,
    refusals: list[ShownRefusal] | None = None,
) -> Response:
    assert page.principal is not None
    books = await run_in_threadpool(my_books, page)
    return page.render(
        "filer/new_stocktake.html",
        status=status,
        refusals=refusals or [],
        books=books,
        form=form,
    )


@router.get("/stocktakes/new")
async def opening_form(page: FilerPage) -> Response:
    """A new stocktake: the count's instant is now unless the filer says otherwise."""
    now = dt.datetime.now(dt.UTC)
    form = {"stocktake_no": "", "book_no": "", "locations": "", "counted_at": beijing_input(now)}
    return await _opening_page(page, form)


@router.post("/stocktakes/new")
async def open_stocktake(
    page: FilerPage,
    stocktake_no: Text = "",
    book_no: Text = "",
    locations: LongText = "",
    counted_at: Text = "",
    remark: Text = "",
) -> Response:
    """File the stocktake (``POST /lifecycles/stocktake``): the workflow reads what the
    book holds at the locations as of the instant."""
    assert page.principal is not None
    form = {
        "stocktake_no": stocktake_no,
        "book_no": book_no,
        "locations": locations,
        "counted_at": counted_at,
        "remark": remark,
    }
    try:
        draft = StocktakeDraft.model_validate(
            {
                "stocktake_no": stocktake_no,
                "book_no": book_no,
                "locations": locations_of(locations),
                "counted_at": instant_of(counted_at),
                "filed_by": page.principal.name,
                "remark": remark or None,
            }
        )
        filed = await page.services.lifecycles.file(page.principal, Lifecycle.STOCKTAKE, draft)
    except ValidationError as error:
        return await _opening_page(page, form, status=422, refusals=from_validation(error))
    except BondflowError as error:
        return await _opening_page(page, form, status=error.status, refusals=from_error(error))
    return page.redirect(
        f"{LIFECYCLES}/{filed.workflow_id}",
        page.ok("Stocktake %(number)s is opened.", number=filed.business_no),
    )


# --- counts: in a form, or a count sheet ------------------------------------------------


@router.post("/lifecycles/{workflow_id}/counts")
async def enter_counts(page: FilerPage, workflow_id: WorkflowId) -> Response:
    """The counts form: one row per position (``lines[i].quantity`` and, for a
    shortage of bonded goods, its unit price and currency), the exchange rate; rows
    left empty are left out. Sent as the API's ``counts`` action."""
    assert page.principal is not None
    sent = await page.request.form()
    typed = {name: value for name, value in sent.items() if isinstance(value, str)}
    fields = {
        name: value
        for name, value in typed.items()
        if name.startswith(f"{LINES}[") or name in ("exchange_rate", "reason")
    }
    # Blank rows for found goods left empty are left out (they come last: the rows
    # before them keep their indexes, so a refusal names the input to fix).
    lines = draft_of({k: v for k, v in fields.items() if k.startswith(f"{LINES}[")})
    body = {
        LINES: lines.get(LINES, []),
        **{k: v for k, v in fields.items() if k in ("exchange_rate", "reason") and v},
    }
    try:
        counts = CountsIn.model_validate(body)
        decision = decision_of(page.principal, COUNTS, None, counts)
        await page.services.lifecycles.act(page.principal, workflow_id, COUNTS.update, decision)
    except ValidationError as error:
        return await _lifecycle_page(
            page, workflow_id, status=422, refusals=from_validation(error), form=fields
        )
    except BondflowError as error:
        if error.field == "workflow_id":
            raise
        return await _lifecycle_page(
            page, workflow_id, status=error.status, refusals=from_error(error), form=fields
        )
    return page.redirect(
        f"{LIFECYCLES}/{workflow_id}", page.ok("The counts of %(id)s are entered.", id=workflow_id)
    )


@router.post("/lifecycles/{workflow_id}/count-sheet")
async def upload_count_sheet(
    page: FilerPage,
    workflow_id: WorkflowId,
    sheet: Annotated[UploadFile, File()],
    exchange_rate: Text = "",
) -> Response:
    """A count sheet (CSV or XLSX), read and checked as the API's ``count-sheet``: every
    bad row shown with its row and column, nothing entered."""
    assert page.principal is not None
    form = {"exchange_rate": exchange_rate}
    data = await sheet.read(MAX_COUNT_SHEET + 1)
    if len(data) > MAX_COUNT_SHEET:
        refused = [ShownRefusal("sheet", page.gettext("the file is too large"))]
        return await _lifecycle_page(page, workflow_id, status=413, refusals=refused, form=form)
    try:
        rate = ExchangeRateIn.model_validate({"exchange_rate": exchange_rate or None})
        await enter_count_sheet(
            page.services, page.principal, workflow_id, data, rate.exchange_rate
        )
    except ValidationError as error:
        refusals, status = from_validation(error), 422
    except ImportRefused as error:
        refusals, status = from_import(error), error.status
    except BondflowError as error:
        if error.field == "workflow_id":
            raise
        refusals, status = from_error(error), error.status
    else:
        return page.redirect(
            f"{LIFECYCLES}/{workflow_id}",
            page.ok("The count sheet of %(id)s is entered.", id=workflow_id),
        )
    return await _lifecycle_page(page, workflow_id, status=status, refusals=refusals, form=form)
