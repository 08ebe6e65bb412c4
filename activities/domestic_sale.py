"""Activities of a domestic sale (二线出区内销): the export steps, towards the domestic
market, plus the tax assessment with elective duty (选择性征收关税).

Both bases are computed line by line from the tariff in force on the day: duty on
the imported materials the goods consumed (by the consumption norms, valued at the
materials' customs value) or on the finished goods; consumption tax and import VAT
follow the finished goods in both. The enterprise's choice goes on the list.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from temporalio import activity

from activities.checking import draft_and_day, refused
from activities.entry import EntryActivities
from activities.export import ExportActivities
from customs.drafting import entry_list
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
from schemas.codes import OutsideKind
from schemas.errors import BondflowError
from schemas.lifecycle import (
    WHOLE_DRAFT,
    DomesticSaleDraft,
    Refusal,
    ReserveInput,
    ResolveInput,
    SubmitGatePassInput,
    SubmitListInput,
    Submitted,
    TaxAssessment,
    TaxBillView,
    ValidateInput,
    ValidationReport,
)
from schemas.messages.codes import DeclarationKind
from schemas.messages.fields import DOCUMENT_ZONE
from tariff.rates import TariffTable, default_tariff


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


class DomesticSaleActivities(ExportActivities):
    tariff: TariffTable | None = None

    def _tariff(self) -> TariffTable:
        return self.tariff or default_tariff()

    def assess(self, draft: DomesticSaleDraft, on: dt.date) -> TaxAssessment:
        """Both elective-duty bills for the whole sale, summed over its lines."""
        md = self.deps.masterdata
        items = {item.item_no: item for item in md.items(draft.book_no)}
        by_id = {item.id: item for item in items.values()}
        values = {value.item_no: value for value in draft.material_values}
        tariff = self._tariff()
        on_materials: list[TaxBill] = []
        on_finished: list[TaxBill] = []
        for number, line in enumerate(draft.lines, start=1):
            item = items[line.item_no]
            rate = tariff.rate_for(item.hs_code, on, field=f"lines[{number}].item_no")
            goods_value = expected_total(line.unit_price, line.quantity)
            finished = FinishedGoods(
                cif=cif_cny(goods_value, draft.exchange_rate), duty_rate=rate.duty_rate
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
                        cif=cif_cny(
                            expected_total(value.unit_price, quantity), draft.exchange_rate
                        ),
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

    @activity.defn(name="domestic_sale.validate")
    def validate(  # type: ignore[override]
        self, data: ValidateInput | DomesticSaleDraft
    ) -> ValidationReport:
        """The export's checks, and both tax bills assessed on the same business day."""
        draft, on = draft_and_day(data)
        report = self._check(draft, on)
        try:
            taxes = self.assess(draft, on)
        except BondflowError as error:
            problems = (*report.problems, refused(error))
            return report.model_copy(update={"ok": False, "problems": problems})
        except ValueError as error:
            problems = (*report.problems, Refusal(field=WHOLE_DRAFT, reason=str(error)))
            return report.model_copy(update={"ok": False, "problems": problems})
        return report.model_copy(update={"taxes": taxes})

    @activity.defn(name="domestic_sale.reserve")
    def reserve(self, data: ReserveInput) -> str:
        return self._reserve_out(data, OutsideKind.DOMESTIC, "goods sold into China")

    @activity.defn(name="domestic_sale.resolve")
    def resolve(self, data: ResolveInput) -> str:
        return super().resolve(data)

    @activity.defn(name="domestic_sale.submit_list")
    def submit_list(self, data: SubmitListInput) -> Submitted:
        draft = data.draft
        assert isinstance(draft, DomesticSaleDraft)
        book, declarant, items = self._facts(draft)
        taxes = self.assess(draft, data.at.astimezone(DOCUMENT_ZONE).date())
        bill = taxes.payable
        basis = "料件" if taxes.chosen == "materials" else "成品"
        remark = (
            f"内销 {draft.buyer}；选择性征税：按{basis}征收关税；关税{bill.duty}"
            f" 消费税{bill.consumption_tax} 增值税{bill.vat} 合计{bill.total}元"
        )
        upload = entry_list(
            draft,
            book=book,
            declarant=declarant,
            items=items,
            change_count=data.change_count,
            kind=DeclarationKind.DELETE if data.delete else DeclarationKind.FILE,
            at=data.at,
            seq_no=data.seq_no,
            list_no=data.list_no,
            remark=remark[:512],
        )
        submitted = self.deps.gateway.submit(upload, workflow_id=data.workflow_id)
        return Submitted(file_name=submitted.file_name, again=submitted.again)

    @activity.defn(name="domestic_sale.submit_gate_pass")
    def submit_gate_pass(self, data: SubmitGatePassInput) -> Submitted:
        return EntryActivities.submit_gate_pass(self, data)
