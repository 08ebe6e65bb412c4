"""Views of our exchange with customs: documents, the files we sent, the receipts."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class DocumentView(_View):
    id: int
    kind: str
    enterprise_code: str
    inner_no: str
    workflow_id: str | None
    pre_entry_no: str | None
    business_no: str | None
    declaration_seq_no: str | None
    entry_id: str | None


class SubmissionView(_View):
    id: int
    document_id: int
    message_type: str
    file_name: str
    content_sha256: str
    change_count: int
    submitted_at: dt.datetime


class ReceiptView(_View):
    id: int
    document_id: int
    message_type: str
    receipt_key: str
    file_name: str
    result: str | None
    business_time: dt.datetime | None
    received_at: dt.datetime
    summary: dict[str, Any]


class ReceiptField(_View):
    """One element of a receipt as customs sent it."""

    element: str  # the element path: INV201/BondInvtBsc/bondInvtNo
    label: str | None  # its Chinese name (保税清单编号); None for one bondflow does not know
    value: str  # the text exactly as written ("" for an empty element)


class ReceiptContent(_View):
    """Every field of a receipt, in the format's order: what customs said, whole."""

    id: int
    message_type: str
    transport: str | None  # DxpMsg or ImportMessage when it came wrapped
    fields: list[ReceiptField]


class ReceiptStatus(StrEnum):
    RECORDED = "recorded"  # new: recorded and to be delivered
    DUPLICATE = "duplicate"  # the same receipt was recorded before (same bytes or same key)


class ReceiptOutcome(_View):
    status: ReceiptStatus
    receipt: ReceiptView
    # When the document's last file went to the OutBox (a new receipt's lag is from it).
    filed_at: dt.datetime | None = None


class DeliveryState(StrEnum):
    """How a receipt is getting to its document's lifecycle (workflow).

    ``pending`` -> ``delivered`` | ``after_end`` | (retried with backoff) ``parked``;
    an admin sends ``pending`` or ``parked`` back to ``pending`` (redeliver) or to
    ``dismissed``. ``delivered``, ``after_end`` and ``dismissed`` are final.
    """

    PENDING = "pending"  # to be handed on (again) at next_attempt_at
    DELIVERED = "delivered"  # the workflow has it (or the document has no workflow)
    AFTER_END = "after_end"  # arrived after the lifecycle ended: kept, never delivered
    PARKED = "parked"  # failed until the retry bound: waits for an admin (dead letter)
    DISMISSED = "dismissed"  # an admin decided it need not be delivered (who and why)

    @property
    def settled(self) -> bool:
        return self in (DeliveryState.DELIVERED, DeliveryState.AFTER_END, DeliveryState.DISMISSED)


UNDELIVERED = (DeliveryState.PENDING, DeliveryState.PARKED)


class DeliveryView(_View):
    state: DeliveryState
    attempts: int
    queued_at: dt.datetime
    next_attempt_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    last_error: str | None
    settled_at: dt.datetime | None
    decided_by: str | None
    decided_at: dt.datetime | None
    note: str | None


class DeliveredReceipt(ReceiptView):
    """A receipt with how it is getting (or got) to its lifecycle."""

    delivery: DeliveryView


class ReceiptDelivery(_View):
    """One receipt's delivery with its document: a line of the undelivered list."""

    receipt: ReceiptView
    document: DocumentView
    delivery: DeliveryView
