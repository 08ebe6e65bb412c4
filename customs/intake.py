"""Record a batch of receipts in one transaction: the watcher's pass over the InBox.

For each receipt, in arrival order, as ``CustomsRecords.record_receipt`` always did:
a receipt whose bytes or key were recorded before (or earlier in the same batch) is a
duplicate of that one; otherwise it is routed to its document (the OutBox file an
import result answers first, then each number of its route in order), the document
learns the numbers customs gave it, and the receipt is kept with a ``pending``
delivery. A receipt that names no document of ours is refused (``Unroutable``)
without touching the others: it goes to quarantine, the rest are recorded.

The cost is per batch, not per receipt: one write transaction; one query for the
earlier receipts by content, one by key; one for the files the import results
answer; one per kind of number for the documents of the numbers memory does not
know; one for the documents' last filing times; the inserts. Routing reads the
database only for a number not seen before: every document found (or taught a
number) is remembered by its numbers for the life of the intake. That is exact
because documents are never deleted, ``inner_no`` is unique, and for the other
numbers (unique in practice, not by constraint) the oldest document wins, which a
newer one never changes; a document taught a number it shares with another keeps
the older of the two in memory. A failed transaction forgets everything remembered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from adapters.db.engine import Database
from adapters.db.models import CustomsDocument, CustomsReceipt
from customs import repository
from customs.deliveries import new_delivery
from customs.errors import Unrecordable, Unroutable
from customs.routing import Answer, Number, Route, route_of
from customs.views import receipt_view
from schemas.customs import ReceiptOutcome, ReceiptStatus

# The watcher takes at most this many files per pass (and so per transaction).
MAX_BATCH = 500


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sha256_of(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


@dataclass(frozen=True)
class Arrival:
    """One receipt read and parsed from the InBox."""

    message: Answer
    message_type: str
    file_name: str
    payload: bytes
    # The OutBox file an import result names (Successed_<name>): its surest route.
    answers_file: str | None = None


@dataclass
class KnownDocument:
    """A document as routing needs it: its id, lifecycle and numbers."""

    id: int
    workflow_id: str | None
    inner_no: str
    numbers: dict[Number, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, row: CustomsDocument) -> KnownDocument:
        return cls(
            row.id,
            row.workflow_id,
            row.inner_no,
            {number: getattr(row, number.value) for number in Number},
        )


@dataclass(frozen=True)
class Recorded:
    """A receipt's outcome and the document it went to (None when refused)."""

    outcome: ReceiptOutcome | None
    document: KnownDocument | None = None
    refusal: Unroutable | Unrecordable | None = None


