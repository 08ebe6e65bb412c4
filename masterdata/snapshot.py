"""A book as one draft's check sees it, read in the caller's session with a few
statements (not one per line): the book and its owner, its items, the lots and
locations the draft names; for a work order the norms in force on the run's day. A
missing book is refused (``book_no``); missing lots, locations, declarants and norms
are simply absent, for the check to name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from adapters.db.models import BookItem, Enterprise
from masterdata import repository
from masterdata.errors import NotRegistered
from schemas.snapshots import (
    BookSnapshot,
    ItemRecord,
    LocationRecord,
    LotRecord,
    NormRecord,
    PartyRecord,
)


def party(enterprise: Enterprise) -> PartyRecord:
    return PartyRecord(enterprise.customs_code, enterprise.credit_code, enterprise.name)


def item_record(item: BookItem) -> ItemRecord:
    return ItemRecord(
        item_no=item.item_no,
        part_no=item.part_no,
        hs_code=item.hs_code,
        name=item.name,
        specification=item.specification,
        declared_unit=item.declared_unit,
        first_legal_unit=item.first_legal_unit,
        first_legal_factor=item.first_legal_factor,
        second_legal_unit=item.second_legal_unit,
        second_legal_factor=item.second_legal_factor,
        is_finished_good=item.is_finished_good,
    )


def item_records(items: Iterable[BookItem]) -> dict[int, ItemRecord]:
    """A book's items by item number, as checks and list lines need them."""
    return {item.item_no: item_record(item) for item in items}


def book_snapshot(
    session: Session,
    book_no: str,
    *,
    lot_nos: Collection[str] = (),
    locations: Collection[str] = (),
    field: str = "book_no",
) -> BookSnapshot:
    """The book with every item, and the named lots and locations that exist."""
    book = repository.book(session, book_no)
    if book is None:
        raise NotRegistered(f"no account book {book_no}", field=field)
    owner = session.get(Enterprise, book.enterprise_id)
    assert owner is not None  # a foreign key
    return BookSnapshot(
        book_no=book.book_no,
        valid_from=book.valid_from,
        valid_to=book.valid_to,
        district=book.customs_district,
        owner=party(owner),
        items=item_records(repository.items(session, book.id)),
        lots={
            lot_no: LotRecord(lot_no, item_no)
            for lot_no, item_no in repository.lots_named(session, book.id, lot_nos)
        },
        locations={
            row.location.code: LocationRecord(
                code=row.location.code,
                retired=row.location.retired_at is not None,
                enterprise_code=row.enterprise_code,
            )
            for row in repository.location_rows_named(session, locations)
        },
    )


@dataclass(frozen=True)
class FilingFacts:
    """What a filing of a draft takes from master data: its book's number and customs
    district, the book's owner, the declarant and the items the draft's lines name."""

    book_no: str
    district: str
    owner: PartyRecord
    declarant: PartyRecord
    items: dict[int, ItemRecord]


def book_items(session: Session, book_no: str, item_nos: Collection[int]) -> dict[int, ItemRecord]:
    """The book's items with these numbers, by number (a missing book is refused)."""
    book = repository.book(session, book_no)
    if book is None:
        raise NotRegistered(f"no account book {book_no}", field="book_no")
    return item_records(repository.items_numbered(session, book.id, item_nos))


def filing_facts(
    session: Session, book_no: str, declarant_code: str, item_nos: Collection[int]
) -> FilingFacts:
    """The facts a filing names, in four statements; a missing book or declarant is
    refused as ``MasterData.book`` and ``MasterData.enterprise`` refuse them."""
    book = repository.book(session, book_no)
    if book is None:
        raise NotRegistered(f"no account book {book_no}", field="book_no")
    owner = session.get(Enterprise, book.enterprise_id)
    assert owner is not None  # a foreign key
    declarant = repository.enterprise_by_customs_code(session, declarant_code)
    if declarant is None:
        raise NotRegistered(f"no enterprise {declarant_code}", field="customs_code")
    return FilingFacts(
        book_no=book.book_no,
        district=book.customs_district,
        owner=party(owner),
        declarant=party(declarant),
        items=item_records(repository.items_numbered(session, book.id, item_nos)),
    )


def enterprise(session: Session, customs_code: str) -> PartyRecord | None:
    found = repository.enterprise_by_customs_code(session, customs_code)
    return None if found is None else party(found)


def norms_in_force(
    session: Session, book_no: str, finished_item_no: int, on: dt.date
) -> dict[int, NormRecord]:
    """The norms of a finished item in force on ``on``, by material item number (none
    when the book has no such item or it has no norms)."""
    return {
        material_item_no: NormRecord(
            material_item_no=material_item_no,
            version=norm.version,
            net_consumption=norm.net_consumption,
            loss_rate=norm.loss_rate,
        )
        for norm, material_item_no in repository.norms_in_force(
            session, book_no, finished_item_no, on
        )
    }
