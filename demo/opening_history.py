"""The demo's opening history, posted through the ledger as the real documents would be.

March–April 2026 in the Xining zone, posted in the order it happened:
1. 2 Mar: module materials arrive from abroad on a China-Europe return train
   (一线进境, supervision mode 5015, one bonded list, one linked posting);
2. 5 Mar: plateau honey and Nepalese herbs enter the cold store (5034) from the
   China-Nepal train;
3. 9–10 Mar: a second lot of cells arrives two-phase: reserved when the list is
   declared, posted when the vehicle passes the gate (过卡);
4. 20 Mar: work order WO-2603-001 turns materials into 2,400 modules, by the norms
   in force, with aluminium and glass offcuts, one linked posting with lineage;
5. 2 Apr: 6 t of honey is sold into China (二线出区内销);
6. 8–9 Apr: 2,000 modules are exported on a China-Europe train (一线出境, reserved
   at declaration, posted at departure); 15 Apr: 150 are sold into China;
7. 20 Apr: a further export of 100 modules is declared and still waits for the gate.

Every request has a fixed client id and a fixed Asia/Shanghai time, so seeding
twice changes nothing: the ledger answers each replay with its first receipt.
"""

from __future__ import annotations

from decimal import Decimal

from demo import ids
from demo.postings import (
    ABROAD,
    CNY,
    DOMESTIC,
    FILER,
    GATE,
    KG,
    PIECE,
    USD,
    bonded,
    leg,
    movement,
    post_reservation,
)
from demo.work_order import work_order_request
from ledger import Ledger
from masterdata import MasterData
from schemas.codes import DocumentType

LIST = DocumentType.BONDED_LIST

# First entry list: (item, lot, unit, quantity, value in USD). Unit prices: half-cut
# cells 0.16, glass 10.40 a pane, EVA 1.85/kg, frames 6.20 a set, backsheet 3.10/kg,
# junction boxes 2.45.
FIRST_ENTRY = (
    (ids.CELLS, ids.CELL_LOT_1, PIECE, "360000", "57600.00"),
    (ids.GLASS, ids.GLASS_LOT, PIECE, "2600", "27040.00"),
    (ids.EVA, ids.EVA_LOT, KG, "6000", "11100.00"),
    (ids.FRAMES, ids.FRAME_LOT, PIECE, "2600", "16120.00"),
    (ids.BACKSHEET, ids.BACKSHEET_LOT, KG, "2400", "7440.00"),
    (ids.JUNCTION_BOX, ids.JUNCTION_BOX_LOT, PIECE, "2600", "6370.00"),
)
SECOND_CELLS = Decimal(144000)
HONEY_IN, HERBS_IN, HONEY_SOLD = Decimal(18000), Decimal(2500), Decimal(6000)
EXPORTED = Decimal(2000)  # at USD 56.10 a module
SOLD_DOMESTICALLY = Decimal(150)  # at CNY 412.50 a module
PENDING_EXPORT = Decimal(100)


