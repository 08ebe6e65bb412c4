"""The two instants a reader may ask the ledger at (ledger/timeline.py), as query
parameters every inventory and audit route takes the same way: `as_of`, a business
instant (the postings' occurred_at), and `known_at`, a record instant (their
recorded_at). Both carry their offset; a naive one is refused (422, problem+json naming
the parameter)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query
from pydantic import AwareDatetime

from api.problems import Problem


def instant(value: dt.datetime | None, field: str) -> dt.datetime | None:
    """An aware instant in UTC; one that UTC cannot hold (year 1 at +08:00) is refused."""
    if value is None:
        return None
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise Problem(
            422,
            "invalid request",
            f"{field}: {value.isoformat()} is outside the instants the ledger holds",
            code="invalid_request",
            field=field,
        ) from None


@dataclass(frozen=True)
class Instants:
    as_of: dt.datetime | None
    known_at: dt.datetime | None


def _instants(
    as_of: Annotated[
        AwareDatetime | None,
        Query(
            description="business instant (when the postings occurred), with its offset, "
            "e.g. 2026-03-31T23:59:59+08:00; empty: now"
        ),
    ] = None,
    known_at: Annotated[
        AwareDatetime | None,
        Query(
            description="record instant: only what the ledger had recorded by then counts "
            "(e.g. 2026-04-10T00:00:00+08:00); empty: as known now"
        ),
    ] = None,
) -> Instants:
    return Instants(instant(as_of, "as_of"), instant(known_at, "known_at"))


InstantsDep = Annotated[Instants, Depends(_instants)]


def _known_at(
    known_at: Annotated[
        AwareDatetime | None,
        Query(
            description="record instant: only what the ledger had recorded by then counts; "
            "empty: as known now"
        ),
    ] = None,
) -> dt.datetime | None:
    return instant(known_at, "known_at")


KnownAtDep = Annotated[dt.datetime | None, Depends(_known_at)]
