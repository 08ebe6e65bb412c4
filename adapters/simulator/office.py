"""What the simulated customs answers to one uploaded file, in order.

- Unreadable or schema-invalid file: the client refuses it (Failed_ import result,
  or a DecImportResponse with an error) and the file goes to FailBox.
- INV101: import result, INV201 stored (Y), then returned (3) with the reasons
  customs gives for codes not in force or totals that do not add up; or, as the
  behaviour's rates draw, manual review (2) or a return; then approved (1) with
  the list number. A list that generates its declaration gets INV202 and the
  declaration's DEC_RESULT channels (L, inspection C/S, P released).
- SAS121: import result, SAS221 (approved with the pass number, or returned when a
  bound list is unknown or not approved), SAS224 if the gate inspects, SAS223 with
  the scale's reading (declared total plus seeded noise), then INV211 for every
  bound list (posted to the book) and R (closed) for export declarations. As the
  behaviour's weight-hold rate draws, the scale reads far over the declared total.
- DecMessage: DecImportResponse, then L, E (returned with reasons) or Z (returned
  for correction) or on to C/S, T (duties payable, imports under full duty), P, R.

Decisions for a document come from a random generator seeded with the behaviour's
seed and the document's own numbers, so they do not depend on arrival order.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Final

from adapters.simulator import receipts as build
from adapters.simulator.behaviour import SimulatorBehaviour
from adapters.simulator.state import (
    DeclarationRecord,
    ListRecord,
    PassRecord,
    SimulatorState,
)
from adapters.xml.binding import local_name
from adapters.xml.codec import CustomsMessage, Layout, from_element, kind_of
from adapters.xml.errors import XmlMessageError
from adapters.xml.safe import parse_untrusted
from adapters.xml.xsd import check_against_schema
from codetables.checks import code_problems
from codetables.tables import CodeTables
from rules.declared_values import total_differs
from rules.gate_weight import DEFAULT_TOLERANCE
from schemas.messages.base import EnvelopeStyle
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.codes import (
    DeclarationChannel,
    DeclarationKind,
    DeclarationRoute,
    DeclareFlag,
    GatePassKind,
    GatePassStatus,
    ImpExp,
    MessageType,
    RelatedDocumentKind,
    ReviewResult,
)
from schemas.messages.declaration import DeclarationMessage
from schemas.messages.envelope import EnvelopInfo
from schemas.messages.fields import DOCUMENT_ZONE
from schemas.messages.gate_pass import GatePassUpload
from schemas.messages.receipts import BondInvtBsc, BondInvtDt, SasPassportBsc

#: A held vehicle's scale reading is over the declared total by this share of it
#: (at least 1 kg): twice the zone's usual tolerance, so the engine holds it.
HELD_WEIGHT_SHARE: Final = 2 * DEFAULT_TOLERANCE

#: The gate's ID (卡口ID) the simulated gate writes into passID.
GATE_ID = "960101"

_RETURNS = (DeclarationChannel.RETURNED, DeclarationChannel.RETURNED_FOR_CORRECTION)

RANDOM_RETURN_REASONS = (
    "第{line}项商品申报单价与同期进口价格差异较大，请核实后重新申报",
    "第{line}项商品规格型号申报不规范，请按申报要素填报",
    "随附单证不全，请补充合同及发票后重新申报",
)


@dataclass(frozen=True)
class Planned:
    """One file the simulated customs writes to the InBox, ``step`` receipts in."""

    file_name: str
    message: CustomsMessage
    step: int
    later_seconds: float = 0.0  # written this much after its step's time (an inspection)


@dataclass
class Reply:
    accepted: bool  # imported by the client: the file goes to SentBox, else FailBox
    planned: list[Planned] = field(default_factory=list)


class CustomsOffice:
    def __init__(
        self,
        behaviour: SimulatorBehaviour,
        state: SimulatorState,
        tables: CodeTables,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.behaviour = behaviour
        self.state = state
        self.tables = tables
        self.clock = clock

    # --- entry point ----------------------------------------------------------------

    def answer(self, file_name: str, payload: bytes) -> Reply:
        self._now = self.clock().astimezone(DOCUMENT_ZONE).replace(microsecond=0)
        # Every answer's files carry its own number: a document answered twice (a draft,
        # then the declaration) never overwrites receipts the watcher has not read.
        self._tag = f"a{self.state.next('answer'):06d}"
        try:
            root = parse_untrusted(payload, source=file_name)
        except XmlMessageError as error:
            return self._refused(file_name, None, f"报文解析失败: {error}")
        try:
            message = from_element(root, source=file_name)
            kind = kind_of(message)
            if kind.layout is not Layout.UPLOAD and kind.type is not MessageType.DEC_MESSAGE:
                raise XmlMessageError(f"{kind.type.value} is not an upload")
            check_against_schema(root, kind.type, source=file_name)
        except XmlMessageError as error:
            return self._refused(file_name, local_name(root), f"报文校验失败: {error}")
        if isinstance(message, BondedListUpload):
            return self._bonded_list(file_name, message)
        if isinstance(message, GatePassUpload):
            return self._gate_pass(file_name, message)
        assert isinstance(message, DeclarationMessage)
        return self._declaration(file_name, message)

    def _refused(self, file_name: str, root_name: str | None, reason: str) -> Reply:
        if root_name == "DecMessage":
            response = build.declaration_import(
                client_seq_no=None, seq_no=None, ok=False, reason=reason
            )
            return Reply(False, [Planned(f"Failed_{file_name}", response, 0)])
        result = build.import_result(seq_no=None, inner_no=None, ok=False, reason=reason)
        return Reply(False, [Planned(f"Failed_{file_name}", result, 0)])

    # --- helpers --------------------------------------------------------------------

    def _rng(self, *parts: object) -> random.Random:
        return random.Random("|".join(str(part) for part in (self.behaviour.seed, *parts)))

    def _at(self, step: int) -> dt.datetime:
        # Customs' own times: one second apart per step, so receipts have an order.
        return self._now + dt.timedelta(seconds=step)

    def _style(self, rng: random.Random) -> EnvelopeStyle:
        wrapped = rng.random() < self.behaviour.xmldsig_share
        return EnvelopeStyle.XMLDSIG if wrapped else EnvelopeStyle.BARE

    def _envelope(
        self, message_type: MessageType, receiver: str, step: int, business_id: str | None = None
    ) -> EnvelopInfo:
        return build.envelope(
            message_type,
            serial=self.state.next("message"),
            sender_id=self.behaviour.customs_sender_id,
            receiver_id=receiver,
            at=self._at(step),
            business_id=business_id,
        )

    def _year(self) -> str:
        return f"{self._now.year:04d}"

    def _seq_no(self, district: str, flag: str) -> str:
        # 关区 (4) + 年 (4) + 标志 (1) + 流水 (9): 18 characters, as customs issues them.
        return f"{district}{self._year()}{flag}{self.state.next('seq:' + flag):09d}"

    def _numbered(self, prefix: str, district: str, ie: str) -> str:
        serial = self.state.next(f"{prefix}:{ie}")
        return f"{prefix}{district}{self._year()[2:]}{ie}{serial:09d}"

    # --- INV101 ---------------------------------------------------------------------

    def _bonded_list(self, file_name: str, upload: BondedListUpload) -> Reply:
        head = upload.message.head
        inner = head.etps_inner_invt_no
        sender = upload.envelope.sender_id
        rng = self._rng("INV101", inner, head.chg_tms_cnt)
        known = self.state.lists.get(inner)
        problems = self._list_problems(upload, known)
        if known is None:
            seq_no = head.seq_no or self._seq_no(head.dcl_plc_cuscd, "1")
            known = ListRecord(
                inner_no=inner,
                seq_no=seq_no,
                ie=head.impexp_markcd.value,
                change_count=head.chg_tms_cnt,
                sender_id=sender,
                generates_declaration=head.dclcus_typecd is DeclarationRoute.GENERATED,
            )
            self.state.lists[inner] = known
        elif not problems:
            known.change_count = head.chg_tms_cnt
        reply = Reply(True)
        base = f"{inner}_c{head.chg_tms_cnt}"

        def plan(
            message_type: MessageType, step: int, make: Callable[[EnvelopInfo], CustomsMessage]
        ) -> None:
            name = f"{message_type.value}_{base}_{self._tag}_{step:02d}.xml"
            envelope = self._envelope(message_type, sender, step)
            reply.planned.append(Planned(name, make(envelope), step))

        reply.planned.append(
            Planned(
                f"Successed_{file_name}",
                build.import_result(
                    seq_no=known.seq_no, inner_no=inner, ok=True, reason="导入成功"
                ),
                0,
            )
        )

        def review(
            step: int,
            result: ReviewResult,
            status: str | None,
            deduction: str | None,
            reasons: tuple[str, ...] = (),
        ) -> None:
            style = self._style(rng)
            # Stored (Y) says only that; the others echo the list as customs holds it,
            # an approval with its lines.
            echo: BondInvtBsc | None = None
            lines: tuple[BondInvtDt, ...] = ()
            if status is not None and deduction is not None:
                echo = build.list_head(
                    upload,
                    seq_no=known.seq_no,
                    list_no=known.list_no,
                    status=status,
                    deduction=deduction,
                    prededucted_at=self._at(step) if deduction == "1" else None,
                )
            if echo is not None and result is ReviewResult.APPROVED:
                lines = build.list_lines(upload, list_no=known.list_no)
                known.head_echo = echo.model_dump()
                known.lines_echo = [line.model_dump() for line in lines]
            plan(
                MessageType.INV201,
                step,
                lambda envelope: build.list_review(
                    envelope,
                    style,
                    seq_no=known.seq_no,
                    list_no=known.list_no,
                    change_count=head.chg_tms_cnt,
                    result=result,
                    head=echo,
                    lines=lines,
                    at=self._at(step),
                    reasons=reasons,
                ),
            )

        review(1, ReviewResult.STORED, None, None)
        if upload.declare_flag is DeclareFlag.SAVE:
            return reply  # 暂存: stored, not declared
        if problems:
            known.status = "returned"
            review(2, ReviewResult.RETURNED, "2", "0", tuple(problems))
            return reply
        if head.dcl_typecd is DeclarationKind.DELETE:
            known.status = "deleted"
            review(2, ReviewResult.APPROVED, "3", "0")
            return reply
        step = 2
        if rng.random() < self.behaviour.return_rate:
            known.status = "returned"
            line = rng.randint(1, len(upload.message.lines))
            reason = rng.choice(RANDOM_RETURN_REASONS).format(line=line)
            review(step, ReviewResult.RETURNED, "2", "0", (reason,))
            return reply
        if rng.random() < self.behaviour.manual_review_rate:
            review(step, ReviewResult.MANUAL_REVIEW, "1", "0")
            step += 1
        if known.list_no is None:
            known.list_no = self._numbered("QD", head.dcl_plc_cuscd, known.ie)
        known.status = "approved"
        # An outbound list is pre-deducted on approval; an inbound one waits for the gate.
        review(step, ReviewResult.APPROVED, "0", "1" if known.ie == "E" else "0")
        step += 1
        if known.generates_declaration and head.dclcus_flag.value == "1":
            self._generated_declaration(reply, upload, known, rng, step)
        return reply

    def _list_problems(self, upload: BondedListUpload, known: ListRecord | None) -> list[str]:
        head = upload.message.head
        reasons = [
            f"{problem.field}: 代码[{problem.code}]在参数表[{problem.table}]中不存在或已失效"
            for problem in code_problems(upload, self.tables, on=self._now.date())
        ]
        for index, line in enumerate(upload.message.lines, start=1):
            if total_differs(line.dcl_uprc_amt, line.dcl_qty, line.dcl_total_amt):
                reasons.append(
                    f"InvtMessage/InvtListType[{index}]/DclTotalAmt: 申报总价{line.dcl_total_amt}"
                    f"与单价{line.dcl_uprc_amt}×数量{line.dcl_qty}不符"
                )
        if known is not None:
            if known.status in ("approved", "posted") and head.dcl_typecd is DeclarationKind.FILE:
                reasons.append(f"企业内部编号{head.etps_inner_invt_no}重复，清单已审核通过")
            elif known.status == "returned" and head.chg_tms_cnt != known.change_count + 1:
                reasons.append(
                    f"InvtMessage/InvtHeadType/ChgTmsCnt: 退单后重新申报，变更次数应为"
                    f"{known.change_count + 1}"
                )
        elif head.dcl_typecd is not DeclarationKind.FILE:
            reasons.append(f"清单{head.etps_inner_invt_no}不存在，不能变更或删除")
        return reasons

    def _generated_declaration(
        self,
        reply: Reply,
        upload: BondedListUpload,
        known: ListRecord,
        rng: random.Random,
        step: int,
    ) -> None:
        head = upload.message.head
        district = head.dcl_plc_cuscd
        if known.declaration_seq_no is None:
            known.declaration_seq_no = self._seq_no(district, "0")
        assert known.list_no is not None
        declaration = DeclarationRecord(
            client_seq_no=known.inner_no, seq_no=known.declaration_seq_no, ie=known.ie
        )
        self.state.declarations[declaration.seq_no] = declaration
        style = self._style(rng)
        name = f"INV202_{known.inner_no}_c{head.chg_tms_cnt}_{self._tag}_{step:02d}.xml"
        envelope = self._envelope(MessageType.INV202, known.sender_id, step, known.list_no)
        reply.planned.append(
            Planned(
                name,
                build.declaration_generated(
                    envelope,
                    style,
                    seq_no=known.seq_no,
                    list_no=known.list_no,
                    declaration_seq_no=declaration.seq_no,
                    at=self._at(step),
                ),
                step,
            )
        )
        channels = [DeclarationChannel.STORED]
        if rng.random() < self.behaviour.inspection_rate:
            channels += [DeclarationChannel.INSPECTION_NOTICE, DeclarationChannel.INSPECTING]
        if head.dec_type == "1" and head.impexp_markcd is ImpExp.EXPORT:
            # an import into China (domestic sale): duties payable
            channels.append(DeclarationChannel.DUTIES_PAYABLE)
        channels.append(DeclarationChannel.RELEASED)
        self._channels(reply, declaration, district, channels, step + 1)

    def _channels(
        self,
        reply: Reply,
        declaration: DeclarationRecord,
        district: str,
        channels: list[DeclarationChannel],
        first_step: int,
        reasons: tuple[str, ...] = (),
    ) -> None:
        later = 0.0
        for offset, channel in enumerate(channels):
            step = first_step + offset
            if channel is DeclarationChannel.STORED and declaration.entry_id is None:
                flag = "1" if declaration.ie == "I" else "0"
                serial = self.state.next("entry:" + flag)
                declaration.entry_id = f"{district}{self._year()}{flag}{serial:09d}"
            declaration.status = channel.value
            reply.planned.append(
                Planned(
                    f"DEC_RESULT_{declaration.seq_no}_{self._tag}_{channel.value}.xml",
                    build.declaration_status(
                        seq_no=declaration.seq_no,
                        entry_id=declaration.entry_id,
                        channel=channel,
                        at=self._at(step),
                        port=district,
                        reasons=reasons if channel in _RETURNS else (),
                    ),
                    step,
                    later,
                )
            )
            if channel is DeclarationChannel.INSPECTING:
                later = self.behaviour.inspection_seconds  # what follows waits for it

    # --- SAS121 ---------------------------------------------------------------------

    def _gate_pass(self, file_name: str, upload: GatePassUpload) -> Reply:
        head = upload.message.head
        inner = head.etps_preent_no
        sender = upload.envelope.sender_id
        rng = self._rng("SAS121", inner)
        known = self.state.passes.get(inner)
        if known is None:
            known = PassRecord(
                inner_no=inner,
                seq_no=head.seq_no or self._seq_no(head.master_cuscd, "2"),
                sender_id=sender,
            )
            self.state.passes[inner] = known
        reply = Reply(True)
        reply.planned.append(
            Planned(
                f"Successed_{file_name}",
                build.import_result(
                    seq_no=known.seq_no, inner_no=inner, ok=True, reason="导入成功"
                ),
                0,
            )
        )

        def name_of(message_type: MessageType, step: int) -> str:
            return f"{message_type.value}_{inner}_{self._tag}_{step:02d}.xml"

        if upload.declare_flag is DeclareFlag.SAVE:
            return reply
        bound = self._bound_lists(upload)
        reasons = [
            f"关联清单{number}不存在或未审核通过" for number, record in bound if record is None
        ]
        if known.status == "passed":
            reasons.append(f"核放单{inner}已过卡，不能重复申报")
        if (
            not reasons
            and not known.returned_once
            and self.behaviour.gate_return_rate > 0
            # Its own draw: the other decisions of a seed stay as they were.
            and self._rng("SAS121-vehicle", inner).random() < self.behaviour.gate_return_rate
        ):
            known.returned_once = True
            reasons.append(f"车辆{head.vehicle_no}与卡口备案信息不符，请核实车牌号及车辆自重")

        def echo(
            status: GatePassStatus | None,
            passed_at: dt.datetime | None = None,
            measured: Decimal | None = None,
        ) -> SasPassportBsc:
            return build.pass_head(
                upload,
                seq_no=known.seq_no,
                pass_no=known.pass_no,
                status=status,
                applied_at=self._at(0),
                passed_at=passed_at,
                measured=measured,
                gate_id=GATE_ID if passed_at else "",
            )

        def review(
            result: ReviewResult, status: GatePassStatus | None, reasons: tuple[str, ...] = ()
        ) -> None:
            name = name_of(MessageType.SAS221, 1)
            receipt = build.pass_review(
                self._envelope(MessageType.SAS221, sender, 1),
                self._style(rng),
                seq_no=known.seq_no,
                pass_no=known.pass_no,
                result=result,
                head=echo(status),
                lines=build.pass_lines(upload, pass_no=known.pass_no),
                at=self._at(1),
                reasons=reasons,
            )
            reply.planned.append(Planned(name, receipt, 1))

        if reasons:
            known.status = "returned"
            review(ReviewResult.RETURNED, None, tuple(reasons))
            return reply
        if known.pass_no is None:
            known.pass_no = self._numbered("HF", head.master_cuscd, head.io_typecd.value)
        known.status = "approved"
        review(ReviewResult.APPROVED, GatePassStatus.APPROVED)
        step = 2
        if rng.random() < self.behaviour.gate_inspection_rate:
            name = name_of(MessageType.SAS224, step)
            reply.planned.append(
                Planned(
                    name,
                    build.gate_inspection(
                        self._envelope(MessageType.SAS224, sender, step),
                        self._style(rng),
                        seq_no=known.seq_no,
                        pass_no=known.pass_no,
                        head=echo(GatePassStatus.APPROVED),
                        at=self._at(step),
                    ),
                    step,
                )
            )
            step += 1
        measured = self._measured(head.total_wt, rng)
        if (
            self.behaviour.weight_hold_rate > 0
            # Its own draw: the other decisions of a seed stay as they were.
            and self._rng("SAS121-scale", inner).random() < self.behaviour.weight_hold_rate
        ):
            measured = self._held(head.total_wt)
        name = name_of(MessageType.SAS223, step)
        known.status = "passed"
        reply.planned.append(
            Planned(
                name,
                build.gate_passage(
                    self._envelope(MessageType.SAS223, sender, step),
                    self._style(rng),
                    seq_no=known.seq_no,
                    pass_no=known.pass_no,
                    head=echo(GatePassStatus.THROUGH_GATE, self._at(step), measured),
                    at=self._at(step),
                ),
                step,
            )
        )
        for _, record in bound:
            assert record is not None
            step += 1
            self._posted(reply, record, rng, step)
        return reply

    def _bound_lists(self, upload: GatePassUpload) -> list[tuple[str, ListRecord | None]]:
        if upload.message.head.passport_typecd is GatePassKind.EMPTY_VEHICLE:
            return []
        numbers = list(upload.message.head.rlt_no)
        numbers += [
            document.rtl_bill_no
            for document in upload.message.documents
            if document.rtl_bill_typecd is RelatedDocumentKind.BONDED_LIST
        ]
        seen: list[tuple[str, ListRecord | None]] = []
        for number in dict.fromkeys(numbers):
            record = self.state.list_by_number(number)
            usable = record is not None and record.status == "approved"
            seen.append((number, record if usable else None))
        return seen

    def _measured(self, declared: Decimal, rng: random.Random) -> Decimal:
        # The scale reads in half kilograms; the noise is uniform within the behaviour's band.
        half_steps = int(self.behaviour.weight_noise_kg * 2)
        noise = Decimal(rng.randint(-half_steps, half_steps)) / 2 if half_steps else Decimal(0)
        return max(Decimal(0), declared + noise)

    @staticmethod
    def _held(declared: Decimal) -> Decimal:
        # Over by the held share (at least 1 kg), rounded up to the scale's half kilogram.
        excess = max(declared * HELD_WEIGHT_SHARE, Decimal(1))
        return declared + (excess * 2).to_integral_value(rounding=ROUND_CEILING) / 2

    def _posted(self, reply: Reply, record: ListRecord, rng: random.Random, step: int) -> None:
        assert record.list_no is not None
        record.status = "posted"
        name = f"INV211_{record.inner_no}_c{record.change_count}_{self._tag}_posted.xml"
        reply.planned.append(
            Planned(
                name,
                build.list_posted(
                    self._envelope(MessageType.INV211, record.sender_id, step),
                    self._style(rng),
                    seq_no=record.seq_no,
                    change_count=record.change_count,
                    head=BondInvtBsc.model_validate(record.head_echo),
                    lines=tuple(BondInvtDt.model_validate(line) for line in record.lines_echo),
                    at=self._at(step),
                    # Real INV211s carry no result block; some producers add one. Its
                    # own draw: the other decisions of a seed stay as they were.
                    with_result=self._rng("INV211-result", record.inner_no).random()
                    < self.behaviour.posting_result_share,
                ),
                step,
            )
        )
        if record.ie == "E" and record.declaration_seq_no is not None:
            declaration = self.state.declarations.get(record.declaration_seq_no)
            if declaration is not None and declaration.status == DeclarationChannel.RELEASED:
                district = record.list_no[2:6]
                self._channels(reply, declaration, district, [DeclarationChannel.CLOSED], step + 1)

    # --- DecMessage -----------------------------------------------------------------

    def _declaration(self, file_name: str, message: DeclarationMessage) -> Reply:
        client_seq_no = message.sign.client_seq_no
        district = message.head.custom_master
        rng = self._rng("DecMessage", client_seq_no)
        existing = next(
            (
                record
                for record in self.state.declarations.values()
                if record.client_seq_no == client_seq_no
            ),
            None,
        )
        if existing is None:
            existing = DeclarationRecord(
                client_seq_no=client_seq_no,
                seq_no=message.head.seq_no or self._seq_no(district, "0"),
                ie=message.head.ie_flag.value,
            )
            self.state.declarations[existing.seq_no] = existing
        reply = Reply(True)
        reply.planned.append(
            Planned(
                f"Successed_{file_name}",
                build.declaration_import(
                    client_seq_no=client_seq_no, seq_no=existing.seq_no, ok=True, reason=""
                ),
                0,
            )
        )
        reasons = [
            f"{problem.field}: 代码[{problem.code}]在参数表[{problem.table}]中不存在或已失效"
            for problem in code_problems(message, self.tables, on=self._now.date())
        ]
        for line in message.lines:
            if total_differs(line.decl_price, line.g_qty, line.decl_total):
                reasons.append(f"第{line.g_no}项商品申报总价与单价×数量不符")
        if reasons:
            self._channels(
                reply, existing, district, [DeclarationChannel.RETURNED], 1, tuple(reasons)
            )
            return reply
        if rng.random() < self.behaviour.return_rate:
            line_no = rng.randint(1, len(message.lines))
            reason = rng.choice(RANDOM_RETURN_REASONS).format(line=line_no)
            returned = [DeclarationChannel.STORED, DeclarationChannel.RETURNED_FOR_CORRECTION]
            self._channels(reply, existing, district, returned, 1, (reason,))
            return reply
        channels = [DeclarationChannel.STORED, DeclarationChannel.CLEARED_FOR_PAYMENT]
        if rng.random() < self.behaviour.inspection_rate:
            channels += [DeclarationChannel.INSPECTION_NOTICE, DeclarationChannel.INSPECTING]
        dutiable = message.head.ie_flag is ImpExp.IMPORT and any(
            line.duty_mode == "1" for line in message.lines
        )
        if dutiable:
            channels.append(DeclarationChannel.DUTIES_PAYABLE)
        channels.append(DeclarationChannel.RELEASED)
        if message.head.ie_flag is ImpExp.EXPORT:
            channels.append(DeclarationChannel.CLOSED)
        self._channels(reply, existing, district, channels, 1)
        return reply
