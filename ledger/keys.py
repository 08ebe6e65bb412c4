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
