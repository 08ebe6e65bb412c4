"""The liaison's pages (关务): the work queue and each waiting lifecycle's page, with
its timeline, its path drawn, what was filed and what customs answered, and the
decision forms its stage offers (made from ``lifecycles.actions.ACTIONS``, acting
through the same service and the same decision model as the API's action routes); a
body holding a list (a stocktake's review: one decision per open difference) is a form
of rows whose inputs are named by their paths (``decisions[0].cause``)."""

from __future__ import annotations

import typing
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Final, TypeVar

from fastapi import Path, Query
from markupsafe import Markup
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from access import Principal
from api.lifecycles.endpoints import decision_of
from api.queue.endpoints import QueueItem, queue_item
from console.dependencies import LiaisonPage
from console.draft_fields import draft_of
from console.drawings.stage_path import StageLabels, lifecycle_stages, stage_path_svg
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
from console.pages.liaison_draft import table_of
from console.refusals import ShownRefusal, from_error, from_validation
from console.routing import console_router, not_found
from lifecycles.actions import ACTIONS, Action
from lifecycles.kinds import KINDS
from lifecycles.service import LifecycleView, QueueFilter
from rules.stocktake import fitting_causes
from schemas.codes import DifferenceCause
from schemas.customs import DeliveredReceipt, DocumentView, SubmissionView
from schemas.errors import BondflowError
from schemas.lifecycle import DifferenceView, Lifecycle, LifecycleStatus, Role, Stage

router = console_router(f"{PREFIX}/liaison")
T = TypeVar("T")

QUEUE: Final = f"{PREFIX}/liaison/queue"
LIFECYCLES: Final = f"{PREFIX}/liaison/lifecycles"
MAX_DOCUMENTS: Final = 100  # a lifecycle files a list, its gate pass; a transfer two lists

WorkflowId = Annotated[str, Path(min_length=1, max_length=200)]
Filter = Annotated[str, Query(max_length=64)]

# The decision forms' titles and their fields' labels (the fields are the body's).
ACTION_TITLES: Final[dict[str, str]] = {
    "sign_off": N_("Sign off"),
    "record_inspection": N_("Record the inspection result"),
    "confirm_payment": N_("Confirm the payment"),
    "decide_weight": N_("Decide on the weight"),
    "approve_deviation": N_("Approve the deviation"),
    "enter_counts": N_("Enter the counts"),
    "review_differences": N_("Review the differences"),
    "correct_vehicle": N_("Correct the vehicle"),
    "correct": N_("Correct the draft"),
    "return_draft": N_("Return to the filer"),
    "cancel": N_("Cancel the lifecycle"),
}
FIELD_LABELS: Final[dict[str, str]] = {
    "reason": N_("Reason"),
    "passed": N_("Inspection passed"),
    "accept": N_("Let the vehicle through"),
    "reference": N_("Payment reference"),
    "amount": N_("Amount (CNY)"),
}


# The document's fields (the drafts' names; one not listed here is shown by its name).
DOCUMENT_FIELDS: Final[dict[str, str]] = {
    "inner_no": N_("Internal number"),
    "book_no": N_("Account book"),
    "declarant_code": N_("Declarant"),
    "supervision_mode": N_("Supervision mode"),
    "transport_mode": N_("Transport mode"),
    "departure_country": N_("Country of departure"),
    "destination_country": N_("Country of destination"),
    "arrival_date": N_("Arrival date"),
    "exchange_rate": N_("Exchange rate"),
    "filed_by": N_("Filed by"),
    "remark": N_("Remark"),
    "item_no": N_("Item"),
    "lot_no": N_("Lot"),
    "location": N_("Location"),
    "quantity": N_("Quantity"),
    "unit_price": N_("Unit price"),
    "currency": N_("Currency"),
    "origin_country": N_("Country of origin"),
    "gross_weight": N_("Gross weight (kg)"),
    "net_weight": N_("Net weight (kg)"),
    "vehicle.vehicle_no": N_("Vehicle"),
    "vehicle.vehicle_weight": N_("Vehicle weight (kg)"),
    "vehicle.frame_weight": N_("Frame weight (kg)"),
    "vehicle.container_weight": N_("Container weight (kg)"),
    "stocktake_no": N_("Stocktake number"),
    "locations": N_("Locations counted"),
    "counted_at": N_("Counted as of"),
    "write_off_no": N_("Write-off number"),
    "start": N_("Period from (first day)"),
    "end": N_("Period to (first day after)"),
    "stocktake_id": N_("Stocktake of the period"),
    "explanation": N_("Explanation of differences"),
}


