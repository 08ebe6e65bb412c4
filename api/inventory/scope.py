"""Whose books a reader may see: a filer its own enterprise's, a scoped auditor those of
its enterprises, liaison staff, admins and unscoped auditors every book. A book out of
scope answers exactly as a missing one (404, field book_no)."""

from __future__ import annotations

from collections.abc import Mapping

from access import Principal
from api.masterdata.endpoints import book_in_scope, ensure_book_in_scope
from api.services import Services

__all__ = ["book_in_scope", "book_owners", "books_in_scope", "ensure_book_in_scope"]


def book_owners(services: Services) -> Mapping[str, str]:
    """Every book's number with its enterprise's customs code (from memory, at most the
    API's books cache old: masterdata/owners.py)."""
    return services.masterdata.owners.all()


def books_in_scope(services: Services, principal: Principal) -> frozenset[str] | None:
    """The books the principal may see; None: every book (no need to filter)."""
    if principal.enterprises is None:
        return None
    return frozenset(
        book for book, owner in book_owners(services).items() if principal.may_see(owner)
    )
