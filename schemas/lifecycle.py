"""What crosses the Temporal boundary for a lifecycle: drafts, decisions, receipts, status.

Small frozen models and ids only; never XML or ORM rows. Workflow code imports
these through ``workflow.unsafe.imports_passed_through()``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    computed_field,
)

from rules.late_fees import is_waived
from rules.stocktake import PositionKey
from schemas.codes import CustomsStatus, DifferenceCause
from schemas.derived import ReadsBackComputedFields
from schemas.identifiers import CustomsCode, EntryId, ProcessingBookNo, ZoneBookNo
from schemas.ledger import LineageInput, LotRef
from schemas.messages.fields import Country, Currency, SupervisionMode, TransportMode
from schemas.quantities import Amount, ExactDecimal, NonNegativeQuantity, PositiveQuantity

Code = Annotated[str, Field(min_length=1, max_length=64)]
Reason = Annotated[str, Field(min_length=1, max_length=500)]
DocumentNo = Annotated[str, Field(pattern=r"^[0-9A-Za-z_\-]{1,40}$")]
"""The enterprise's own number of a list or work order (企业内部编号): the business
number of a lifecycle, part of its workflow id."""


class _Model(ReadsBackComputedFields):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Lifecycle(StrEnum):
    FIRST_LINE_ENTRY = "first_line_entry"  # 一线进境
    SECOND_LINE_ENTRY = "second_line_entry"  # 二线入区
    PROCESSING = "processing"  # 保税加工
    DOMESTIC_SALE = "domestic_sale"  # 二线出区内销
    EXPORT = "export"  # 一线出境
    TRANSFER = "transfer"  # 区内流转
    STOCKTAKE = "stocktake"  # 盘点
    WRITE_OFF = "write_off"  # 核销


class Role(StrEnum):
    FILER = "filer"  # 企业关务
    LIAISON = "liaison"  # 海关联络员 / 审批人
    AUDITOR = "auditor"
    CUSTOMS = "customs"  # receipts
    SYSTEM = "system"


class Stage(StrEnum):
    """Where a document is in its life (DOMAIN.md: draft -> ... -> posted)."""

    VALIDATING = "validating"
    AWAITING_SIGN_OFF = "awaiting_sign_off"  # 待审批
    RESERVING = "reserving"
    DECLARING = "declaring"  # XML to the OutBox
    AWAITING_REVIEW = "awaiting_review"  # customs is reviewing the list
    MANUAL_REVIEW = "manual_review"  # 转人工
    RETURNED = "returned"  # 退单: waiting for the filer's correction
    AWAITING_RELEASE = "awaiting_release"  # declaration channels until P
    INSPECTION = "inspection"  # 查验: waiting for the liaison's inspection result
    AWAITING_GATE = "awaiting_gate"  # gate pass filed, vehicle not yet through
    GATE_PASS_RETURNED = "gate_pass_returned"  # SAS221 退单: the filer corrects the vehicle
    AWAITING_PAYMENT = "awaiting_payment"  # 缴款: duties payable before release
    WEIGHT_HOLD = "weight_hold"  # the scale disagrees: the liaison decides
    NORM_DEVIATION = "norm_deviation"  # consumption outside the norm: the liaison decides
    COUNTING = "counting"  # 盘点: the filer enters the counts (or counts again)
    DIFFERENCE_REVIEW = "difference_review"  # the liaison accepts or sends back each difference
    POSTING = "posting"
    AWAITING_DEPARTURE = "awaiting_departure"  # posted; waiting for 结关 (the train left)
    COMPLETED = "completed"  # posted: the book is deducted, stock is bonded
    CANCELLED = "cancelled"  # withdrawn, deleted or finally refused: reservation void


class EntryLine(_Model):
    """One goods line of an entry: a book item into a lot at a location."""

    item_no: Annotated[int, Field(ge=1)]
    lot_no: Code
    location: Code
    quantity: PositiveQuantity  # in the item's declared unit
    unit_price: Annotated[Decimal, Field(gt=0, decimal_places=4)]
    currency: Currency
    origin_country: Country
    gross_weight: NonNegativeQuantity
    net_weight: NonNegativeQuantity


class Vehicle(_Model):
    """The conveyance at the gate: a truck or a China-Europe rail wagon."""

    vehicle_no: Code
    vehicle_weight: NonNegativeQuantity  # 车自重, kg
    frame_weight: NonNegativeQuantity = Decimal(0)
    container_weight: NonNegativeQuantity = Decimal(0)


class EntryDraft(_Model):
    """A first-line entry as the filer drafts it (一线进境核注清单草稿)."""

    kind: Literal["entry"] = "entry"
    inner_no: DocumentNo
    book_no: ZoneBookNo
    declarant_code: CustomsCode  # 申报企业 (agent)
    supervision_mode: Annotated[str, Field(pattern=r"^(5034|5015|5014)$")]
    transport_mode: TransportMode = "3"
    departure_country: Country
    arrival_date: dt.date  # conveyance arrival (运抵): the 14-day clock starts here
    exchange_rate: Annotated[Decimal, Field(gt=0, decimal_places=6)]  # CNY per unit
    lines: Annotated[tuple[EntryLine, ...], Field(min_length=1, max_length=1000)]
    vehicle: Vehicle
    filed_by: Code
    remark: Annotated[str, Field(max_length=200)] | None = None


class ExportDraft(_Model):
    """A first-line exit (一线出境) as the filer drafts it: finished goods (or materials)
    leave the zone for abroad, e.g. PV modules on a China-Europe train."""

    kind: Literal["export"] = "export"
    inner_no: DocumentNo
    book_no: ZoneBookNo
    declarant_code: CustomsCode
    supervision_mode: Annotated[str, Field(pattern=r"^(5034|5015|5014|0110)$")]
    transport_mode: TransportMode = "3"
    destination_country: Country
    train: Annotated[str, Field(min_length=1, max_length=64)]  # the named train (运输工具)
    exchange_rate: Annotated[Decimal, Field(gt=0, decimal_places=6)]
    lines: Annotated[tuple[EntryLine, ...], Field(min_length=1, max_length=1000)]
    vehicle: Vehicle
    filed_by: Code
    remark: Annotated[str, Field(max_length=200)] | None = None


class SecondLineEntryDraft(_Model):
    """Second-line entry (二线入区): goods from the domestic market into the zone, with
    the declaration filed by the domestic party (关联报关). They become zone stock that
    is not bonded (非保税)."""

    kind: Literal["second_line_entry"] = "second_line_entry"
    inner_no: DocumentNo
    book_no: ZoneBookNo
    declarant_code: CustomsCode
    supplier: Code  # the domestic party (境内发货人) who files the linked declaration
    linked_entry_id: EntryId  # its declaration no.
    supervision_mode: Annotated[str, Field(pattern=r"^(5000|0110|5034)$")] = "5000"
    transport_mode: TransportMode = "Y"
    exchange_rate: Annotated[Decimal, Field(gt=0, decimal_places=6)]
    lines: Annotated[tuple[EntryLine, ...], Field(min_length=1, max_length=1000)]
    vehicle: Vehicle
    filed_by: Code
    remark: Annotated[str, Field(max_length=200)] | None = None


class TransferLine(_Model):
    """Goods moving from a lot of one book's item to a lot of another book's item."""

    from_item_no: Annotated[int, Field(ge=1)]
    from_lot_no: Code
    from_location: Code
    to_item_no: Annotated[int, Field(ge=1)]
    to_lot_no: Code
    to_location: Code
    quantity: PositiveQuantity
    unit_price: Annotated[Decimal, Field(gt=0, decimal_places=4)]
    currency: Currency


class TransferDraft(_Model):
    """In-zone transfer (区内流转) between two enterprises' books: a paired out list and
    in list (InvtType 6); both sides are posted at once or neither is."""

    transfer_no: Annotated[str, Field(pattern=r"^[0-9A-Za-z_\-]{1,36}$")]
    from_book_no: ZoneBookNo
    to_book_no: ZoneBookNo
    declarant_code: CustomsCode
    supervision_mode: SupervisionMode = "5034"
    lines: Annotated[tuple[TransferLine, ...], Field(min_length=1, max_length=1000)]
    filed_by: Code

    def lineage(self) -> tuple[LineageInput, ...]:
        """Each receiving lot came from its giving lot: the link a trace follows from
        one enterprise's book into the other's."""
        return tuple(
            LineageInput(
                output=LotRef(book_no=self.to_book_no, lot_no=line.to_lot_no),
                input=LotRef(book_no=self.from_book_no, lot_no=line.from_lot_no),
                quantity=line.quantity,
            )
            for line in self.lines
        )


class TransferCorrection(_Model):
    actor: Code
    role: Role
    reason: Reason
    draft: TransferDraft


class TransferSideInput(_Model):
    workflow_id: str
    draft: TransferDraft
    side: Literal["out", "in"]
    at: AwareDatetime
    related_list_no: str | None = None  # the in list names the out list (RltInvtNo)
    change_count: int = 0  # ChgTmsCnt: a returned side is filed again with + 1
    delete: bool = False  # DclTypecd 3: ask customs to delete this side's list
    seq_no: str | None = None  # customs' pre-entry number, once it has one
    list_no: str | None = None  # the list's number, once approved


class TransferReserveInput(_Model):
    workflow_id: str
    draft: TransferDraft
    at: AwareDatetime
    actor: str
    change_count: int = 0  # how many corrections came before this reservation


class MaterialValue(_Model):
    """The customs value of one unit of an imported material (for elective duty)."""

    item_no: Annotated[int, Field(ge=1)]
    unit_price: Annotated[Decimal, Field(gt=0, decimal_places=4)]
    currency: Currency


class DomesticSaleDraft(_Model):
    """Second-line exit for domestic sale (二线出区内销): goods made in the zone are
    sold into China; duties and import VAT are paid before release. Elective duty
    (选择性征收关税): the enterprise chooses to pay duty on the imported materials the
    goods consumed or on the finished goods; both are computed and shown."""

    kind: Literal["domestic_sale"] = "domestic_sale"
    inner_no: DocumentNo
    book_no: ProcessingBookNo
    declarant_code: CustomsCode
    buyer: Code  # the domestic consignee (境内收货人)
    supervision_mode: Annotated[str, Field(pattern=r"^(0110|5000|5015|5034)$")] = "0110"
    transport_mode: TransportMode = "Y"
    exchange_rate: Annotated[Decimal, Field(gt=0, decimal_places=6)]
    lines: Annotated[tuple[EntryLine, ...], Field(min_length=1, max_length=50)]
    material_values: tuple[MaterialValue, ...] = ()
    duty_basis: Literal["materials", "finished_goods"] = "finished_goods"
    vehicle: Vehicle
    filed_by: Code
    remark: Annotated[str, Field(max_length=200)] | None = None


class TaxBillView(_Model):
    cif: Amount
    duty: Amount
    consumption_tax: Amount
    vat: Amount
    total: Amount


class TaxAssessment(_Model):
    """Both elective-duty bills, the enterprise's choice and the cheaper basis."""

    on_materials: TaxBillView
    on_finished_goods: TaxBillView
    chosen: Literal["materials", "finished_goods"]
    cheaper: Literal["materials", "finished_goods"]
    saving: Amount

    @computed_field(  # type: ignore[prop-decorator]
        description="The bill the enterprise pays: on_materials or on_finished_goods, "
        "as chosen; its total is what a payment confirmation must carry."
    )
    @property
    def payable(self) -> TaxBillView:
        return self.on_materials if self.chosen == "materials" else self.on_finished_goods


