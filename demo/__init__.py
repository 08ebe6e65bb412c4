"""The Xining bonded-zone demo: a PV module maker and a cold-chain importer, their books,
and an opening history posted through the ledger. `seed_demo` is safe to run twice."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func, select

from adapters.db.engine import Database
from adapters.db.models import (
    AccountBook,
    BookItem,
    ChainHead,
    ConsumptionNorm,
    Enterprise,
    LedgerTransaction,
    Location,
    Lot,
)
from demo import ids
from demo.cold_chain_book import register_cold_chain_book
from demo.enterprises import register_enterprises
from demo.locations import add_locations
from demo.lots import create_lots
from demo.opening_history import post_history
from demo.solar_book import register_solar_book
from ledger import Ledger
from masterdata import MasterData

__all__ = ["DemoSummary", "ids", "seed_demo"]


class DemoSummary(BaseModel):
    """Row counts after seeding, and the audit chain's head sequence number."""

    enterprises: int
    books: int
    items: int
    norms: int
    locations: int
    lots: int
    transactions: int
    chain_head_seq: int

    def __str__(self) -> str:
        return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in self.model_dump().items())


def seed_demo(database: Database) -> DemoSummary:
    """Register the demo's master data and post its history; a second run is a no-op."""
    md = MasterData(database)
    register_enterprises(md)
    register_solar_book(md)
    register_cold_chain_book(md)
    add_locations(md)
    create_lots(md)
    post_history(md, Ledger(database))
    return summarize(database)


def summarize(database: Database) -> DemoSummary:
    """Counts of the whole database (the demo's rows and any others)."""

    def count(model: type) -> int:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)

    with database.sessions() as session:
        head = session.get(ChainHead, 1)
        return DemoSummary(
            enterprises=count(Enterprise),
            books=count(AccountBook),
            items=count(BookItem),
            norms=count(ConsumptionNorm),
            locations=count(Location),
            lots=count(Lot),
            transactions=count(LedgerTransaction),
            chain_head_seq=0 if head is None else head.seq,
        )
