"""The drafts of `bondflow demo`'s story, as the enterprises' filers would write them.

Pure: numbers in, validated drafts out. Every business number and lot carries the
run's tag (Asia/Shanghai time, ``261128204530``), so the story files new documents
on top of the seeded history each time it runs. The materials come in first, the
work order consumes them by the consumption norms in force on the day of the run,
and every exit draws on the lots this run produced.

The plan (a 40-foot container of materials off a China-Europe return train):
602 modules laminated, 600 good and 2 defective (残次品); 480 go to Duisburg on a
China-Europe train, 60 are sold to a Qinghai solar farm under elective duty; 30
surplus panes of glass are transferred to the cold-chain importer's book; 12 t of
Himalayan honey arrive for the cold store on the China-Nepal train.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from demo import ids
from rules.norms import material_required
from schemas.lifecycle import (
    DomesticSaleDraft,
    EntryDraft,
    EntryLine,
    ExportDraft,
    MaterialUse,
    MaterialValue,
    OutputLot,
    TransferDraft,
    TransferLine,
    Vehicle,
    WorkOrderDraft,
)
from schemas.masterdata import BookItemIn, NormView
from schemas.messages.fields import DOCUMENT_ZONE

USD = "502"
USD_CNY = Decimal("7.118600")  # the week's customs exchange rate (海关计征汇率), CNY per USD
GERMANY, NEPAL, CHINA = "304", "125", "142"
# Drafts go to the API without ``filed_by``: the API files as the token's user.
PLACEHOLDER_FILER = "demo-story"
EXTRA_BIN = "XN-WH-A-02"  # the logistics warehouse's second bin, for the glass bought in


def corrected_vehicle(vehicle: Vehicle) -> Vehicle:
    """The vehicle as it really is, after customs returned a gate pass for it: the
    plate's last two characters were typed the wrong way round."""
    plate = vehicle.vehicle_no
    swapped = plate[:-2] + plate[-1] + plate[-2]
    return vehicle.model_copy(update={"vehicle_no": swapped if swapped != plate else f"{plate}-2"})


def run_tag(now: dt.datetime | None = None) -> str:
    """A run's tag: the Asia/Shanghai time to the second (``261128204530``)."""
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(DOCUMENT_ZONE)
    return moment.strftime("%y%m%d%H%M%S")


def api_body(draft: BaseModel) -> dict[str, Any]:
    """A draft as a filer sends it: JSON, without ``filed_by``."""
    body = draft.model_dump(mode="json")
    body.pop("filed_by", None)
    return body


@dataclass(frozen=True)
class Material:
    """One material line of the entry: what came in and what it cost."""

    item_no: int
    prefix: str  # of its lot number
    name: str
    unit: str  # as the report shows it
    quantity: Decimal
    unit_price: Decimal  # USD, for customs value and for elective duty
    net_kg: Decimal
    gross_kg: Decimal


# Half-cut M10 cells, tempered glass, EVA, frame sets, KPf backsheet, junction boxes.
def _material(
    item_no: int, prefix: str, name: str, unit: str, quantity: int, price: str, net: str, gross: str
) -> Material:
    return Material(
        item_no, prefix, name, unit, Decimal(quantity), Decimal(price), Decimal(net), Decimal(gross)
    )


MATERIALS = (
    _material(ids.CELLS, "CELL", "cells", "pcs", 90000, "0.1580", "540", "626"),
    _material(ids.GLASS, "GLS", "glass", "panes", 640, "10.4000", "13184", "13952"),
    _material(ids.EVA, "EVA", "EVA film", "kg", 1450, "1.8500", "1450", "1566"),
    _material(ids.FRAMES, "FRM", "frames", "sets", 620, "6.2000", "1457", "1581"),
    _material(ids.BACKSHEET, "BKS", "backsheet", "kg", 580, "3.1000", "580", "628"),
    _material(ids.JUNCTION_BOX, "JBX", "junction boxes", "pcs", 620, "2.4500", "111.6", "139.5"),
)
MATERIAL_BY_ITEM = {m.item_no: m for m in MATERIALS}


@dataclass(frozen=True)
class Plan:
    """How many of what: the story's quantities (declared units)."""

    good_modules: Decimal = Decimal(600)
    defective_modules: Decimal = Decimal(2)
    aluminium_offcuts_kg: Decimal = Decimal("1.2")
    glass_cullet_kg: Decimal = Decimal("18.4")
    exported: Decimal = Decimal(480)
    export_price: Decimal = Decimal("56.1000")  # USD a module
    sold: Decimal = Decimal(60)
    sale_price: Decimal = Decimal("57.9000")
    glass_transferred: Decimal = Decimal(30)
    honey_kg: Decimal = Decimal(12000)
    honey_price: Decimal = Decimal("6.8000")  # USD a kilogram

    @property
    def modules_made(self) -> Decimal:
        return self.good_modules + self.defective_modules


