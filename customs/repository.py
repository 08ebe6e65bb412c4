"""Every SQL statement of the customs records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from adapters.db.models import (
    CustomsDocument,
    CustomsReceipt,
    CustomsReceiptDelivery,
    CustomsSubmission,
)
from customs.routing import Number
from schemas.customs import DeliveryState

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


def documents_by_numbers(
    session: Session, wanted: Collection[tuple[Number, str]]
) -> dict[tuple[Number, str], CustomsDocument]:
    """``document_by`` for many numbers at once: the oldest document with each (number,
    value), those found; one statement per kind of number asked."""
    values: dict[Number, set[str]] = {}
    for number, value in wanted:
        values.setdefault(number, set()).add(value)
    found: dict[tuple[Number, str], CustomsDocument] = {}
    for number, asked in values.items():
        column = _COLUMNS[number]
        rows = session.scalars(
            select(CustomsDocument).where(column.in_(sorted(asked))).order_by(CustomsDocument.id)
        )
        for row in rows:
            found.setdefault((number, getattr(row, number.value)), row)
    return found


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


def last_submitted_at(session: Session, document_id: int) -> dt.datetime | None:
    """When the document's last file was submitted (None if it has none)."""
    return session.scalar(
        select(func.max(CustomsSubmission.submitted_at)).where(
            CustomsSubmission.document_id == document_id
        )
    )


def receipt_by_content(session: Session, sha256: str) -> CustomsReceipt | None:
    return session.scalar(select(CustomsReceipt).where(CustomsReceipt.content_sha256 == sha256))


def receipt_by_key(session: Session, key: str) -> CustomsReceipt | None:
    return session.scalar(select(CustomsReceipt).where(CustomsReceipt.receipt_key == key))


def receipts_by_contents(session: Session, sha256s: Collection[str]) -> dict[str, CustomsReceipt]:
    """The receipts recorded with any of these contents, by content."""
    if not sha256s:
        return {}
    rows = session.scalars(
        select(CustomsReceipt).where(CustomsReceipt.content_sha256.in_(sorted(sha256s)))
    ).all()
    return {row.content_sha256: row for row in rows}


def receipts_by_keys(session: Session, keys: Collection[str]) -> dict[str, CustomsReceipt]:
    """The receipts recorded under any of these keys, by key."""
    if not keys:
        return {}
    rows = session.scalars(
        select(CustomsReceipt).where(CustomsReceipt.receipt_key.in_(sorted(keys)))
    ).all()
    return {row.receipt_key: row for row in rows}


def documents_by_submission_files(
    session: Session, file_names: Collection[str]
) -> dict[str, CustomsDocument]:
    """The documents these OutBox files were submitted for, by file name."""
    if not file_names:
        return {}
    rows = session.execute(
        select(CustomsSubmission.file_name, CustomsDocument)
        .join(CustomsDocument, CustomsDocument.id == CustomsSubmission.document_id)
        .where(CustomsSubmission.file_name.in_(sorted(file_names)))
    ).all()
    return {file_name: document for file_name, document in rows}


def last_submitted_at_of(session: Session, document_ids: Collection[int]) -> dict[int, dt.datetime]:
    """When each document's last file was submitted (absent if it has none)."""
    if not document_ids:
        return {}
    rows = session.execute(
        select(CustomsSubmission.document_id, func.max(CustomsSubmission.submitted_at))
        .where(CustomsSubmission.document_id.in_(sorted(document_ids)))
        .group_by(CustomsSubmission.document_id)
    ).all()
    return {document_id: when for document_id, when in rows if when is not None}


def learn_numbers(
    session: Session, document_id: int, numbers: dict[Number, str], now: dt.datetime
) -> None:
    """Give the document these numbers where it has none yet (one statement)."""
    session.execute(
        update(CustomsDocument)
        .where(CustomsDocument.id == document_id)
        .values(
            {
                _COLUMNS[number]: func.coalesce(_COLUMNS[number], value)
                for number, value in numbers.items()
            }
            | {CustomsDocument.updated_at: now}
        )
        .execution_options(synchronize_session=False)
    )


def receipts_of(session: Session, document_id: int) -> Sequence[CustomsReceipt]:
    # Customs' own time orders the timeline: receipts may arrive out of order.
    return session.scalars(
        select(CustomsReceipt)
        .where(CustomsReceipt.document_id == document_id)
        .order_by(
            CustomsReceipt.business_time.is_(None), CustomsReceipt.business_time, CustomsReceipt.id
        )
    ).all()


def delivery(
    session: Session, receipt_id: int, *, lock: bool = False
) -> CustomsReceiptDelivery | None:
    """A receipt's delivery; ``lock``: held until the transaction ends, so an attempt's
    outcome and an admin's decision are applied one after the other."""
    return session.get(CustomsReceiptDelivery, receipt_id, with_for_update=lock)


def deliveries_locked(
    session: Session, receipt_ids: Collection[int]
) -> dict[int, CustomsReceiptDelivery]:
    """Many receipts' deliveries, locked in id order until the transaction ends."""
    rows = session.scalars(
        select(CustomsReceiptDelivery)
        .where(CustomsReceiptDelivery.receipt_id.in_(sorted(receipt_ids)))
        .order_by(CustomsReceiptDelivery.receipt_id)
        .with_for_update()
    ).all()
    return {row.receipt_id: row for row in rows}


