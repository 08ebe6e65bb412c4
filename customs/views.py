"""Rows of the customs records as the views the rest of the engine reads."""

from __future__ import annotations

import json
from typing import Any

from adapters.db.models import CustomsDocument, CustomsReceipt, CustomsSubmission
from schemas.customs import DocumentView, ReceiptView, SubmissionView


def document_view(row: CustomsDocument) -> DocumentView:
    return DocumentView.model_validate(row, from_attributes=True)


def submission_view(row: CustomsSubmission) -> SubmissionView:
    return SubmissionView.model_validate(row, from_attributes=True)


def receipt_view(row: CustomsReceipt) -> ReceiptView:
    summary: dict[str, Any] = json.loads(row.summary)
    return ReceiptView(
        id=row.id,
        document_id=row.document_id,
        message_type=row.message_type,
        receipt_key=row.receipt_key,
        file_name=row.file_name,
        result=row.result,
        business_time=row.business_time,
        received_at=row.received_at,
        summary=summary,
    )
