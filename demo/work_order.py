"""Work order WO-2603-001 (加工工单): materials into PV modules, as one linked posting.

Materials leave stock for the outside "processing" account by the consumption
norms (单耗) in force on the day, modules and offcuts (边角料) come back from it,
and lineage records which input lots each output lot used:
- the module lot used, of each material lot, finished quantity x norm
  (net consumption / (1 - loss rate)): the whole consumption, loss included;
- each offcut lot came out of the process loss (工艺损耗) of one material lot,
  the consumption less the net part; its weighed kilograms are at most that
  loss in kilograms (part of the loss is dust and breakage that is not recovered).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from demo import ids
from demo.postings import KG, PIECE, PLANNER, PROCESSING, bonded, leg, movement
from masterdata import MasterData
from rules.norms import material_required, net_required
from schemas.codes import DocumentType
from schemas.ledger import Leg, LineageInput, LotRef, MovementRequest

MODULES_MADE = Decimal(2400)
MADE_ON = ids.at(2026, 3, 20, 18, 0)

# The material lots the work order draws on (all from the first entry list).
MATERIAL_LOTS = {
    ids.CELLS: ids.CELL_LOT_1,
    ids.GLASS: ids.GLASS_LOT,
    ids.EVA: ids.EVA_LOT,
    ids.FRAMES: ids.FRAME_LOT,
    ids.BACKSHEET: ids.BACKSHEET_LOT,
    ids.JUNCTION_BOX: ids.JUNCTION_BOX_LOT,
}


@dataclass(frozen=True)
class Offcut:
    """An offcut lot weighed at the end of the run, and the material it was cut from."""

    item: int
    lot: str
    material: int
    kilograms: Decimal


OFFCUTS = (
    Offcut(ids.ALUMINIUM_SCRAP, ids.SCRAP_LOT, ids.FRAMES, Decimal("5.6")),  # damaged frames
    Offcut(ids.GLASS_CULLET, ids.CULLET_LOT, ids.GLASS, Decimal("96.5")),  # broken panes
)


@dataclass(frozen=True)
class Consumption:
    """What the run took of one material, in the material's declared unit."""

    material: int
    lot: str
    unit: str
    used: Decimal  # finished quantity x norm
    loss: Decimal  # used - net consumption


def consumption(md: MasterData, on: dt.date | None = None) -> list[Consumption]:
    """Each material's consumption by the norm versions in force on `on` (the day of the
    run by default), by item number."""
    day = MADE_ON.date() if on is None else on
    items = {item.id: item for item in md.items(ids.SOLAR_BOOK)}
    out = []
    for norm in md.norms_in_force(ids.SOLAR_BOOK, ids.MODULE, day):
        material = items[norm.material_item_id]
        used = material_required(MODULES_MADE, norm.net_consumption, norm.loss_rate)
        out.append(
            Consumption(
                material=material.item_no,
                lot=MATERIAL_LOTS[material.item_no],
                unit=material.declared_unit,
                used=used,
                loss=used - net_required(MODULES_MADE, norm.net_consumption),
            )
        )
    return sorted(out, key=lambda c: c.material)


def work_order_request(md: MasterData) -> MovementRequest:
    book = ids.SOLAR_BOOK
    used = consumption(md)
    by_material = {c.material: c for c in used}
    module = LotRef(book_no=book, lot_no=ids.MODULE_LOT)
    legs: list[Leg] = [
        leg(book, c.material, c.unit, c.used, bonded(c.lot, ids.RAW_BIN), PROCESSING) for c in used
    ]
    legs.append(
        leg(
            book,
            ids.MODULE,
            PIECE,
            MODULES_MADE,
            PROCESSING,
            bonded(ids.MODULE_LOT, ids.FINISHED_GOODS),
        )
    )
    legs += [
        leg(book, o.item, KG, o.kilograms, PROCESSING, bonded(o.lot, ids.PLANT)) for o in OFFCUTS
    ]
    lineage = [
        LineageInput(output=module, input=LotRef(book_no=book, lot_no=c.lot), quantity=c.used)
        for c in used
    ]
    lineage += [
        LineageInput(
            output=LotRef(book_no=book, lot_no=o.lot),
            input=LotRef(book_no=book, lot_no=by_material[o.material].lot),
            quantity=by_material[o.material].loss,
        )
        for o in OFFCUTS
    ]
    return movement(
        f"demo:{ids.WORK_ORDER}:post",
        (DocumentType.WORK_ORDER, ids.WORK_ORDER),
        MADE_ON,
        PLANNER,
        "2,400 Vertex 550W modules laminated and framed by the norm versions in force; "
        "aluminium and glass offcuts weighed",
        legs,
        lineage=lineage,
    )
