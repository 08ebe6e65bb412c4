"""The filer's pages (企业关务): its enterprise's lifecycles with stage, next step,
deadline and late fee; filing by uploading an INV101 or DecMessage; a lifecycle's page
with the actions its stage offers the filer (a domestic sale's payment with both duty
bills side by side, a returned gate pass's vehicle, a stocktake's counts, differences
and duty: its forms in ``filer_stocktake.py``); its books, items and norms.
Everything goes through the API's own services, scoped exactly as the API."""

from __future__ import annotations

import asyncio
from typing import Annotated, Final

from fastapi import File, Form, Path, Query, UploadFile
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.lifecycles.endpoints import MAX_UPLOAD, decision_of, file_upload
from api.masterdata.endpoints import book_in_scope
from api.masterdata.schemas import BookView, book_view, item_view
from api.problems import InvalidPart
from console.dependencies import FilerPage
from console.draft_fields import blank_fields, draft_of, fields_of
from console.i18n import N_
from console.names import (
    ACTOR_ROLE_NAMES,
    CAUSE_NAMES,
    CUSTOMS_STATUS_NAMES,
    DIFFERENCE_STATE_NAMES,
    LIFECYCLE_NAMES,
    STAGE_NAMES,
)
from console.navigation import PREFIX
from console.page import Page
from console.refusals import ShownRefusal, from_error, from_part, from_validation
from console.routing import console_router
from console.stocktake_forms import count_rows
from lifecycles.actions import (
    CANCEL,
    CORRECTION,
    PAYMENT,
    VEHICLE_CORRECTION,
    CorrectionIn,
    DecisionIn,
    PaymentIn,
    VehicleCorrectionIn,
)
from lifecycles.from_xml import ListExtras
from lifecycles.kinds import KINDS
from lifecycles.service import LifecycleView, Unavailable
from schemas.errors import BondflowError, NotFound
from schemas.identifiers import BookNo
from schemas.lifecycle import Lifecycle, LifecycleStatus, Role

router = console_router(f"{PREFIX}/filer")

LIFECYCLES: Final = f"{PREFIX}/filer/lifecycles"
UPLOAD: Final = f"{PREFIX}/filer/upload"
BOOKS: Final = f"{PREFIX}/filer/books"
PAGE_SIZE: Final = 50

WorkflowId = Annotated[str, Path(min_length=1, max_length=200)]
Text = Annotated[str, Form(max_length=200)]

# The upload's form fields: what INV101 does not carry (the API's query parameters).
EXTRAS: Final = tuple(ListExtras.model_fields)


async def _statuses(page: Page, rows: list[LifecycleView]) -> dict[str, LifecycleStatus | None]:
    """Each lifecycle's status from its workflow, asked at once; None where Temporal
    did not answer (the list still shows what the database knows)."""

    async def one(workflow_id: str) -> LifecycleStatus | None:
        try:
            return await page.services.lifecycles.query(workflow_id)
        except Unavailable:
            return None

    found = await asyncio.gather(*(one(row.workflow_id) for row in rows))
    return {row.workflow_id: status for row, status in zip(rows, found, strict=True)}


# --- my lifecycles --------------------------------------------------------------------


