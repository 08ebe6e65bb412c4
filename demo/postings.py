"""One-line builders of ledger requests for the demo: legs, postings, reservations.

Accounts are named by business keys, as the real documents name them: a stock
position (lot, location, customs status) or an outside party (境外, 境内区外, 加工).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from demo import ids
from schemas.codes import DocumentType, Operation, OutsideKind
from schemas.ledger import (
    DocumentRef,
    Leg,
    LineageInput,
    MovementRequest,
    OutsideRef,
    ResolveRequest,
    StockRef,
)

USD = "502"  # currency codes of the customs table
CNY = "142"
PIECE = "007"  # unit codes: 个/块/套
KG = "035"

ABROAD = OutsideRef(party=OutsideKind.ABROAD)
DOMESTIC = OutsideRef(party=OutsideKind.DOMESTIC)
PROCESSING = OutsideRef(party=OutsideKind.PROCESSING)

FILER = f"filer@{ids.AGENT_CUSTOMS_CODE}"  # the declaring agent's filer (报关员)
GATE = "gate@xining-zone"  # the zone gate (卡口)
PLANNER = f"planner@{ids.SOLAR_CUSTOMS_CODE}"  # the module maker's production planner


def bonded(lot: str, location: str) -> StockRef:
    """Bonded stock (保税) of a lot at a location."""
    return StockRef(lot_no=lot, location=location)


def leg(
    book: str,
    item: int,
    unit: str,
    quantity: Decimal | str,
    source: StockRef | OutsideRef,
    destination: StockRef | OutsideRef,
    value: tuple[str, str] | None = None,
) -> Leg:
    """One leg; `value` is (amount, currency code) of the goods moved."""
    return Leg(
        book_no=book,
        item_no=item,
        unit=unit,
        quantity=Decimal(quantity),
        source=source,
        destination=destination,
        amount=None if value is None else Decimal(value[0]),
        currency=None if value is None else value[1],
    )


def movement(
    client_id: str,
    document: tuple[DocumentType, str],
    when: dt.datetime,
    actor: str,
    reason: str,
    legs: Sequence[Leg],
    *,
    reserve: bool = False,
    lineage: Sequence[LineageInput] = (),
) -> MovementRequest:
    """A linked posting (or a reservation, 预扣) of legs caused by one document."""
    return MovementRequest(
        client_id=client_id,
        operation=Operation.RESERVE if reserve else Operation.POST,
        document=DocumentRef(type=document[0], number=document[1]),
        legs=tuple(legs),
        lineage=tuple(lineage),
        actor=actor,
        reason=reason,
        occurred_at=when,
    )


def post_reservation(
    client_id: str, reservation_client_id: str, when: dt.datetime, actor: str, reason: str
) -> ResolveRequest:
    """Post a reservation in full (e.g. when the vehicle passes the gate: 过卡核扣)."""
    return ResolveRequest(
        client_id=client_id,
        operation=Operation.POST_PENDING,
        reservation_client_id=reservation_client_id,
        actor=actor,
        reason=reason,
        occurred_at=when,
    )
