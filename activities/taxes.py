"""The duties and taxes of bonded goods that enter the domestic market: a domestic sale
(二线出区内销) with elective duty (选择性征收关税), and bonded goods a stocktake found lost
(盘亏), which pay as goods sold into China on their own value.

Both bases are computed line by line from the tariff in force on the day: duty on
the imported materials the goods consumed (by the consumption norms, valued at the
materials' customs value) or on the finished goods; consumption tax and import VAT
follow the finished goods in both. The enterprise's choice goes on the list. A loss
is the finished-goods bill of the goods lost: the same line, with no materials.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from adapters.db.models import BookItem
from masterdata import MasterData
from rules.declared_values import expected_total
from rules.norms import material_required
from rules.taxes import (
    DutyBasis,
    FinishedGoods,
    MaterialConsumed,
    TaxBill,
    cif_cny,
    elective_duty,
    half_up,
)
from schemas.errors import BondflowError
from schemas.lifecycle import DomesticSaleDraft, TaxAssessment, TaxBillView
from tariff.rates import TariffRate, TariffTable, default_tariff


def _sum(bills: list[TaxBill]) -> TaxBillView:
    def total(part: str) -> Decimal:
        return half_up(sum((Fraction(getattr(bill, part)) for bill in bills), Fraction(0)))

    return TaxBillView(
        cif=total("cif"),
        duty=total("duty"),
        consumption_tax=total("consumption_tax"),
        vat=total("vat"),
        total=total("total"),
    )


def assess(
    md: MasterData, draft: DomesticSaleDraft, on: dt.date, tariff: TariffTable | None = None
) -> TaxAssessment:
    """Both elective-duty bills for the whole sale, summed over its lines, with the
    tariff in force on the day (the packaged one unless another is given)."""
    items = {item.item_no: item for item in md.items(draft.book_no)}
    by_id = {item.id: item for item in items.values()}
    values = {value.item_no: value for value in draft.material_values}
    tariff = tariff or default_tariff()
    on_materials: list[TaxBill] = []
    on_finished: list[TaxBill] = []
    for number, line in enumerate(draft.lines, start=1):
        item = items[line.item_no]
        finished, rate = _goods(
            tariff,
            item,
            GoodsLine(line.item_no, line.quantity, line.unit_price),
            draft.exchange_rate,
            on,
            field=f"lines[{number}].item_no",
        )
        consumed = []
        for norm in md.norms_in_force(draft.book_no, line.item_no, on):
            material = by_id[norm.material_item_id]
            value = values.get(material.item_no)
            if value is None:
                raise BondflowError(
                    f"no customs value for material item {material.item_no}, which"
                    f" item {line.item_no} consumes",
                    field="material_values",
                )
            quantity = material_required(line.quantity, norm.net_consumption, norm.loss_rate)
            material_rate = tariff.rate_for(material.hs_code, on)
            consumed.append(
                MaterialConsumed(
                    cif=cif_cny(expected_total(value.unit_price, quantity), draft.exchange_rate),
                    duty_rate=material_rate.duty_rate,
                )
            )
        choice = elective_duty(
            finished,
            consumed,
            vat_rate=rate.vat_rate,
            consumption_rate=rate.consumption_rate,
        )
        on_materials.append(choice.on_materials)
        on_finished.append(choice.on_finished_goods)
    materials_bill, finished_bill = _sum(on_materials), _sum(on_finished)
    cheaper = (
        DutyBasis.ON_MATERIALS
        if materials_bill.total < finished_bill.total
        else DutyBasis.ON_FINISHED_GOODS
    )
    return TaxAssessment(
        on_materials=materials_bill,
        on_finished_goods=finished_bill,
        chosen=draft.duty_basis,
        cheaper=cheaper.value,
        saving=abs(materials_bill.total - finished_bill.total),
    )


@dataclass(frozen=True)
class GoodsLine:
    """Goods that pay duty on their own value: an item, a quantity, a unit price in
    the currency the exchange rate converts."""

    item_no: int
    quantity: Decimal
    unit_price: Decimal


def _goods(
    tariff: TariffTable,
    item: BookItem,
    line: GoodsLine,
    exchange_rate: Decimal,
    on: dt.date,
    *,
    field: str,
) -> tuple[FinishedGoods, TariffRate]:
    """The goods as customs values them (CIF in CNY) and the rates of their HS code in
    force on the day: one line of a domestic sale or of a stocktake's loss."""
    rate = tariff.rate_for(item.hs_code, on, field=field)
    goods_value = expected_total(line.unit_price, line.quantity)
    return FinishedGoods(cif=cif_cny(goods_value, exchange_rate), duty_rate=rate.duty_rate), rate


def assess_goods(
    md: MasterData,
    book_no: str,
    lines: Sequence[GoodsLine],
    exchange_rate: Decimal,
    on: dt.date,
    tariff: TariffTable | None = None,
    *,
    field: str = "lines",
) -> TaxBillView:
    """The bill of bonded goods entering the domestic market on their own value (a
    stocktake's loss): each line as a domestic sale's line on the finished-goods basis
    with no materials, summed as a sale's bill is."""
    items = {item.item_no: item for item in md.items(book_no)}
    tariff = tariff or default_tariff()
    bills: list[TaxBill] = []
    for index, line in enumerate(lines):
        finished, rate = _goods(
            tariff, items[line.item_no], line, exchange_rate, on, field=f"{field}[{index}]"
        )
        choice = elective_duty(
            finished, (), vat_rate=rate.vat_rate, consumption_rate=rate.consumption_rate
        )
        bills.append(choice.bill_for(DutyBasis.ON_FINISHED_GOODS))
    return _sum(bills)


def tax_remark(taxes: TaxAssessment, buyer: str) -> str:
    """The list's remark (备注) of a domestic sale: the buyer, the chosen basis and the
    bill, as customs reads it."""
    bill = taxes.payable
    basis = "料件" if taxes.chosen == "materials" else "成品"
    remark = (
        f"内销 {buyer}；选择性征税：按{basis}征收关税；关税{bill.duty}"
        f" 消费税{bill.consumption_tax} 增值税{bill.vat} 合计{bill.total}元"
    )
    return remark[:512]
