"""Natural keys of ledger accounts (and of a period's chained changes), as text: readable in
refusals, unique in their tables."""

import datetime as dt

from schemas.codes import AccountKind, CustomsStatus, OutsideKind


def stock_key(
    book_no: str, item_no: int, lot_no: str, location: str, status: CustomsStatus | str
) -> str:
    return f"stock|{book_no}|{item_no}|{lot_no}|{location}|{CustomsStatus(status).value}"


def outside_key(party: OutsideKind | str, book_no: str, item_no: int) -> str:
    return f"{OutsideKind(party).value}|{book_no}|{item_no}"


def kind_of(key: str) -> AccountKind:
    return AccountKind(key.split("|", 1)[0])


def book_and_item(key: str) -> tuple[str, int]:
    """The book and item number of any account's key (stock or outside)."""
    parts = key.split("|", 3)
    return parts[1], int(parts[2])


def period_client_id(book_no: str, first_day: dt.date, last_day: dt.date, op: str, seq: int) -> str:
    """The client id of a period's close or reopen: the book, the days, what, the seq."""
    return f"period|{book_no}|{first_day.isoformat()}..{last_day.isoformat()}|{op}|{seq}"


def period_of_client_id(client_id: str) -> tuple[str, dt.date, dt.date]:
    """(book, first day, last day) named by a close or reopen's client id."""
    _, book_no, days, *_ = client_id.split("|")
    first, last = days.split("..")
    return book_no, dt.date.fromisoformat(first), dt.date.fromisoformat(last)
