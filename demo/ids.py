"""The demo's business identifiers, shared by the seed, the CLI and the tests.

Every number that customs would issue is built from the customs district code
(关区代码) and the year here, so the demo moves to another district in one line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

DISTRICT = "9601"  # Xining customs district as the brief has it (unverified: 9600/9700)
YEAR = "26"  # 2026

# Enterprise customs codes (海关编码): district + 6 characters.
SOLAR_CUSTOMS_CODE = f"{DISTRICT}346001"
COLD_CHAIN_CUSTOMS_CODE = f"{DISTRICT}346002"
AGENT_CUSTOMS_CODE = f"{DISTRICT}980003"

# Account books (账册): H processing (加工贸易账册), T logistics (物流账册).
SOLAR_BOOK = f"H{DISTRICT}{YEAR}00001"
COLD_CHAIN_BOOK = f"T{DISTRICT}{YEAR}00002"

# Solar book items (备案序号)
CELLS, GLASS, EVA, FRAMES, BACKSHEET, JUNCTION_BOX = 1, 2, 3, 4, 5, 6
MODULE = 10
ALUMINIUM_SCRAP, GLASS_CULLET = 20, 21  # 边角料
# Cold-chain book items
HONEY, HERBS = 1, 2

# Lots (批次)
CELL_LOT_1 = "CELL-2603-01"
CELL_LOT_2 = "CELL-2603-02"
GLASS_LOT = "GLS-2603-01"
EVA_LOT = "EVA-2603-01"
FRAME_LOT = "FRM-2603-01"
BACKSHEET_LOT = "BKS-2603-01"
JUNCTION_BOX_LOT = "JBX-2603-01"
MODULE_LOT = "MOD-2603-01"
SCRAP_LOT = "ALS-2603-01"
CULLET_LOT = "GLC-2603-01"
HONEY_LOT = "HNY-2603-01"
HERBS_LOT = "HRB-2603-01"

# Locations: bins of the logistics warehouse and the cold store, the plant, finished goods.
RAW_BIN = "XN-WH-A-01"
PLANT = "XN-PLANT-1"
FINISHED_GOODS = "XN-FG-1"
COLD_BIN = "XN-COLD-1-01"


def bonded_list_no(direction: Literal["I", "E"], serial: int) -> str:
    """A bonded list number (保税核注清单编号): QD + district + year + I/E + 9 digits."""
    return f"QD{DISTRICT}{YEAR}{direction}{serial:09d}"


def gate_pass_no(direction: Literal["I", "E"], serial: int) -> str:
    """A gate pass number (核放单编号), built like the list's with HF in front."""
    return f"HF{DISTRICT}{YEAR}{direction}{serial:09d}"


# Documents
ENTRY_LIST_1 = bonded_list_no("I", 101)  # QD960126I000000101
ENTRY_LIST_2 = bonded_list_no("I", 102)
HONEY_ENTRY_LIST = bonded_list_no("I", 103)
ENTRY_2_GATE_PASS = gate_pass_no("I", 88)
WORK_ORDER = "WO-2603-001"  # 加工工单
EXPORT_LIST = bonded_list_no("E", 201)
DOMESTIC_SALE_LIST = bonded_list_no("E", 202)
HONEY_SALE_LIST = bonded_list_no("E", 203)
PENDING_EXPORT_LIST = bonded_list_no("E", 204)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A document time in Asia/Shanghai."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class SolarStory:
    """The identifiers a reader needs to follow the module maker's story in the books."""

    enterprise_customs_code: str
    book_no: str
    material_lots: tuple[str, ...]
    second_cell_lot: str
    module_lot: str
    offcut_lots: tuple[str, ...]
    entry_lists: tuple[str, ...]
    work_order: str
    export_list: str
    domestic_sale_list: str
    pending_export_list: str


def solar_story() -> SolarStory:
    """The solar story's book, lots and documents (for the CLI and the README)."""
    return SolarStory(
        enterprise_customs_code=SOLAR_CUSTOMS_CODE,
        book_no=SOLAR_BOOK,
        material_lots=(
            CELL_LOT_1,
            GLASS_LOT,
            EVA_LOT,
            FRAME_LOT,
            BACKSHEET_LOT,
            JUNCTION_BOX_LOT,
        ),
        second_cell_lot=CELL_LOT_2,
        module_lot=MODULE_LOT,
        offcut_lots=(SCRAP_LOT, CULLET_LOT),
        entry_lists=(ENTRY_LIST_1, ENTRY_LIST_2),
        work_order=WORK_ORDER,
        export_list=EXPORT_LIST,
        domestic_sale_list=DOMESTIC_SALE_LIST,
        pending_export_list=PENDING_EXPORT_LIST,
    )
