"""The cold-chain importer's logistics book (物流账册, T): plateau honey and Nepalese herbs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from demo import ids
from masterdata import MasterData
from schemas.codes import BookType
from schemas.masterdata import AccountBookIn, BookItemIn

BOOK = AccountBookIn(
    book_no=ids.COLD_CHAIN_BOOK,
    book_type=BookType.LOGISTICS,
    enterprise_customs_code=ids.COLD_CHAIN_CUSTOMS_CODE,
    valid_from=dt.date(2026, 1, 1),
    valid_to=dt.date(2027, 12, 31),
    customs_district=ids.DISTRICT,
)

ITEMS = (
    BookItemIn(
        book_no=ids.COLD_CHAIN_BOOK,
        item_no=ids.HONEY,
        part_no="HNY-PLATEAU-25",
        hs_code="0409000000",
        name="天然蜂蜜",
        specification="高原百花蜜 25kg 桶装",
        declared_unit="035",
        first_legal_unit="035",
        first_legal_factor=Decimal(1),
    ),
    BookItemIn(
        book_no=ids.COLD_CHAIN_BOOK,
        item_no=ids.HERBS,
        part_no="HRB-NPL-TIMUR",
        hs_code="1211909999",
        name="尼泊尔药用植物",
        specification="花椒属干果 (Timur) 10kg 袋装",
        declared_unit="035",
        first_legal_unit="035",
        first_legal_factor=Decimal(1),
    ),
)


def register_cold_chain_book(md: MasterData) -> None:
    md.open_book(BOOK)
    for item in ITEMS:
        md.register_item(item)