@router.get("/lifecycles")
async def lifecycles(
    page: FilerPage,
    lifecycle: Annotated[Lifecycle | None, Query()] = None,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> Response:
    assert page.principal is not None
    rows, total = await run_in_threadpool(
        page.services.lifecycles.page, page.principal, lifecycle, PAGE_SIZE, offset
    )
    return page.render(
        "filer/lifecycles.html",
        rows=rows,
        total=total,
        offset=offset,
        size=PAGE_SIZE,
        chosen=lifecycle,
        statuses=await _statuses(page, rows),
        lifecycle_names=LIFECYCLE_NAMES,
        stage_names=STAGE_NAMES,
    )


async def _lifecycle_page(
    page: Page,
    workflow_id: str,
    *,
    status: int = 200,
    refusals: list[ShownRefusal] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    assert page.principal is not None
    row = await run_in_threadpool(page.services.lifecycles.row, page.principal, workflow_id)
    current = (await _statuses(page, [row]))[workflow_id]
    offered = KINDS[row.lifecycle].offered(current.stage) if current else ()
    form = form or {}
    if VEHICLE_CORRECTION in offered and not form:
        # The vehicle as the draft stands: the filer changes what customs returned.
        draft = await page.services.lifecycles.draft(page.principal, workflow_id)
        form = fields_of(draft.model_dump(mode="json").get("vehicle") or {})
    return page.render(
        "filer/lifecycle.html",
        status=status,
        refusals=refusals or [],
        row=row,
        current=current,
        offered={action.path for action in offered if Role.FILER in action.by},
        form=form,
        count_rows=count_rows(current),
        lifecycle_names=LIFECYCLE_NAMES,
        stage_names=STAGE_NAMES,
        role_names=ACTOR_ROLE_NAMES,
        cause_names=CAUSE_NAMES,
        state_names=DIFFERENCE_STATE_NAMES,
        customs_status_names=CUSTOMS_STATUS_NAMES,
    )


@router.get("/lifecycles/{workflow_id}")
async def lifecycle(page: FilerPage, workflow_id: WorkflowId) -> Response:
    return await _lifecycle_page(page, workflow_id)


async def _act(
    page: Page, workflow_id: str, action_body: BaseModel, update: str, done: str
) -> Response:
    assert page.principal is not None
    try:
        await page.services.lifecycles.act(page.principal, workflow_id, update, action_body)
    except BondflowError as error:
        return await _lifecycle_page(
            page, workflow_id, status=error.status, refusals=from_error(error)
        )
    return page.redirect(f"{LIFECYCLES}/{workflow_id}", page.ok(done, id=workflow_id))


@router.post("/lifecycles/{workflow_id}/payment")
async def confirm_payment(
    page: FilerPage, workflow_id: WorkflowId, reference: Text = "", amount: Text = ""
) -> Response:
    """Confirm the duties of the chosen bill were paid (the exact amount payable)."""
    assert page.principal is not None
    form = {"reference": reference, "amount": amount}
    try:
        body = PaymentIn.model_validate({"reference": reference, "amount": amount})
    except ValidationError as error:
        return await _lifecycle_page(
            page, workflow_id, status=422, refusals=from_validation(error), form=form
        )
    decision = decision_of(page.principal, PAYMENT, None, body)
    return await _act(
        page, workflow_id, decision, PAYMENT.update, N_("Payment of %(id)s confirmed.")
    )


@router.post("/lifecycles/{workflow_id}/vehicle-correction")
async def correct_vehicle(
    page: FilerPage,
    workflow_id: WorkflowId,
    vehicle_no: Text = "",
    vehicle_weight: Text = "",
    frame_weight: Text = "0",
    container_weight: Text = "0",
    reason: Text = "",
) -> Response:
    """A returned gate pass: the vehicle as it really is."""
    assert page.principal is not None
    form = {
        "vehicle_no": vehicle_no,
        "vehicle_weight": vehicle_weight,
        "frame_weight": frame_weight,
        "container_weight": container_weight,
        "reason": reason,
    }
    try:
        body = VehicleCorrectionIn.model_validate(
            {
                "vehicle": {
                    "vehicle_no": vehicle_no,
                    "vehicle_weight": vehicle_weight,
                    "frame_weight": frame_weight,
                    "container_weight": container_weight,
                },
                "reason": reason,
            }
        )
    except ValidationError as error:
        return await _lifecycle_page(
            page, workflow_id, status=422, refusals=from_validation(error), form=form
        )
    decision = decision_of(page.principal, VEHICLE_CORRECTION, None, body)
    return await _act(
        page,
        workflow_id,
        decision,
        VEHICLE_CORRECTION.update,
        N_("The vehicle of %(id)s is corrected; the gate pass is filed again."),
    )


@router.post("/lifecycles/{workflow_id}/cancel")
async def cancel(page: FilerPage, workflow_id: WorkflowId, reason: Text = "") -> Response:
    """Withdraw the lifecycle with a reason, where its workflow allows it (a list filed
    with customs is deleted, the reservation voided); a refusal is shown on the page."""
    assert page.principal is not None
    try:
        body = DecisionIn.model_validate({"reason": reason})
    except ValidationError as error:
        return await _lifecycle_page(
            page, workflow_id, status=422, refusals=from_validation(error), form={"reason": reason}
        )
    decision = decision_of(page.principal, CANCEL, None, body)
    return await _act(page, workflow_id, decision, CANCEL.update, N_("%(id)s is being cancelled."))


# --- correcting a returned draft -------------------------------------------------------

DRAFT: Final = "draft."  # the correction form's inputs: draft.<the draft's field path>


async def _correction_page(
    page: Page,
    workflow_id: str,
    fields: dict[str, str] | None = None,
    reason: str = "",
    *,
    status: int = 200,
    refusals: list[ShownRefusal] | None = None,
) -> Response:
    assert page.principal is not None
    row = await run_in_threadpool(page.services.lifecycles.row, page.principal, workflow_id)
    if fields is None:
        draft = await page.services.lifecycles.draft(page.principal, workflow_id)
        fields = fields_of(draft.model_dump(mode="json"), leave_out=("filed_by",))
    return page.render(
        "filer/correction.html",
        status=status,
        refusals=refusals or [],
        row=row,
        fields={f"{DRAFT}{path}": text for path, text in fields.items()},
        reason=reason,
        lifecycle_names=LIFECYCLE_NAMES,
    )


@router.get("/lifecycles/{workflow_id}/correction")
async def correction_form(page: FilerPage, workflow_id: WorkflowId) -> Response:
    """The returned draft in a form, every field filled as it stands."""
    return await _correction_page(page, workflow_id)


@router.post("/lifecycles/{workflow_id}/correction")
async def correct(page: FilerPage, workflow_id: WorkflowId) -> Response:
    """File the corrected draft again (re-declared with ChgTmsCnt + 1), read as the
    lifecycle's own kind exactly as the API's correction route reads it."""
    assert page.principal is not None
    sent = await page.request.form()
    fields = {
        name.removeprefix(DRAFT): str(value)
        for name, value in sent.items()
        if name.startswith(DRAFT) and isinstance(value, str)
    }
    reason = str(sent.get("reason") or "")
    row = await run_in_threadpool(page.services.lifecycles.row, page.principal, workflow_id)
    try:
        body = CorrectionIn(draft=draft_of(fields), reason=reason)
        decision = decision_of(page.principal, CORRECTION, KINDS[row.lifecycle], body)
        await page.services.lifecycles.act(page.principal, workflow_id, CORRECTION.update, decision)
    except ValidationError as error:
        refusals = from_validation(error)
    except InvalidPart as error:
        refusals = from_part(error.error, error.where)
    except BondflowError as error:
        refusals = from_error(error)
    else:
        return page.redirect(
            f"{LIFECYCLES}/{workflow_id}",
            page.ok("The corrected draft of %(number)s is filed again.", number=row.business_no),
        )
    return await _correction_page(page, workflow_id, fields, reason, status=422, refusals=refusals)


# --- filing by a form (entry and export) ----------------------------------------------

BY_FORM: Final = (Lifecycle.FIRST_LINE_ENTRY, Lifecycle.EXPORT)
FORM_LINES: Final = 5  # rows of lines on a new draft's form; empty rows are left out
NOT_TYPED: Final = ("kind", "filed_by")  # the draft's kind is the page's; the filer is who


def _filing_page(
    page: Page,
    lifecycle: Lifecycle,
    fields: dict[str, str] | None = None,
    *,
    status: int = 200,
    refusals: list[ShownRefusal] | None = None,
) -> Response:
    assert page.principal is not None
    if lifecycle not in BY_FORM:
        raise NotFound(f"no form to file {lifecycle.value}", field="lifecycle")
    if fields is None:
        fields = blank_fields(KINDS[lifecycle].draft, lines=FORM_LINES, leave_out=NOT_TYPED)
        fields["declarant_code"] = page.principal.enterprise or ""
    return page.render(
        "filer/new.html",
        status=status,
        refusals=refusals or [],
        lifecycle=lifecycle,
        fields={f"{DRAFT}{path}": text for path, text in fields.items()},
        lifecycle_names=LIFECYCLE_NAMES,
    )


@router.get("/new/{lifecycle}")
async def filing_form(page: FilerPage, lifecycle: Lifecycle) -> Response:
    """A new entry or export typed in a form (the same draft as the API's filing body)."""
    return _filing_page(page, lifecycle)


@router.post("/new/{lifecycle}")
async def file_by_form(page: FilerPage, lifecycle: Lifecycle) -> Response:
    assert page.principal is not None
    sent = await page.request.form()
    fields = {
        name.removeprefix(DRAFT): str(value)
        for name, value in sent.items()
        if name.startswith(DRAFT) and isinstance(value, str)
    }
    kind = KINDS[lifecycle]
    try:
        if lifecycle not in BY_FORM:
            raise NotFound(f"no form to file {lifecycle.value}", field="lifecycle")
        draft = kind.draft.model_validate({**draft_of(fields), "filed_by": page.principal.name})
        filed = await page.services.lifecycles.file(page.principal, lifecycle, draft)
    except ValidationError as error:
        refusals = from_validation(error)
    except NotFound as error:
        if error.field == "lifecycle":
            raise
        refusals = from_error(error)
    except BondflowError as error:
        refusals = from_error(error)
    else:
        return page.redirect(
            f"{LIFECYCLES}/{filed.workflow_id}",
            page.ok("%(number)s is filed.", number=filed.business_no),
        )
    return _filing_page(page, lifecycle, fields, status=422, refusals=refusals)


# --- filing by upload -----------------------------------------------------------------


def _upload_page(
    page: Page,
    *,
    status: int = 200,
    refusals: list[ShownRefusal] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    return page.render(
        "filer/upload.html",
        status=status,
        refusals=refusals or [],
        form=form or dict.fromkeys(EXTRAS, ""),
    )


@router.get("/upload")
async def upload_form(page: FilerPage) -> Response:
    return _upload_page(page)


@router.post("/upload")
async def upload(
    page: FilerPage,
    document: Annotated[UploadFile, File()],
    location: Text = "",
    lot_no: Text = "",
    exchange_rate: Text = "",
    vehicle_no: Text = "",
    vehicle_weight: Text = "",
    container_weight: Text = "",
    arrival_date: Text = "",
    train: Text = "",
    inner_no: Text = "",
) -> Response:
    """File an INV101 (entry or export) or a supplier's DecMessage, as ``POST
    /lifecycles/xml`` does; every refusal listed with its element and line."""
    assert page.principal is not None
    form = {
        "location": location,
        "lot_no": lot_no,
        "exchange_rate": exchange_rate,
        "vehicle_no": vehicle_no,
        "vehicle_weight": vehicle_weight,
        "container_weight": container_weight,
        "arrival_date": arrival_date,
        "train": train,
        "inner_no": inner_no,
    }
    data = await document.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        refused = [ShownRefusal("document", page.gettext("the file is too large"))]
        return _upload_page(page, status=413, refusals=refused, form=form)
    try:
        extras = ListExtras.model_validate({k: v for k, v in form.items() if v})
    except ValidationError as error:
        return _upload_page(page, status=422, refusals=from_validation(error), form=form)
    try:
        filed = await file_upload(page.services, page.principal, data, extras)
    except InvalidPart as error:
        return _upload_page(
            page, status=422, refusals=from_part(error.error, error.where), form=form
        )
    except BondflowError as error:
        return _upload_page(page, status=error.status, refusals=from_error(error), form=form)
    return page.redirect(
        f"{LIFECYCLES}/{filed.workflow_id}",
        page.ok("%(number)s is filed.", number=filed.business_no),
    )


# --- books, items and norms -----------------------------------------------------------


def my_books(page: Page) -> list[BookView]:
    """The books of the filer's enterprise (blocking)."""
    principal = page.principal
    assert principal is not None
    owners = {e.id: e.customs_code for e in page.services.masterdata.enterprises()}
    return [
        book_view(book, owners[book.enterprise_id])
        for book in page.services.masterdata.books()
        if principal.may_see(owners[book.enterprise_id])
    ]


@router.get("/books")
async def books(page: FilerPage) -> Response:
    return page.render("filer/books.html", books=await run_in_threadpool(my_books, page))


@router.get("/books/{book_no}")
async def book(page: FilerPage, book_no: Annotated[BookNo, Path()]) -> Response:
    assert page.principal is not None
    principal = page.principal
    services = page.services
    found = await run_in_threadpool(book_in_scope, services, principal, book_no)
    items = await run_in_threadpool(services.masterdata.items, book_no)
    norms = await run_in_threadpool(services.masterdata.norms, book_no)
    return page.render(
        "filer/book.html",
        book=found,
        items=[item_view(book_no, item) for item in items],
        norms=norms,
    )
