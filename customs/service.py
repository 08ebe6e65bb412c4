"""Record documents, submissions and receipts; route receipts to their documents.

Every method is idempotent, because both callers retry: a Temporal activity may run
twice, and the receipt watcher may crash between recording a file and moving it.
The UNIQUE constraints (inner number, file name, receipt content and key) make a
second attempt find the first one's row instead of writing another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapters.db.engine import Database
from adapters.db.models import CustomsDocument, CustomsReceipt, CustomsSubmission
from customs import repository
from customs.deliveries import ReceiptDeliveries
from customs.errors import DocumentConflict
from customs.intake import Arrival, ReceiptIntake, sha256_of
from customs.routing import Answer, Identity, Number
from customs.views import document_view, receipt_view, submission_view
from schemas.customs import (
    DocumentView,
    ReceiptOutcome,
    ReceiptView,
    SubmissionView,
)
from schemas.errors import NotFound
from schemas.wording import with_article

T = TypeVar("T")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CustomsRecords:
    def __init__(self, database: Database, clock: Callable[[], dt.datetime] = _now) -> None:
        self.db = database
        self.clock = clock
        # Where each receipt stands on its way to its lifecycle (same database and clock).
        self.deliveries = ReceiptDeliveries(database, clock)
        # Receipts recorded a batch at a time, routed from memory where it can.
        self.intake = ReceiptIntake(database, clock)

    def _retrying_a_race(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a transaction; if a concurrent twin won the race to a UNIQUE
        key, run it once more: the second run finds the twin's row."""
        try:
            with self.db.transaction() as session:
                return work(session)
        except IntegrityError:
            with self.db.transaction() as session:
                return work(session)

    # --- documents ------------------------------------------------------------------

    def register(self, identity: Identity, *, workflow_id: str | None = None) -> DocumentView:
        """The document with this enterprise number, created on first sight."""
        return self._retrying_a_race(
            lambda session: document_view(self._registered(session, identity, workflow_id))
        )

    def _registered(
        self, session: Session, identity: Identity, workflow_id: str | None
    ) -> CustomsDocument:
        row = repository.document_by(session, Number.INNER_NO, identity.inner_no)
        if row is None:
            now = self.clock()
            row = CustomsDocument(
                kind=identity.kind.value,
                enterprise_code=identity.enterprise_code,
                inner_no=identity.inner_no,
                workflow_id=workflow_id,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
        self._same_document(row, identity, workflow_id)
        return row

    @staticmethod
    def _same_document(row: CustomsDocument, identity: Identity, workflow_id: str | None) -> None:
        if row.kind != identity.kind.value or row.enterprise_code != identity.enterprise_code:
            raise DocumentConflict(
                f"enterprise number {identity.inner_no} already belongs to {with_article(row.kind)}"
                f" of {row.enterprise_code}",
                field="inner_no",
            )
        if workflow_id is not None:
            if row.workflow_id is None:
                row.workflow_id = workflow_id
            elif row.workflow_id != workflow_id:
                raise DocumentConflict(
                    f"enterprise number {identity.inner_no} is already filed by workflow"
                    f" {row.workflow_id}",
                    field="inner_no",
                )

    def workflow_of(self, document_id: int) -> str | None:
        with self.db.reading() as session:
            row = repository.document(session, document_id)
            return None if row is None else row.workflow_id

    def documents_of_workflow(self, workflow_id: str) -> list[DocumentView]:
        """Every document a lifecycle filed (a list, its gate pass, a transfer's two)."""
        with self.db.reading() as session:
            return [
                document_view(row) for row in repository.documents_of_workflow(session, workflow_id)
            ]

    def documents_page(
        self, workflow_id: str, limit: int, offset: int
    ) -> tuple[list[DocumentView], int]:
        """One page of a lifecycle's documents, in filing order, and how many it has."""
        with self.db.reading() as session:
            rows, total = repository.documents_page(session, workflow_id, limit, offset)
            return [document_view(row) for row in rows], total

    def document_by_id(self, document_id: int) -> DocumentView:
        with self.db.reading() as session:
            row = repository.document(session, document_id)
            if row is None:
                raise NotFound(f"no customs document {document_id}", field="document_id")
            return document_view(row)

    def document(self, number: Number, value: str) -> DocumentView:
        with self.db.reading() as session:
            row = repository.document_by(session, number, value)
            if row is None:
                raise NotFound(f"no customs document with {number.value} {value}", field=number)
            return document_view(row)

    # --- submissions ----------------------------------------------------------------

    def record_submission(
        self, identity: Identity, message_type: str, file_name: str, payload: bytes
    ) -> SubmissionView:
        """The file put in the OutBox for this document (once per file name), with the
        document registered on first sight: one transaction."""
        content = sha256_of(payload)

        def work(session: Session) -> SubmissionView:
            row = repository.submission_by_file(session, file_name)
            if row is not None:
                if row.content_sha256 != content:
                    raise DocumentConflict(
                        f"{file_name} was already submitted with different content",
                        field="file_name",
                    )
                return submission_view(row)
            document = self._registered(session, identity, None)
            row = CustomsSubmission(
                document_id=document.id,
                message_type=message_type,
                file_name=file_name,
                content_sha256=content,
                change_count=identity.change_count,
                payload=payload,
                submitted_at=self.clock(),
            )
            session.add(row)
            session.flush()
            return submission_view(row)

        return self._retrying_a_race(work)

    def submission(self, file_name: str) -> SubmissionView | None:
        with self.db.reading() as session:
            row = repository.submission_by_file(session, file_name)
            return None if row is None else submission_view(row)

    def submission_payload(self, file_name: str) -> bytes:
        """The bytes we sent, as they left (for auditors and downloads)."""
        with self.db.reading() as session:
            row = repository.submission_by_file(session, file_name)
            if row is None:
                raise NotFound(f"no submission {file_name}", field="file_name")
            return row.payload

    def submission_payload_of(self, workflow_id: str, file_name: str) -> bytes:
        """The bytes we sent for one of the lifecycle's documents, as they left."""
        with self.db.reading() as session:
            row = repository.submission_of_workflow(session, workflow_id, file_name)
            if row is None:
                raise NotFound(f"no submission {file_name} of {workflow_id}", field="file_name")
            return row.payload

    def submissions(self, document_id: int) -> list[SubmissionView]:
        with self.db.reading() as session:
            return [submission_view(row) for row in repository.submissions_of(session, document_id)]

    # --- receipts -------------------------------------------------------------------

    def record_receipt(
        self,
        message: Answer,
        *,
        message_type: str,
        file_name: str,
        payload: bytes,
        answers_file: str | None = None,
    ) -> ReceiptOutcome:
        """Route the receipt to its document and keep it, once (``customs.intake``; the
        watcher records a whole pass at once with ``intake.record_all``).

        ``answers_file`` is the OutBox file an import result names (Successed_<name>):
        the surest route for CommonResponeMessage. Raises Unroutable when no number
        in the receipt belongs to a document we filed.
        """
        arrival = Arrival(message, message_type, file_name, payload, answers_file)
        (recorded,) = self.intake.record_all([arrival])
        if recorded.refusal is not None:
            raise recorded.refusal
        assert recorded.outcome is not None
        return recorded.outcome

    def receipts(self, document_id: int) -> list[ReceiptView]:
        with self.db.reading() as session:
            return [receipt_view(row) for row in repository.receipts_of(session, document_id)]

    def receipt_payload_of(self, workflow_id: str, receipt_id: int) -> bytes:
        """A receipt of one of the lifecycle's documents, as it arrived (one query)."""
        with self.db.reading() as session:
            row = repository.receipt_of_workflow(session, workflow_id, receipt_id)
            if row is None:
                raise NotFound(f"no receipt {receipt_id} of {workflow_id}", field="receipt_id")
            return row.payload

    def receipt_payload(self, receipt_id: int) -> bytes:
        with self.db.reading() as session:
            row = session.get(CustomsReceipt, receipt_id)
            if row is None:
                raise NotFound(f"no receipt {receipt_id}", field="receipt_id")
            return row.payload

    # --- delivery to workflows ------------------------------------------------------

    def undelivered(self, limit: int = 100) -> list[ReceiptView]:
        """Receipts not (yet) handed on: pending or parked (see ``deliveries``)."""
        return self.deliveries.undelivered(limit)
