"""What tells the bonded-list lifecycles apart in their activities (pure data).

First-line entry, second-line entry, export and domestic sale run the same steps on
the same kind of list (validate, reserve, resolve, file the list, file the gate
pass); a ``ListActivityPolicy`` says how one of them does it: which way the goods
go, to or from which outside party, in which customs status, whether the lots must
hold the goods, whether duties are assessed, and the words of the ledger's reasons.
Each lifecycle's policy is set in its ``lifecycles.kinds.KINDS`` entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from schemas.codes import CustomsStatus, OutsideKind


class Direction(StrEnum):
    """Which way the goods cross the zone's boundary."""

    IN = "in"  # into the zone's stock: reserved pending in on new lots
    OUT = "out"  # out of the zone's stock: reserved pending out from the lots


@dataclass(frozen=True)
class ListActivityPolicy:
    prefix: str  # of the activity type names: "<prefix>.validate", ... (recorded: fixed)
    direction: Direction
    outside: OutsideKind  # the party the goods come from or go to
    status: CustomsStatus  # of the stock the goods enter or leave
    checks_stock: bool  # the lots must hold the goods (exits)
    assesses_taxes: bool  # duties and taxes computed at validation and on the list
    # The ledger's reason for the reservation; {inner_no} is the list's own number.
    reserve_reason: str

    def reserve_why(self, inner_no: str) -> str:
        return self.reserve_reason.format(inner_no=inner_no)
