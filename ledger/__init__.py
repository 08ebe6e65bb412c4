"""The bonded inventory ledger (保税库存账): the only writer of stock.

Double-entry in the manner of TigerBeetle: movements move a quantity of one book
item from one account to another; linked legs commit together; reservations are
posted or voided; every event joins a SHA-256 audit chain.
"""

from ledger.audit import ChainAuditor
from ledger.errors import (
    IdempotencyConflict,
    InsufficientStock,
    LedgerError,
    ReservationNotPending,
    RetiredLocation,
    UnitMismatch,
    UnknownReference,
)
from ledger.queries import LedgerQueries
from ledger.service import Ledger

__all__ = [
    "ChainAuditor",
    "IdempotencyConflict",
    "InsufficientStock",
    "Ledger",
    "LedgerError",
    "LedgerQueries",
    "ReservationNotPending",
    "RetiredLocation",
    "UnitMismatch",
    "UnknownReference",
]
