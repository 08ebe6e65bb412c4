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
from typing import Any

from adapters.db.models import AccountEntry, LedgerTransaction, LineageLink, Movement
from schemas.quantities import plain

GENESIS_HASH = "0" * 64


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _num(value: Decimal | None) -> str | None:
    return None if value is None else plain(value)


def canonical_event(
    *,
    seq: int,
    transaction: LedgerTransaction,
    reservation_client_id: str | None,
    movements: Sequence[Movement],
    entries: Mapping[int, Sequence[AccountEntry]],
    lineage: Sequence[LineageLink],
    account_keys: Mapping[int, str],
    lot_labels: Mapping[int, str],
) -> str:
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
            "occurred_at": _instant(transaction.occurred_at),
            "recorded_at": _instant(transaction.recorded_at),
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
                "quantity": _num(m.quantity),
                "first_legal_quantity": _num(m.first_legal_quantity),
                "second_legal_quantity": _num(m.second_legal_quantity),
                "amount": _num(m.amount),
                "currency": m.currency,
                "entries": [
                    {
                        "id": e.id,
                        "account": account_keys[e.account_id],
                        "delta_posted": _num(e.delta_posted),
                        "delta_pending_out": _num(e.delta_pending_out),
                        "delta_pending_in": _num(e.delta_pending_in),
                        "posted_after": _num(e.posted_after),
                        "pending_out_after": _num(e.pending_out_after),
                        "pending_in_after": _num(e.pending_in_after),
                        "recorded_at": _instant(e.recorded_at),
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
                "quantity": _num(link.quantity),
            }
            for link in lineage
        ],
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def first_difference(stored: str, rebuilt: str) -> str:
    """Name the row where a stored event and the rows rebuilt from the tables differ."""
    try:
        old, new = json.loads(stored), json.loads(rebuilt)
    except json.JSONDecodeError:
        return "the stored event text is not valid JSON"
    if old.get("transaction") != new.get("transaction"):
        return f"ledger_transactions row id={new['transaction']['id']}"
    old_m, new_m = old.get("movements", []), new.get("movements", [])
    for a, b in zip(old_m, new_m, strict=False):
        a_entries, b_entries = a.pop("entries", []), b.pop("entries", [])
        if a != b:
            return f"ledger_movements row id={b.get('id', a.get('id'))}"
        for ea, eb in zip(a_entries, b_entries, strict=False):
            if ea != eb:
                return f"ledger_entries row id={eb.get('id', ea.get('id'))}"
        if len(a_entries) != len(b_entries):
            return f"ledger_entries of movement id={b.get('id')} (rows added or removed)"
    if len(old_m) != len(new_m):
        return "ledger_movements of this transaction (rows added or removed)"
    for la, lb in zip(old.get("lineage", []), new.get("lineage", []), strict=False):
        if la != lb:
            return f"ledger_lineage row id={lb.get('id')}"
    if len(old.get("lineage", [])) != len(new.get("lineage", [])):
        return "ledger_lineage of this transaction (rows added or removed)"
    return "the event text differs from its rows"
