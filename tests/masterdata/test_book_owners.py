"""Who owns each book, from memory (masterdata/owners.py): a book asked for by number is
found at once, even registered by another process a moment ago; the list of every book
is at most the bound old, and at once when the book was registered through the same
master data."""

from __future__ import annotations

import datetime as dt

from adapters.db.engine import Database
from masterdata import MasterData
from masterdata.owners import BookOwners
from schemas.codes import BookType
from schemas.masterdata import AccountBookIn
from tests.support.builders import BOOK, make_zone
from tests.support.clocks import HandTimer


def _another_book(owner_code: str) -> AccountBookIn:
    return AccountBookIn(
        book_no="T96011000002",
        book_type=BookType.LOGISTICS,
        enterprise_customs_code=owner_code,
        customs_district="9601",
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2030, 12, 31),
    )


def test_a_book_registered_elsewhere_is_found_by_number_at_once_and_listed_within_the_bound(
    db: Database,
) -> None:
    make_zone(db)
    clock = HandTimer()
    reader = BookOwners(db, 5, timer=clock)  # the bound on the reader's own clock
    owner = reader.owner(BOOK)
    assert owner is not None
    assert set(reader.all()) == {BOOK}

    MasterData(db).open_book(_another_book(owner))  # another process

    clock.now = 4.9
    assert "T96011000002" not in reader.all()  # the list may be this old
    assert reader.owner("T96011000002") == owner  # by number: at once
    assert "T96011000002" in reader.all()


def test_a_book_registered_through_the_same_master_data_is_listed_at_once(db: Database) -> None:
    make_zone(db)
    md = MasterData(db, owners_max_age_seconds=300)
    owner = md.owners.owner(BOOK)
    assert owner is not None
    md.open_book(_another_book(owner))
    assert set(md.owners.all()) == {BOOK, "T96011000002"}


def test_a_missing_book_has_no_owner(db: Database) -> None:
    make_zone(db)
    assert MasterData(db).owners.owner("T00000000000") is None
