"""What a draft's check reads of the database, read once (one session): the book, its
owner, the declarant, the book's items, the draft's lots and locations and, for goods
leaving stock, what their positions hold. Plain frozen values, never ORM rows, so the
check (``checks/``) is a pure function of (draft, snapshot, business day)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from schemas.codes import CustomsStatus


@dataclass(frozen=True)
class PartyRecord:
    """An enterprise as a document names it: customs code, credit code, name."""

    customs_code: str
    credit_code: str
    name: str


class ItemRecord(BaseModel):
    """A registered book item (备案序号: 备案料件/成品) with its units and legal-unit
    factors: what a draft's check and a list line need of it, and what the API shows
    of it (``api.masterdata.schemas.ItemView`` adds the book)."""

    model_config = ConfigDict(frozen=True)

    item_no: int
    part_no: str
    hs_code: str
    name: str
    specification: str
    declared_unit: str
    first_legal_unit: str
    first_legal_factor: Decimal
    second_legal_unit: str | None
    second_legal_factor: Decimal | None
    is_finished_good: bool


@dataclass(frozen=True)
class LotRecord:
    lot_no: str
    item_no: int  # the book item the lot holds


@dataclass(frozen=True)
class LocationRecord:
    code: str
    retired: bool
    enterprise_code: str | None  # None: a zone-wide location


@dataclass(frozen=True)
class Position:
    """A stock position of a book, by business keys (the ledger's stock account)."""

    book_no: str
    item_no: int
    lot_no: str
    location: str
    status: CustomsStatus = CustomsStatus.BONDED


@dataclass(frozen=True)
class BookSnapshot:
    book_no: str
    valid_from: dt.date
    valid_to: dt.date
    district: str
    owner: PartyRecord
    items: Mapping[int, ItemRecord]  # every item of the book, by item number
    lots: Mapping[str, LotRecord]  # the lots asked about that exist, by lot number
    locations: Mapping[str, LocationRecord]  # the locations asked about that exist


@dataclass(frozen=True)
class ListSnapshot:
    """One bonded list's view of the database."""

    book: BookSnapshot
    declarant: PartyRecord | None  # None: no such enterprise
    available: Mapping[Position, Decimal] = field(default_factory=dict)  # posted - pending out


@dataclass(frozen=True)
class TransferSnapshot:
    """An in-zone transfer's view: both books, and what the giving positions hold."""

    giving: BookSnapshot
    receiving: BookSnapshot
    available: Mapping[Position, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class NormRecord:
    """A consumption norm (单耗) in force: how much of a material one unit of the
    finished item takes, net, and the loss rate (损耗率) on top."""

    material_item_no: int
    version: int
    net_consumption: Decimal
    loss_rate: Decimal


@dataclass(frozen=True)
class WorkOrderSnapshot:
    """A work order's view: its book, the norms of the finished item in force on the
    run's day (the newest version of each material's), and what the material
    positions hold."""

    book: BookSnapshot
    finished_item_no: int  # the item the norms are for
    norms_on: dt.date  # the day they are in force on (the run's)
    norms: Mapping[int, NormRecord] = field(default_factory=dict)  # by material item number
    available: Mapping[Position, Decimal] = field(default_factory=dict)