class PaymentConfirmation(_Model):
    """Duties paid (缴款): who confirms, the bank reference, and the amount."""

    actor: Code
    role: Role
    reference: Annotated[str, Field(min_length=1, max_length=64)]
    amount: Amount
    reason: Reason = "duties and taxes paid"


def _draft_kind(value: object) -> str:
    # Drafts recorded before exports existed carry no "kind": they are entries. Running
    # workflows' histories hold such payloads, so they must keep validating.
    if isinstance(value, dict):
        return str(value.get("kind", "entry"))
    return str(getattr(value, "kind", "entry"))


ListDraft = Annotated[
    Annotated[EntryDraft, Tag("entry")]
    | Annotated[ExportDraft, Tag("export")]
    | Annotated[DomesticSaleDraft, Tag("domestic_sale")]
    | Annotated[SecondLineEntryDraft, Tag("second_line_entry")],
    Discriminator(_draft_kind),
]
"""Either lifecycle's draft; the activities tell them apart by ``kind``."""


class MaterialUse(_Model):
    """A material lot a work order drew on, and how much (declared unit)."""

    item_no: Annotated[int, Field(ge=1)]
    lot_no: Code
    location: Code
    quantity: PositiveQuantity


class OutputLot(_Model):
    """Finished goods, defective goods (残次品) or offcuts (边角料) the run yielded."""

    item_no: Annotated[int, Field(ge=1)]
    lot_no: Code
    location: Code
    quantity: PositiveQuantity
    from_material: Annotated[int, Field(ge=1)] | None = None  # offcuts: cut from which item


