"""A processing book's write-off statement (加工贸易账册核销表) over one verification period,
pure: what each material came in as, what the consumption norms (单耗) say the finished
goods that left consumed, what is left in theory and what was counted.

Materials (料件) are balanced in material terms (折料): finished goods still in stock hold
their materials, so the opening and the counted balance of a material include the
finished goods in stock folded into it by the norms in force (期初/盘点成品折料), and the
finished goods that left take their materials with them, by the norms in force on the
day they left (exported 出口, sold into China 内销, transferred out 结转转出, disposed
销毁). The work orders' actual use is shown beside the norms' consumption for comparison
but is not part of the balance: the norm is what customs writes off. Offcuts (边角料) are
part of the norm's process loss (工艺损耗), so an offcut yielded or sold is its own
item's figure, never deducted from the material again.

    theoretical closing (理论结余) = opening (stock + in finished goods)
        + imports + domestic purchases + transfers in + produced + adjustments
        - consumption by the norms of finished goods exported, sold, transferred out,
          disposed
        - the item's own exports (returned abroad), sales into China, transfers out,
          disposals
    difference (差异) = counted (stock + in finished goods) - theoretical closing

Finished goods (成品) are balanced in their own unit: opening + received + produced +
adjustments - exported - sold - transferred out - disposed - used in processing.

Every figure is the sum of its sources, one per document (ledger transaction), each
with the quantity it contributed, so any figure can be traced to what caused it.
Consumption is computed per document and material with ``rules.norms.
material_required`` (the work order's own rule, rounded half-up once per document), so
a figure here and the work order's check never disagree on a quantity. A finished good
that left (or is in stock) without a norm in force that day cannot be folded: it is
reported in ``unfolded``, never counted as zero silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from rules.norms import material_required
from schemas.codes import AccountKind, DocumentType
from schemas.quantities import PlainQuantity

ZERO = Decimal(0)


class Flow(StrEnum):
    """What a posted movement of the book's stock was, from the kinds of its accounts."""

    IMPORTED = "imported"  # 一线进境: abroad -> stock
    PURCHASED = "purchased"  # 二线入区 (国内采购): domestic -> stock
    TRANSFERRED_IN = "transferred_in"  # 区内/区间流转转入: zone transfer -> stock
    PRODUCED = "produced"  # 加工产出: processing -> stock (finished, defective, offcuts)
    USED = "used"  # 加工耗用 (the work order's actual use): stock -> processing
    EXPORTED = "exported"  # 出口 / 复出: stock -> abroad
    SOLD = "sold"  # 内销: stock -> domestic
    TRANSFERRED_OUT = "transferred_out"  # 结转转出: stock -> zone transfer
    DISPOSED = "disposed"  # 销毁: stock -> destruction
    FOUND = "found"  # 盘盈: adjustment -> stock
    LOST = "lost"  # 盘亏: stock -> adjustment


_INTO_STOCK = {
    AccountKind.ABROAD: Flow.IMPORTED,
    AccountKind.DOMESTIC: Flow.PURCHASED,
    AccountKind.ZONE_TRANSFER: Flow.TRANSFERRED_IN,
    AccountKind.PROCESSING: Flow.PRODUCED,
    AccountKind.ADJUSTMENT: Flow.FOUND,
}
_OUT_OF_STOCK = {
    AccountKind.ABROAD: Flow.EXPORTED,
    AccountKind.DOMESTIC: Flow.SOLD,
    AccountKind.ZONE_TRANSFER: Flow.TRANSFERRED_OUT,
    AccountKind.PROCESSING: Flow.USED,
    AccountKind.DESTRUCTION: Flow.DISPOSED,
    AccountKind.ADJUSTMENT: Flow.LOST,
}


def flow_of(source: AccountKind, destination: AccountKind) -> Flow | None:
    """The flow a movement from `source` to `destination` is for the book's stock; None
    for a move between the book's own positions (another lot, location or status) and
    for a movement between two outside accounts, neither of which changes the stock."""
    if source is AccountKind.STOCK and destination is not AccountKind.STOCK:
        return _OUT_OF_STOCK.get(destination)
    if destination is AccountKind.STOCK and source is not AccountKind.STOCK:
        return _INTO_STOCK.get(source)
    return None


