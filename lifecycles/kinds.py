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

    def number(self, draft: Any) -> str:
        """The business number: the enterprise's own number of the document."""
        if isinstance(draft, TransferDraft):
            return draft.transfer_no
        if isinstance(draft, WorkOrderDraft):
            return draft.work_order_no
        number: str = draft.inner_no
        return number

    def books(self, draft: Any) -> tuple[str, str | None]:
        """(the book, the partner's book for a transfer)."""
        if isinstance(draft, TransferDraft):
            return draft.from_book_no, draft.to_book_no
        book: str = draft.book_no
        return book, None

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
