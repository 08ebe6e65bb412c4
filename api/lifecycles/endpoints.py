"""Lifecycles: file one (a filer, for its own enterprise), list and read them (status,
next step, timeline), download what went to customs and what came back, and act
(decisions go to the workflow as Temporal updates; the API never writes stock)."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Query, Request, Response, status
from pydantic import BaseModel, create_model
from starlette.concurrency import run_in_threadpool

from access import Principal
from adapters.xml.codec import parse
from adapters.xml.labels import receipt_content
from api.dependencies import Actor, CurrentPrincipal, Filer, ServicesDep
from api.lifecycles.schemas import (
    CorrectionIn,
    DecisionIn,
    InspectionIn,
    PaymentIn,
    VehicleCorrectionIn,
    WeightDecisionIn,
)
from api.pagination import Page, Paging, page_of
from api.problems import fields_under, under
from api.services import Services
from api.uploads import body_within
from lifecycles.from_xml import (
    ListExtras,
    NotAFiling,
    draft_from_declaration,
    draft_from_list,
    upload_path,
)
from lifecycles.kinds import KINDS
from lifecycles.service import LifecycleView
from schemas.customs import DeliveredReceipt, DocumentView, ReceiptContent, SubmissionView
from schemas.errors import NotFound
from schemas.lifecycle import (
    Correction,
    Decision,
    EntryDraft,
    ExportDraft,
    InspectionResult,
    Lifecycle,
    LifecycleStatus,
    PaymentConfirmation,
    SecondLineEntryDraft,
    TransferCorrection,
    VehicleCorrection,
    WeightDecision,
    WorkOrderCorrection,
)
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.declaration import DeclarationMessage
from schemas.wording import with_article

router = APIRouter(prefix="/lifecycles", tags=["lifecycles"])
WorkflowId = Annotated[str, Path(min_length=1, max_length=200)]


class LifecycleDetail(BaseModel):
    lifecycle: LifecycleView
    status: LifecycleStatus


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
    message = await run_in_threadpool(parse, data, source="upload")
    if not isinstance(message, BondedListUpload | DeclarationMessage):
        raise NotAFiling(
            f"{with_article(type(message).__name__)} is not an INV101 or a DecMessage to file",
            field="document",
        )
    declaration = isinstance(message, DeclarationMessage)
    # The draft's fields are named where the upload gave them: an element or a parameter.
    with fields_under(lambda field: upload_path(field, declaration=declaration)):
        draft: EntryDraft | ExportDraft | SecondLineEntryDraft
        if isinstance(message, BondedListUpload):
            draft = draft_from_list(message, extras, filed_by=principal.name)
        else:
            # The zone enterprise files the list itself: it is its own declarant here.
            draft = draft_from_declaration(
                message, extras, declarant_code=principal.enterprise or "", filed_by=principal.name
            )
        if isinstance(draft, EntryDraft):
            lifecycle = Lifecycle.FIRST_LINE_ENTRY
        elif isinstance(draft, ExportDraft):
            lifecycle = Lifecycle.EXPORT
        else:
            lifecycle = Lifecycle.SECOND_LINE_ENTRY
        return await services.lifecycles.file(principal, lifecycle, draft)


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
    row = await run_in_threadpool(services.lifecycles.row, principal, workflow_id)
    return LifecycleDetail(lifecycle=row, status=await services.lifecycles.query(workflow_id))


@router.get("/{workflow_id}/documents", response_model=Page[DocumentFiles])
def list_documents(
    workflow_id: WorkflowId, principal: CurrentPrincipal, services: ServicesDep, paging: Paging
) -> Page[DocumentFiles]:
    """What the lifecycle filed (a list, its gate pass; a transfer's two lists), each
    with the files sent and the receipts customs answered; each receipt says how its
    delivery to the lifecycle went (`delivery.state`: pending, delivered, after_end
    when it arrived after the lifecycle ended, parked, dismissed)."""
    services.lifecycles.row(principal, workflow_id)
    documents = [
        DocumentFiles(
            document=document,
            submissions=services.records.submissions(document.id),
            receipts=services.records.deliveries.of_document(document.id),
        )
        for document in services.records.documents_of_workflow(workflow_id)
    ]
    return page_of(documents, paging)


def _documents(services: Services, principal: Principal, workflow_id: str) -> set[int]:
    services.lifecycles.row(principal, workflow_id)
    return {d.id for d in services.records.documents_of_workflow(workflow_id)}


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
    documents = _documents(services, principal, workflow_id)
    submission = services.records.submission(file_name)
    if submission is None or submission.document_id not in documents:
        raise NotFound(f"no submission {file_name} of {workflow_id}", field="file_name")
    return Response(services.records.submission_payload(file_name), media_type="application/xml")


@router.get("/{workflow_id}/receipts/{receipt_id}", response_class=Response, responses=XML)
def download_receipt(
    workflow_id: WorkflowId,
    receipt_id: Annotated[int, Path(ge=1, le=2**62)],
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> Response:
    """A receipt from customs, byte for byte as it arrived."""
    documents = _documents(services, principal, workflow_id)
    for document_id in documents:
        if any(r.id == receipt_id for r in services.records.receipts(document_id)):
            return Response(
                services.records.receipt_payload(receipt_id), media_type="application/xml"
            )
    raise NotFound(f"no receipt {receipt_id} of {workflow_id}", field="receipt_id")


@router.get("/{workflow_id}/receipts/{receipt_id}/fields", response_model=ReceiptContent)
def receipt_fields(
    workflow_id: WorkflowId,
    receipt_id: Annotated[int, Path(ge=1, le=2**62)],
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> ReceiptContent:
    """Every field of a receipt as customs sent it, each with its Chinese name."""
    documents = _documents(services, principal, workflow_id)
    for document_id in documents:
        if any(r.id == receipt_id for r in services.records.receipts(document_id)):
            return receipt_content(receipt_id, services.records.receipt_payload(receipt_id))
    raise NotFound(f"no receipt {receipt_id} of {workflow_id}", field="receipt_id")


# --- acting ---------------------------------------------------------------------------


D = TypeVar("D", bound=BaseModel)


def _signed(principal: Principal, decision: type[D], body: BaseModel) -> D:
    """The workflow's decision model: the body, signed with who and in which role."""
    assert principal.lifecycle_role is not None
    who = {"actor": principal.name, "role": principal.lifecycle_role}
    return decision.model_validate(who | dict(body))


async def _act(
    services: Services, principal: Principal, workflow_id: str, update: str, payload: BaseModel
) -> LifecycleStatus:
    return await services.lifecycles.act(principal, workflow_id, update, payload)


@router.post("/{workflow_id}/sign-off", response_model=LifecycleStatus)
async def sign_off(
    workflow_id: WorkflowId, body: DecisionIn, principal: Actor, services: ServicesDep
) -> LifecycleStatus:
    """The liaison signs the draft off (待审批 → reserved and filed)."""
    return await _act(
        services, principal, workflow_id, "sign_off", _signed(principal, Decision, body)
    )


@router.post("/{workflow_id}/return", response_model=LifecycleStatus)
async def return_draft(
    workflow_id: WorkflowId, body: DecisionIn, principal: Actor, services: ServicesDep
) -> LifecycleStatus:
    """The liaison returns the draft (or a work order's deviation) with a reason."""
    return await _act(
        services, principal, workflow_id, "return_draft", _signed(principal, Decision, body)
    )


@router.post("/{workflow_id}/cancel", response_model=LifecycleStatus)
async def cancel(
    workflow_id: WorkflowId, body: DecisionIn, principal: Actor, services: ServicesDep
) -> LifecycleStatus:
    """Withdraw: a filed list's deletion is asked of customs, the reservation voided."""
    return await _act(
        services, principal, workflow_id, "cancel", _signed(principal, Decision, body)
    )


@router.post("/{workflow_id}/inspection", response_model=LifecycleStatus)
async def record_inspection(
    workflow_id: WorkflowId, body: InspectionIn, principal: Actor, services: ServicesDep
) -> LifecycleStatus:
    """The liaison records customs' inspection (查验) result."""
    result = _signed(principal, InspectionResult, body)
    return await _act(services, principal, workflow_id, "record_inspection", result)


@router.post("/{workflow_id}/payment", response_model=LifecycleStatus)
async def confirm_payment(
    workflow_id: WorkflowId, body: PaymentIn, principal: Actor, services: ServicesDep
) -> LifecycleStatus:
    """Confirm the duties and taxes were paid (the exact amount payable)."""
    payment = _signed(principal, PaymentConfirmation, body)
    return await _act(services, principal, workflow_id, "confirm_payment", payment)


@router.post("/{workflow_id}/weight-decision", response_model=LifecycleStatus)
async def decide_weight(
    workflow_id: WorkflowId, body: WeightDecisionIn, principal: Actor, services: ServicesDep
) -> LifecycleStatus:
    """The liaison lets a vehicle whose weight disagrees through, or refuses it."""
    decision = _signed(principal, WeightDecision, body)
    return await _act(services, principal, workflow_id, "decide_weight", decision)


@router.post("/{workflow_id}/deviation-approval", response_model=LifecycleStatus)
async def approve_deviation(
    workflow_id: WorkflowId, body: DecisionIn, principal: Actor, services: ServicesDep
) -> LifecycleStatus:
    """The liaison approves consumption outside the norm's tolerance, with a reason."""
    return await _act(
        services, principal, workflow_id, "approve_deviation", _signed(principal, Decision, body)
    )


@router.post("/{workflow_id}/vehicle-correction", response_model=LifecycleStatus)
async def correct_vehicle(
    workflow_id: WorkflowId, body: VehicleCorrectionIn, principal: Actor, services: ServicesDep
) -> LifecycleStatus:
    """After customs returned the gate pass: the vehicle as it really is."""
    correction = _signed(principal, VehicleCorrection, body)
    return await _act(services, principal, workflow_id, "correct_vehicle", correction)


@router.post("/{workflow_id}/correction", response_model=LifecycleStatus)
async def correct(
    workflow_id: WorkflowId, body: CorrectionIn, principal: Actor, services: ServicesDep
) -> LifecycleStatus:
    """The corrected draft after a return; re-declared with ChgTmsCnt + 1."""
    row = await run_in_threadpool(services.lifecycles.row, principal, workflow_id)
    kind = KINDS[row.lifecycle]
    with fields_under(under("draft")):  # the draft's fields, inside the body's "draft"
        draft: Any = kind.draft.model_validate({**body.draft, "filed_by": principal.name})
    assert principal.lifecycle_role is not None
    who: dict[str, Any] = {
        "actor": principal.name,
        "role": principal.lifecycle_role,
        "reason": body.reason,
        "draft": draft,
    }
    correction: BaseModel
    if row.lifecycle is Lifecycle.TRANSFER:
        correction = TransferCorrection(**who)
    elif row.lifecycle is Lifecycle.PROCESSING:
        correction = WorkOrderCorrection(**who)
    else:
        correction = Correction(**who)
    return await _act(services, principal, workflow_id, "correct", correction)