@dataclass(frozen=True)
class Lots:
    """The lots and business numbers of one run."""

    tag: str

    def material(self, item_no: int) -> str:
        return f"{MATERIAL_BY_ITEM[item_no].prefix}-{self.tag}"

    @property
    def modules(self) -> str:
        return f"MOD-{self.tag}"

    @property
    def defective(self) -> str:
        return f"MOD-{self.tag}-D"

    @property
    def aluminium_scrap(self) -> str:
        return f"ALS-{self.tag}"

    @property
    def glass_cullet(self) -> str:
        return f"GLC-{self.tag}"

    @property
    def transferred_glass(self) -> str:
        return f"ZT-GLS-{self.tag}"

    @property
    def honey(self) -> str:
        return f"HNY-{self.tag}"

    # Business numbers: the enterprises' own (企业内部编号), the work order's, the transfer's.
    @property
    def entry_no(self) -> str:
        return f"THGN-I-{self.tag}"

    @property
    def work_order_no(self) -> str:
        return f"WO-{self.tag}"

    @property
    def export_no(self) -> str:
        return f"THGN-E-{self.tag}"

    @property
    def sale_no(self) -> str:
        return f"THGN-D-{self.tag}"

    @property
    def transfer_no(self) -> str:
        return f"ZT-{self.tag}"

    @property
    def honey_entry_no(self) -> str:
        return f"GYLL-I-{self.tag}"


def materials_entry(lots: Lots, arrival: dt.date) -> EntryDraft:
    """First-line entry (一线进境, 5015): a container of module materials off the
    China-Europe return train from Duisburg, trucked from the rail hub to the gate."""
    return EntryDraft(
        inner_no=lots.entry_no,
        book_no=ids.SOLAR_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        supervision_mode="5015",
        transport_mode="3",
        departure_country=GERMANY,
        arrival_date=arrival,
        exchange_rate=USD_CNY,
        lines=tuple(
            EntryLine(
                item_no=m.item_no,
                lot_no=lots.material(m.item_no),
                location=ids.RAW_BIN,
                quantity=m.quantity,
                unit_price=m.unit_price,
                currency=USD,
                origin_country=GERMANY,
                gross_weight=m.gross_kg,
                net_weight=m.net_kg,
            )
            for m in MATERIALS
        ),
        vehicle=Vehicle(
            vehicle_no="青A·G5317",
            vehicle_weight=Decimal(9600),
            frame_weight=Decimal(4300),
            container_weight=Decimal(3800),
        ),
        filed_by=PLACEHOLDER_FILER,
        remark="中欧班列 X9021 杜伊斯堡—西宁 回程，集装箱 TGHU8851240，双寨铁路物流中心转关入区",
    )


def norms_in_force(norms: list[NormView], finished_item_no: int, on: dt.date) -> list[NormView]:
    """For each material, the newest norm version effective on ``on``."""
    newest: dict[int, NormView] = {}
    for norm in norms:
        if norm.finished_item_no != finished_item_no or norm.effective_from > on:
            continue
        kept = newest.get(norm.material_item_no)
        if kept is None or norm.version > kept.version:
            newest[norm.material_item_no] = norm
    return [newest[material] for material in sorted(newest)]


def consumption(norms: list[NormView], made: Decimal, on: dt.date) -> dict[int, Decimal]:
    """What ``made`` modules take of each material by the norms in force on ``on``:
    made x net / (1 - loss rate), half-up to the ledger's 5 places."""
    return {
        norm.material_item_no: material_required(made, norm.net_consumption, norm.loss_rate)
        for norm in norms_in_force(norms, ids.MODULE, on)
    }


def work_order(lots: Lots, plan: Plan, used: dict[int, Decimal], on: dt.date) -> WorkOrderDraft:
    """The day's run (加工工单): materials by the norm, good and defective modules, and
    the offcuts weighed at the end of the shift (边角料)."""
    return WorkOrderDraft(
        work_order_no=lots.work_order_no,
        book_no=ids.SOLAR_BOOK,
        produced_on=on,
        finished=OutputLot(
            item_no=ids.MODULE,
            lot_no=lots.modules,
            location=ids.FINISHED_GOODS,
            quantity=plan.good_modules,
        ),
        defective=OutputLot(
            item_no=ids.MODULE,
            lot_no=lots.defective,
            location=ids.PLANT,
            quantity=plan.defective_modules,
        ),
        offcuts=(
            OutputLot(
                item_no=ids.ALUMINIUM_SCRAP,
                lot_no=lots.aluminium_scrap,
                location=ids.PLANT,
                quantity=plan.aluminium_offcuts_kg,
                from_material=ids.FRAMES,
            ),
            OutputLot(
                item_no=ids.GLASS_CULLET,
                lot_no=lots.glass_cullet,
                location=ids.PLANT,
                quantity=plan.glass_cullet_kg,
                from_material=ids.GLASS,
            ),
        ),
        materials=tuple(
            MaterialUse(
                item_no=item_no,
                lot_no=lots.material(item_no),
                location=ids.RAW_BIN,
                quantity=quantity,
            )
            for item_no, quantity in sorted(used.items())
        ),
        filed_by=PLACEHOLDER_FILER,
    )


