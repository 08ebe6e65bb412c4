"""Resolving a lifecycle's reservation, the same for every family: post it (through
the gate, both lists approved) or void it (cancelled, refused, replaced), in full."""

from __future__ import annotations

from ledger import Ledger
from schemas.ledger import ResolveRequest
from schemas.lifecycle import ResolveInput


def reservation_id(workflow_id: str, change_count: int) -> str:
    """A list's reservation: one per filing of the list (ChgTmsCnt)."""
    return f"{workflow_id}/reserve/c{change_count}"


def resolve_reservation(ledger: Ledger, data: ResolveInput) -> str:
    """Post or void the reservation; returns the resolution's client id."""
    verb = "post" if data.post else "void"
    client_id = f"{data.reservation_client_id}/{verb}"
    ledger.resolve(
        ResolveRequest(
            client_id=client_id,
            operation="post_pending" if data.post else "void_pending",
            reservation_client_id=data.reservation_client_id,
            actor=data.actor,
            reason=data.reason,
            occurred_at=data.at,
            lineage=data.lineage,
        )
    )
    return client_id
