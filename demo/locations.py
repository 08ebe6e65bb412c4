"""Places in the zone: areas (区域), warehouses (仓库) and bins (库位)."""

from __future__ import annotations

from demo import ids
from masterdata import MasterData
from schemas.codes import LocationKind
from schemas.masterdata import LocationIn

AREA, WAREHOUSE, BIN = LocationKind.ZONE_AREA, LocationKind.WAREHOUSE, LocationKind.BIN

# Parents come before children. All are zone-wide (the zone operator's).
LOCATIONS = (
    LocationIn(code="XN-LOGI", name="物流仓储区", kind=AREA),
    LocationIn(code="XN-COLD", name="冷链仓储区", kind=AREA),
    LocationIn(code="XN-PROC", name="保税加工区", kind=AREA),
    LocationIn(code="XN-WH-A", name="保税物流仓 A", kind=WAREHOUSE, parent_code="XN-LOGI"),
    LocationIn(code=ids.RAW_BIN, name="A 仓 01 库位 (原材料)", kind=BIN, parent_code="XN-WH-A"),
    LocationIn(code="XN-WH-A-02", name="A 仓 02 库位", kind=BIN, parent_code="XN-WH-A"),
    LocationIn(
        code="XN-COLD-1",
        name="冷库 1 号 (0–4 °C)",
        kind=WAREHOUSE,
        parent_code="XN-COLD",
        cold_store=True,
    ),
    LocationIn(
        code=ids.COLD_BIN,
        name="冷库 1 号 01 库位",
        kind=BIN,
        parent_code="XN-COLD-1",
        cold_store=True,
    ),
    LocationIn(code=ids.PLANT, name="组件车间 1", kind=WAREHOUSE, parent_code="XN-PROC"),
    LocationIn(code=ids.FINISHED_GOODS, name="成品仓 1", kind=WAREHOUSE, parent_code="XN-PROC"),
)


def add_locations(md: MasterData) -> None:
    for location in LOCATIONS:
        md.add_location(location)
