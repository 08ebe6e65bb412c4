"""Every SQL statement of master data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from adapters.db.models import (
    AccountBook,
    BookItem,
    ConsumptionNorm,
    Enterprise,
    LedgerAccount,
    Location,
    Lot,
)


def enterprise_by_customs_code(session: Session, code: str) -> Enterprise | None:
    return session.scalar(select(Enterprise).where(Enterprise.customs_code == code))


def enterprise_by_credit_code(session: Session, code: str) -> Enterprise | None:
    return session.scalar(select(Enterprise).where(Enterprise.credit_code == code))


def enterprises(session: Session) -> Sequence[Enterprise]:
    return session.scalars(select(Enterprise).order_by(Enterprise.customs_code)).all()


def book(session: Session, book_no: str) -> AccountBook | None:
    return session.scalar(select(AccountBook).where(AccountBook.book_no == book_no))


def books(session: Session, enterprise_id: int | None = None) -> Sequence[AccountBook]:
    stmt = select(AccountBook).order_by(AccountBook.book_no)
    if enterprise_id is not None:
        stmt = stmt.where(AccountBook.enterprise_id == enterprise_id)
    return session.scalars(stmt).all()


def book_owners(session: Session) -> dict[str, str]:
    """Every book's number with its enterprise's customs code, in one statement."""
    rows = session.execute(
        select(AccountBook.book_no, Enterprise.customs_code).join(
            Enterprise, Enterprise.id == AccountBook.enterprise_id
        )
    )
    return {book_no: customs_code for book_no, customs_code in rows}


def book_owner(session: Session, book_no: str) -> str | None:
    """The customs code of the enterprise whose book it is, or None: no such book."""
    found: str | None = session.scalar(
        select(Enterprise.customs_code)
        .join(AccountBook, AccountBook.enterprise_id == Enterprise.id)
        .where(AccountBook.book_no == book_no)
    )
    return found


def item(session: Session, book_id: int, item_no: int) -> BookItem | None:
    return session.scalar(
        select(BookItem).where(BookItem.book_id == book_id, BookItem.item_no == item_no)
    )


def item_by_part_no(session: Session, book_id: int, part_no: str) -> BookItem | None:
    return session.scalar(
        select(BookItem).where(BookItem.book_id == book_id, BookItem.part_no == part_no)
    )


def items(session: Session, book_id: int) -> Sequence[BookItem]:
    return session.scalars(
        select(BookItem).where(BookItem.book_id == book_id).order_by(BookItem.item_no)
    ).all()


def items_numbered(session: Session, book_id: int, item_nos: Collection[int]) -> Sequence[BookItem]:
    """The book's items with these numbers (those that exist)."""
    return session.scalars(
        select(BookItem)
        .where(BookItem.book_id == book_id, BookItem.item_no.in_(sorted(item_nos)))
        .order_by(BookItem.item_no)
    ).all()


def norm(
    session: Session, finished_item_id: int, material_item_id: int, version: int
) -> ConsumptionNorm | None:
    return session.scalar(
        select(ConsumptionNorm).where(
            ConsumptionNorm.finished_item_id == finished_item_id,
            ConsumptionNorm.material_item_id == material_item_id,
            ConsumptionNorm.version == version,
        )
    )


def location(session: Session, code: str) -> Location | None:
    return session.scalar(select(Location).where(Location.code == code))


class LocationRow(NamedTuple):
    location: Location
    parent_code: str | None
    enterprise_code: str | None


def _location_rows() -> Select[*tuple[Any, ...]]:
    parent = aliased(Location)
    return (
        select(Location, parent.code, Enterprise.customs_code)
        .outerjoin(parent, parent.id == Location.parent_id)
        .outerjoin(Enterprise, Enterprise.id == Location.enterprise_id)
    )


def location_row(session: Session, code: str) -> LocationRow | None:
    row = session.execute(_location_rows().where(Location.code == code)).one_or_none()
    return None if row is None else LocationRow(row[0], row[1], row[2])


class LocationFilter(NamedTuple):
    visible_to: frozenset[str] | None  # a reader's enterprises (and zone-wide); None: all
    enterprise: str | None
    include_retired: bool


