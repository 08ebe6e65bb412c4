"""The audit chain (审计链): every ledger event hashed onto the one before it.

hash_n = SHA-256(hash_{n-1} + canonical_n), where canonical_n is a JSON text
with sorted keys built from the stored rows of the event: the transaction, its
movements, the balance entries they made and the lineage they recorded. Editing
any of those rows, or any hash, breaks the chain at that event; rewriting the
whole chain is caught by comparing against an anchor (a chain head that an
auditor keeps outside the database).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from schemas.quantities import plain

GENESIS_HASH = "0" * 64


# What an event is built from: the stored rows (adapters.db.models) when `verify` rebuilds
# it, the same values held in memory when the write path appends it.
class TransactionRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def client_id(self) -> str: ...
    @property
    def operation(self) -> str: ...
    @property
    def document_type(self) -> str | None: ...
    @property
    def document_no(self) -> str | None: ...
    @property
    def actor(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def occurred_at(self) -> dt.datetime: ...
    @property
    def recorded_at(self) -> dt.datetime: ...
    @property
    def fingerprint(self) -> str: ...


class MovementRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def leg_no(self) -> int: ...
    @property
    def phase(self) -> str: ...
    @property
    def source_id(self) -> int: ...
    @property
    def destination_id(self) -> int: ...
    @property
    def unit(self) -> str: ...
    @property
    def quantity(self) -> Decimal: ...
    @property
    def first_legal_quantity(self) -> Decimal: ...
    @property
    def second_legal_quantity(self) -> Decimal | None: ...
    @property
    def amount(self) -> Decimal | None: ...
    @property
    def currency(self) -> str | None: ...


class EntryRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def account_id(self) -> int: ...
    @property
    def delta_posted(self) -> Decimal: ...
    @property
    def delta_pending_out(self) -> Decimal: ...
    @property
    def delta_pending_in(self) -> Decimal: ...
    @property
    def posted_after(self) -> Decimal: ...
    @property
    def pending_out_after(self) -> Decimal: ...
    @property
    def pending_in_after(self) -> Decimal: ...
    @property
    def recorded_at(self) -> dt.datetime: ...


class LineageRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def output_lot_id(self) -> int: ...
    @property
    def input_lot_id(self) -> int: ...
    @property
    def quantity(self) -> Decimal: ...


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


class _Texts:
    """One event's texts of numbers and instants, each worked out once: an event repeats
    a few of them many times (a 10-leg event has 70 numbers, mostly the same deltas, and
    one recorded_at for all its entries). Equal values have one text (`plain`)."""

    def __init__(self) -> None:
        self._numbers: dict[Decimal, str] = {}
        self._instants: dict[dt.datetime, str] = {}

    def num(self, value: Decimal | None) -> str | None:
        if value is None:
            return None
        try:
            text = self._numbers.get(value)
        except TypeError:  # a signalling NaN has no hash: plain() says what is wrong
            return plain(value)
        if text is None:
            text = self._numbers[value] = plain(value)
        return text

    def instant(self, value: dt.datetime) -> str:
        text = self._instants.get(value)
        if text is None:
            text = self._instants[value] = _instant(value)
        return text


def canonical_event(
    *,
    seq: int,
    transaction: TransactionRow,
    reservation_client_id: str | None,
    movements: Sequence[MovementRow],
    entries: Mapping[int, Sequence[EntryRow]],
    lineage: Sequence[LineageRow],
    account_keys: Mapping[int, str],
    lot_labels: Mapping[int, str],
) -> str:
    texts = _Texts()
    num, instant = texts.num, texts.instant
    body: dict[str, Any] = {
        "seq": seq,
        "transaction": {
            "id": transaction.id,
            "client_id": transaction.client_id,
            "operation": transaction.operation,
            "reservation": reservation_client_id,
            "document_type": transaction.document_type,
            "document_no": transaction.document_no,
            "actor": transaction.actor,
            "reason": transaction.reason,
            "occurred_at": instant(transaction.occurred_at),
            "recorded_at": instant(transaction.recorded_at),
            "fingerprint": transaction.fingerprint,
        },
        "movements": [
            {
                "id": m.id,
                "leg_no": m.leg_no,
                "phase": m.phase,
                "source": account_keys[m.source_id],
                "destination": account_keys[m.destination_id],
                "unit": m.unit,
                "quantity": num(m.quantity),
                "first_legal_quantity": num(m.first_legal_quantity),
                "second_legal_quantity": num(m.second_legal_quantity),
                "amount": num(m.amount),
                "currency": m.currency,
                "entries": [
                    {
                        "id": e.id,
                        "account": account_keys[e.account_id],
                        "delta_posted": num(e.delta_posted),
                        "delta_pending_out": num(e.delta_pending_out),
                        "delta_pending_in": num(e.delta_pending_in),
                        "posted_after": num(e.posted_after),
                        "pending_out_after": num(e.pending_out_after),
                        "pending_in_after": num(e.pending_in_after),
                        "recorded_at": instant(e.recorded_at),
                    }
                    for e in entries.get(m.id, ())
                ],
            }
            for m in movements
        ],
        "lineage": [
            {
                "id": link.id,
                "output": lot_labels[link.output_lot_id],
                "input": lot_labels[link.input_lot_id],
                "quantity": num(link.quantity),
            }
            for link in lineage
        ],
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def first_difference(stored: str, rebuilt: str) -> str:
    """Name the row where a stored event and the rows rebuilt from the tables differ.

    FIX: rows are paired by id, not by position, so a deleted or added row is named
    itself; pairing by position named the next, untouched row instead.
    """
    try:
        old, new = json.loads(stored), json.loads(rebuilt)
    except json.JSONDecodeError:
        return "the stored event text is not valid JSON"
    if old.get("transaction") != new.get("transaction"):
        return f"ledger_transactions row id={new['transaction']['id']} was changed"
    return (
        _row_difference(
            "ledger_movements", old.get("movements", []), new.get("movements", []), "entries"
        )
        or _row_difference("ledger_lineage", old.get("lineage", []), new.get("lineage", []))
        or "the event text differs from its rows"
    )


def _row_difference(
    table: str,
    stored: list[dict[str, Any]],
    rebuilt: list[dict[str, Any]],
    nested: str | None = None,
) -> str | None:
    """The first row of `table` changed, missing or added; `nested` rows are entries."""
    now = {row.get("id"): row for row in rebuilt}
    for row in stored:
        row_id = row.get("id")
        other = now.get(row_id)
        if other is None:
            return f"{table} row id={row_id} is missing"
        if nested is None:
            if row != other:
                return f"{table} row id={row_id} was changed"
            continue
        if {k: v for k, v in row.items() if k != nested} != {
            k: v for k, v in other.items() if k != nested
        }:
            return f"{table} row id={row_id} was changed"
        inner = _row_difference("ledger_entries", row.get(nested, []), other.get(nested, []))
        if inner is not None:
            return inner
    then = {row.get("id") for row in stored}
    for row in rebuilt:
        if row.get("id") not in then:
            return f"{table} row id={row.get('id')} was added"
    if [r.get("id") for r in stored] != [r.get("id") for r in rebuilt]:
        return f"{table}: rows are in another order"
    return None
