"""A small in-process map whose entries expire: what the API may answer from memory
for a bounded time (a token's principal, a lifecycle's last status) instead of asking
the database or Temporal on every request. Thread-safe (the API looks tokens up in
its thread pool); bounded in size (the oldest entry goes first)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Expiring(Generic[K, V]):
    """Entries live ``seconds`` from when they were put; ``seconds`` 0 keeps nothing."""

    def __init__(
        self, seconds: float, *, size: int = 10_000, timer: Callable[[], float] = time.monotonic
    ) -> None:
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        self.seconds = seconds
        self._size = size
        self._timer = timer
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value put under ``key`` less than ``seconds`` ago, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, value = entry
            if self._timer() >= expires:
                del self._entries[key]
                return None
            return value

    def put(self, key: K, value: V) -> None:
        if self.seconds == 0:
            return
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (self._timer() + self.seconds, value)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def forget(self, key: K) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
