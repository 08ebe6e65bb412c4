"""The lifecycle kinds the API files: workflow name, draft and input models, the
workflow id and business number of a draft, and the books it touches (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from schemas.codes import CustomsStatus, OutsideKind
from schemas.lifecycle import (
    DomesticSaleDraft,
    DomesticSaleInput,
    EntryDraft,
    EntryInput,
    ExportDraft,
    ExportInput,
    Lifecycle,
    SecondLineEntryDraft,
    SecondLineEntryInput,
    TransferDraft,
    TransferInput,
    WorkOrderDraft,
    WorkOrderInput,
)
from schemas.list_policy import Direction, ListActivityPolicy


@dataclass(frozen=True)
class Kind:
    lifecycle: Lifecycle
    workflow: str  # the workflow type name the worker registers
    prefix: str  # of the workflow id: <prefix>-<business number>
    draft: type[BaseModel]
    start_input: Callable[[Any], BaseModel]
    # How a bonded list's activities do their steps (None: a family of its own).
    activities: ListActivityPolicy | None

    def number_field(self, draft: Any) -> str:
        """The draft's field holding its business number (refusals name it)."""
        if isinstance(draft, TransferDraft):
            return "transfer_no"
        if isinstance(draft, WorkOrderDraft):
            return "work_order_no"
        return "inner_no"

    def number(self, draft: Any) -> str:
        """The business number: the enterprise's own number of the document."""
        number: str = getattr(draft, self.number_field(draft))
        return number

    def book_fields(self, draft: Any) -> tuple[str, str | None]:
        """The draft's fields naming (the book, the partner's book for a transfer)."""
        if isinstance(draft, TransferDraft):
            return "from_book_no", "to_book_no"
        return "book_no", None

    def books(self, draft: Any) -> tuple[str, str | None]:
        """(the book, the partner's book for a transfer)."""
        own, partner = self.book_fields(draft)
        return getattr(draft, own), getattr(draft, partner) if partner else None

    def workflow_id(self, draft: Any) -> str:
        return f"{self.prefix}-{self.number(draft)}"


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
        ),
        Kind(
            Lifecycle.PROCESSING,
            "WorkOrder",
            "work-order",
            WorkOrderDraft,
            lambda d: WorkOrderInput(draft=d),
            None,
        ),
        Kind(
            Lifecycle.TRANSFER,
            "Transfer",
            "transfer",
            TransferDraft,
            lambda d: TransferInput(draft=d),
            None,
        ),
    )
}
