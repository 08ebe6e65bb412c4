"""Every SQL statement of the customs records."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.db.models import (
    CustomsDocument,
    CustomsReceipt,
    CustomsReceiptDelivery,
    CustomsSubmission,
)
from customs.routing import Number

_COLUMNS = {
    Number.INNER_NO: CustomsDocument.inner_no,
    Number.PRE_ENTRY_NO: CustomsDocument.pre_entry_no,
    Number.BUSINESS_NO: CustomsDocument.business_no,
    Number.DECLARATION_SEQ_NO: CustomsDocument.declaration_seq_no,
    Number.ENTRY_ID: CustomsDocument.entry_id,
}


def document_by(session: Session, number: Number, value: str) -> CustomsDocument | None:
    # Numbers other than inner_no are unique in practice but not by constraint (a
    # returned list keeps its pre-entry number): take the oldest document.
    return session.scalar(
        select(CustomsDocument)
        .where(_COLUMNS[number] == value)
        .order_by(CustomsDocument.id)
        .limit(1)
    )


def document(session: Session, document_id: int) -> CustomsDocument | None:
    return session.get(CustomsDocument, document_id)


def submission_by_file(session: Session, file_name: str) -> CustomsSubmission | None:
    return session.scalar(select(CustomsSubmission).where(CustomsSubmission.file_name == file_name))


def submissions_of(session: Session, document_id: int) -> Sequence[CustomsSubmission]:
    return session.scalars(
        select(CustomsSubmission)
        .where(CustomsSubmission.document_id == document_id)
        .order_by(CustomsSubmission.id)
    ).all()


def receipt_by_content(session: Session, sha256: str) -> CustomsReceipt | None:
    return session.scalar(select(CustomsReceipt).where(CustomsReceipt.content_sha256 == sha256))


def receipt_by_key(session: Session, key: str) -> CustomsReceipt | None:
    return session.scalar(select(CustomsReceipt).where(CustomsReceipt.receipt_key == key))


def receipts_of(session: Session, document_id: int) -> Sequence[CustomsReceipt]:
    # Customs' own time orders the timeline: receipts may arrive out of order.
    return session.scalars(
        select(CustomsReceipt)
        .where(CustomsReceipt.document_id == document_id)
        .order_by(
            CustomsReceipt.business_time.is_(None), CustomsReceipt.business_time, CustomsReceipt.id
        )
    ).all()


def undelivered(session: Session, limit: int) -> Sequence[CustomsReceipt]:
    delivered = select(CustomsReceiptDelivery.receipt_id)
    return session.scalars(
        select(CustomsReceipt)
        .where(CustomsReceipt.id.not_in(delivered))
        .order_by(CustomsReceipt.id)
        .limit(limit)
    ).all()


def delivery(session: Session, receipt_id: int) -> CustomsReceiptDelivery | None:
    return session.get(CustomsReceiptDelivery, receipt_id)


def documents_of_workflow(session: Session, workflow_id: str) -> Sequence[CustomsDocument]:
    return session.scalars(
        select(CustomsDocument)
        .where(CustomsDocument.workflow_id == workflow_id)
        .order_by(CustomsDocument.id)
    ).all()
