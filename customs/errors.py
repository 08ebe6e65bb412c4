"""Refusals of the customs records."""

from __future__ import annotations

from schemas.errors import BondflowError, Conflict


class Unroutable(BondflowError):
    """A receipt that names no document we filed: it goes to quarantine, never lost."""

    code = "unroutable_receipt"
    status = 422


class Unrecordable(BondflowError):
    """A receipt the database refuses to store as it is (a value longer than its
    column, say): it goes to quarantine with the database's reason, never lost, and
    the rest of its pass is recorded."""

    code = "unrecordable_receipt"
    status = 422


class DocumentConflict(Conflict):
    """The enterprise's number is already used by a different document."""

    code = "document_conflict"


class DeliveryRefused(Conflict):
    """An admin's decision that the receipt's delivery state does not allow (dismissing a
    delivered receipt, redelivering a dismissed one)."""

    code = "delivery_refused"