class ReceiptIntake:
    def __init__(self, database: Database, clock: Callable[[], dt.datetime] = _now) -> None:
        self.db = database
        self.clock = clock
        self._by_number: dict[tuple[Number, str], KnownDocument] = {}
        self._by_id: dict[int, KnownDocument] = {}

    def known(self, document_id: int) -> KnownDocument | None:
        """A document routing has met, from memory (None if not met)."""
        return self._by_id.get(document_id)

    def _forget(self) -> None:
        self._by_number.clear()
        self._by_id.clear()

    def record_all(self, arrivals: Sequence[Arrival]) -> list[Recorded]:
        """Every arrival's outcome, in order; all recorded in one transaction. If a
        concurrent twin won the race to a UNIQUE key, the batch runs once more and
        finds the twin's rows."""
        if not arrivals:
            return []
        prepared = [(a, route_of(a.message), sha256_of(a.payload)) for a in arrivals]
        try:
            try:
                with self.db.transaction() as session:
                    return self._record(session, prepared)
            except IntegrityError:
                self._forget()
                with self.db.transaction() as session:
                    return self._record(session, prepared)
        except DataError as refused:
            self._forget()  # numbers learnt in a rolled-back transaction
            if len(arrivals) == 1:
                reason = f"the database refused it: {refused.orig}"
                return [Recorded(None, refusal=Unrecordable(reason))]
            # One file the database refuses must not hold back its pass for ever: each
            # is recorded on its own, the refused one quarantined with the reason.
            return [self.record_all([arrival])[0] for arrival in arrivals]
        except BaseException:
            self._forget()  # numbers learnt in a rolled-back transaction
            raise

    def _record(
        self, session: Session, prepared: Sequence[tuple[Arrival, Route, str]]
    ) -> list[Recorded]:
        contents = {content for _, _, content in prepared}
        keys = {route.key for _, route, _ in prepared}
        by_content = repository.receipts_by_contents(session, contents)
        by_key = repository.receipts_by_keys(session, keys)
        answered = repository.documents_by_submission_files(
            session, {a.answers_file for a, _, _ in prepared if a.answers_file is not None}
        )
        # The numbers routing may ask the database for (memory does not know them), in
        # one statement per kind of number rather than one each.
        numbered = repository.documents_by_numbers(
            session,
            {
                candidate
                for _, route, _ in prepared
                for candidate in route.candidates
                if candidate not in self._by_number
            },
        )
        now = self.clock()
        # Per arrival: a new row, an earlier row (duplicate), or the refusal.
        results: list[tuple[CustomsReceipt, bool, KnownDocument | None] | Unroutable] = []
        new_rows: list[tuple[CustomsReceipt, KnownDocument]] = []
        for arrival, route, content in prepared:
            earlier = by_content.get(content) or by_key.get(route.key)
            if earlier is not None:
                results.append((earlier, False, None))
                continue
            try:
                document = self._route(route, arrival.answers_file, answered, numbered)
            except Unroutable as refusal:
                results.append(refusal)
                continue
            self._learn(session, document, route, now)
            received = self.clock()  # each its own instant: their order is arrival order
            row = CustomsReceipt(
                document_id=document.id,
                message_type=arrival.message_type,
                receipt_key=route.key,
                content_sha256=content,
                file_name=arrival.file_name,
                result=route.result,
                business_time=route.business_time or received,
                received_at=received,
                summary=arrival.message.model_dump_json(),
                payload=arrival.payload,
            )
            # Its twins later in the batch are duplicates of it.
            by_content[content] = by_key[route.key] = row
            results.append((row, True, document))
            new_rows.append((row, document))
        if new_rows:
            session.add_all([row for row, _ in new_rows])
            session.flush()
            session.add_all([new_delivery(row.id, row.received_at) for row, _ in new_rows])
            session.flush()
        filed = repository.last_submitted_at_of(session, {doc.id for _, doc in new_rows})
        recorded: list[Recorded] = []
        for result in results:
            if isinstance(result, Unroutable):
                recorded.append(Recorded(None, refusal=result))
                continue
            row, new, found = result
            status = ReceiptStatus.RECORDED if new else ReceiptStatus.DUPLICATE
            view = receipt_view(row)
            outcome = ReceiptOutcome(
                status=status,
                receipt=view,
                filed_at=filed.get(row.document_id) if new else None,
            )
            recorded.append(Recorded(outcome, found))
        return recorded

    def _route(
        self,
        route: Route,
        answers_file: str | None,
        answered: dict[str, CustomsDocument],
        numbered: dict[tuple[Number, str], CustomsDocument],
    ) -> KnownDocument:
        """The document: the OutBox file's, else the first of the route's numbers that
        memory or the database knows (read before the pass: a number the pass taught a
        document is in memory by then)."""
        if answers_file is not None and answers_file in answered:
            return self._remember(answered[answers_file])
        for number, value in route.candidates:
            known = self._by_number.get((number, value))
            if known is not None:
                return known
            found = numbered.get((number, value))
            if found is not None:
                return self._remember(found)
        named = ", ".join(f"{number.value} {value}" for number, value in route.candidates)
        raise Unroutable(f"no document we filed has {named or 'any number in this receipt'}")

    def _remember(self, row: CustomsDocument) -> KnownDocument:
        """The document by each of its numbers (an older one already remembered under a
        number keeps it)."""
        known = self._by_id.get(row.id)
        if known is None:
            known = self._by_id[row.id] = KnownDocument.of(row)
        for number, value in known.numbers.items():
            if value is not None:
                self._keep(number, value, known)
        return known

    def _keep(self, number: Number, value: str, document: KnownDocument) -> None:
        held = self._by_number.get((number, value))
        if held is None or document.id < held.id:
            self._by_number[(number, value)] = document

    def _learn(
        self, session: Session, document: KnownDocument, route: Route, now: dt.datetime
    ) -> None:
        """Numbers customs gave the document, written where it has none yet."""
        learned: dict[Number, str] = {
            number: value
            for number, value in route.learned.items()
            if number is not Number.INNER_NO and document.numbers.get(number) is None
        }
        if not learned:
            return
        repository.learn_numbers(session, document.id, learned, now)
        for number, value in learned.items():
            document.numbers[number] = value
            self._keep(number, value, document)