@dataclass(frozen=True)
class Source:
    """One document's share of a figure: the ledger transaction (its client id; None for
    a balance read at an instant), the causing document and the quantity it adds."""

    transaction: str | None
    document_type: DocumentType | None
    document_no: str | None
    quantity: PlainQuantity


@dataclass(frozen=True)
class Figure:
    """A quantity and the sources it is the sum of."""

    quantity: PlainQuantity
    sources: tuple[Source, ...] = ()

    def __post_init__(self) -> None:
        if sum((s.quantity for s in self.sources), ZERO) != self.quantity:
            raise ValueError(
                f"a figure of {self.quantity} must be the sum of its sources"
                f" ({len(self.sources)} given)"
            )

    @staticmethod
    def of(sources: Iterable[Source]) -> Figure:
        listed = tuple(sources)
        return Figure(sum((s.quantity for s in listed), ZERO), listed)

    def __add__(self, other: Figure) -> Figure:
        return Figure(self.quantity + other.quantity, self.sources + other.sources)

    def negated(self) -> Figure:
        return Figure(
            -self.quantity,
            tuple(
                Source(s.transaction, s.document_type, s.document_no, -s.quantity)
                for s in self.sources
            ),
        )


NOTHING = Figure(ZERO)


@dataclass(frozen=True)
class Item:
    """A registered item of the book (备案料号) as the statement shows it."""

    item_no: int
    part_no: str
    name: str
    unit: str
    finished: bool


@dataclass(frozen=True)
class PeriodMovement:
    """A posted movement of one item in the period, summed per transaction and flow."""

    item_no: int
    flow: Flow
    quantity: Decimal
    on: dt.date  # the business day it occurred (Beijing): the norms in force that day
    transaction: str
    document_type: DocumentType | None
    document_no: str | None

    def source(self, quantity: Decimal | None = None) -> Source:
        return Source(
            self.transaction,
            self.document_type,
            self.document_no,
            self.quantity if quantity is None else quantity,
        )


@dataclass(frozen=True)
class NormInForce:
    """A material's norm version in force for a finished item on a day."""

    material_item_no: int
    version: int
    net_consumption: Decimal
    loss_rate: Decimal


# (finished item no, business day) -> the norms in force for it that day, one per material
NormsInForce = Mapping[tuple[int, dt.date], Sequence[NormInForce]]


@dataclass(frozen=True)
class WriteOffInput:
    """Everything a statement is computed from.

    `opening` and `counted` are per item: the stock at the period's start (the ledger's,
    or the previous approved statement's closing) and the period's stocktake count
    (None: no count yet); their sources say where each came from. `norms` must hold an
    entry for every key `required_norms` names (an empty sequence: no norm in force)."""

    items: Sequence[Item]
    opening: Mapping[int, Figure]
    opening_day: dt.date
    movements: Sequence[PeriodMovement]
    counted: Mapping[int, Figure] | None
    closing_day: dt.date
    norms: NormsInForce
    # Each material's share of the finished goods in the opening, when it is already known
    # (the previous approved statement's counted share): then nothing is folded at the
    # opening. None: the finished goods in `opening` are folded by the norms on opening_day.
    opening_in_finished: Mapping[int, Figure] | None = None


@dataclass(frozen=True)
class MaterialLine:
    """One material (料件) over the period, in material terms."""

    item: Item
    opening_stock: Figure  # 期初库存
    opening_in_finished: Figure  # 期初成品折料
    imports: Figure  # 本期进口 (一线进境)
    purchases: Figure  # 本期国内采购 (二线入区)
    transfers_in: Figure  # 本期结转转入
    produced: Figure  # 加工产出 (an offcut item's yield)
    consumed_exported: Figure  # 出口成品耗料
    consumed_sold: Figure  # 内销成品耗料
    consumed_transferred_out: Figure  # 结转转出成品耗料
    consumed_disposed: Figure  # 成品、残次品销毁耗料
    exported: Figure  # 料件复出
    sold: Figure  # 料件、边角料内销
    transferred_out: Figure  # 料件结转转出
    disposed: Figure  # 料件、边角料销毁
    adjustments: Figure  # 盘盈盘亏调整 (signed)
    used_by_work_orders: Figure  # 工单实耗 (for comparison; not in the balance)
    theoretical_closing: Figure  # 理论结余
    counted_stock: Figure | None  # 盘点库存
    counted_in_finished: Figure | None  # 盘点成品折料
    counted: Figure | None  # 实际结余
    difference: PlainQuantity | None  # 差异 = counted - theoretical closing


