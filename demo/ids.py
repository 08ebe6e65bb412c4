"""The demo's business identifiers, shared by the seed, the CLI and the tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

SOLAR_CUSTOMS_CODE = "9601346001"
COLD_CHAIN_CUSTOMS_CODE = "9601346002"
AGENT_CUSTOMS_CODE = "9601980003"

SOLAR_BOOK = "H96012600001"  # 加工贸易账册 of the module maker
COLD_CHAIN_BOOK = "T96012600002"  # 物流账册 of the cold-chain importer

# Solar book items (备案序号)
CELLS, GLASS, EVA, FRAMES, BACKSHEET, JUNCTION_BOX = 1, 2, 3, 4, 5, 6
MODULE = 10
ALUMINIUM_SCRAP, GLASS_CULLET = 20, 21
# Cold-chain book items
HONEY, HERBS = 1, 2

# Lots
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

# Locations
RAW_BIN = "XN-WH-A-01"
PLANT = "XN-PLANT-1"
FINISHED_GOODS = "XN-FG-1"
COLD_BIN = "XN-COLD-1-01"

# Documents: bonded lists are QD + customs code + 2-digit year + I/E + 9 digits.
ENTRY_LIST_1 = "QD960126I000000101"
ENTRY_LIST_2 = "QD960126I000000102"
HONEY_ENTRY_LIST = "QD960126I000000103"
WORK_ORDER = "WO-2603-001"
EXPORT_LIST = "QD960126E000000201"
DOMESTIC_SALE_LIST = "QD960126E000000202"
HONEY_SALE_LIST = "QD960126E000000203"
PENDING_EXPORT_LIST = "QD960126E000000204"


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A document time in Asia/Shanghai."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
