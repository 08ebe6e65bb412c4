"""Natural keys of ledger accounts, as text: readable in refusals, unique in the table."""

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