@dataclass(frozen=True)
class FinishedLine:
    """One finished good (成品) over the period, in its own unit."""

    item: Item
    opening_stock: Figure  # 期初库存
    received: Figure  # 本期收入 (entered or transferred in)
    produced: Figure  # 本期生产
    exported: Figure  # 本期出口
    sold: Figure  # 本期内销
    transferred_out: Figure  # 本期结转转出
    disposed: Figure  # 销毁 (defective goods among them)
    used_in_processing: Figure  # 加工耗用
    adjustments: Figure  # 盘盈盘亏调整 (signed)
    theoretical_closing: Figure  # 理论结余
    counted: Figure | None  # 盘点库存
    difference: PlainQuantity | None  # 差异 = counted - theoretical closing


@dataclass(frozen=True)
class Unfolded:
    """Finished goods that could not be folded into materials: no norm in force."""

    finished_item_no: int
    on: dt.date
    quantity: PlainQuantity
    source: Source


@dataclass(frozen=True)
class WriteOffStatement:
    materials: tuple[MaterialLine, ...]
    finished_goods: tuple[FinishedLine, ...]
    unfolded: tuple[Unfolded, ...]
    counted: bool  # whether a count was given
    balanced: bool | None  # every difference zero (None: no count)


# The finished goods' flows that take materials with them, and the line field each fills.
_CONSUMING = (Flow.EXPORTED, Flow.SOLD, Flow.TRANSFERRED_OUT, Flow.DISPOSED)


def required_norms(
    items: Sequence[Item],
    movements: Sequence[PeriodMovement],
    opening_day: dt.date,
    closing_day: dt.date,
    counted: Mapping[int, Figure] | None = None,
    *,
    opening_folded: bool = False,
) -> set[tuple[int, dt.date]]:
    """The (finished item, day) pairs whose norms a statement needs, so a reader can
    fetch them: each finished good's leaving days, the period's first day for the stock
    it opened with (unless the opening's share is known: `opening_folded`) and, when
    there is a count, the last day for the stock counted."""
    finished = {item.item_no for item in items if item.finished}
    keys = {(m.item_no, m.on) for m in movements if m.item_no in finished and m.flow in _CONSUMING}
    if not opening_folded:
        keys |= {(item_no, opening_day) for item_no in finished}
    if counted is not None:
        keys |= {(item_no, closing_day) for item_no in finished}
    return keys


class _Own:
    """An item's own flows in the period, by flow, each document a source."""

    def __init__(self, movements: Iterable[PeriodMovement]) -> None:
        self.sources: dict[tuple[int, Flow], list[Source]] = defaultdict(list)
        for movement in movements:
            self.sources[movement.item_no, movement.flow].append(movement.source())

    def __call__(self, item_no: int, *wanted: Flow) -> Figure:
        return Figure.of(s for flow in wanted for s in self.sources.get((item_no, flow), ()))


class _Folder:
    """Finished quantities into material quantities, document by document."""

    def __init__(self, norms: NormsInForce) -> None:
        self.norms = norms
        self.unfolded: list[Unfolded] = []

    def fold(self, finished_item_no: int, on: dt.date, source: Source) -> dict[int, Source]:
        """Each material's share of `source`'s finished quantity by the norms on `on`."""
        if source.quantity == 0:
            return {}
        norms = self.norms[finished_item_no, on]
        if not norms:
            self.unfolded.append(Unfolded(finished_item_no, on, source.quantity, source))
            return {}
        return {
            norm.material_item_no: Source(
                source.transaction,
                source.document_type,
                source.document_no,
                material_required(source.quantity, norm.net_consumption, norm.loss_rate),
            )
            for norm in norms
        }


