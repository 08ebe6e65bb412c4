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


class ReceiptStatus(StrEnum):
    RECORDED = "recorded"  # new: recorded and to be delivered
    DUPLICATE = "duplicate"  # the same receipt was recorded before (same bytes or same key)


class ReceiptOutcome(_View):
    status: ReceiptStatus
    receipt: ReceiptView
