"""The module maker's processing book (加工贸易账册, H): materials, modules, offcuts, norms.

Units: 007 piece (个/块/套), 035 kg. Legal-unit factors are the registered
weight per piece (a 3.2 mm 2278x1134 pane is 20.6 kg), so legal quantities come
out exactly. The frames arrive cut, drilled and with corner keys, one set per
module, hence 7616999000 (other articles of aluminium) rather than a profile code.
Norms are per module: 144 half-cut cells, one pane, EVA for front and back,
one frame set, one backsheet, one junction box; norm = net / (1 - loss rate).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from demo import ids
from masterdata import MasterData
from schemas.codes import BookType
from schemas.masterdata import AccountBookIn, BookItemIn, ConsumptionNormIn

BOOK = AccountBookIn(
    book_no=ids.SOLAR_BOOK,
    book_type=BookType.PROCESSING,
    enterprise_customs_code=ids.SOLAR_CUSTOMS_CODE,
    valid_from=dt.date(2026, 1, 1),
    valid_to=dt.date(2027, 12, 31),
    customs_district=ids.DISTRICT,
)


def _item(
    item_no: int,
    part_no: str,
    hs_code: str,
    name: str,
    spec: str,
    unit: str,
    legal_unit: str,
    factor: str,
    *,
    finished: bool = False,
    second: tuple[str, str] | None = None,
) -> BookItemIn:
    return BookItemIn(
        book_no=ids.SOLAR_BOOK,
        item_no=item_no,
        part_no=part_no,
        hs_code=hs_code,
        name=name,
        specification=spec,
        declared_unit=unit,
        first_legal_unit=legal_unit,
        first_legal_factor=Decimal(factor),
        second_legal_unit=None if second is None else second[0],
        second_legal_factor=None if second is None else Decimal(second[1]),
        is_finished_good=finished,
    )


ITEMS = (
    _item(
        ids.CELLS,
        "CELL-M10-182",
        "8541420000",
        "太阳能电池片",
        "单晶 PERC M10 182mm 半片",
        "007",
        "007",
        "1",
    ),
    _item(
        ids.GLASS,
        "GLS-32-2278",
        "7007190000",
        "光伏钢化玻璃",
        "3.2mm 2278x1134",
        "007",
        "035",
        "20.6",
    ),
    _item(ids.EVA, "EVA-045", "3920109090", "EVA 胶膜", "0.45mm 透明", "035", "035", "1"),
    _item(
        ids.FRAMES,
        "FRM-AL-35",
        "7616999000",
        "铝合金边框",
        "35mm 阳极氧化, 每套 4 支",
        "007",
        "035",
        "2.35",
    ),
    _item(ids.BACKSHEET, "BKS-KPF", "3920620000", "背板", "KPf 三层复合", "035", "035", "1"),
    _item(
        ids.JUNCTION_BOX,
        "JBX-3D",
        "8536909000",
        "接线盒",
        "三分体 IP68",
        "007",
        "035",
        "0.18",
        second=("007", "1"),
    ),
    _item(
        ids.MODULE,
        "MOD-VTX-550",
        "8541430000",
        "光伏组件",
        "Vertex 550W 144 片",
        "007",
        "007",
        "1",
        finished=True,
    ),
    _item(
        ids.ALUMINIUM_SCRAP, "SCR-AL", "7602000090", "铝边角料", "边框切割边角料", "035", "035", "1"
    ),
    _item(ids.GLASS_CULLET, "SCR-GLS", "7001000000", "碎玻璃", "层压破损玻璃", "035", "035", "1"),
)

# 单耗 per module: (material, version, net consumption, loss rate, effective from)
NORMS = (
    (ids.CELLS, 1, "144", "0.005", dt.date(2026, 1, 1)),
    (ids.CELLS, 2, "144", "0.003", dt.date(2026, 7, 1)),  # better stringer yield from July
    (ids.GLASS, 1, "1", "0.002", dt.date(2026, 1, 1)),
    (ids.EVA, 1, "2.3", "0.03", dt.date(2026, 1, 1)),
    (ids.FRAMES, 1, "1", "0.001", dt.date(2026, 1, 1)),
    (ids.BACKSHEET, 1, "0.91", "0.02", dt.date(2026, 1, 1)),
    (ids.JUNCTION_BOX, 1, "1", "0", dt.date(2026, 1, 1)),
)


def register_solar_book(md: MasterData) -> None:
    md.open_book(BOOK)
    for item in ITEMS:
        md.register_item(item)
    for material, version, net, loss, effective in NORMS:
        md.register_norm(
            ConsumptionNormIn(
                book_no=ids.SOLAR_BOOK,
                finished_item_no=ids.MODULE,
                material_item_no=material,
                version=version,
                net_consumption=Decimal(net),
                loss_rate=Decimal(loss),
                effective_from=effective,
            )
        )