def due_deliveries(
    session: Session, now: dt.datetime, limit: int
) -> Sequence[tuple[CustomsReceipt, CustomsReceiptDelivery]]:
    """Pending receipts whose next attempt is due, the longest waiting first (one seek on
    the (state, next_attempt_at) index)."""
    rows = session.execute(
        select(CustomsReceipt, CustomsReceiptDelivery)
        .join(CustomsReceiptDelivery, CustomsReceiptDelivery.receipt_id == CustomsReceipt.id)
        .where(
            CustomsReceiptDelivery.state == DeliveryState.PENDING.value,
            CustomsReceiptDelivery.next_attempt_at <= now,
        )
        .order_by(CustomsReceiptDelivery.next_attempt_at, CustomsReceipt.id)
        .limit(limit)
    ).all()
    return [(receipt, delivery) for receipt, delivery in rows]


def next_attempt_after(session: Session, now: dt.datetime) -> dt.datetime | None:
    """The earliest next attempt of the pending receipts not yet due (one seek on the
    (state, next_attempt_at) index); None if there is none."""
    return session.scalar(
        select(CustomsReceiptDelivery.next_attempt_at)
        .where(
            CustomsReceiptDelivery.state == DeliveryState.PENDING.value,
            CustomsReceiptDelivery.next_attempt_at > now,
        )
        .order_by(CustomsReceiptDelivery.next_attempt_at)
        .limit(1)
    )


def _in_states(states: Collection[DeliveryState]) -> Any:
    return CustomsReceiptDelivery.state.in_([state.value for state in states])


def deliveries(
    session: Session, states: Collection[DeliveryState], limit: int, offset: int
) -> Sequence[tuple[CustomsReceipt, CustomsReceiptDelivery, CustomsDocument]]:
    rows = session.execute(
        select(CustomsReceipt, CustomsReceiptDelivery, CustomsDocument)
        .join(CustomsReceiptDelivery, CustomsReceiptDelivery.receipt_id == CustomsReceipt.id)
        .join(CustomsDocument, CustomsDocument.id == CustomsReceipt.document_id)
        .where(_in_states(states))
        .order_by(CustomsReceipt.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return [(receipt, delivery, document) for receipt, delivery, document in rows]


def count_deliveries(session: Session, states: Collection[DeliveryState]) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(CustomsReceiptDelivery).where(_in_states(states))
        )
        or 0
    )


def receipt_delivery(
    session: Session, receipt_id: int
) -> tuple[CustomsReceipt, CustomsReceiptDelivery, CustomsDocument] | None:
    row = session.execute(
        select(CustomsReceipt, CustomsReceiptDelivery, CustomsDocument)
        .join(CustomsReceiptDelivery, CustomsReceiptDelivery.receipt_id == CustomsReceipt.id)
        .join(CustomsDocument, CustomsDocument.id == CustomsReceipt.document_id)
        .where(CustomsReceipt.id == receipt_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def deliveries_of(
    session: Session, document_id: int
) -> Sequence[tuple[CustomsReceipt, CustomsReceiptDelivery]]:
    """A document's receipts in customs' order (as ``receipts_of``), with their delivery."""
    rows = session.execute(
        select(CustomsReceipt, CustomsReceiptDelivery)
        .join(CustomsReceiptDelivery, CustomsReceiptDelivery.receipt_id == CustomsReceipt.id)
        .where(CustomsReceipt.document_id == document_id)
        .order_by(
            CustomsReceipt.business_time.is_(None), CustomsReceipt.business_time, CustomsReceipt.id
        )
    ).all()
    return [(receipt, delivery) for receipt, delivery in rows]


def documents_of_workflow(session: Session, workflow_id: str) -> Sequence[CustomsDocument]:
    return session.scalars(
        select(CustomsDocument)
        .where(CustomsDocument.workflow_id == workflow_id)
        .order_by(CustomsDocument.id)
    ).all()


def documents_page(
    session: Session, workflow_id: str, limit: int, offset: int
) -> tuple[Sequence[CustomsDocument], int]:
    """One page of a lifecycle's documents (in filing order) and how many it has."""
    of_workflow = CustomsDocument.workflow_id == workflow_id
    total = session.scalar(select(func.count()).where(of_workflow)) or 0
    rows = session.scalars(
        select(CustomsDocument)
        .where(of_workflow)
        .order_by(CustomsDocument.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return rows, total


def receipt_of_workflow(
    session: Session, workflow_id: str, receipt_id: int
) -> CustomsReceipt | None:
    """The receipt if it answers one of the lifecycle's documents."""
    return session.scalar(
        select(CustomsReceipt)
        .join(CustomsDocument, CustomsReceipt.document_id == CustomsDocument.id)
        .where(CustomsReceipt.id == receipt_id, CustomsDocument.workflow_id == workflow_id)
    )


def submission_of_workflow(
    session: Session, workflow_id: str, file_name: str
) -> CustomsSubmission | None:
    """The file we sent if it belongs to one of the lifecycle's documents."""
    return session.scalar(
        select(CustomsSubmission)
        .join(CustomsDocument, CustomsSubmission.document_id == CustomsDocument.id)
        .where(CustomsSubmission.file_name == file_name, CustomsDocument.workflow_id == workflow_id)
    )
