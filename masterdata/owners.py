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
        # Moved by ``forget``: a whole read begun before it must not count as fresh.
        self._generation = 0
        self._lock = threading.Lock()

    def owner(self, book_no: str) -> str | None:
        """The customs code of the enterprise whose book it is, or None: no such book.
        A book not known yet is looked up alone (one statement, whatever a client asks
        for) and remembered when found."""
        known = self._owners.get(book_no)
        if known is not None:
            return known
        with self._db.reading() as session:
            found = repository.book_owner(session, book_no)
        if found is not None:
            with self._lock:
                # Replaced, never mutated: readers without the lock see one map or the other.
                self._owners = {**self._owners, book_no: found}
        return found

    def all(self) -> Mapping[str, str]:
        """Every book's number with its owner's customs code, at most ``seconds`` old."""
        if self._fresh():
            return self._owners
        with self._lock:
            if self._fresh():  # another thread read it while this one waited
                return self._owners
            generation, began = self._generation, self._timer()
            with self._db.reading() as session:
                owners = repository.book_owners(session)
            self._owners = owners
            if generation == self._generation:
                self._read_at = began
            return owners

    def forget(self) -> None:
        """Read the whole list again on the next question (a book was opened here)."""
        self._generation += 1
        self._read_at = None

    def _fresh(self) -> bool:
        read_at = self._read_at
        return read_at is not None and self._timer() - read_at < self._seconds
