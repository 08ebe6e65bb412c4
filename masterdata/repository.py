"""Every SQL statement of master data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from adapters.db.models import AccountBook, BookItem, ConsumptionNorm, Enterprise, Location, Lot


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


def norms_in_force(
    session: Session, finished_item_id: int, on: dt.date
) -> Sequence[ConsumptionNorm]:
    """For each material, the newest version effective on `on`."""
    rows = session.scalars(
        select(ConsumptionNorm)
        .where(
            ConsumptionNorm.finished_item_id == finished_item_id,
            ConsumptionNorm.effective_from <= on,
        )
        .order_by(ConsumptionNorm.material_item_id, ConsumptionNorm.version.desc())
    ).all()
    newest: dict[int, ConsumptionNorm] = {}
    for row in rows:
        newest.setdefault(row.material_item_id, row)
    return list(newest.values())


def location(session: Session, code: str) -> Location | None:
    return session.scalar(select(Location).where(Location.code == code))


def locations(session: Session) -> Sequence[Location]:
    return session.scalars(select(Location).order_by(Location.code)).all()


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
