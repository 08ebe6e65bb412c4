"""Turn a lifecycle's draft and the book's master data into customs messages (pure).

The workflow holds a small draft; the activity reads master data, calls these
functions and hands the message to the gateway. Nothing here touches a database,
so every field's origin is plain to read and test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from codetables.systems import CHINA, written_like
from rules.declared_values import expected_total
from rules.gate_weight import declared_gross_weight, goods_gross_weight
from rules.inner_numbers import TransferSide, transfer_inner_no
from rules.units import legal_quantities
from schemas.lifecycle import (
    DomesticSaleDraft,
    EntryDraft,
    ExportDraft,
    SecondLineEntryDraft,
    TransferDraft,
)
from schemas.messages.bonded_list import BondedListUpload, InvtHead, InvtLine, InvtMessage
from schemas.messages.codes import (
    DEFAULT_DEC_VERSION,
    BindingKind,
    DeclarationFlag,
    DeclarationKind,
    DeclarationRoute,
    DeclareFlag,
    GatePassKind,
    ImpExp,
    MaterialOrProduct,
    MessageType,
    RelatedDocumentKind,
)
from schemas.messages.declaration import (
    DecFreeTxt,
    DecHead,
    DeclarationMessage,
    DecList,
    DecSign,
)
from schemas.messages.envelope import EnvelopInfo
from schemas.messages.gate_pass import (
    GatePassUpload,
    PassportAcmp,
    PassportHead,
    PassportList,
    PassPortMessage,
)
from schemas.snapshots import ItemRecord, PartyRecord

Draft = EntryDraft | ExportDraft | DomesticSaleDraft | SecondLineEntryDraft

RECEIVER = "DXPEDCCEB0000002"  # the single window's customs-side address
SYS_ID = "Z8"  # 综合保税区 system id in InvtMessage


@dataclass(frozen=True)
class BookFacts:
    book_no: str
    district: str
    owner: PartyRecord


def sender_id(party: PartyRecord) -> str:
    return f"DXPENT{party.customs_code}"


def _envelope(
    message_type: MessageType, name: str, sender: PartyRecord, at: dt.datetime
) -> EnvelopInfo:
    return EnvelopInfo(
        message_id=name,
        file_name=f"{name}.xml",
        message_type=message_type,
        sender_id=sender_id(sender),
        receiver_id=RECEIVER,
        send_time=at.replace(microsecond=0),
    )


def _line(
    number: int,
    item: ItemRecord,
    quantity: Decimal,
    unit_price: Decimal,
    currency: str,
    *,
    origin: str,
    duty_mode: str,
    destination: str | None = None,
    gross: Decimal | None = None,
    net: Decimal | None = None,
) -> InvtLine:
    """One list line of a registered item, with its exact legal quantities."""
    first, second = legal_quantities(quantity, item.first_legal_factor, item.second_legal_factor)
    return InvtLine(
        gds_seqno=number,
        putrec_seqno=item.item_no,
        gds_mtno=item.part_no,
        gdecd=item.hs_code,
        gds_nm=item.name,
        gds_spcf_model_desc=item.specification or None,
        dcl_unitcd=item.declared_unit,
        lawf_unitcd=item.first_legal_unit,
        secd_lawf_unitcd=item.second_legal_unit,
        natcd=origin,
        destination_natcd=destination,
        dcl_uprc_amt=unit_price,
        dcl_total_amt=expected_total(unit_price, quantity),
        dcl_currcd=currency,
        dcl_qty=quantity,
        lawf_qty=first,
        secd_lawf_qty=second,
        gross_wt=gross,
        net_wt=net,
        lvyrlf_modecd=duty_mode,
    )


def entry_list(
    draft: Draft,
    *,
    book: BookFacts,
    declarant: PartyRecord,
    items: Mapping[int, ItemRecord],
    change_count: int,
    kind: DeclarationKind,
    at: dt.datetime,
    seq_no: str | None = None,
    list_no: str | None = None,
    remark: str | None = None,
) -> BondedListUpload:
    """The INV101 of a first-line entry or exit: a list that generates its filing list
    (DclcusTypecd 2; DecType 3 inbound, 4 outbound)."""
    owner = book.owner
    outbound = isinstance(draft, ExportDraft | DomesticSaleDraft)
    domestic = isinstance(draft, DomesticSaleDraft)
    # Goods from the domestic market: the domestic party files the declaration itself
    # (关联报关); the list generates none.
    linked = isinstance(draft, SecondLineEntryDraft)
    all_products = all(items[line.item_no].is_finished_good for line in draft.lines)
    lines = [
        _line(
            number,
            items[line.item_no],
            line.quantity,
            line.unit_price,
            line.currency,
            origin=line.origin_country,
            destination=_destination(draft, line.origin_country, at.date()),
            gross=line.gross_weight,
            net=line.net_weight,
            # 照章征税 for goods sold into China; 全免 for bonded goods in and out.
            duty_mode="1" if domestic else "3",
        )
        for number, line in enumerate(draft.lines, start=1)
    ]
    head = InvtHead(
        seq_no=seq_no,
        bond_invt_no=list_no,
        chg_tms_cnt=change_count,
        putrec_no=book.book_no,
        etps_inner_invt_no=draft.inner_no,
        bizop_etpsno=owner.customs_code,
        bizop_etps_sccd=owner.credit_code,
        bizop_etps_nm=owner.name,
        rcvgd_etpsno=owner.customs_code,
        rvsngd_etps_sccd=owner.credit_code,
        rcvgd_etps_nm=owner.name,
        dcl_etpsno=declarant.customs_code,
        dcl_etps_sccd=declarant.credit_code,
        dcl_etps_nm=declarant.name,
        input_code=declarant.customs_code,
        input_credit_code=declarant.credit_code,
        input_name=declarant.name,
        impexp_portcd=book.district,
        dcl_plc_cuscd=book.district,
        impexp_markcd=ImpExp.EXPORT if outbound else ImpExp.IMPORT,
        mtpck_endprd_markcd=(
            MaterialOrProduct.PRODUCT if all_products else MaterialOrProduct.MATERIAL
        ),
        supv_modecd=draft.supervision_mode,
        trsp_modecd=draft.transport_mode,
        dclcus_flag=DeclarationFlag.DECLARED,
        dclcus_typecd=DeclarationRoute.LINKED if linked else DeclarationRoute.GENERATED,
        gen_dec_flag="2" if linked else "1",
        dec_type=_declaration_type(draft, outbound=outbound),
        stship_trsarv_natcd=(
            _destination(draft, draft.lines[0].origin_country, at.date())
            or _departure(draft, at.date())
        ),
        invt_type="0",
        dcl_typecd=kind,
        input_time=at.date(),
        invt_dcl_time=at.date(),
        # 对应报关: the declarant of the list also files the declaration it generates.
        corr_entry_dcl_etps_sccd=None if linked else declarant.credit_code,
        corr_entry_dcl_etps_no=None if linked else declarant.customs_code,
        corr_entry_dcl_etps_nm=None if linked else declarant.name,
        rlt_entry_no=draft.linked_entry_id if isinstance(draft, SecondLineEntryDraft) else None,
        rmk=remark or _remark(draft),
    )
    name = f"INV101_{draft.inner_no}_c{change_count}_{kind.value}"
    return BondedListUpload(
        envelope=_envelope(MessageType.INV101, name, declarant, at),
        message=InvtMessage(
            sys_id=SYS_ID,
            oper_cus_reg_code=declarant.customs_code,
            head=head,
            lines=tuple(lines),
        ),
        declare_flag=DeclareFlag.DECLARE,
    )


def _declaration_type(draft: Draft, *, outbound: bool) -> str:
    """DecType (报关单类型): 1 import and 2 export declaration, 3 inbound and 4 outbound
    filing list. A domestic sale is an import into China; a second-line entry's linked
    declaration says itself whether it is an import or an export (the 9th digit of its
    number, 1 or 0)."""
    if isinstance(draft, SecondLineEntryDraft):
        return "1" if draft.linked_entry_id[8] == "1" else "2"
    if isinstance(draft, DomesticSaleDraft):
        return "1"
    return "4" if outbound else "3"


def _china(like: str, on: dt.date) -> str:
    """中国 (the domestic market) in the code system of ``like``, a country or currency code
    of the same document: 142 beside numeric codes, CHN beside letter codes."""
    return written_like("country", CHINA, like, on)


def _destination(draft: Draft, like: str, on: dt.date) -> str | None:
    if isinstance(draft, ExportDraft):
        return draft.destination_country
    if isinstance(draft, DomesticSaleDraft):
        return _china(like, on)
    return None


def _departure(draft: Draft, on: dt.date) -> str:
    if isinstance(draft, SecondLineEntryDraft):  # from China's domestic market
        return _china(draft.lines[0].origin_country, on)
    assert isinstance(draft, EntryDraft)
    return draft.departure_country


def _remark(draft: Draft) -> str | None:
    if isinstance(draft, SecondLineEntryDraft):
        note = f"关联报关单 {draft.linked_entry_id} {draft.supplier} {draft.remark or ''}"
        return note.strip()[:512]
    if isinstance(draft, ExportDraft):
        return f"{draft.train} {draft.remark or ''}".strip()[:512]
    return draft.remark


def gate_pass_inner_no(draft: Draft) -> str:
    return f"{draft.inner_no}-GP"[:64]


def entry_gate_pass(
    draft: Draft,
    *,
    book: BookFacts,
    declarant: PartyRecord,
    items: Mapping[int, ItemRecord],
    list_no: str,
    at: dt.datetime,
) -> GatePassUpload:
    """The SAS121 for the vehicle carrying an entry or exit: one list, one vehicle."""
    owner = book.owner
    gross = goods_gross_weight(draft.lines)
    net = sum((line.net_weight for line in draft.lines), Decimal(0))
    vehicle = draft.vehicle
    total = declared_gross_weight(vehicle, draft.lines)
    head = PassportHead(
        passport_typecd=(
            GatePassKind.SECOND_LINE
            if isinstance(draft, DomesticSaleDraft | SecondLineEntryDraft)
            else GatePassKind.FIRST_LINE
        ),
        master_cuscd=book.district,
        dcl_typecd=DeclarationKind.FILE,
        io_typecd=(
            ImpExp.IMPORT if isinstance(draft, EntryDraft | SecondLineEntryDraft) else ImpExp.EXPORT
        ),
        bind_typecd=BindingKind.ONE_LIST_ONE_VEHICLE,
        rlt_tb_typecd=RelatedDocumentKind.BONDED_LIST,
        rlt_no=(list_no,),
        areain_oriact_no=book.book_no,
        areain_etpsno=owner.customs_code,
        areain_etps_nm=owner.name,
        areain_etps_sccd=owner.credit_code,
        vehicle_no=vehicle.vehicle_no,
        vehicle_wt=vehicle.vehicle_weight,
        vehicle_frame_wt=vehicle.frame_weight,
        container_wt=vehicle.container_weight or None,
        total_wt=total,
        total_gross_wt=gross,
        total_net_wt=net,
        dcl_er_conc=declarant.name,
        dcl_time=at.strftime("%Y%m%d"),
        dcl_etpsno=declarant.customs_code,
        dcl_etps_nm=declarant.name,
        dcl_etps_sccd=declarant.credit_code,
        input_code=declarant.customs_code,
        input_sccd=declarant.credit_code,
        input_name=declarant.name,
        etps_preent_no=gate_pass_inner_no(draft),
    )
    lines = tuple(
        PassportList(
            passport_seqno=number,
            rlt_gds_seqno=number,
            gds_mtno=items[line.item_no].part_no,
            gdecd=items[line.item_no].hs_code,
            gds_nm=items[line.item_no].name,
            dcl_unitcd=items[line.item_no].declared_unit,
            dcl_qty=line.quantity,
            gross_wt=line.gross_weight,
            net_wt=line.net_weight,
        )
        for number, line in enumerate(draft.lines, start=1)
    )
    name = f"SAS121_{gate_pass_inner_no(draft)}"
    return GatePassUpload(
        envelope=_envelope(MessageType.SAS121, name, declarant, at),
        message=PassPortMessage(
            head=head,
            lines=lines,
            documents=(
                PassportAcmp(rtl_bill_typecd=RelatedDocumentKind.BONDED_LIST, rtl_bill_no=list_no),
            ),
            oper_cus_reg_code=declarant.customs_code,
        ),
        declare_flag=DeclareFlag.DECLARE,
    )


def transfer_list(
    draft: TransferDraft,
    *,
    side: TransferSide,
    book: BookFacts,
    partner: BookFacts,
    declarant: PartyRecord,
    items: Mapping[int, ItemRecord],
    at: dt.datetime,
    related_list_no: str | None = None,
    change_count: int = 0,
    kind: DeclarationKind = DeclarationKind.FILE,
    seq_no: str | None = None,
    list_no: str | None = None,
) -> BondedListUpload:
    """One side of an in-zone transfer (区内流转, InvtType 6): the out list on the giving
    book, the in list on the receiving book naming the out list (RltInvtNo). No
    declaration: the goods stay in the zone (DclcusFlag 2). A returned side is filed
    again with ChgTmsCnt + 1; a cancelled transfer asks for each side's deletion."""
    outbound = side == "out"
    owner = book.owner
    lines = [
        _line(
            number,
            items[line.from_item_no if outbound else line.to_item_no],
            line.quantity,
            line.unit_price,
            line.currency,
            origin=_china(line.currency, at.date()),  # goods already in the zone
            duty_mode="3",
        )
        for number, line in enumerate(draft.lines, start=1)
    ]
    head = InvtHead(
        seq_no=seq_no,
        bond_invt_no=list_no,
        chg_tms_cnt=change_count,
        putrec_no=book.book_no,
        etps_inner_invt_no=transfer_inner_no(draft.transfer_no, side),
        bizop_etpsno=owner.customs_code,
        bizop_etps_sccd=owner.credit_code,
        bizop_etps_nm=owner.name,
        rcvgd_etpsno=owner.customs_code,
        rvsngd_etps_sccd=owner.credit_code,
        rcvgd_etps_nm=owner.name,
        dcl_etpsno=declarant.customs_code,
        dcl_etps_sccd=declarant.credit_code,
        dcl_etps_nm=declarant.name,
        input_code=declarant.customs_code,
        input_credit_code=declarant.credit_code,
        input_name=declarant.name,
        rlt_invt_no=related_list_no,
        rlt_putrec_no=partner.book_no,
        impexp_portcd=book.district,
        dcl_plc_cuscd=book.district,
        impexp_markcd=ImpExp.EXPORT if outbound else ImpExp.IMPORT,
        mtpck_endprd_markcd=(
            MaterialOrProduct.PRODUCT
            if all(item.is_finished_good for item in lines_items(draft, items, outbound))
            else MaterialOrProduct.MATERIAL
        ),
        supv_modecd=draft.supervision_mode,
        trsp_modecd="9",  # 其他: the goods do not cross a gate
        dclcus_flag=DeclarationFlag.NOT_DECLARED,
        stship_trsarv_natcd=_china(draft.lines[0].currency, at.date()),
        invt_type="6",  # 区内流转
        dcl_typecd=kind,
        gen_dec_flag="2",  # no declaration: the goods stay in the zone
        input_time=at.date(),
        invt_dcl_time=at.date(),
        rmk=f"区内流转 {book.book_no} {'转出至' if outbound else '转入自'} {partner.book_no}",
    )
    name = f"INV101_{head.etps_inner_invt_no}"
    if change_count or kind is not DeclarationKind.FILE:
        name = f"{name}_c{change_count}_{kind.value}"
    return BondedListUpload(
        envelope=_envelope(MessageType.INV101, name, declarant, at),
        message=InvtMessage(
            sys_id=SYS_ID, oper_cus_reg_code=declarant.customs_code, head=head, lines=tuple(lines)
        ),
        declare_flag=DeclareFlag.DECLARE,
    )


