"""Delivering receipts to their lifecycles: what an attempt's outcome means (pure).

A sink raises ``LifecycleEnded`` when the lifecycle can no longer take the receipt
(a final outcome, not an error) and ``DeliveryUnavailable`` when the other side is
unreachable for now (an expected, transient failure). Anything else is a fault.
Transient failures and faults are retried with exponential backoff up to a bound
(attempts and age), then the receipt is parked for an admin. ``DueCheck`` says when
the watcher next reads the database for receipts whose attempt is due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace


class LifecycleEnded(Exception):
    """The receipt's lifecycle has ended (completed, failed, terminated...): customs'
    answer is kept against the document and shown, but nothing is waiting for it."""

    def __init__(self, workflow_id: str, how: str) -> None:
        super().__init__(f"arrived after the lifecycle {workflow_id} ended ({how})")
        self.workflow_id = workflow_id
        self.how = how


class DeliveryUnavailable(Exception):
    """The lifecycle could not be reached now (Temporal down, a timeout): try later."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with a bound.

    The n-th failed attempt (n >= 1) waits ``first_delay * 2 ** (n - 1)`` seconds,
    at most ``max_delay``; after ``max_attempts`` failed attempts, or once the
    receipt has waited ``max_age`` since it was queued, it is parked.
    """

    max_attempts: int = 20
    first_delay: dt.timedelta = dt.timedelta(seconds=2)
    max_delay: dt.timedelta = dt.timedelta(minutes=10)
    max_age: dt.timedelta = dt.timedelta(days=1)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.first_delay <= dt.timedelta(0) or self.max_delay < self.first_delay:
            raise ValueError("delays must be positive, the first no longer than the longest")
        if self.max_age <= dt.timedelta(0):
            raise ValueError("max_age must be positive")

    def delay_after(self, failed_attempts: int) -> dt.timedelta:
        """How long to wait after the ``failed_attempts``-th failure."""
        exponent = min(max(failed_attempts - 1, 0), 64)  # beyond any max_delay already
        seconds = self.first_delay.total_seconds() * 2.0**exponent
        return dt.timedelta(seconds=min(seconds, self.max_delay.total_seconds()))

    def parks(self, failed_attempts: int, queued_at: dt.datetime, now: dt.datetime) -> bool:
        return failed_attempts >= self.max_attempts or now - queued_at >= self.max_age


# An admin sends a receipt back to pending from another process (the API, the command
# line) without the watcher knowing: it reads the database at least this often.
DUE_CHECK_EVERY = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class DueCheck:
    """When the watcher next reads the database for due deliveries.

    At the earliest next attempt it knows of (read with its last batch, or scheduled
    since by a failure it settled itself), and at the latest ``every`` after its last
    read (``read_at``), which bounds how late an admin's redelivery is seen. Before any
    read, or after a pass that failed (``unsure``), at once; so too if the clock went
    back past the last read.
    """

    every: dt.timedelta = DUE_CHECK_EVERY
    read_at: dt.datetime | None = None
    next_attempt_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.every <= dt.timedelta(0):
            raise ValueError("the due check's bound must be positive")

    @property
    def at(self) -> dt.datetime | None:
        """When the next read is due; None: at once."""
        if self.read_at is None:
            return None
        latest = self.read_at + self.every
        return latest if self.next_attempt_at is None else min(latest, self.next_attempt_at)

    def due(self, now: dt.datetime) -> bool:
        """Whether a pass at ``now`` reads the database."""
        if self.read_at is None or now < self.read_at:
            return True
        at = self.at
        assert at is not None
        return now >= at

    def read(self, now: dt.datetime, next_attempt_at: dt.datetime | None) -> DueCheck:
        """After a read at ``now`` that found the pending receipts not due before
        ``next_attempt_at`` (None: none pending)."""
        return replace(self, read_at=now, next_attempt_at=next_attempt_at)

    def expect(self, *attempts: dt.datetime | None) -> DueCheck:
        """With these next attempts scheduled since (None: none, a receipt settled)."""
        known = [at for at in (self.next_attempt_at, *attempts) if at is not None]
        return replace(self, next_attempt_at=min(known, default=None))

    def unsure(self) -> DueCheck:
        """Knowing nothing: the next pass reads."""
        return DueCheck(self.every)
