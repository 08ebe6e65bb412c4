"""A lot's trace as a reader may see it: the ledger's lineage, redacted where it
crosses into a book out of the reader's scope (the API's trace route and the
auditor's trace page both ask here)."""

from __future__ import annotations

from access import Principal
from api.audit.schemas import Direction, TraceReport, trace_report
from api.inventory.scope import book_in_scope, book_owners
from api.services import Services
from ledger import UnknownReference
from schemas.errors import NotFound


def scoped_trace(
    services: Services, principal: Principal, book_no: str, lot_no: str, direction: Direction
) -> TraceReport:
    """The lot's trace backward or forward; another enterprise's book, or a lot the
    book does not have, is not found."""
    book_in_scope(services, principal, book_no)
    try:
        found = (
            services.ledger.trace_backward(book_no, lot_no)
            if direction is Direction.BACKWARD
            else services.ledger.trace_forward(book_no, lot_no)
        )
    except UnknownReference:
        raise NotFound(f"book {book_no} has no lot {lot_no}", field="lot_no") from None
    owners = book_owners(services)
    return trace_report(found, direction, lambda book: principal.may_see(owners.get(book)))
