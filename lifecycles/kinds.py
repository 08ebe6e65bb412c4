"""The lifecycle kinds the API files, one entry each (pure): the workflow, the draft and
input models, the workflow id; the correction model; the draft's number and book
fields; which uploaded message files it; the actions its workflow takes; and the next
step of each stage. Adding a lifecycle is one entry here plus its rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from lifecycles.actions import (
    CANCEL,
    CORRECTION,
    COUNTS,
    DEVIATION_APPROVAL,
    DIFFERENCE_REVIEW,
    INSPECTION,
    PAYMENT,
    RETURN,
    SIGN_OFF,
    VEHICLE_CORRECTION,
    WEIGHT_DECISION,
    Action,
)
from lifecycles.from_xml import ListExtras, draft_from_declaration, draft_from_list, upload_path
from schemas.codes import CustomsStatus, OutsideKind
from schemas.lifecycle import (
    Correction,
    DomesticSaleDraft,
    DomesticSaleInput,
    EntryDraft,
    EntryInput,
    ExportDraft,
    ExportInput,
    Lifecycle,
    SecondLineEntryDraft,
    SecondLineEntryInput,
    Stage,
    StocktakeCorrection,
    StocktakeDraft,
    StocktakeInput,
    TransferCorrection,
    TransferDraft,
    TransferInput,
    WorkOrderCorrection,
    WorkOrderDraft,
    WorkOrderInput,
    WriteOffCorrection,
    WriteOffDraft,
    WriteOffInput,
)
from schemas.list_policy import Direction, ListActivityPolicy
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.codes import ImpExp
from schemas.messages.declaration import DeclarationMessage
from workflows import bonded_list, processing, stocktake, transfer, write_off
from workflows.next_step import Next, NextSteps, next_step

# (the message, its extras, who files it, the filer's enterprise) -> the draft
ReadUpload = Callable[[Any, ListExtras, str, str], BaseModel]


@dataclass(frozen=True)
class Upload:
    """Which uploaded message files a lifecycle, and how it becomes its draft."""

    message: type[BaseModel]
    impexp: ImpExp | None  # an INV101's ImpexpMarkcd, for the kinds an INV101 files
    read: ReadUpload

    def files(self, message: BaseModel) -> bool:
        if not isinstance(message, self.message):
            return False
        return self.impexp is None or (
            isinstance(message, BondedListUpload)
            and message.message.head.impexp_markcd is self.impexp
        )

    def path(self, field: str) -> str:
        """Where a draft field came from: the element of the upload, or the parameter."""
        return upload_path(field, declaration=self.message is DeclarationMessage)


def _from_list(message: Any, extras: ListExtras, filed_by: str, enterprise: str) -> BaseModel:
    return draft_from_list(message, extras, filed_by=filed_by)


def _from_declaration(
    message: Any, extras: ListExtras, filed_by: str, enterprise: str
) -> BaseModel:
    # The zone enterprise files the list itself: it is its own declarant here.
    return draft_from_declaration(message, extras, declarant_code=enterprise, filed_by=filed_by)


@dataclass(frozen=True)
class Kind:
    lifecycle: Lifecycle
    workflow: str  # the workflow type name the worker registers
    prefix: str  # of the workflow id: <prefix>-<business number>
    draft: type[BaseModel]
    start_input: Callable[[Any], BaseModel]
    # How a bonded list's activities do their steps (None: a family of its own).
    activities: ListActivityPolicy | None
    # What the API needs (keyword-only, so fields added above stay positional):
    correction: type[BaseModel] = field(kw_only=True)  # the `correct` update's model
    actions: tuple[Action, ...] = field(kw_only=True)  # the updates the workflow takes
    next_steps: NextSteps = field(kw_only=True)  # the workflow's next step per stage
    number_field: str = field(default="inner_no", kw_only=True)  # the business number
    book_field: str = field(default="book_no", kw_only=True)
    partner_book_field: str | None = field(default=None, kw_only=True)  # a transfer's
    upload: Upload | None = field(default=None, kw_only=True)  # how an upload files it
    # Stages whose escalation means a deadline passed (the workflow's ``OVERDUE``).
    overdue: frozenset[Stage] = field(default=frozenset(), kw_only=True)

    def number(self, draft: Any) -> str:
        """The business number: the enterprise's own number of the document."""
        number: str = getattr(draft, self.number_field)
        return number

    def books(self, draft: Any) -> tuple[str, str | None]:
        """(the book, the partner's book for a transfer)."""
        partner = self.partner_book_field
        return getattr(draft, self.book_field), getattr(draft, partner) if partner else None

    def workflow_id(self, draft: Any) -> str:
        return f"{self.prefix}-{self.number(draft)}"

    def offered(self, stage: Stage) -> tuple[Action, ...]:
        """What can be done about the stage: the actions this workflow takes there."""
        return tuple(action for action in self.actions if stage in action.stages)

    def next_step(self, stage: Stage, escalated: bool) -> Next:
        return next_step(self.next_steps, stage, escalated, self.overdue)


