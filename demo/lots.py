"""The demo's lots (批次): one per received material line, the module lot, the offcut lots."""

from __future__ import annotations

from demo import ids
from masterdata import MasterData
from schemas.masterdata import LotIn

# (book, item, lot, origin)
LOTS: tuple[tuple[str, int, str, str], ...] = (
    *(
        (ids.SOLAR_BOOK, item, lot, f"entry list {ids.ENTRY_LIST_1}")
        for item, lot in (
            (ids.CELLS, ids.CELL_LOT_1),
            (ids.GLASS, ids.GLASS_LOT),
            (ids.EVA, ids.EVA_LOT),
            (ids.FRAMES, ids.FRAME_LOT),
            (ids.BACKSHEET, ids.BACKSHEET_LOT),
            (ids.JUNCTION_BOX, ids.JUNCTION_BOX_LOT),
        )
    ),
    (ids.SOLAR_BOOK, ids.CELLS, ids.CELL_LOT_2, f"entry list {ids.ENTRY_LIST_2}"),
    (ids.SOLAR_BOOK, ids.MODULE, ids.MODULE_LOT, f"work order {ids.WORK_ORDER}"),
    (ids.SOLAR_BOOK, ids.ALUMINIUM_SCRAP, ids.SCRAP_LOT, f"offcuts of {ids.WORK_ORDER}"),
    (ids.SOLAR_BOOK, ids.GLASS_CULLET, ids.CULLET_LOT, f"offcuts of {ids.WORK_ORDER}"),
    (ids.COLD_CHAIN_BOOK, ids.HONEY, ids.HONEY_LOT, f"entry list {ids.HONEY_ENTRY_LIST}"),
    (ids.COLD_CHAIN_BOOK, ids.HERBS, ids.HERBS_LOT, f"entry list {ids.HONEY_ENTRY_LIST}"),
)


def create_lots(md: MasterData) -> None:
    for book, item, lot, origin in LOTS:
        md.create_lot(LotIn(book_no=book, item_no=item, lot_no=lot, origin=origin))
