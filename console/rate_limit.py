"""Sign-in attempts, limited (登录限速): 5 failed attempts for one username from one
client address within 15 minutes lock that pair for 15 minutes, and 20 failures from one
address (any usernames) within 15 minutes lock that address for 15 minutes. A locked
attempt is not even checked. The answer never says whether the user exists: a missing
user counts and locks exactly like a wrong password.

Kept in the memory of the API process (`bondflow up` runs one): a restart forgets it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

WINDOW: Final = dt.timedelta(minutes=15)
LOCKOUT: Final = dt.timedelta(minutes=15)
PAIR_FAILURES: Final = 5
ADDRESS_FAILURES: Final = 20


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class _Track:
    failures: deque[dt.datetime] = field(default_factory=deque)
    locked_until: dt.datetime | None = None


class SignInLimiter:
    def __init__(
        self,
        clock: Callable[[], dt.datetime] = _now,
        *,
        pair_failures: int = PAIR_FAILURES,
        address_failures: int = ADDRESS_FAILURES,
        window: dt.timedelta = WINDOW,
        lockout: dt.timedelta = LOCKOUT,
    ) -> None:
        self._clock = clock
        self._limits = {"pair": pair_failures, "address": address_failures}
        self._window = window
        self._lockout = lockout
        self._tracks: dict[tuple[str, str], _Track] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(username: str, address: str) -> list[tuple[str, str]]:
        return [("pair", f"{username.casefold()}\n{address}"), ("address", address)]

    def locked_for(self, username: str, address: str) -> dt.timedelta | None:
        """How long this username and address are still locked, or None."""
        now = self._clock()
        with self._lock:
            waits = [
                track.locked_until - now
                for key in self._keys(username, address)
                if (track := self._tracks.get(key)) is not None
                and track.locked_until is not None
                and track.locked_until > now
            ]
        return max(waits) if waits else None

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        with self._lock:
            for key in self._keys(username, address):
                track = self._tracks.setdefault(key, _Track())
                track.failures.append(now)
                while track.failures and track.failures[0] <= now - self._window:
                    track.failures.popleft()
                if len(track.failures) >= self._limits[key[0]]:
                    track.locked_until = now + self._lockout
                    track.failures.clear()

    def succeeded(self, username: str, address: str) -> None:
        """A right password forgets the pair's failures (not the address's)."""
        with self._lock:
            self._tracks.pop(self._keys(username, address)[0], None)
