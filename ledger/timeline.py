"""The ledger's two times (业务时间与记录时间), pure: no database, no clock.

Every posting has a business instant (`occurred_at`: the gate passage, the work order's
run) and a record instant (`recorded_at`: when the ledger wrote it). A balance "as of T
as known at K" sums the entries with occurred_at <= T and recorded_at <= K.

Entries carry running balances in record order (`posted_after`...), so R(x), the
balance of everything recorded by x, is one index seek. A back-dated posting cannot get
a running balance in business order (it lands in the middle of the account's business
history), so the answer is R(min(T, K)) corrected by the entries whose two times lie on
either side of T:

    B(T, K) = R(min(T, K))
              - sum{ recorded <= min(T, K), occurred > T }   (dated ahead of their record)
              + sum{ T < recorded <= K,     occurred <= T }  (back-dated across T)

Each entry keeps its **lag class**: how far apart its two times are, rounded up to one
of `LAG_CEILINGS` (positive: back-dated, negative: dated ahead, 0: the same instant). An
entry of class c back-dated across T was recorded within `LAG_CEILINGS[c]` after T, so
each class is one index range on (account, lag class, recorded_at) of that width: the
corrections read the entries recorded near T, never the account's whole history. Only
the last class (back-dated more than a year) has no bound; closing periods refuses
such postings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# "No bound" for either time: later than any instant the ledger stores.
END_OF_TIME = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)

# Upper bounds of the lag classes 1..len; the last one is unbounded (None).
LAG_CEILINGS: tuple[dt.timedelta | None, ...] = (
    dt.timedelta(minutes=1),
    dt.timedelta(hours=1),
    dt.timedelta(days=1),
    dt.timedelta(days=7),
    dt.timedelta(days=31),
    dt.timedelta(days=366),
    None,
)


def lag_class(occurred_at: dt.datetime, recorded_at: dt.datetime) -> int:
    """0 when both instants are equal; c > 0 when the entry was recorded after it occurred
    by at most LAG_CEILINGS[c - 1] (and more than the class below); -c when it is dated
    ahead of its record by as much."""
    lag = recorded_at - occurred_at
    if lag == dt.timedelta(0):
        return 0
    size = abs(lag)
    for i, ceiling in enumerate(LAG_CEILINGS, start=1):
        if ceiling is None or size <= ceiling:
            return i if lag > dt.timedelta(0) else -i
    raise AssertionError("the last class is unbounded")


@dataclass(frozen=True)
class Window:
    """Entries of one lag class recorded in (after, until] (until None: no end) whose
    business instant is on the far side of T (`occurred_after_t`: occurred > T, to take
    away; else occurred <= T, to add)."""

    lag_class: int
    after: dt.datetime | None
    until: dt.datetime
    occurred_after_t: bool


@dataclass(frozen=True)
class Plan:
    """How to answer "as of T as known at K": the record-time seek and the corrections."""

    as_of: dt.datetime
    known_at: dt.datetime
    seek: dt.datetime  # R(seek): the running balance of everything recorded by then
    windows: tuple[Window, ...]


def plan(as_of: dt.datetime, known_at: dt.datetime) -> Plan:
    """The seek and the correction windows of B(as_of, known_at) (see the module)."""
    seek = min(as_of, known_at)
    windows: list[Window] = []
    for i, ceiling in enumerate(LAG_CEILINGS, start=1):
        # Dated ahead across T: recorded in (T - ceiling, min(T, K)], occurred > T.
        windows.append(
            Window(
                lag_class=-i,
                after=None if ceiling is None else _minus(as_of, ceiling),
                until=seek,
                occurred_after_t=True,
            )
        )
        # Back-dated across T: recorded in (T, min(K, T + ceiling)], occurred <= T.
        if known_at > as_of:
            until = known_at if ceiling is None else min(known_at, _plus(as_of, ceiling))
            windows.append(Window(lag_class=i, after=as_of, until=until, occurred_after_t=False))
    return Plan(as_of=as_of, known_at=known_at, seek=seek, windows=tuple(windows))


def _plus(at: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    try:
        return at + delta
    except OverflowError:
        return dt.datetime.max.replace(tzinfo=dt.UTC)


def _minus(at: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    try:
        return at - delta
    except OverflowError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
