"""The lifecycle kinds the API files: workflow name, draft and input models, the
workflow id and business number of a draft, and the books it touches (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

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


@dataclass(frozen=True)
class Kind:
    lifecycle: Lifecycle
    workflow: str  # the workflow type name the worker registers
    prefix: str  # of the workflow id: <prefix>-<business number>
    draft: type[BaseModel]
    start_input: Callable[[Any], BaseModel]

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
        ),
        Kind(
            Lifecycle.SECOND_LINE_ENTRY,
            "SecondLineEntry",
            "second-line-entry",
            SecondLineEntryDraft,
            lambda d: SecondLineEntryInput(draft=d),
        ),
        Kind(Lifecycle.EXPORT, "Export", "export", ExportDraft, lambda d: ExportInput(draft=d)),
        Kind(
            Lifecycle.DOMESTIC_SALE,
            "DomesticSale",
            "domestic-sale",
            DomesticSaleDraft,
            lambda d: DomesticSaleInput(draft=d),
        ),
        Kind(
            Lifecycle.PROCESSING,
            "WorkOrder",
            "work-order",
            WorkOrderDraft,
            lambda d: WorkOrderInput(draft=d),
        ),
        Kind(
            Lifecycle.TRANSFER,
            "Transfer",
            "transfer",
            TransferDraft,
            lambda d: TransferInput(draft=d),
        ),
    )
}