def lines_items(
    draft: TransferDraft, items: Mapping[int, ItemRecord], outbound: bool
) -> list[ItemRecord]:
    return [items[line.from_item_no if outbound else line.to_item_no] for line in draft.lines]


# --- the declaration a bonded list generates ------------------------------------------

PAPERLESS: str = "M"
"""EntryType M, 通关无纸化: what real clients write on a declaration they send."""

ORDINARY_DECLARATION: str = "0"
"""DeclTrnRel 0, 一般报关单 (1 would be a transit declaration filed in advance)."""

STAGED: str = "G"
"""DecSign OperType G: the declaration is imported into the client for a declarant to
send (暂存), as real clients write it."""


@dataclass(frozen=True)
class Operator:
    """The person who enters and signs a declaration: IC card number and name."""

    ic_card_no: str
    name: str


def declaration(
    upload: BondedListUpload,
    *,
    client_seq_no: str,
    operator: Operator,
    trans_mode: str,
    packages: int,
    wrap_type: str,
    promises: str,
    business_items: str | None = None,
    voyage_no: str | None = None,
    version: str | None = DEFAULT_DEC_VERSION,
) -> DeclarationMessage:
    """The DecMessage of the declaration (or filing list) a bonded list generates.

    Head and lines come from the list: its enterprises (the owner of the book is the
    trading and the consuming party, the list's declarant declares and enters), its
    customs, book, supervision and transport modes, and each line's goods, prices and
    quantities. The filer adds what a list does not say: 成交方式 (``trans_mode``), 件数
    and 包装种类, 承诺事项 (``promises``: one digit per confirmation, PromiseItmes) and
    the 业务事项 codes ticked on the form (``business_items``, DecHead Type: none unless
    given). ``version`` is the root's attribute: the deployment's
    ``Settings.dec_message_version`` (3.1 unless set), None to write none.
    """
    head = upload.message.head
    lines = upload.message.lines
    gross = sum((line.gross_wt or Decimal(0) for line in lines), Decimal(0))
    net = sum((line.net_wt or Decimal(0) for line in lines), Decimal(0))
    country = head.stship_trsarv_natcd
    dec_head = DecHead(
        seq_no=None,
        ie_flag=head.impexp_markcd,
        agent_code=head.dcl_etpsno,
        agent_name=head.dcl_etps_nm,
        custom_master=head.dcl_plc_cuscd,
        gross_wet=gross,
        ie_port=head.impexp_portcd,
        manual_no=head.putrec_no,
        net_wt=net,
        note_s=head.rmk,
        owner_code=head.rcvgd_etpsno,
        owner_name=head.rcvgd_etps_nm,
        pack_no=packages,
        trade_code=head.bizop_etpsno,
        trade_country=country,
        trade_mode=head.supv_modecd,
        trade_name=head.bizop_etps_nm,
        traf_mode=head.trsp_modecd,
        trans_mode=trans_mode,
        wrap_type=wrap_type,
        cop_name=head.input_name,
        cop_code=head.input_code,
        entry_type=PAPERLESS,
        typist_no=operator.ic_card_no,
        inputer_name=operator.name,
        decl_trn_rel=ORDINARY_DECLARATION,
        cop_code_scc=head.input_credit_code,
        owner_code_scc=head.rvsngd_etps_sccd,
        agent_code_scc=head.dcl_etps_sccd,
        trade_co_scc=head.bizop_etps_sccd,
        promise_itmes=promises,
        trade_area_code=country,
        declare_name=operator.name,
        type=business_items,
    )
    goods = tuple(
        DecList(
            code_ts=line.gdecd,
            contr_item=line.putrec_seqno,
            decl_price=line.dcl_uprc_amt,
            duty_mode=line.lvyrlf_modecd,
            g_model=line.gds_spcf_model_desc or line.gds_nm,
            g_name=line.gds_nm,
            g_no=line.gds_seqno,
            origin_country=line.natcd,
            trade_curr=line.dcl_currcd,
            decl_total=line.dcl_total_amt,
            g_qty=line.dcl_qty,
            first_qty=line.lawf_qty,
            second_qty=line.secd_lawf_qty,
            g_unit=line.dcl_unitcd,
            first_unit=line.lawf_unitcd,
            second_unit=line.secd_lawf_unitcd,
            destination_country=line.destination_natcd or "142",  # into China's zone
        )
        for line in lines
    )
    return DeclarationMessage(
        version=version,
        head=dec_head,
        lines=goods,
        sign=DecSign(
            oper_type=STAGED,
            ic_code=operator.ic_card_no,
            cop_code=head.dcl_etpsno,
            oper_name=operator.name,
            client_seq_no=client_seq_no,
            bill_seq_no=head.bond_invt_no,
        ),
        free_text=DecFreeTxt(bon_no=head.putrec_no, voy_no=voyage_no),
    )