def write_off(data: WriteOffInput) -> WriteOffStatement:
    """The statement: one line per material and per finished good of the book."""
    finished = {item.item_no for item in data.items if item.finished}
    own = _Own(data.movements)
    folder = _Folder(data.norms)
    consumed: dict[tuple[int, Flow], list[Source]] = defaultdict(list)
    for movement in data.movements:
        if movement.item_no in finished and movement.flow in _CONSUMING:
            for material, share in folder.fold(
                movement.item_no, movement.on, movement.source()
            ).items():
                consumed[material, movement.flow].append(share)
    in_finished_opening = (
        _folded_stock(folder, finished, data.opening, data.opening_day)
        if data.opening_in_finished is None
        else {n: list(figure.sources) for n, figure in data.opening_in_finished.items()}
    )
    in_finished_counted = (
        _folded_stock(folder, finished, data.counted, data.closing_day)
        if data.counted is not None
        else None
    )

    materials: list[MaterialLine] = []
    finished_goods: list[FinishedLine] = []
    for item in sorted(data.items, key=lambda i: i.item_no):
        opening = data.opening.get(item.item_no, NOTHING)
        counted = None if data.counted is None else data.counted.get(item.item_no, NOTHING)
        adjustments = own(item.item_no, Flow.FOUND) + own(item.item_no, Flow.LOST).negated()
        if item.finished:
            line = _finished_line(item, opening, counted, adjustments, own)
            finished_goods.append(line)
            continue
        materials.append(
            _material_line(
                item,
                opening,
                Figure.of(in_finished_opening.get(item.item_no, ())),
                counted,
                None
                if in_finished_counted is None
                else Figure.of(in_finished_counted.get(item.item_no, ())),
                adjustments,
                own,
                {flow: Figure.of(consumed[item.item_no, flow]) for flow in _CONSUMING},
            )
        )
    differences = [line.difference for line in materials if line.difference is not None]
    differences += [line.difference for line in finished_goods if line.difference is not None]
    return WriteOffStatement(
        materials=tuple(materials),
        finished_goods=tuple(finished_goods),
        unfolded=tuple(folder.unfolded),
        counted=data.counted is not None,
        balanced=None if data.counted is None else all(d == 0 for d in differences),
    )


def _folded_stock(
    folder: _Folder, finished: set[int], stock: Mapping[int, Figure], on: dt.date
) -> dict[int, list[Source]]:
    """Per material, the finished goods in `stock` folded by the norms on `on`."""
    shares: dict[int, list[Source]] = defaultdict(list)
    for item_no in sorted(finished):
        for source in stock.get(item_no, NOTHING).sources:
            for material, share in folder.fold(item_no, on, source).items():
                shares[material].append(share)
    return shares


def _finished_line(
    item: Item,
    opening: Figure,
    counted: Figure | None,
    adjustments: Figure,
    flows: _Own,
) -> FinishedLine:
    n = item.item_no
    received = flows(n, Flow.IMPORTED, Flow.PURCHASED, Flow.TRANSFERRED_IN)
    produced = flows(n, Flow.PRODUCED)
    exported, sold = flows(n, Flow.EXPORTED), flows(n, Flow.SOLD)
    transferred_out, disposed = flows(n, Flow.TRANSFERRED_OUT), flows(n, Flow.DISPOSED)
    used = flows(n, Flow.USED)
    closing = Figure.of(
        (
            *opening.sources,
            *received.sources,
            *produced.sources,
            *adjustments.sources,
            *(
                s
                for f in (exported, sold, transferred_out, disposed, used)
                for s in f.negated().sources
            ),
        )
    )
    return FinishedLine(
        item=item,
        opening_stock=opening,
        received=received,
        produced=produced,
        exported=exported,
        sold=sold,
        transferred_out=transferred_out,
        disposed=disposed,
        used_in_processing=used,
        adjustments=adjustments,
        theoretical_closing=closing,
        counted=counted,
        difference=None if counted is None else counted.quantity - closing.quantity,
    )