def _location_filter(wanted: LocationFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if wanted.visible_to is not None:
        where.append(
            or_(
                Location.enterprise_id.is_(None),
                Enterprise.customs_code.in_(sorted(wanted.visible_to)),
            )
        )
    if wanted.enterprise is not None:
        where.append(Enterprise.customs_code == wanted.enterprise)
    if not wanted.include_retired:
        where.append(Location.retired_at.is_(None))
    return where


def location_rows(
    session: Session, wanted: LocationFilter, *, limit: int, offset: int
) -> list[LocationRow]:
    stmt = (
        _location_rows()
        .where(*_location_filter(wanted))
        .order_by(Location.code)
        .limit(limit)
        .offset(offset)
    )
    return [LocationRow(row[0], row[1], row[2]) for row in session.execute(stmt)]


def location_count(session: Session, wanted: LocationFilter) -> int:
    stmt = (
        select(func.count())
        .select_from(Location)
        .outerjoin(Enterprise, Enterprise.id == Location.enterprise_id)
        .where(*_location_filter(wanted))
    )
    return session.scalar(stmt) or 0


def retire_location(session: Session, location_id: int, at: dt.datetime, by: str) -> None:
    """Mark it retired (first, so that the row is locked while its stock is checked)."""
    session.execute(
        update(Location)
        .where(Location.id == location_id, Location.retired_at.is_(None))
        .values(retired_at=at, retired_by=by)
    )


class HeldStock(NamedTuple):
    key: str
    posted: Decimal
    pending_out: Decimal
    pending_in: Decimal


def stock_at(session: Session, location_id: int) -> list[HeldStock]:
    """The stock positions at a location that hold or expect goods."""
    zero = Decimal(0)
    rows = session.execute(
        select(
            LedgerAccount.key,
            LedgerAccount.posted,
            LedgerAccount.pending_out,
            LedgerAccount.pending_in,
        )
        .where(
            LedgerAccount.location_id == location_id,
            or_(
                LedgerAccount.posted != zero,
                LedgerAccount.pending_out != zero,
                LedgerAccount.pending_in != zero,
            ),
        )
        .order_by(LedgerAccount.key)
    )
    return [HeldStock(*row) for row in rows]


def live_children(session: Session, location_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Location.code)
            .where(Location.parent_id == location_id, Location.retired_at.is_(None))
            .order_by(Location.code)
        )
    )


def enterprise_code(session: Session, enterprise_id: int) -> str:
    code = session.scalar(select(Enterprise.customs_code).where(Enterprise.id == enterprise_id))
    assert code is not None  # a foreign key
    return code


def lot(session: Session, book_id: int, lot_no: str) -> Lot | None:
    return session.scalar(select(Lot).where(Lot.book_id == book_id, Lot.lot_no == lot_no))


def lots(session: Session, book_id: int) -> Sequence[Lot]:
    return session.scalars(select(Lot).where(Lot.book_id == book_id).order_by(Lot.lot_no)).all()


def norms(session: Session, book_id: int) -> list[tuple[ConsumptionNorm, int, int]]:
    """Every norm version of a book with its finished and material item numbers."""
    finished = aliased(BookItem)
    material = aliased(BookItem)
    rows = session.execute(
        select(ConsumptionNorm, finished.item_no, material.item_no)
        .join(finished, finished.id == ConsumptionNorm.finished_item_id)
        .join(material, material.id == ConsumptionNorm.material_item_id)
        .where(ConsumptionNorm.book_id == book_id)
        .order_by(finished.item_no, material.item_no, ConsumptionNorm.version)
    ).all()
    return [(norm, f, m) for norm, f, m in rows]


# --- a draft's snapshot: a few statements for a whole list, whatever its length ---------

IN_CHUNK = 500  # values per IN (...): well inside every driver's parameter limit


def _chunks(values: Collection[Any]) -> Iterator[list[Any]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), IN_CHUNK):
        yield ordered[start : start + IN_CHUNK]


def lots_named(session: Session, book_id: int, lot_nos: Collection[str]) -> list[tuple[str, int]]:
    """(lot number, item number) of the named lots of a book that exist."""
    found: list[tuple[str, int]] = []
    for chunk in _chunks(lot_nos):
        found += [
            (lot_no, item_no)
            for lot_no, item_no in session.execute(
                select(Lot.lot_no, BookItem.item_no)
                .join(BookItem, BookItem.id == Lot.item_id)
                .where(Lot.book_id == book_id, Lot.lot_no.in_(chunk))
            )
        ]
    return found


def norms_in_force(
    session: Session, book_no: str, finished_item_no: int, on: dt.date
) -> list[tuple[ConsumptionNorm, int]]:
    """(norm, material item number) of each material's newest norm version of a book's
    finished item effective on ``on``, in one statement by business keys."""
    finished = aliased(BookItem)
    material = aliased(BookItem)
    rows = session.execute(
        select(ConsumptionNorm, material.item_no)
        .join(finished, finished.id == ConsumptionNorm.finished_item_id)
        .join(AccountBook, AccountBook.id == finished.book_id)
        .join(material, material.id == ConsumptionNorm.material_item_id)
        .where(
            AccountBook.book_no == book_no,
            finished.item_no == finished_item_no,
            ConsumptionNorm.effective_from <= on,
        )
        .order_by(material.item_no, ConsumptionNorm.version.desc())
    ).all()
    newest: dict[int, tuple[ConsumptionNorm, int]] = {}
    for norm_, material_item_no in rows:
        newest.setdefault(material_item_no, (norm_, material_item_no))
    return list(newest.values())


def location_rows_named(session: Session, codes: Collection[str]) -> list[LocationRow]:
    """The named locations that exist, with their parent's and enterprise's codes."""
    found: list[LocationRow] = []
    for chunk in _chunks(codes):
        found += [
            LocationRow(row[0], row[1], row[2])
            for row in session.execute(_location_rows().where(Location.code.in_(chunk)))
        ]
    return found


def lots_named_rows(session: Session, book_id: int, wanted: Collection[str]) -> dict[str, Lot]:
    """The named lots of a book that exist already, by lot number."""
    found: dict[str, Lot] = {}
    for chunk in _chunks(wanted):
        for lot_ in session.scalars(
            select(Lot).where(Lot.book_id == book_id, Lot.lot_no.in_(chunk))
        ):
            found[lot_.lot_no] = lot_
    return found
