"""Which locations may take new stock of a book (one rule for every lifecycle's draft
check and for master data)."""

from __future__ import annotations


def stock_location_refusal(
    code: str,
    *,
    exists: bool,
    retired: bool,
    location_enterprise: str | None,
    book_no: str,
    book_owner: str,
) -> str | None:
    """Why goods of a book may not be put at a location, or None: it must exist, be
    live, and be zone-wide (no enterprise) or the book's enterprise's."""
    if not exists:
        return f"no location {code}"
    if retired:
        return f"location {code} is retired and takes no new stock"
    if location_enterprise is not None and location_enterprise != book_owner:
        return (
            f"location {code} belongs to enterprise {location_enterprise},"
            f" not to {book_owner} (book {book_no})"
        )
    return None