def post_history(md: MasterData, ledger: Ledger) -> None:
    solar, cold = ids.SOLAR_BOOK, ids.COLD_CHAIN_BOOK
    modules = bonded(ids.MODULE_LOT, ids.FINISHED_GOODS)

    # 1. First-line entry of module materials (一线进境, 5015).
    ledger.execute(
        movement(
            f"demo:{ids.ENTRY_LIST_1}:post",
            (LIST, ids.ENTRY_LIST_1),
            ids.at(2026, 3, 2, 14, 30),
            GATE,
            "materials through the gate from China-Europe return train X8157",
            [
                leg(solar, item, unit, qty, ABROAD, bonded(lot, ids.RAW_BIN), (usd, USD))
                for item, lot, unit, qty, usd in FIRST_ENTRY
            ],
        )
    )

    # 2. Cold chain: plateau honey and Nepalese herbs (5034) into cold store 1.
    ledger.execute(
        movement(
            f"demo:{ids.HONEY_ENTRY_LIST}:post",
            (LIST, ids.HONEY_ENTRY_LIST),
            ids.at(2026, 3, 5, 16, 0),
            GATE,
            "reefer containers from the China-Nepal train into cold store 1",
            [
                leg(
                    cold,
                    ids.HONEY,
                    KG,
                    HONEY_IN,
                    ABROAD,
                    bonded(ids.HONEY_LOT, ids.COLD_BIN),
                    ("122400.00", USD),
                ),
                leg(
                    cold,
                    ids.HERBS,
                    KG,
                    HERBS_IN,
                    ABROAD,
                    bonded(ids.HERBS_LOT, ids.COLD_BIN),
                    ("21250.00", USD),
                ),
            ],
        )
    )

    # 3. A second lot of cells, two-phase: reserved at declaration, posted at the gate.
    cells_reserved = f"demo:{ids.ENTRY_LIST_2}:reserve"
    ledger.execute(
        movement(
            cells_reserved,
            (LIST, ids.ENTRY_LIST_2),
            ids.at(2026, 3, 9, 9, 15),
            FILER,
            "inbound list declared, goods expected at the gate",
            [
                leg(
                    solar,
                    ids.CELLS,
                    PIECE,
                    SECOND_CELLS,
                    ABROAD,
                    bonded(ids.CELL_LOT_2, ids.RAW_BIN),
                    ("23040.00", USD),
                )
            ],
            reserve=True,
        )
    )
    ledger.resolve(
        post_reservation(
            f"demo:{ids.ENTRY_LIST_2}:gate",
            cells_reserved,
            ids.at(2026, 3, 10, 11, 5),
            GATE,
            f"gate pass {ids.ENTRY_2_GATE_PASS} passed, weight within tolerance",
        )
    )

    # 4. The processing run: one linked posting with lineage.
    ledger.execute(work_order_request(md))

    # 5. Part of the honey leaves for the domestic market.
    ledger.execute(
        movement(
            f"demo:{ids.HONEY_SALE_LIST}:post",
            (LIST, ids.HONEY_SALE_LIST),
            ids.at(2026, 4, 2, 10, 45),
            GATE,
            "6 t of honey cleared into China for a Xining distributor, duties and VAT paid",
            [
                leg(
                    cold,
                    ids.HONEY,
                    KG,
                    HONEY_SOLD,
                    bonded(ids.HONEY_LOT, ids.COLD_BIN),
                    DOMESTIC,
                    ("295800.00", CNY),
                )
            ],
        )
    )

    # 6. Export by China-Europe train (two-phase), then a domestic sale of modules.
    export_reserved = f"demo:{ids.EXPORT_LIST}:reserve"
    ledger.execute(
        movement(
            export_reserved,
            (LIST, ids.EXPORT_LIST),
            ids.at(2026, 4, 8, 9, 0),
            FILER,
            "outbound list for China-Europe train X8024 to Duisburg",
            [leg(solar, ids.MODULE, PIECE, EXPORTED, modules, ABROAD, ("112200.00", USD))],
            reserve=True,
        )
    )
    ledger.resolve(
        post_reservation(
            f"demo:{ids.EXPORT_LIST}:departed",
            export_reserved,
            ids.at(2026, 4, 9, 21, 40),
            GATE,
            "loaded on X8024, departure confirmed (结关)",
        )
    )
    ledger.execute(
        movement(
            f"demo:{ids.DOMESTIC_SALE_LIST}:post",
            (LIST, ids.DOMESTIC_SALE_LIST),
            ids.at(2026, 4, 15, 15, 20),
            GATE,
            "domestic sale to a Qinghai solar farm, duties paid (elective duty on materials)",
            [
                leg(
                    solar,
                    ids.MODULE,
                    PIECE,
                    SOLD_DOMESTICALLY,
                    modules,
                    DOMESTIC,
                    ("61875.00", CNY),
                )
            ],
        )
    )

    # 7. Declared, not yet through the gate: pending, not available.
    ledger.execute(
        movement(
            f"demo:{ids.PENDING_EXPORT_LIST}:reserve",
            (LIST, ids.PENDING_EXPORT_LIST),
            ids.at(2026, 4, 20, 8, 30),
            FILER,
            "outbound list for China-Europe train X8026, awaiting the gate",
            [leg(solar, ids.MODULE, PIECE, PENDING_EXPORT, modules, ABROAD, ("5610.00", USD))],
            reserve=True,
        )
    )
