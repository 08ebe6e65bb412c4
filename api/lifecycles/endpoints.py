"""Lifecycles: file one (a filer, for its own enterprise), list and read them (status,
next step, timeline), download what went to customs and what came back, and act
(decisions go to the workflow as Temporal updates; the API never writes stock)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status
from pydantic import BaseModel, create_model
from starlette.concurrency import run_in_threadpool

from access import Principal
from adapters.xml.codec import parse
from adapters.xml.labels import receipt_content
from api.dependencies import Actor, CurrentPrincipal, Filer, ServicesDep
from api.pagination import Page, Paging
from api.problems import fields_under, under
from api.services import Services
from api.uploads import IMPORT_REFUSED, SHEET_BODY, body_within
from checks.stocktake import counts_refused
from lifecycles.actions import ACTIONS, COUNTS, Action, CorrectionIn, described
from lifecycles.count_sheet import read_count_sheet
from lifecycles.from_xml import ListExtras, NotAFiling
from lifecycles.kinds import KINDS, Kind, upload_kind
from lifecycles.service import LifecycleView
from schemas.customs import DeliveredReceipt, DocumentView, ReceiptContent, SubmissionView
from schemas.errors import Conflict
from schemas.lifecycle import Counts, ExchangeRate, Lifecycle, LifecycleStatus, Reason, Stage
from schemas.wording import with_article

router = APIRouter(prefix="/lifecycles", tags=["lifecycles"])
WorkflowId = Annotated[str, Path(min_length=1, max_length=200)]


class LifecycleDetail(BaseModel):
    lifecycle: LifecycleView
    status: LifecycleStatus
    # When the workflow gave this status: at most the API's status max age
    # (BONDFLOW_API_STATUS_MAX_AGE_SECONDS, 1 s by default) before the answer.
    status_read_at: dt.datetime


class DocumentFiles(BaseModel):
    document: DocumentView
    submissions: list[SubmissionView]
    # Each receipt with its delivery to the lifecycle (delivered, after the end...).
    receipts: list[DeliveredReceipt]


# --- filing ---------------------------------------------------------------------------


def _filing_route(lifecycle: Lifecycle) -> None:
    kind = KINDS[lifecycle]
    # The body is the draft without `filed_by`: the API files as the token's user.
    body = create_model(
        f"{kind.draft.__name__}In",
        __base__=kind.draft,
        filed_by=(str | None, None),
    )

    async def file(draft: body, principal: Filer, services: ServicesDep) -> LifecycleView:
        filed = kind.draft.model_validate({**draft.model_dump(), "filed_by": principal.name})
        return await services.lifecycles.file(principal, lifecycle, filed)

    # The body's model is made here, not in the module: give FastAPI the class itself
    # (the module's postponed annotations name it only as a string).
    file.__annotations__["draft"] = body
    router.add_api_route(
        f"/{lifecycle.value}",
        file,
        methods=["POST"],
        response_model=LifecycleView,
        status_code=status.HTTP_201_CREATED,
        summary=f"File {with_article(lifecycle.value.replace('_', ' '))}",
        name=f"file_{lifecycle.value}",
    )


for _lifecycle in Lifecycle:
    _filing_route(_lifecycle)


MAX_UPLOAD = 16 * 1024 * 1024  # bytes: a 1,000-line list is under 1 MB


@router.post(
    "/xml",
    response_model=LifecycleView,
    status_code=status.HTTP_201_CREATED,
    summary="File by uploading an INV101 (entry or export) or a linked DecMessage",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def file_bonded_list_xml(
    request: Request,
    extras: Annotated[ListExtras, Query()],
    principal: Filer,
    services: ServicesDep,
) -> LifecycleView:
    """The list as the enterprise's own software wrote it (read strictly, as every
    upload: unknown elements, DOCTYPEs and entities are refused with the line). What
    INV101 does not carry (lots, location, arrival, exchange rate, vehicle) comes as
    query parameters. ImpexpMarkcd I files a first-line entry, E an export. A
    DecMessage a domestic supplier filed for goods into the zone (with its EntryId,
    the zone book as ManualNo and each line's ContrItem) files the second-line entry
    linked to it (give inner_no)."""
    data = await body_within(request, MAX_UPLOAD)
    return await file_upload(services, principal, data, extras)


async def file_upload(
    services: Services, principal: Principal, data: bytes, extras: ListExtras
) -> LifecycleView:
    """File what an uploaded document is (the API's route and the console's form):
    read strictly; refusals name the element or the parameter each field came from."""
    message = await run_in_threadpool(parse, data, source="upload")
    kind = upload_kind(message)
    if kind is None or kind.upload is None:
        raise NotAFiling(
            f"{with_article(type(message).__name__)} is not an INV101 or a DecMessage to file",
            field="document",
        )
    upload = kind.upload
    # The draft's fields are named where the upload gave them: an element or a parameter.
    with fields_under(upload.path):
        draft = upload.read(message, extras, principal.name, principal.enterprise or "")
        return await services.lifecycles.file(principal, kind.lifecycle, draft)


# --- reading --------------------------------------------------------------------------


@router.get("", response_model=Page[LifecycleView])
def list_lifecycles(
    principal: CurrentPrincipal,
    services: ServicesDep,
    paging: Paging,
    lifecycle: Annotated[Lifecycle | None, Query()] = None,
) -> Page[LifecycleView]:
    items, total = services.lifecycles.page(principal, lifecycle, paging.limit, paging.offset)
    return Page[LifecycleView](items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/{workflow_id}", response_model=LifecycleDetail)
async def get_lifecycle(
    workflow_id: WorkflowId, principal: CurrentPrincipal, services: ServicesDep
) -> LifecycleDetail:
    """The lifecycle and its status. The status may be up to the API's status max age
    old (1 s by default; `status_read_at` says when the workflow gave it); a decision
    taken through this API is seen at once."""
    row = services.lifecycles.remembered_row(principal, workflow_id) or await run_in_threadpool(
        services.lifecycles.row, principal, workflow_id
    )
    read = await services.lifecycles.status(workflow_id)
    return LifecycleDetail(lifecycle=row, status=read.status, status_read_at=read.read_at)


@router.get("/{workflow_id}/documents", response_model=Page[DocumentFiles])
def list_documents(
    workflow_id: WorkflowId, principal: CurrentPrincipal, services: ServicesDep, paging: Paging
) -> Page[DocumentFiles]:
    """What the lifecycle filed (a list, its gate pass; a transfer's two lists), each
    with the files sent and the receipts customs answered; each receipt says how its
    delivery to the lifecycle went (`delivery.state`: pending, delivered, after_end
    when it arrived after the lifecycle ended, parked, dismissed)."""
    services.lifecycles.row(principal, workflow_id)
    documents, total = services.records.documents_page(workflow_id, paging.limit, paging.offset)
    items = [
        DocumentFiles(
            document=document,
            submissions=services.records.submissions(document.id),
            receipts=services.records.deliveries.of_document(document.id),
        )
        for document in documents
    ]
    return Page[DocumentFiles](items=items, total=total, limit=paging.limit, offset=paging.offset)


XML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/xml": {}}, "description": "the file as it was"}
}


@router.get("/{workflow_id}/submissions/{file_name}", response_class=Response, responses=XML)
def download_submission(
    workflow_id: WorkflowId,
    file_name: Annotated[str, Path(min_length=1, max_length=255)],
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> Response:
    """The XML we filed, byte for byte."""
    services.lifecycles.row(principal, workflow_id)
    payload = services.records.submission_payload_of(workflow_id, file_name)
    return Response(payload, media_type="application/xml")


@router.get("/{workflow_id}/receipts/{receipt_id}", response_class=Response, responses=XML)
def download_receipt(
    workflow_id: WorkflowId,
    receipt_id: Annotated[int, Path(ge=1, le=2**62)],
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> Response:
    """A receipt from customs, byte for byte as it arrived."""
    services.lifecycles.row(principal, workflow_id)
    payload = services.records.receipt_payload_of(workflow_id, receipt_id)
    return Response(payload, media_type="application/xml")


@router.get("/{workflow_id}/receipts/{receipt_id}/fields", response_model=ReceiptContent)
def receipt_fields(
    workflow_id: WorkflowId,
    receipt_id: Annotated[int, Path(ge=1, le=2**62)],
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> ReceiptContent:
    """Every field of a receipt as customs sent it, each with its Chinese name."""
    services.lifecycles.row(principal, workflow_id)
    return receipt_content(receipt_id, services.records.receipt_payload_of(workflow_id, receipt_id))


# --- acting: one route per action of the table (lifecycles/actions.py) ---------------


def decision_of(
    principal: Principal, action: Action, kind: Kind | None, body: BaseModel
) -> BaseModel:
    """The workflow's decision: the body signed with who and in which role; for a
    correction, the draft read as the lifecycle's own kind (its fields named inside
    the body's ``draft``) in the lifecycle's correction model."""
    assert principal.lifecycle_role is not None
    who: dict[str, Any] = {"actor": principal.name, "role": principal.lifecycle_role}
    if action.decision is not None:
        return action.decision.model_validate(who | dict(body))
    assert kind is not None
    assert isinstance(body, CorrectionIn)
    with fields_under(under("draft")):
        draft = kind.draft.model_validate({**body.draft, "filed_by": principal.name})
    return kind.correction.model_validate(who | {"reason": body.reason, "draft": draft})


def _action_route(action: Action) -> None:
    async def act(
        workflow_id: WorkflowId, body: BaseModel, principal: Actor, services: ServicesDep
    ) -> LifecycleStatus:
        kind = None
        if action.decision is None:  # the lifecycle's own model: which lifecycle is it?
            row = await run_in_threadpool(services.lifecycles.row, principal, workflow_id)
            kind = KINDS[row.lifecycle]
        decision = decision_of(principal, action, kind, body)
        return await services.lifecycles.act(principal, workflow_id, action.update, decision)

    # As for filing: FastAPI reads the body's model from the function itself.
    act.__annotations__["body"] = action.body
    router.add_api_route(
        f"/{{workflow_id}}/{action.path}",
        act,
        methods=["POST"],
        response_model=LifecycleStatus,
        summary=action.summary,
        description=described(action),
        name=action.update,
    )


for _action in ACTIONS:
    _action_route(_action)


# --- a stocktake's count sheet ---------------------------------------------------------

MAX_COUNT_SHEET = 16 * 1024 * 1024  # bytes


@router.post(
    "/{workflow_id}/count-sheet",
    response_model=LifecycleStatus,
    summary="Enter a stocktake's counts from a count sheet (CSV or XLSX)",
    openapi_extra=SHEET_BODY,
    responses=IMPORT_REFUSED,
)
async def upload_count_sheet(
    workflow_id: WorkflowId,
    request: Request,
    principal: Actor,
    services: ServicesDep,
    exchange_rate: Annotated[ExchangeRate | None, Query()] = None,
    reason: Annotated[Reason, Query()] = "counted",
) -> LifecycleStatus:
    """The counts of a stocktake (盘点表), one row per lot and location: columns
    `item_no`, `lot_no`, `location`, `quantity`, and where needed `status` (bonded by
    default), `unit_price` and `currency` (a shortage of bonded goods: its customs
    value, with `exchange_rate`), or the Chinese headers (备案序号, 批次号, 库位, 盘点数量,
    海关状态, 单价, 币制). As `counts`, after a recount only the positions sent back.
    Every bad row is refused at once, naming its row and column; nothing is entered."""
    data = await body_within(request, MAX_COUNT_SHEET)
    return await enter_count_sheet(services, principal, workflow_id, data, exchange_rate, reason)


async def enter_count_sheet(
    services: Services,
    principal: Principal,
    workflow_id: str,
    data: bytes,
    exchange_rate: ExchangeRate | None,
    reason: Reason = "counted",
) -> LifecycleStatus:
    """A count sheet's counts entered (the API's route and the filer's console page):
    the sheet read, checked against the stocktake's status with every refusal named by
    its row and column (``ImportRefused``), then sent as ``counts``."""
    row = await run_in_threadpool(services.lifecycles.row, principal, workflow_id)
    if row.lifecycle is not Lifecycle.STOCKTAKE:
        raise Conflict(f"{workflow_id} is not a stocktake", field="workflow_id")
    sheet = await run_in_threadpool(read_count_sheet, data, "the count sheet")
    assert principal.lifecycle_role is not None
    counts = Counts(
        actor=principal.name,
        role=principal.lifecycle_role,
        reason=reason,
        lines=tuple(sheet.lines),
        exchange_rate=exchange_rate,
    )
    status_now = await services.lifecycles.query(workflow_id)
    if status_now.stage is Stage.COUNTING and status_now.stocktake is not None:
        refusals = counts_refused(status_now.stocktake, counts)
        if refusals:  # every one, by row; the workflow checks again (the first of them)
            raise sheet.refused(refusals)
    return await services.lifecycles.act(principal, workflow_id, COUNTS.update, counts)