_BONDED_LIST = (SIGN_OFF, INSPECTION, PAYMENT, WEIGHT_DECISION, VEHICLE_CORRECTION)
_BONDED_LIST_ACTIONS = (*_BONDED_LIST, CORRECTION, RETURN, CANCEL)

KINDS: dict[Lifecycle, Kind] = {
    kind.lifecycle: kind
    for kind in (
        Kind(
            Lifecycle.FIRST_LINE_ENTRY,
            "FirstLineEntry",
            "entry",
            EntryDraft,
            lambda d: EntryInput(draft=d),
            ListActivityPolicy(
                prefix="entry",
                direction=Direction.IN,
                outside=OutsideKind.ABROAD,
                status=CustomsStatus.BONDED,
                checks_stock=False,
                assesses_taxes=False,
                reserve_reason="first-line entry {inner_no}: goods declared, awaiting the gate",
            ),
            correction=Correction,
            actions=_BONDED_LIST_ACTIONS,
            next_steps=bonded_list.NEXT_STEP,
            upload=Upload(BondedListUpload, ImpExp.IMPORT, _from_list),
        ),
        Kind(
            Lifecycle.SECOND_LINE_ENTRY,
            "SecondLineEntry",
            "second-line-entry",
            SecondLineEntryDraft,
            lambda d: SecondLineEntryInput(draft=d),
            ListActivityPolicy(
                prefix="second_line_entry",
                direction=Direction.IN,
                outside=OutsideKind.DOMESTIC,
                status=CustomsStatus.NON_BONDED,
                checks_stock=False,
                assesses_taxes=False,
                reserve_reason="second-line entry {inner_no}: domestic goods, awaiting the gate",
            ),
            correction=Correction,
            actions=_BONDED_LIST_ACTIONS,
            next_steps=bonded_list.NEXT_STEP,
            upload=Upload(DeclarationMessage, None, _from_declaration),
        ),
        Kind(
            Lifecycle.EXPORT,
            "Export",
            "export",
            ExportDraft,
            lambda d: ExportInput(draft=d),
            ListActivityPolicy(
                prefix="export",
                direction=Direction.OUT,
                outside=OutsideKind.ABROAD,
                status=CustomsStatus.BONDED,
                checks_stock=True,
                assesses_taxes=False,
                reserve_reason="{inner_no}: goods declared for export",
            ),
            correction=Correction,
            actions=_BONDED_LIST_ACTIONS,
            next_steps=bonded_list.NEXT_STEP,
            upload=Upload(BondedListUpload, ImpExp.EXPORT, _from_list),
        ),
        Kind(
            Lifecycle.DOMESTIC_SALE,
            "DomesticSale",
            "domestic-sale",
            DomesticSaleDraft,
            lambda d: DomesticSaleInput(draft=d),
            ListActivityPolicy(
                prefix="domestic_sale",
                direction=Direction.OUT,
                outside=OutsideKind.DOMESTIC,
                status=CustomsStatus.BONDED,
                checks_stock=True,
                assesses_taxes=True,
                reserve_reason="{inner_no}: goods sold into China",
            ),
            correction=Correction,
            actions=_BONDED_LIST_ACTIONS,
            next_steps=bonded_list.NEXT_STEP,
        ),
        Kind(
            Lifecycle.PROCESSING,
            "WorkOrder",
            "work-order",
            WorkOrderDraft,
            lambda d: WorkOrderInput(draft=d),
            None,
            correction=WorkOrderCorrection,
            actions=(DEVIATION_APPROVAL, CORRECTION, RETURN, CANCEL),
            next_steps=processing.NEXT_STEP,
            number_field="work_order_no",
        ),
        Kind(
            Lifecycle.TRANSFER,
            "Transfer",
            "transfer",
            TransferDraft,
            lambda d: TransferInput(draft=d),
            None,
            correction=TransferCorrection,
            actions=(SIGN_OFF, CORRECTION, RETURN, CANCEL),
            next_steps=transfer.NEXT_STEP,
            number_field="transfer_no",
            book_field="from_book_no",
            partner_book_field="to_book_no",
        ),
        Kind(
            Lifecycle.STOCKTAKE,
            "Stocktake",
            "stocktake",
            StocktakeDraft,
            lambda d: StocktakeInput(draft=d),
            None,
            correction=StocktakeCorrection,
            actions=(COUNTS, DIFFERENCE_REVIEW, PAYMENT, CORRECTION, RETURN, CANCEL),
            next_steps=stocktake.NEXT_STEP,
            number_field="stocktake_no",
            overdue=stocktake.OVERDUE,
        ),
        Kind(
            Lifecycle.WRITE_OFF,
            "WriteOff",
            "write-off",
            WriteOffDraft,
            lambda d: WriteOffInput(draft=d),
            None,
            correction=WriteOffCorrection,
            actions=(SIGN_OFF, CORRECTION, RETURN, CANCEL),
            next_steps=write_off.NEXT_STEP,
            number_field="write_off_no",
            overdue=write_off.OVERDUE,
        ),
    )
}


def upload_kind(message: BaseModel) -> Kind | None:
    """The lifecycle an uploaded message files, if any."""
    for kind in KINDS.values():
        if kind.upload is not None and kind.upload.files(message):
            return kind
    return None