# --- the work queue -------------------------------------------------------------------


@dataclass(frozen=True)
class Wanted:
    """The queue's filters as the GET form sent them (empty: any)."""

    lifecycle: Lifecycle | None = None
    stage: Stage | None = None
    enterprise: str | None = None
    book_no: str | None = None
    escalated: bool | None = None

    def service_filter(self) -> QueueFilter:
        return QueueFilter(
            Role.LIAISON, self.lifecycle, self.stage, self.escalated, self.enterprise, self.book_no
        )

    def form(self) -> dict[str, str]:
        escalated = "" if self.escalated is None else ("yes" if self.escalated else "no")
        return {
            "lifecycle": self.lifecycle.value if self.lifecycle else "",
            "stage": self.stage.value if self.stage else "",
            "enterprise": self.enterprise or "",
            "book_no": self.book_no or "",
            "escalated": escalated,
        }


def _wanted(
    lifecycle: str, stage: str, enterprise: str, book_no: str, escalated: str
) -> tuple[Wanted, list[ShownRefusal]]:
    """The filters, each unknown value refused by name (and left out)."""
    refusals: list[ShownRefusal] = []

    def known(field: str, text: str, read: Callable[[str], T]) -> T | None:
        if not text:
            return None
        try:
            return read(text)
        except ValueError:
            refusals.append(ShownRefusal(field, f"{text!r} is not a known value"))
            return None

    wanted = Wanted(
        lifecycle=known("lifecycle", lifecycle, Lifecycle),
        stage=known("stage", stage, Stage),
        enterprise=enterprise.strip() or None,
        book_no=book_no.strip() or None,
        escalated=known("escalated", escalated, {"yes": True, "no": False}.__getitem__),
    )
    return wanted, refusals


@dataclass(frozen=True)
class Counts:
    """How many of the whole queue have each filter value."""

    lifecycle: Counter[str]
    stage: Counter[str]
    enterprise: Counter[str]
    book_no: Counter[str]
    escalated: Counter[str]

    @classmethod
    def of(cls, items: list[QueueItem]) -> Counts:
        return cls(
            lifecycle=Counter(i.lifecycle.value for i in items),
            stage=Counter(i.stage.value for i in items),
            enterprise=Counter(i.enterprise_code for i in items),
            book_no=Counter(i.book_no for i in items),
            escalated=Counter("yes" if i.escalated else "no" for i in items),
        )


async def _queue(principal: Principal, page: Page, wanted: Wanted) -> list[QueueItem]:
    found = await page.services.lifecycles.waiting(principal, wanted.service_filter())
    return [queue_item(waiting) for waiting in found]


@router.get("/queue")
async def queue(
    page: LiaisonPage,
    lifecycle: Filter = "",
    stage: Filter = "",
    enterprise: Filter = "",
    book_no: Filter = "",
    escalated: Filter = "",
) -> Response:
    assert page.principal is not None
    wanted, refusals = _wanted(lifecycle, stage, enterprise, book_no, escalated)
    everything = await _queue(page.principal, page, Wanted())
    items = everything if wanted == Wanted() else await _queue(page.principal, page, wanted)
    return page.render(
        "liaison/queue.html",
        status=422 if refusals else 200,
        refusals=refusals,
        items=items,
        total=len(everything),
        counts=Counts.of(everything),
        form=wanted.form(),
        lifecycle_names=LIFECYCLE_NAMES,
        stage_names=STAGE_NAMES,
        action_titles={a.path: ACTION_TITLES[a.update] for a in ACTIONS},
        refresh_seconds=page.services.settings.console_queue_refresh_seconds,
    )


# --- one lifecycle ----------------------------------------------------------------------


@dataclass(frozen=True)
class Filed:
    """A document the lifecycle filed, the files sent and the receipts customs sent."""

    document: DocumentView
    submissions: list[SubmissionView]
    receipts: list[DeliveredReceipt]


