"""The demo's opening history, posted through the ledger as the real documents would.

March–April 2026 in the Xining zone:
1. materials for PV modules arrive from abroad on a China-Europe return train
   (一线进境, one bonded list, one linked posting);
2. a second lot of cells arrives two-phase: reserved at declaration, posted at the gate;
3. plateau honey and Nepalese herbs enter the cold-chain warehouse;
4. work order WO-2603-001 turns materials into 2,400 modules, by the consumption
   norms in force, with aluminium and glass offcuts, in one linked posting with lineage;
5. 2,000 modules are exported on a China-Europe train (reserved, then posted at
   departure); 150 are sold into China (二线出区内销); some honey is sold too;
6. a further export of 100 modules is declared and still waits for the gate.

Every request has a fixed client id, so seeding twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from demo import ids
from ledger import Ledger
from masterdata import MasterData
from rules.norms import material_required
from schemas.codes import DocumentType, OutsideKind
from schemas.ledger import (
    DocumentRef,
    Leg,
    LineageInput,
    LotRef,
    MovementRequest,
    OutsideRef,
    ResolveRequest,
    StockRef,
)
from schemas.masterdata import LotIn

USD = "502"
CNY = "142"
ABROAD = OutsideRef(party=OutsideKind.ABROAD)
DOMESTIC = OutsideRef(party=OutsideKind.DOMESTIC)
PROCESSING = OutsideRef(party=OutsideKind.PROCESSING)

# (item, lot, quantity, unit, USD value) of the first entry list
FIRST_ENTRY = (
    (ids.CELLS, ids.CELL_LOT_1, "360000", "007", "102600.00"),
    (ids.GLASS, ids.GLASS_LOT, "2600", "007", "29640.00"),
    (ids.EVA, ids.EVA_LOT, "6000", "035", "11100.00"),
    (ids.FRAMES, ids.FRAME_LOT, "2600", "007", "16120.00"),
    (ids.BACKSHEET, ids.BACKSHEET_LOT, "2400", "035", "7440.00"),
    (ids.JUNCTION_BOX, ids.JUNCTION_BOX_LOT, "2600", "007", "6370.00"),
)
MATERIAL_LOTS = {item: lot for item, lot, *_ in FIRST_ENTRY}
UNITS = {item: unit for item, _, _, unit, _ in FIRST_ENTRY}
MODULES_MADE = Decimal(2400)
OFFCUTS = (
    (ids.ALUMINIUM_SCRAP, ids.SCRAP_LOT, "12.5", ids.FRAMES),
    (ids.GLASS_CULLET, ids.CULLET_LOT, "38.2", ids.GLASS),
)
EXPORTED = Decimal(2000)
SOLD_DOMESTICALLY = Decimal(150)
PENDING_EXPORT = Decimal(100)


def _bonded(lot: str, location: str) -> StockRef:
    return StockRef(lot_no=lot, location=location)


def _leg(
    book: str,
    item: int,
    unit: str,
    quantity: Decimal | str,
    source: StockRef | OutsideRef,
    destination: StockRef | OutsideRef,
    amount: str | None = None,
    currency: str | None = None,
) -> Leg:
    return Leg(
        book_no=book,
        item_no=item,
        unit=unit,
        quantity=Decimal(quantity),
        source=source,
        destination=destination,
        amount=None if amount is None else Decimal(amount),
        currency=currency,
    )


def _request(
    client_id: str,
    doc_type: DocumentType,
    number: str,
    when: dt.datetime,
    actor: str,
    reason: str,
    legs: list[Leg],
    *,
    reserve: bool = False,
    lineage: tuple[LineageInput, ...] = (),
) -> MovementRequest:
    return MovementRequest(
        client_id=client_id,
        operation="reserve" if reserve else "post",
        document=DocumentRef(type=doc_type, number=number),
        legs=tuple(legs),
        lineage=lineage,
        actor=actor,
        reason=reason,
        occurred_at=when,
    )


def _resolve(
    client_id: str, reservation: str, when: dt.datetime, actor: str, reason: str
) -> ResolveRequest:
    return ResolveRequest(
        client_id=client_id,
        operation="post_pending",
        reservation_client_id=reservation,
        actor=actor,
        reason=reason,
        occurred_at=when,
    )


def create_lots(md: MasterData) -> None:
    solar = [(item, lot, f"entry list {ids.ENTRY_LIST_1}") for item, lot, *_ in FIRST_ENTRY]
    solar += [
        (ids.CELLS, ids.CELL_LOT_2, f"entry list {ids.ENTRY_LIST_2}"),
        (ids.MODULE, ids.MODULE_LOT, f"work order {ids.WORK_ORDER}"),
        *((item, lot, f"offcuts of {ids.WORK_ORDER}") for item, lot, _, _ in OFFCUTS),
    ]
    for item, lot, origin in solar:
        md.create_lot(LotIn(book_no=ids.SOLAR_BOOK, item_no=item, lot_no=lot, origin=origin))
    for item, lot in ((ids.HONEY, ids.HONEY_LOT), (ids.HERBS, ids.HERBS_LOT)):
        md.create_lot(
            LotIn(
                book_no=ids.COLD_CHAIN_BOOK,
                item_no=item,
                lot_no=lot,
                origin=f"entry list {ids.HONEY_ENTRY_LIST}",
            )
        )


def post_history(md: MasterData, ledger: Ledger) -> None:
    book = ids.SOLAR_BOOK
    filer = "filer@9601346001"
    gate = "gate@xining-zone"

    # 1. First-line entry of module materials (一线进境, supervision mode 5015).
    ledger.execute(
        _request(
            f"demo:{ids.ENTRY_LIST_1}:post",
            DocumentType.BONDED_LIST,
            ids.ENTRY_LIST_1,
            ids.at(2026, 3, 2, 14, 30),
            gate,
            "materials through the gate from China-Europe return train X8157",
            [
                _leg(book, item, unit, qty, ABROAD, _bonded(lot, ids.RAW_BIN), usd, USD)
                for item, lot, qty, unit, usd in FIRST_ENTRY
            ],
        )
    )

    # 2. A second lot of cells: reserved at declaration, posted when the vehicle passes.
    reservation = f"demo:{ids.ENTRY_LIST_2}:reserve"
    ledger.execute(
        _request(
            reservation,
            DocumentType.BONDED_LIST,
            ids.ENTRY_LIST_2,
            ids.at(2026, 3, 9, 9, 15),
            filer,
            "inbound list declared, goods expected at the gate",
            [
                _leg(
                    book,
                    ids.CELLS,
                    "007",
                    "144000",
                    ABROAD,
                    _bonded(ids.CELL_LOT_2, ids.RAW_BIN),
                    "41040.00",
                    USD,
                )
            ],
            reserve=True,
        )
    )
    ledger.resolve(
        _resolve(
            f"demo:{ids.ENTRY_LIST_2}:gate",
            reservation,
            ids.at(2026, 3, 10, 11, 5),
            gate,
            "gate pass HF960126I000000088 passed, weight within tolerance",
        )
    )

    # 3. Cold chain: plateau honey and Nepalese herbs (supervision mode 5034).
    cold = ids.COLD_CHAIN_BOOK
    ledger.execute(
        _request(
            f"demo:{ids.HONEY_ENTRY_LIST}:post",
            DocumentType.BONDED_LIST,
            ids.HONEY_ENTRY_LIST,
            ids.at(2026, 3, 5, 16, 0),
            gate,
            "reefer containers from the China-Nepal train into cold store 1",
            [
                _leg(
                    cold,
                    ids.HONEY,
                    "035",
                    "18000",
                    ABROAD,
                    _bonded(ids.HONEY_LOT, ids.COLD_BIN),
                    "122400.00",
                    USD,
                ),
                _leg(
                    cold,
                    ids.HERBS,
                    "035",
                    "2500",
                    ABROAD,
                    _bonded(ids.HERBS_LOT, ids.COLD_BIN),
                    "21250.00",
                    USD,
                ),
            ],
        )
    )

    # 4. Work order: materials by the norms in force, modules and offcuts out, with lineage.
    made_on = ids.at(2026, 3, 20, 18, 0)
    norms = md.norms_in_force(book, ids.MODULE, made_on.date())
    items_by_id = {i.id: i.item_no for i in md.items(book)}
    legs: list[Leg] = []
    lineage: list[LineageInput] = []
    module_ref = LotRef(book_no=book, lot_no=ids.MODULE_LOT)
    for norm in sorted(norms, key=lambda n: items_by_id[n.material_item_id]):
        material = items_by_id[norm.material_item_id]
        used = material_required(MODULES_MADE, norm.net_consumption, norm.loss_rate)
        lot = MATERIAL_LOTS[material]
        legs.append(
            _leg(book, material, UNITS[material], used, _bonded(lot, ids.RAW_BIN), PROCESSING)
        )
        lineage.append(
            LineageInput(output=module_ref, input=LotRef(book_no=book, lot_no=lot), quantity=used)
        )
    legs.append(
        _leg(
            book,
            ids.MODULE,
            "007",
            MODULES_MADE,
            PROCESSING,
            _bonded(ids.MODULE_LOT, ids.FINISHED_GOODS),
        )
    )
    for item, lot, qty, source_material in OFFCUTS:
        legs.append(_leg(book, item, "035", qty, PROCESSING, _bonded(lot, ids.PLANT)))
        lineage.append(
            LineageInput(
                output=LotRef(book_no=book, lot_no=lot),
                input=LotRef(book_no=book, lot_no=MATERIAL_LOTS[source_material]),
                quantity=Decimal(qty),
            )
        )
    ledger.execute(
        _request(
            f"demo:{ids.WORK_ORDER}:post",
            DocumentType.WORK_ORDER,
            ids.WORK_ORDER,
            made_on,
            "planner@9601346001",
            "2,400 Vertex 550W modules laminated and framed, norms version in force",
            legs,
            lineage=tuple(lineage),
        )
    )

    # 5. Exits: export by China-Europe train (two-phase), a domestic sale, honey sold.
    export = f"demo:{ids.EXPORT_LIST}:reserve"
    ledger.execute(
        _request(
            export,
            DocumentType.BONDED_LIST,
            ids.EXPORT_LIST,
            ids.at(2026, 4, 8, 9, 0),
            filer,
            "outbound list for China-Europe train X8024 to Duisburg",
            [
                _leg(
                    book,
                    ids.MODULE,
                    "007",
                    EXPORTED,
                    _bonded(ids.MODULE_LOT, ids.FINISHED_GOODS),
                    ABROAD,
                    "168000.00",
                    USD,
                )
            ],
            reserve=True,
        )
    )
    ledger.resolve(
        _resolve(
            f"demo:{ids.EXPORT_LIST}:departed",
            export,
            ids.at(2026, 4, 9, 21, 40),
            gate,
            "loaded on X8024, departure confirmed (结关)",
        )
    )
    ledger.execute(
        _request(
            f"demo:{ids.DOMESTIC_SALE_LIST}:post",
            DocumentType.BONDED_LIST,
            ids.DOMESTIC_SALE_LIST,
            ids.at(2026, 4, 15, 15, 20),
            gate,
            "domestic sale to a Qinghai solar farm, duties paid (elective duty on materials)",
            [
                _leg(
                    book,
                    ids.MODULE,
                    "007",
                    SOLD_DOMESTICALLY,
                    _bonded(ids.MODULE_LOT, ids.FINISHED_GOODS),
                    DOMESTIC,
                    "90450.00",
                    CNY,
                )
            ],
        )
    )
    ledger.execute(
        _request(
            f"demo:{ids.HONEY_SALE_LIST}:post",
            DocumentType.BONDED_LIST,
            ids.HONEY_SALE_LIST,
            ids.at(2026, 4, 2, 10, 45),
            gate,
            "6 t of honey cleared into China for a Xining distributor",
            [
                _leg(
                    cold,
                    ids.HONEY,
                    "035",
                    "6000",
                    _bonded(ids.HONEY_LOT, ids.COLD_BIN),
                    DOMESTIC,
                    "295800.00",
                    CNY,
                )
            ],
        )
    )

    # 6. Declared, not yet through the gate: shows as pending, not available.
    ledger.execute(
        _request(
            f"demo:{ids.PENDING_EXPORT_LIST}:reserve",
            DocumentType.BONDED_LIST,
            ids.PENDING_EXPORT_LIST,
            ids.at(2026, 4, 20, 8, 30),
            filer,
            "outbound list for China-Europe train X8026, awaiting the gate",
            [
                _leg(
                    book,
                    ids.MODULE,
                    "007",
                    PENDING_EXPORT,
                    _bonded(ids.MODULE_LOT, ids.FINISHED_GOODS),
                    ABROAD,
                    "8400.00",
                    USD,
                )
            ],
            reserve=True,
        )
    )