def _module_line(lots: Lots, quantity: Decimal, price: Decimal) -> EntryLine:
    return EntryLine(
        item_no=ids.MODULE,
        lot_no=lots.modules,
        location=ids.FINISHED_GOODS,
        quantity=quantity,
        unit_price=price,
        currency=USD,
        origin_country=CHINA,
        gross_weight=quantity * Decimal("30.5"),  # on its pallet
        net_weight=quantity * Decimal("28.6"),
    )


def export(lots: Lots, plan: Plan) -> ExportDraft:
    """First-line exit (一线出境): most of the modules on a China-Europe train."""
    return ExportDraft(
        inner_no=lots.export_no,
        book_no=ids.SOLAR_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        supervision_mode="5015",
        destination_country=GERMANY,
        train="中欧班列 X8157 西宁—杜伊斯堡",
        exchange_rate=USD_CNY,
        lines=(_module_line(lots, plan.exported, plan.export_price),),
        vehicle=Vehicle(
            vehicle_no="X8157-W12",
            vehicle_weight=Decimal(23000),
            container_weight=Decimal(3900),
        ),
        filed_by=PLACEHOLDER_FILER,
        remark="Vertex 550W 组件，杜伊斯堡分拨，提单 CRX-DUI-8157",
    )


def domestic_sale(lots: Lots, plan: Plan) -> DomesticSaleDraft:
    """Second-line exit for domestic sale (二线出区内销) with elective duty (选择性征税):
    the materials' customs values are those the entry declared."""
    return DomesticSaleDraft(
        inner_no=lots.sale_no,
        book_no=ids.SOLAR_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        buyer="青海共和塔拉滩光伏电站运维有限公司",
        exchange_rate=USD_CNY,
        lines=(_module_line(lots, plan.sold, plan.sale_price),),
        material_values=tuple(
            MaterialValue(item_no=m.item_no, unit_price=m.unit_price, currency=USD)
            for m in MATERIALS
        ),
        duty_basis="finished_goods",
        vehicle=Vehicle(vehicle_no="青A·K7310", vehicle_weight=Decimal(8600)),
        filed_by=PLACEHOLDER_FILER,
        remark="塔拉滩二期运维备件",
    )


# The cold-chain importer's book registers the same tempered glass (it trades it on).
GLASS_PART_NO = "GLS-32-2278"


def glass_item(item_no: int) -> BookItemIn:
    return BookItemIn(
        book_no=ids.COLD_CHAIN_BOOK,
        item_no=item_no,
        part_no=GLASS_PART_NO,
        hs_code="7007190000",
        name="光伏钢化玻璃",
        specification="3.2mm 2278x1134",
        declared_unit="007",
        first_legal_unit="035",
        first_legal_factor=Decimal("20.6"),
    )


def transfer(lots: Lots, plan: Plan, glass_item_no: int) -> TransferDraft:
    """In-zone transfer (区内流转): surplus panes to the cold-chain importer's book."""
    return TransferDraft(
        transfer_no=lots.transfer_no,
        from_book_no=ids.SOLAR_BOOK,
        to_book_no=ids.COLD_CHAIN_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        lines=(
            TransferLine(
                from_item_no=ids.GLASS,
                from_lot_no=lots.material(ids.GLASS),
                from_location=ids.RAW_BIN,
                to_item_no=glass_item_no,
                to_lot_no=lots.transferred_glass,
                to_location=EXTRA_BIN,
                quantity=plan.glass_transferred,
                unit_price=Decimal("10.4000"),
                currency=USD,
            ),
        ),
        filed_by=PLACEHOLDER_FILER,
    )


def honey_entry(lots: Lots, plan: Plan, arrival: dt.date) -> EntryDraft:
    """First-line entry (5034) of Himalayan plateau honey for the cold store: 480
    drums of 25 kg in a reefer container off the China-Nepal train."""
    drums = plan.honey_kg / Decimal(25)
    return EntryDraft(
        inner_no=lots.honey_entry_no,
        book_no=ids.COLD_CHAIN_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        supervision_mode="5034",
        transport_mode="3",
        departure_country=NEPAL,
        arrival_date=arrival,
        exchange_rate=USD_CNY,
        lines=(
            EntryLine(
                item_no=ids.HONEY,
                lot_no=lots.honey,
                location=ids.COLD_BIN,
                quantity=plan.honey_kg,
                unit_price=plan.honey_price,
                currency=USD,
                origin_country=NEPAL,
                gross_weight=plan.honey_kg + drums * Decimal("2.1"),
                net_weight=plan.honey_kg,
            ),
        ),
        vehicle=Vehicle(
            vehicle_no="青A·L0926",
            vehicle_weight=Decimal(10800),
            frame_weight=Decimal(0),
            container_weight=Decimal(4700),
        ),
        filed_by=PLACEHOLDER_FILER,
        remark="中尼冷链班列 加德满都—吉隆—西宁，冷藏集装箱 2–6 °C，喜马拉雅高原百花蜜",
    )