class WorkOrderDraft(_Model):
    """A bonded processing work order (保税加工工单), filed when the run is done."""

    work_order_no: DocumentNo
    book_no: ProcessingBookNo  # processing books only
    produced_on: dt.date
    finished: OutputLot
    defective: OutputLot | None = None  # same finished item, a lot of its own
    offcuts: tuple[OutputLot, ...] = ()
    materials: Annotated[tuple[MaterialUse, ...], Field(min_length=1, max_length=200)]
    filed_by: Code


class NormDeviationView(_Model):
    material_item_no: int
    required: Decimal
    actual: Decimal
    deviation: Decimal


class Decision(_Model):
    """A person's decision, carried by a Temporal update: who, in which role, why."""

    actor: Code
    role: Role
    reason: Reason


class Refusal(_Model):
    """Why a workflow refused a decision, as data (an ApplicationError's detail): the
    field, named relative to the decision's payload (which is the request body plus
    ``role``; ``stage`` when the moment is wrong), and the reason in words."""

    field: Annotated[str, Field(min_length=1, max_length=200)]
    reason: Annotated[str, Field(min_length=1)]

    def described(self) -> str:
        """``field: reason``; a refusal of the whole draft is its reason alone."""
        return self.reason if self.field == WHOLE_DRAFT else f"{self.field}: {self.reason}"


# The ApplicationError type of a workflow's refusal of a decision (Refusal in details).
REFUSED = "Refused"
# The field of a refusal about the draft as a whole (no one field of it is to blame).
WHOLE_DRAFT = "draft"
_FIELD_PATH = re.compile(r"[A-Za-z_]\w*(\[\d+\])*(\.[A-Za-z_]\w*(\[\d+\])*)*")