def _filed(page: Page, workflow_id: str) -> list[Filed]:
    records = page.services.records
    documents, _ = records.documents_page(workflow_id, MAX_DOCUMENTS, 0)
    return [
        Filed(d, records.submissions(d.id), records.deliveries.of_document(d.id)) for d in documents
    ]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    boolean: bool
    default: str  # what the body takes when the field is left out ("" if required)


@dataclass(frozen=True)
class DecisionForm:
    action: Action
    title: str
    fields: tuple[FormField, ...]
    rows: str | None = None  # the body's list (a review's decisions), one row per item


def _is_list(annotation: object) -> bool:
    return typing.get_origin(annotation) is tuple


def _form_of(action: Action) -> DecisionForm:
    """The form for an action: one input per field of the body people send; a list
    of models (a review's decisions) is the form's rows."""
    items = action.body.model_fields.items()
    fields = tuple(
        FormField(
            name,
            FIELD_LABELS.get(name, name),
            info.annotation is bool,
            "" if info.is_required() else str(info.default),
        )
        for name, info in items
        if not _is_list(info.annotation)
    )
    rows = next((name for name, info in items if _is_list(info.annotation)), None)
    return DecisionForm(action, ACTION_TITLES[action.update], fields, rows)


def _liaison_forms(lifecycle: Lifecycle, stage: Stage) -> list[DecisionForm]:
    """What the liaison may decide at the stage: the kind's actions offered there."""
    return [
        _form_of(action)
        for action in KINDS[lifecycle].offered(stage)
        if Role.LIAISON in action.by and action.decision is not None
    ]


@dataclass(frozen=True)
class ReviewRow:
    """An open difference in the review's form: its index in the decisions, the
    difference and the causes that can explain it that way."""

    index: int
    difference: DifferenceView
    causes: tuple[DifferenceCause, ...]


def _review_rows(status: LifecycleStatus) -> list[ReviewRow]:
    if status.stocktake is None:
        return []
    open_ones = [d for d in status.stocktake.differences if d.state == "open"]
    return [ReviewRow(i, d, fitting_causes(d.difference)) for i, d in enumerate(open_ones)]


def _drawing(page: Page, row: LifecycleView, status: LifecycleStatus) -> Markup:
    labels = StageLabels(
        title=page.gettext(
            "The path of %(lifecycle)s %(number)s",
            lifecycle=page.gettext(LIFECYCLE_NAMES[row.lifecycle]),
            number=row.business_no,
        ),
        stage=lambda stage: page.gettext(STAGE_NAMES[stage]),
        role=lambda role: page.gettext(ACTOR_ROLE_NAMES[role]),
        current=page.gettext("current"),
    )
    svg = stage_path_svg(lifecycle_stages(row.lifecycle), status.timeline, status.stage, labels)
    return Markup(svg)  # built with lxml from escaped text: our own markup


