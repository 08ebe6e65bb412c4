"""What the API shows of books and items (the registrations use schemas.masterdata)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from adapters.db.models import AccountBook, BookItem, Enterprise
from masterdata.snapshot import item_record
from schemas.snapshots import ItemRecord


class BookView(BaseModel):
    model_config = ConfigDict(frozen=True)

    book_no: str
    book_type: str
    enterprise_code: str
    valid_from: dt.date
    valid_to: dt.date
    customs_district: str


class ItemView(ItemRecord):
    """A registered item with its book."""

    book_no: str


def book_view(book: AccountBook, enterprise_code: str) -> BookView:
    return BookView(
        book_no=book.book_no,
        book_type=book.book_type,
        enterprise_code=enterprise_code,
        valid_from=book.valid_from,
        valid_to=book.valid_to,
        customs_district=book.customs_district,
    )


def item_view(book_no: str, item: BookItem) -> ItemView:
    """A registered item as the API shows it: the record every check and list line
    uses (``masterdata.snapshot.item_record``), with its book."""
    return ItemView(book_no=book_no, **item_record(item).model_dump())


class EnterpriseView(BaseModel):
    model_config = ConfigDict(frozen=True)

    customs_code: str
    credit_code: str
    name: str
    roles: tuple[str, ...]


def enterprise_view(enterprise: Enterprise) -> EnterpriseView:
    return EnterpriseView(
        customs_code=enterprise.customs_code,
        credit_code=enterprise.credit_code,
        name=enterprise.name,
        roles=tuple(sorted(r for r in enterprise.roles.split(",") if r)),
    )
