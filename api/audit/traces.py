"""A lot's trace as a reader may see it: the ledger's lineage, redacted where it
crosses into a book out of the reader's scope (the API's trace route and the
auditor's trace page both ask here)."""

from __future__ import annotations

from access import Principal
from api.audit.schemas import Direction, TraceReport, trace_report
from api.instants import Instants
from api.inventory.scope import book_owners, ensure_book_in_scope
from api.services import Services
from ledger import UnknownReference
from schemas.errors import NotFound


def scoped_trace(
    services: Services,
    principal: Principal,
    book_no: str,
    lot_no: str,
    direction: Direction,
    at: Instants | None = None,
) -> TraceReport:
    """The lot's trace backward or forward by the postings that occurred by `at.as_of` and
    were recorded by `at.known_at`; another enterprise's book, or a lot the book does not
    have, is not found."""
    ensure_book_in_scope(services, principal, book_no)
    trace = (
        services.ledger.trace_backward
        if direction is Direction.BACKWARD
        else services.ledger.trace_forward
    )
    at = at or Instants(None, None)
    try:
        found = trace(book_no, lot_no, as_of=at.as_of, known_at=at.known_at)
    except UnknownReference:
        raise NotFound(f"book {book_no} has no lot {lot_no}", field="lot_no") from None
    owners = book_owners(services)
    return trace_report(found, direction, lambda book: principal.may_see(owners.get(book)))