async def _item_page(
    page: Page,
    workflow_id: str,
    *,
    status_code: int = 200,
    refusals: list[ShownRefusal] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    assert page.principal is not None
    row = await run_in_threadpool(page.services.lifecycles.row, page.principal, workflow_id)
    status = await page.services.lifecycles.query(workflow_id)
    filed = await run_in_threadpool(_filed, page, workflow_id)
    draft = await page.services.lifecycles.draft(page.principal, workflow_id)
    document = table_of(draft, corrected=status.change_count > 0)
    return page.render(
        "liaison/lifecycle.html",
        status=status_code,
        refusals=refusals or [],
        row=row,
        lifecycle_status=status,
        drawing=_drawing(page, row, status),
        filed=filed,
        document=document,
        field_labels=DOCUMENT_FIELDS,
        forms=_liaison_forms(row.lifecycle, status.stage),
        review=_review_rows(status),
        cause_names=CAUSE_NAMES,
        state_names=DIFFERENCE_STATE_NAMES,
        customs_status_names=CUSTOMS_STATUS_NAMES,
        typed=typed or {},
        lifecycle_names=LIFECYCLE_NAMES,
        stage_names=STAGE_NAMES,
        role_words=ACTOR_ROLE_NAMES,
        base=f"{LIFECYCLES}/{workflow_id}",
    )


@router.get("/lifecycles/{workflow_id}")
async def lifecycle(page: LiaisonPage, workflow_id: WorkflowId) -> Response:
    return await _item_page(page, workflow_id)


def _xml(payload: bytes, name: str, download: bool) -> Response:
    disposition = "attachment" if download else "inline"
    return Response(
        payload,
        media_type="application/xml",
        headers={"Content-Disposition": f'{disposition}; filename="{name}"'},
    )


@router.get("/lifecycles/{workflow_id}/submissions/{file_name}")
async def submission(
    page: LiaisonPage,
    workflow_id: WorkflowId,
    file_name: Annotated[str, Path(min_length=1, max_length=255, pattern=r"^[\w.\-]+$")],
    download: bool = False,
) -> Response:
    """The XML filed, byte for byte (as the API's download)."""
    assert page.principal is not None
    await run_in_threadpool(page.services.lifecycles.row, page.principal, workflow_id)
    payload = await run_in_threadpool(
        page.services.records.submission_payload_of, workflow_id, file_name
    )
    return _xml(payload, file_name, download)


@router.get("/lifecycles/{workflow_id}/receipts/{receipt_id}")
async def receipt(
    page: LiaisonPage,
    workflow_id: WorkflowId,
    receipt_id: Annotated[int, Path(ge=1, le=2**62)],
    download: bool = False,
) -> Response:
    """A receipt from customs, byte for byte as it arrived."""
    assert page.principal is not None
    await run_in_threadpool(page.services.lifecycles.row, page.principal, workflow_id)
    payload = await run_in_threadpool(
        page.services.records.receipt_payload_of, workflow_id, receipt_id
    )
    return _xml(payload, f"receipt-{receipt_id}.xml", download)


ACTION_PATHS: Final[dict[str, Action]] = {
    action.path: action for action in ACTIONS if Role.LIAISON in action.by and action.decision
}


@router.get("/lifecycles/{workflow_id}/{action_path}")
async def decision_page(page: LiaisonPage, workflow_id: WorkflowId, action_path: str) -> Response:
    """A decision's address opened (a refused form reloaded, its language switched):
    the lifecycle's page, where the forms are."""
    if action_path not in ACTION_PATHS:
        raise not_found()
    query = page.request.url.query  # (?lang= kept)
    target = f"{LIFECYCLES}/{workflow_id}" + (f"?{query}" if query else "")
    return RedirectResponse(target, status_code=303)


def _root(name: str) -> str:
    """The body's field an input belongs to (``decisions[0].cause`` -> decisions)."""
    return name.split("[", 1)[0].split(".", 1)[0]


@router.post("/lifecycles/{workflow_id}/{action_path}")
async def decide(page: LiaisonPage, workflow_id: WorkflowId, action_path: str) -> Response:
    """A decision from the form, sent as the API sends it: the body signed with who and
    in which role; the workflow's refusal is shown on the page with its reason."""
    assert page.principal is not None
    action = ACTION_PATHS.get(action_path)
    if action is None:
        raise not_found()
    form = await page.request.form()
    typed = {
        name: value
        for name, value in form.items()
        if _root(name) in action.body.model_fields and isinstance(value, str)
    }
    flat = {name: value for name, value in typed.items() if name in action.body.model_fields}
    rows = draft_of({name: value for name, value in typed.items() if name not in flat})
    try:
        body: BaseModel = action.body.model_validate(rows | flat)
        decision = decision_of(page.principal, action, None, body)
        await page.services.lifecycles.act(page.principal, workflow_id, action.update, decision)
    except ValidationError as error:
        return await _item_page(
            page, workflow_id, status_code=422, refusals=from_validation(error), typed=typed
        )
    except BondflowError as error:
        if error.field == "workflow_id":  # missing or not theirs: the same 404 page
            raise
        return await _item_page(
            page, workflow_id, status_code=error.status, refusals=from_error(error), typed=typed
        )
    return page.redirect(
        f"{LIFECYCLES}/{workflow_id}",
        page.ok("Decision taken: %(action)s.", action=page.gettext(ACTION_TITLES[action.update])),
    )
