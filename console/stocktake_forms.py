"""A stocktake's forms on the filer's pages (pure): the rows of the counts form (every
position the book holds on the first count, then rows for goods the book does not
know; on a recount, the positions sent back), the locations typed as a list of codes
and the count's instant typed in Beijing time."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from schemas.lifecycle import LifecycleStatus, Stage, StockPosition
from schemas.messages.fields import DOCUMENT_ZONE

FOUND_ROWS: Final = 3  # blank rows on a first count for goods the book does not hold
_SEPARATORS: Final = re.compile(r"[\s,;，；、]+")


@dataclass(frozen=True)
class CountRow:
    """One row of the counts form: ``lines[index]``; a known position (its book
    quantity and unit), or a blank row for found goods (position None)."""

    index: int
    position: StockPosition | None
    expected: Decimal | None = None
    unit: str | None = None


def count_rows(status: LifecycleStatus | None) -> list[CountRow]:
    """The counts form's rows while the stocktake is counting (none otherwise)."""
    if status is None or status.stocktake is None or status.stage is not Stage.COUNTING:
        return []
    view = status.stocktake
    book = {p.key(): p for p in view.expected}
    sent_back = [d for d in view.differences if d.state == "recount"]
    wanted: list[StockPosition] = [*sent_back] or [*view.expected]
    rows = []
    for index, found in enumerate(wanted):
        position = StockPosition.model_validate(
            found.model_dump(include=set(StockPosition.model_fields))
        )
        known = book.get(position.key())
        rows.append(
            CountRow(
                index,
                position,
                known.quantity if known else Decimal(0),
                known.unit if known else None,
            )
        )
    if not sent_back:
        rows += [CountRow(len(rows) + n, None) for n in range(FOUND_ROWS)]
    return rows


def locations_of(text: str) -> tuple[str, ...]:
    """The location codes as typed: separated by spaces, new lines or commas (either
    width), each once in the order typed."""
    return tuple(dict.fromkeys(code for code in _SEPARATORS.split(text.strip()) if code))


def instant_of(text: str) -> dt.datetime | str:
    """A ``datetime-local`` input (``2026-12-06T18:30``) as an aware time in Beijing;
    what is no time at all is given back as typed, for the model to refuse."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    return moment if moment.tzinfo else moment.replace(tzinfo=DOCUMENT_ZONE)


def beijing_input(moment: dt.datetime) -> str:
    """An aware time as a ``datetime-local`` input shows it (Beijing, to the minute)."""
    return moment.astimezone(DOCUMENT_ZONE).strftime("%Y-%m-%dT%H:%M")
