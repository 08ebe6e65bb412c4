"""Who owns each account book (账册的经营企业), answered from memory.

Every read of the books in a reader's scope asked the database for all enterprises and
all books (about 1.2 ms of a 4 ms balances request). A book's owner never changes and
books are never deleted, so a pair once read stays true: a book not yet known is looked
for again at once (a book registered a moment ago is never missing), and the whole map,
which listing "every book in scope" needs, is read again when older than ``seconds``
(a book registered by another process appears in such listings within that bound; one
registered through this process at once, see ``MasterData``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from adapters.db.engine import Database
from masterdata import repository


class BookOwners:
    def __init__(
        self, db: Database, seconds: float, *, timer: Callable[[], float] = time.monotonic
    ) -> None:
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        self._db = db
        self._seconds = seconds
        self._timer = timer
        self._owners: dict[str, str] = {}
        self._read_at: float | None = None
        self._lock = threading.Lock()

    def owner(self, book_no: str) -> str | None:
        """The customs code of the enterprise whose book it is, or None: no such book."""
        known = self._owners.get(book_no)
        if known is not None:
            return known
        return self._read().get(book_no)

    def all(self) -> Mapping[str, str]:
        """Every book's number with its owner's customs code, at most ``seconds`` old."""
        read_at = self._read_at
        if read_at is None or self._timer() - read_at >= self._seconds:
            return self._read()
        return self._owners

    def forget(self) -> None:
        """Read again on the next question (a book was registered here)."""
        self._read_at = None

    def _read(self) -> Mapping[str, str]:
        with self._lock:
            began = self._timer()
            with self._db.reading() as session:
                owners = repository.book_owners(session)
            # Replaced whole, never mutated: readers without the lock see one map or the other.
            self._owners = owners
            self._read_at = began
            return owners