def _material_line(
    item: Item,
    opening: Figure,
    opening_in_finished: Figure,
    counted_stock: Figure | None,
    counted_in_finished: Figure | None,
    adjustments: Figure,
    flows: _Own,
    consumed: Mapping[Flow, Figure],
) -> MaterialLine:
    n = item.item_no
    imports, purchases = flows(n, Flow.IMPORTED), flows(n, Flow.PURCHASED)
    transfers_in, produced = flows(n, Flow.TRANSFERRED_IN), flows(n, Flow.PRODUCED)
    exported, sold = flows(n, Flow.EXPORTED), flows(n, Flow.SOLD)
    transferred_out, disposed = flows(n, Flow.TRANSFERRED_OUT), flows(n, Flow.DISPOSED)
    ins = (opening, opening_in_finished, imports, purchases, transfers_in, produced, adjustments)
    outs = (*consumed.values(), exported, sold, transferred_out, disposed)
    closing = Figure.of(
        (
            *(s for f in ins for s in f.sources),
            *(s for f in outs for s in f.negated().sources),
        )
    )
    counted = (
        None
        if counted_stock is None or counted_in_finished is None
        else counted_stock + counted_in_finished
    )
    return MaterialLine(
        item=item,
        opening_stock=opening,
        opening_in_finished=opening_in_finished,
        imports=imports,
        purchases=purchases,
        transfers_in=transfers_in,
        produced=produced,
        consumed_exported=consumed[Flow.EXPORTED],
        consumed_sold=consumed[Flow.SOLD],
        consumed_transferred_out=consumed[Flow.TRANSFERRED_OUT],
        consumed_disposed=consumed[Flow.DISPOSED],
        exported=exported,
        sold=sold,
        transferred_out=transferred_out,
        disposed=disposed,
        adjustments=adjustments,
        used_by_work_orders=flows(n, Flow.USED),
        theoretical_closing=closing,
        counted_stock=counted_stock,
        counted_in_finished=counted_in_finished,
        counted=counted,
        difference=None if counted is None else counted.quantity - closing.quantity,
    )


@dataclass(frozen=True)
class BookWriteOff:
    """A book's statement over [starts_at, ends_at)."""

    book_no: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str  # the zone of the business days (norms in force, the report's dates)
    statement: WriteOffStatement

    @property
    def first_day(self) -> dt.date:
        return business_day(self.starts_at, ZoneInfo(self.timezone))

    @property
    def last_day(self) -> dt.date:
        """The last business day the period covers."""
        return last_business_day(self.ends_at, ZoneInfo(self.timezone))


def business_day(instant: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The day an instant falls on in the zone of the business days (Beijing)."""
    return instant.astimezone(zone).date()


def last_business_day(end: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The last day a period ending (excluded) at `end` covers."""
    return business_day(end - dt.timedelta(microseconds=1), zone)


def _text(quantity: Decimal) -> str:
    """A quantity's canonical text: no exponent, no trailing zeros, no negative zero."""
    return "0" if quantity == 0 else format(quantity.normalize(), "f")


def _canonical(value: object) -> object:
    """A line's field as canonical data: a figure as its quantity and its sources in a
    fixed order (what the statement shows, document by document)."""
    if isinstance(value, Figure):
        sources = sorted(
            (
                s.transaction or "",
                "" if s.document_type is None else s.document_type.value,
                s.document_no or "",
                _text(s.quantity),
            )
            for s in value.sources
        )
        return [_text(value.quantity), [list(source) for source in sources]]
    if isinstance(value, Decimal):
        return _text(value)
    if isinstance(value, Item):
        return value.item_no
    return value


def statement_fingerprint(written: BookWriteOff) -> str:
    """A SHA-256 of the statement's canonical figures: the book, the period, every
    figure of every line with its documents, and what could not be folded. Two reads
    of the same ledger give the same fingerprint; a posting into the period, a count or
    an opening that differs changes it. What the liaison approved is the statement
    with this fingerprint."""
    statement = written.statement
    every: list[MaterialLine | FinishedLine] = [*statement.materials, *statement.finished_goods]
    lines = [{f.name: _canonical(getattr(line, f.name)) for f in fields(line)} for line in every]
    unfolded = sorted(
        [u.finished_item_no, u.on.isoformat(), _text(u.quantity), u.source.transaction or ""]
        for u in statement.unfolded
    )
    body = {
        "book_no": written.book_no,
        "first_day": written.first_day.isoformat(),
        "last_day": written.last_day.isoformat(),
        "lines": sorted(lines, key=lambda line: str(line["item"])),
        "unfolded": unfolded,
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
