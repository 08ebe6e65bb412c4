"""Why the ledger refused a request. Every refusal leaves the database unchanged."""

from __future__ import annotations

from decimal import Decimal

from schemas.errors import BondflowError, Conflict, NotFound
from schemas.quantities import plain


class LedgerError(BondflowError):
    code = "ledger_error"


class UnknownReference(LedgerError, NotFound):
    """A book, item, lot, location or account that does not exist."""

    code = "unknown_reference"
    status = 422


class RetiredLocation(LedgerError, Conflict):
    """Goods put at a retired location: it is kept for its history, not for new stock."""

    code = "location_retired"
    status = 409


class UnitMismatch(LedgerError):
    code = "unit_mismatch"


class InexactLegalQuantity(LedgerError):
    code = "inexact_legal_quantity"


class InsufficientStock(LedgerError):
    """An account would go below zero: names the account, what was asked and what is there."""

    code = "insufficient_stock"
    status = 409

    def __init__(self, account: str, asked: Decimal, available: Decimal, *, field: str) -> None:
        super().__init__(
            f"account {account} has {plain(available)} available, {plain(asked)} asked",
            field=field,
        )
        self.account = account
        self.asked = asked
        self.available = available


class IdempotencyConflict(LedgerError, Conflict):
    """The same client id was used before for a different request."""

    code = "idempotency_conflict"
    status = 409


class ReservationNotPending(LedgerError, Conflict):
    code = "reservation_not_pending"
    status = 409


class PeriodClosed(LedgerError, Conflict):
    """A posting dated into (or before the end of) a closed period of its book."""

    code = "period_closed"
    status = 409


class PeriodState(LedgerError, Conflict):
    """Closing a closed period or reopening an open one."""

    code = "period_state"
    status = 409