def refusal_from_text(text: str) -> Refusal:
    """A problem recorded as ``"field: reason"`` text (histories from before refusals
    were data): split at the first ": " when the part before is a field path, else a
    refusal of the whole draft. ``Refusal.described`` gives the text back unchanged."""
    field, separator, reason = text.partition(": ")
    if separator and reason and _FIELD_PATH.fullmatch(field):
        return Refusal(field=field, reason=reason)
    return Refusal(field=WHOLE_DRAFT, reason=text)


def _refusals(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(refusal_from_text(v) if isinstance(v, str) else v for v in value)
    return value


# Problems as data; strings recorded in older workflow histories still read.
Refusals = Annotated[tuple[Refusal, ...], BeforeValidator(_refusals)]


def described(problems: tuple[Refusal, ...]) -> str:
    """Problems as one line for the timeline."""
    return "; ".join(problem.described() for problem in problems)


class WorkOrderCheck(_Model):
    ok: bool
    problems: Refusals = ()
    deviations: tuple[NormDeviationView, ...] = ()
    enterprise_code: str | None = None

    def described(self) -> str:
        """The problems as one line for the timeline."""
        return described(self.problems)


class Correction(_Model):
    """The filer's corrected draft after customs returned the list."""

    actor: Code
    role: Role
    reason: Reason
    draft: ListDraft


class WorkOrderCorrection(_Model):
    actor: Code
    role: Role
    reason: Reason
    draft: WorkOrderDraft


class InspectionResult(_Model):
    actor: Code
    role: Role
    passed: bool
    reason: Reason


class VehicleCorrection(_Model):
    """The filer's answer to a returned gate pass: the vehicle as it really is."""

    actor: Code
    role: Role
    reason: Reason
    vehicle: Vehicle


class WeightDecision(_Model):
    actor: Code
    role: Role
    accept: bool  # True: let the vehicle through as weighed; False: refuse the entry
    reason: Reason


class ReceiptSignal(_Model):
    """A customs receipt as the workflow needs it, from the receipt watcher."""

    receipt_id: int
    inner_no: str | None = None  # the document it belongs to (a lifecycle may have two)
    message_type: str
    result: str | None
    business_time: AwareDatetime | None
    change_count: int | None = None
    pre_entry_no: str | None = None
    list_no: str | None = None
    pass_no: str | None = None
    declaration_seq_no: str | None = None
    entry_id: str | None = None
    measured_weight: Decimal | None = None
    reasons: tuple[str, ...] = ()


class ReceiptSignals(_Model):
    """Several receipts of one lifecycle in one signal, in the order they came: what a
    pass of the receipt watcher took for it (one workflow task for them all, where a
    signal each would wake the workflow once each). The workflow takes each as it takes
    one ``ReceiptSignal``."""

    receipts: tuple[ReceiptSignal, ...]


class NextStep(StrEnum):
    """What a lifecycle waits for next (下一步), as a code: the console shows it in the
    reader's language; the API's ``next_step`` is its English words
    (``workflows.next_step.NEXT_STEP_WORDS``)."""

    CHECK_DRAFT = "check_draft"
    CHECK_WORK_ORDER = "check_work_order"
    CHECK_BOTH_BOOKS = "check_both_books"
    SIGN_OFF = "sign_off"
    RESERVE = "reserve"
    RESERVE_BOTH = "reserve_both"
    FILE_LIST = "file_list"
    FILE_LISTS = "file_lists"
    CUSTOMS_REVIEW = "customs_review"
    CUSTOMS_REVIEW_BOTH = "customs_review_both"
    CUSTOMS_MANUAL_REVIEW = "customs_manual_review"
    CORRECT_OR_CANCEL = "correct_or_cancel"
    CUSTOMS_RELEASE = "customs_release"
    RECORD_INSPECTION = "record_inspection"
    PAY = "pay"
    GATE_AND_POSTING = "gate_and_posting"
    CORRECT_VEHICLE_OR_CANCEL = "correct_vehicle_or_cancel"
    DECIDE_WEIGHT = "decide_weight"
    APPROVE_DEVIATION = "approve_deviation"
    POST = "post"
    POST_WORK_ORDER = "post_work_order"
    POST_BOTH = "post_both"
    DEPARTURE = "departure"
    NOTHING_BONDED_STOCK = "nothing_bonded_stock"
    NOTHING_ZONE_STOCK = "nothing_zone_stock"
    NOTHING_LEFT_FOR_ABROAD = "nothing_left_for_abroad"
    NOTHING_DOMESTIC_MARKET = "nothing_domestic_market"
    NOTHING_POSTED = "nothing_posted"
    NOTHING_CANCELLED = "nothing_cancelled"
    # A stocktake's (盘点).
    READ_EXPECTED = "read_expected"
    CORRECT_STOCKTAKE_OR_CANCEL = "correct_stocktake_or_cancel"
    ENTER_COUNTS = "enter_counts"
    REVIEW_DIFFERENCES = "review_differences"
    PAY_STOCKTAKE_DUTY = "pay_stocktake_duty"
    POST_DIFFERENCES = "post_differences"
    NOTHING_BOOK_MATCHES_COUNT = "nothing_book_matches_count"
    # A write-off's (核销).
    PREPARE_STATEMENT = "prepare_statement"
    CORRECT_WRITE_OFF_OR_CANCEL = "correct_write_off_or_cancel"
    REVIEW_STATEMENT = "review_statement"
    CLOSE_PERIOD = "close_period"
    NOTHING_PERIOD_CLOSED = "nothing_period_closed"


class TimelineEvent(StrEnum):
    """What a timeline entry records (时间线事件), as a code the console shows in the
    reader's language; ``TimelineEntry.detail`` holds what came with it as it was
    written (a person's reason, customs' reasons, a number, a file)."""

    FILED = "filed"
    CHECK_FAILED = "check_failed"
    CHECKED = "checked"
    DEVIATION_FOUND = "deviation_found"
    SIGNED_OFF = "signed_off"
    RETURNED = "returned"
    CORRECTED = "corrected"
    CANCELLED = "cancelled"
    NOT_RESERVED = "not_reserved"
    ESCALATED = "escalated"
    DEADLINE_PASSED = "deadline_passed"
    LIST_FILED = "list_filed"
    DELETION_FILED = "deletion_filed"
    RECEIPT = "receipt"
    CUSTOMS_APPROVED = "customs_approved"
    CUSTOMS_RETURNED = "customs_returned"
    MANUAL_REVIEW = "manual_review"
    DUTIES_PAYABLE = "duties_payable"
    PAID = "paid"
    RELEASED = "released"
    DECLARATION_ENDED = "declaration_ended"
    INSPECTION_PASSED = "inspection_passed"
    INSPECTION_FAILED = "inspection_failed"
    GATE_PASS_FILED = "gate_pass_filed"
    GATE_PASS_RETURNED = "gate_pass_returned"
    VEHICLE_CORRECTED = "vehicle_corrected"
    WEIGHT_MISMATCH = "weight_mismatch"
    WEIGHT_ACCEPTED = "weight_accepted"
    WEIGHT_REFUSED = "weight_refused"
    DEVIATION_APPROVED = "deviation_approved"
    POSTED = "posted"
    POSTED_AWAITING_DEPARTURE = "posted_awaiting_departure"
    CLOSED = "closed"
    # A stocktake's (盘点).
    EXPECTED_READ = "expected_read"
    COUNTED = "counted"
    DIFFERENCES_FOUND = "differences_found"
    DIFFERENCES_REVIEWED = "differences_reviewed"
    NOTHING_TO_POST = "nothing_to_post"
    DIFFERENCES_POSTED = "differences_posted"
    POSTING_REFUSED = "posting_refused"
    OVERDUE = "overdue"
    # A write-off's (核销).
    PERIOD_CLOSED = "period_closed"
    STATEMENT_CHANGED = "statement_changed"


class TimelineEntry(_Model):
    at: AwareDatetime
    stage: Stage
    actor: str
    role: Role
    note: str  # the entry in English words (the API's)
    # Set by every entry the workflows write (and by replaying older histories, whose
    # timelines are rebuilt by the same code); None only where neither applies.
    event: TimelineEvent | None = None
    detail: str = ""


class LateFeeView(_Model):
    """The late-declaration fee (滞报金) as of the declaration day, or today if not yet
    declared."""

    deadline: dt.date = Field(description="The last day to declare without fee.")
    days_late: int = Field(description="Days after the deadline, the declaration day counted.")
    amount: Amount = Field(description="CIF x daily rate x days late, half-up to fen.")
    charged: Amount = Field(
        description="What customs collects: the amount, or 0.00 below the minimum."
    )

    @computed_field(  # type: ignore[prop-decorator]
        description="A fee was computed but is below the minimum, so it is not collected."
    )
    @property
    def waived(self) -> bool:
        return is_waived(self.amount, self.charged)


# --- stocktake (盘点) ------------------------------------------------------------------

UnitPrice = Annotated[Decimal, Field(gt=0, decimal_places=4)]
ExchangeRate = Annotated[Decimal, Field(gt=0, decimal_places=6)]


class StocktakeDraft(_Model):
    """A stocktake (盘点) as the filer opens it: a book, the locations counted and the
    business instant of the count. What the book expects there is the ledger's balance
    as of that instant, so goods may keep moving while the count goes on."""

    stocktake_no: DocumentNo
    book_no: ZoneBookNo
    locations: Annotated[tuple[Code, ...], Field(min_length=1, max_length=200)]
    counted_at: AwareDatetime  # the business instant the count stands for
    filed_by: Code
    remark: Annotated[str, Field(max_length=200)] | None = None


class StocktakeCorrection(_Model):
    """The filer's corrected stocktake after the opening found problems (a location
    that is not the book's, a book that is not the filer's)."""

    actor: Code
    role: Role
    reason: Reason
    draft: StocktakeDraft


class StockPosition(_Model):
    """One stock position of the stocktake's book: an item's lot at a location, in one
    customs status (bonded unless said)."""

    item_no: Annotated[int, Field(ge=1)]
    lot_no: Code
    location: Code
    status: CustomsStatus = CustomsStatus.BONDED

    def key(self) -> PositionKey:
        return PositionKey(self.item_no, self.lot_no, self.location, self.status)

    def label(self) -> str:
        """The position in words, for refusals and the timeline."""
        status = "" if self.status is CustomsStatus.BONDED else f" ({self.status.value})"
        return f"item {self.item_no}, lot {self.lot_no} at {self.location}{status}"


class ExpectedPosition(StockPosition):
    """What the book holds at a position as of the count's instant (posted stock:
    goods reserved for a document not yet through the gate are still there)."""

    quantity: NonNegativeQuantity
    unit: Annotated[str, Field(pattern=r"^[0-9]{3}$")]  # the item's declared unit


class CountLine(StockPosition):
    """What was counted at a position (declared unit). A shortage of bonded goods
    carries the goods' customs value (unit price and currency) for the duty it may
    owe."""

    quantity: NonNegativeQuantity
    unit_price: UnitPrice | None = None
    currency: Currency | None = None


class StockDifference(StockPosition):
    """counted - expected at a position (``rules.stocktake.differences``)."""

    expected: NonNegativeQuantity
    counted: NonNegativeQuantity
    difference: ExactDecimal
    unit_price: UnitPrice | None = None
    currency: Currency | None = None

    @property
    def shortage(self) -> bool:
        return self.difference < 0


class DifferenceDecision(StockPosition):
    """The liaison's word on one difference: accepted with its cause, or a recount."""

    cause: DifferenceCause | None = None
    recount: bool = False


class AcceptedDifference(StockDifference):
    """A difference the liaison accepted, with its cause: what is posted."""

    cause: DifferenceCause
    accepted_by: Code


class DifferenceView(StockDifference):
    """A difference as the status shows it: open, accepted (with its cause and whether
    it owes duty) or sent back for a recount."""

    state: Literal["open", "accepted", "recount"]
    cause: DifferenceCause | None = None
    owes_duty: bool = False


class StocktakeView(_Model):
    """A stocktake's own part of the status."""

    counted_at: AwareDatetime
    locations: tuple[str, ...]
    items: tuple[int, ...]  # the book's item numbers
    expected: tuple[ExpectedPosition, ...]
    counted: tuple[CountLine, ...]
    differences: tuple[DifferenceView, ...]
    counting_due: dt.datetime | None
    duty: TaxBillView | None  # the duty and taxes on the shortages that owe them


class LifecycleStatus(_Model):
    """What a query answers: where it is, what comes next, who it waits for."""

    workflow_id: str
    lifecycle: Lifecycle
    stage: Stage
    next_step: str  # the next step's English words (with "escalated" when it is)
    waiting_for: Role | None
    change_count: int
    escalated: bool
    pre_entry_no: str | None
    list_no: str | None
    pass_no: str | None
    declaration_seq_no: str | None
    entry_id: str | None
    cif_cny: Amount
    late_fee: LateFeeView | None  # only lifecycles with a declaration deadline
    measured_weight: Decimal | None
    timeline: tuple[TimelineEntry, ...]
    taxes: TaxAssessment | None = None
    paid: PaymentConfirmation | None = None
    stocktake: StocktakeView | None = None  # stocktakes: counts, differences, duty
    write_off: WriteOffView | None = None  # write-offs: the statement's balances
    next_step_code: NextStep | None = None  # the next step as a code

    @computed_field(  # type: ignore[prop-decorator]
        description="Duties and taxes to pay (CNY): the total of the chosen elective-duty "
        "bill (taxes.payable) of a domestic sale, or of a stocktake's duty on its shortages "
        "(stocktake.duty), the exact amount a payment confirmation must carry; null when "
        "no taxes were assessed."
    )
    @property
    def duties_payable(self) -> Amount | None:
        if self.taxes is not None:
            return self.taxes.payable.total
        if self.stocktake is not None and self.stocktake.duty is not None:
            return self.stocktake.duty.total
        return None

    @computed_field(  # type: ignore[prop-decorator]
        description="The late-declaration fee customs collects (CNY): late_fee.charged, "
        "0.00 while there is none or it is below the minimum; null for lifecycles "
        "without a declaration deadline."
    )
    @property
    def late_fee_payable(self) -> Amount | None:
        return None if self.late_fee is None else self.late_fee.charged


class EntryResult(_Model):
    workflow_id: str
    stage: Stage
    list_no: str | None
    pass_no: str | None
    posted_transaction: str | None  # the ledger client id of the posting


class ValidationReport(_Model):
    ok: bool
    problems: Refusals = ()
    cif_cny: Amount = Decimal("0.00")
    enterprise_code: str | None = None  # the book's owner (经营企业)
    taxes: TaxAssessment | None = None  # domestic sales: both elective-duty bills

    def described(self) -> str:
        """The problems as one line for the timeline."""
        return described(self.problems)


# --- activity inputs and outputs: one model each ------------------------------------


class LifecyclePolicy(_Model):
    """The knobs of a lifecycle; defaults are the zone's usual practice."""

    receipt_timeout: dt.timedelta = dt.timedelta(hours=4)  # then escalate to the liaison
    weight_tolerance: Annotated[Decimal, Field(ge=0, lt=1)] = Decimal("0.05")
    late_fee_daily_rate: Annotated[Decimal, Field(ge=0, lt=1)] = Decimal("0.0005")
    late_fee_minimum: Amount = Decimal("50")
    # How long one activity attempt may run before it is retried elsewhere: short
    # enough that work lost with a crashed worker resumes within seconds, long enough
    # for a 1,000-line list on a slow database. Tests of crashes use seconds.
    activity_timeout: dt.timedelta = dt.timedelta(seconds=30)


EntryPolicy = LifecyclePolicy


class WorkOrderInput(_Model):
    draft: WorkOrderDraft
    norm_tolerance: Annotated[Decimal, Field(ge=0, lt=1)] = Decimal("0.02")
    indexed: bool = True
    policy: LifecyclePolicy = LifecyclePolicy()


class WorkOrderCheckInput(_Model):
    draft: WorkOrderDraft
    tolerance: Annotated[Decimal, Field(ge=0, lt=1)]


class WorkOrderPostInput(_Model):
    workflow_id: str
    draft: WorkOrderDraft
    at: AwareDatetime
    actor: str
    reason: Reason


class EntryInput(_Model):
    draft: EntryDraft
    policy: LifecyclePolicy = LifecyclePolicy()
    # Keep the search attributes current. Off only where the server has none: the
    # time-skipping test server cannot register custom search attributes.
    indexed: bool = True


class ExportInput(_Model):
    draft: ExportDraft
    policy: LifecyclePolicy = LifecyclePolicy()
    indexed: bool = True


class TransferInput(_Model):
    draft: TransferDraft
    policy: LifecyclePolicy = LifecyclePolicy()
    indexed: bool = True


class SecondLineEntryInput(_Model):
    draft: SecondLineEntryDraft
    policy: LifecyclePolicy = LifecyclePolicy()
    indexed: bool = True


class DomesticSaleInput(_Model):
    draft: DomesticSaleDraft
    policy: LifecyclePolicy = LifecyclePolicy()
    indexed: bool = True


class ValidateInput(_Model):
    """A list's draft checked against its book on the business day the workflow
    names (its own clock, Beijing date): a retry after midnight checks the same day."""

    draft: ListDraft
    on: dt.date


class TransferValidateInput(_Model):
    draft: TransferDraft
    on: dt.date


class ReserveInput(_Model):
    workflow_id: str
    draft: ListDraft
    change_count: int
    at: AwareDatetime
    actor: str


class ResolveInput(_Model):
    workflow_id: str
    reservation_client_id: str
    post: bool  # True: post the reservation; False: void it
    at: AwareDatetime
    actor: str
    reason: Reason
    document_no: str
    lineage: tuple[LineageInput, ...] = ()  # recorded with the posting


class SubmitListInput(_Model):
    workflow_id: str
    draft: ListDraft
    change_count: int
    delete: bool = False  # DclTypecd 3: ask customs to delete the list
    at: AwareDatetime
    seq_no: str | None = None
    list_no: str | None = None


class SubmitGatePassInput(_Model):
    workflow_id: str
    draft: ListDraft
    list_no: str
    at: AwareDatetime


class Submitted(_Model):
    file_name: str
    again: bool


class StocktakeInput(_Model):
    draft: StocktakeDraft
    policy: LifecyclePolicy = LifecyclePolicy()
    indexed: bool = True
    # The counts are due this many days after the count's instant, the duty this many
    # days after it was assessed (缴款期限); past either, the wait escalates to the liaison.
    counting_days: Annotated[int, Field(ge=1, le=366)] = 7
    payment_days: Annotated[int, Field(ge=1, le=366)] = 15


class StocktakeOpenInput(_Model):
    draft: StocktakeDraft


class StocktakeOpened(_Model):
    """The opening: problems (back to the filer), or the book's positions at the
    locations as of the count's instant."""

    ok: bool
    problems: Refusals = ()
    enterprise_code: str | None = None
    expected: tuple[ExpectedPosition, ...] = ()
    items: tuple[int, ...] = ()  # the book's item numbers: what a count may name

    def described(self) -> str:
        return described(self.problems)


class Counts(_Model):
    """The filer's counts (or recounts), from the API's body or a count sheet."""

    actor: Code
    role: Role
    reason: Reason = "counted"
    lines: Annotated[tuple[CountLine, ...], Field(min_length=1, max_length=10_000)]
    exchange_rate: ExchangeRate | None = None  # CNY per unit of the lines' currency


class DifferenceReview(_Model):
    """The liaison's decisions on the open differences."""

    actor: Code
    role: Role
    reason: Reason
    decisions: Annotated[tuple[DifferenceDecision, ...], Field(min_length=1, max_length=10_000)]


class StocktakeAssessInput(_Model):
    """The accepted differences; the duty is on the shortages that owe it, with the
    tariff in force on the day."""

    book_no: str
    differences: tuple[AcceptedDifference, ...]
    exchange_rate: ExchangeRate | None
    on: dt.date


class StocktakeDuty(_Model):
    """Which accepted differences owe duty (customs' waivers applied) and the bill."""

    owing: tuple[StockPosition, ...] = ()
    bill: TaxBillView | None = None


class StocktakePostInput(_Model):
    workflow_id: str
    draft: StocktakeDraft
    differences: tuple[AcceptedDifference, ...]
    actor: str
    reason: Reason


# --- write-off (核销) -------------------------------------------------------------------


class WriteOffDraft(_Model):
    """A processing book's write-off (核销) for a verification period as the filer
    prepares it: the period in Beijing days [start, end) (``end`` the first day after),
    the completed stocktake of the book in the period whose counts are the counted
    balances (its workflow id; none: the statement has no counted figures), and the
    filer's explanation of any difference between the theoretical and counted balances."""

    write_off_no: DocumentNo
    book_no: ProcessingBookNo
    start: dt.date
    end: dt.date
    stocktake_id: Code | None = None
    explanation: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
    filed_by: Code


class WriteOffCorrection(_Model):
    """The filer's corrected write-off after the liaison returned it (another
    stocktake, an explanation)."""

    actor: Code
    role: Role
    reason: Reason
    draft: WriteOffDraft


class WriteOffInput(_Model):
    draft: WriteOffDraft
    policy: LifecyclePolicy = LifecyclePolicy()
    indexed: bool = True
    # The liaison's review is due this many days after the statement was prepared;
    # past it, the wait is escalated (the liaison's still, flagged).
    review_days: Annotated[int, Field(ge=1, le=366)] = 15
    # The filer's correction is due this many days after the write-off came back;
    # past it, the wait escalates to the liaison.
    correction_days: Annotated[int, Field(ge=1, le=366)] = 7


class WriteOffBalance(_Model):
    """One item's balances on the statement: theoretical, counted, the difference."""

    item_no: int
    finished: bool  # a finished good (成品), else a material (料件) in material terms
    theoretical: ExactDecimal
    counted: ExactDecimal | None
    difference: ExactDecimal | None


class WriteOffView(_Model):
    """A write-off's own part of the status: the period and the statement's balances
    as last prepared."""

    start: dt.date
    end: dt.date
    stocktake_id: str | None
    balances: tuple[WriteOffBalance, ...]
    unfolded: int  # finished goods that could not be folded (no norm in force)
    review_due: dt.datetime | None = None
    # The statement's fingerprint (``rules.write_off.statement_fingerprint``): what the
    # liaison reviews is what approval closes, or approval is refused (StatementChanged).
    # None in histories from before fingerprints.
    fingerprint: str | None = None
    correction_due: dt.datetime | None = None  # while returned to the filer

    @computed_field(  # type: ignore[prop-decorator]
        description="Every counted balance equals its theoretical one; null without a count."
    )
    @property
    def balanced(self) -> bool | None:
        if any(balance.counted is None for balance in self.balances) or not self.balances:
            return None
        return all(balance.difference == 0 for balance in self.balances)


class WriteOffPrepareInput(_Model):
    draft: WriteOffDraft


class WriteOffPrepared(_Model):
    """The preparation: problems (back to the filer), or the statement's balances."""

    ok: bool
    problems: Refusals = ()
    enterprise_code: str | None = None
    view: WriteOffView | None = None

    def described(self) -> str:
        return described(self.problems)


class WriteOffCloseInput(_Model):
    """Approved: close the period and record the approved closing balances, if the
    statement is still the one the liaison reviewed (its fingerprint, ``reviewed``;
    None in histories from before fingerprints: nothing is compared)."""

    workflow_id: str
    draft: WriteOffDraft
    actor: Code
    reason: Reason
    reviewed: str | None = None


# The type of the close activity's refusal when the statement changed since its review.
STATEMENT_CHANGED = "StatementChanged"


class WriteOffChanged(_Model):
    """The details of a StatementChanged refusal: the fingerprint reviewed and the one
    the approval found, the statement as it is now (to review again, unless it has
    problems for the filer), and whether the approval's close was undone."""

    reviewed: str
    found: str
    view: WriteOffView
    problems: Refusals = ()
    reopened: bool = False

    def described(self) -> str:
        return described(self.problems)


LifecycleStatus.model_rebuild()
