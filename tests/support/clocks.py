"""Clocks the tests move by hand."""

from __future__ import annotations


class HandTimer:
    """A monotonic timer (seconds, as time.monotonic gives) that moves only when a test
    sets ``now``: what in-memory bounds (caches, status reads) are measured with."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now
