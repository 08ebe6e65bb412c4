"""A draft from an uploaded message (pure): what an enterprise's own software already
produces becomes a lifecycle. An INV101 becomes a first-line entry (ImpexpMarkcd I)
or an export (E); the DecMessage a domestic supplier filed for goods going into the
zone (关联报关, with customs' entry id) becomes a second-line entry linked to it.

An INV101 does not say what bondflow needs beyond the list: which lot and location
each line goes to or comes from, the conveyance's arrival day, the exchange rate
and the vehicle at the gate. Those come with the upload (``ListExtras``); each line's
lot defaults to ``<inner no>-<line no>`` (entries) and must be named for exports.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from schemas.errors import BondflowError
from schemas.lifecycle import (
    DocumentNo,
    EntryDraft,
    EntryLine,
    ExportDraft,
    SecondLineEntryDraft,
    Vehicle,
)
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.codes import DeclarationKind, ImpExp
from schemas.messages.declaration import DeclarationMessage

LIST_HEAD = "InvtMessage/InvtHeadType"
LIST_LINE = "InvtMessage/InvtListType"
DEC_HEAD = "DecMessage/DecHead"
DEC_LINE = "DecMessage/DecLists/DecList"

# Where each draft field came from: the element of the upload, or the query parameter.
_FROM_LIST_HEAD = {
    "inner_no": "EtpsInnerInvtNo",
    "book_no": "PutrecNo",
    "declarant_code": "DclEtpsno",
    "supervision_mode": "SupvModecd",
    "transport_mode": "TrspModecd",
    "departure_country": "StshipTrsarvNatcd",
    "destination_country": "StshipTrsarvNatcd",
    "remark": "Rmk",
}
_FROM_LIST_LINE = {
    "item_no": "PutrecSeqno",
    "quantity": "DclQty",
    "unit_price": "DclUprcAmt",
    "currency": "DclCurrcd",
    "origin_country": "Natcd",
    "gross_weight": "GrossWt",
    "net_weight": "NetWt",
}
_FROM_DEC_HEAD = {
    "book_no": "ManualNo",
    "linked_entry_id": "EntryId",
    "supplier": "TradeName",
    "transport_mode": "TrafMode",
}
_FROM_DEC_LINE = {
    "item_no": "ContrItem",
    "quantity": "GQty",
    "unit_price": "DeclPrice",
    "currency": "TradeCurr",
    "origin_country": "OriginCountry",
}
_LINE_FIELD = re.compile(r"lines\[(\d+)\]\.(\w+)")


def upload_path(field: str, *, declaration: bool) -> str:
    """The place in the upload a draft field came from: an element path
    (``book_no`` -> ``InvtMessage/InvtHeadType/PutrecNo``, ``lines[2].quantity`` ->
    ``InvtMessage/InvtListType[3]/DclQty``) or the query parameter that gave it
    (``lines[0].location`` -> ``location``, ``vehicle.vehicle_no`` -> ``vehicle_no``)."""
    head, line_element, head_fields, line_fields = (
        (DEC_HEAD, DEC_LINE, _FROM_DEC_HEAD, _FROM_DEC_LINE)
        if declaration
        else (LIST_HEAD, LIST_LINE, _FROM_LIST_HEAD, _FROM_LIST_LINE)
    )
    if field in head_fields:
        return f"{head}/{head_fields[field]}"
    line = _LINE_FIELD.fullmatch(field)
    if line is not None:
        index, name = int(line.group(1)), line.group(2)
        if name in line_fields:
            return f"{line_element}[{index + 1}]/{line_fields[name]}"
        return name  # lot_no, location: query parameters
    return field.removeprefix("vehicle.")


class NotAFiling(BondflowError):
    """An uploaded message that is not a list bondflow can file as a lifecycle."""

    code = "not_a_filing"
    status = 422


class ListExtras(BaseModel):
    """What the upload adds to the INV101 (query parameters of the upload route)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    location: Annotated[str, Field(min_length=1, max_length=64)]
    lot_no: Annotated[str, Field(min_length=1, max_length=64)] | None = None  # all lines
    exchange_rate: Annotated[Decimal, Field(gt=0, decimal_places=6)]
    vehicle_no: Annotated[str, Field(min_length=1, max_length=64)]
    vehicle_weight: Annotated[Decimal, Field(ge=0, decimal_places=5)]
    container_weight: Annotated[Decimal, Field(ge=0, decimal_places=5)] = Decimal(0)
    arrival_date: dt.date | None = None  # entries: when the conveyance arrived
    train: Annotated[str, Field(min_length=1, max_length=64)] | None = None  # exports
    # A second-line entry from a declaration: the zone enterprise's own number.
    inner_no: DocumentNo | None = None

    def vehicle(self) -> Vehicle:
        return Vehicle(
            vehicle_no=self.vehicle_no,
            vehicle_weight=self.vehicle_weight,
            container_weight=self.container_weight,
        )


def draft_from_list(
    upload: BondedListUpload, extras: ListExtras, *, filed_by: str
) -> EntryDraft | ExportDraft:
    head = upload.message.head
    if head.dcl_typecd is not DeclarationKind.FILE:
        raise NotAFiling(
            f"DclTypecd {head.dcl_typecd.value}: a change or deletion of a list is not a new"
            " filing; file the list itself (1) and act on its lifecycle",
            field=f"{LIST_HEAD}/DclTypecd",
        )
    if head.invt_type != "0":
        raise NotAFiling(
            f"InvtType {head.invt_type}: only ordinary lists (0) are filed by upload",
            field=f"{LIST_HEAD}/InvtType",
        )
    inner = head.etps_inner_invt_no
    lines = []
    for line in upload.message.lines:
        if extras.lot_no is None and head.impexp_markcd is ImpExp.EXPORT:
            raise NotAFiling("an export names the lot its goods leave from", field="lot_no")
        lines.append(
            EntryLine(
                item_no=line.putrec_seqno,
                lot_no=extras.lot_no or f"{inner}-{line.gds_seqno}",
                location=extras.location,
                quantity=line.dcl_qty,
                unit_price=line.dcl_uprc_amt,
                currency=line.dcl_currcd,
                origin_country=line.natcd,
                gross_weight=line.gross_wt or Decimal(0),
                net_weight=line.net_wt or Decimal(0),
            )
        )
    common = {
        "inner_no": inner,
        "book_no": head.putrec_no,
        "declarant_code": head.dcl_etpsno,
        "supervision_mode": head.supv_modecd,
        "transport_mode": head.trsp_modecd,
        "exchange_rate": extras.exchange_rate,
        "lines": tuple(lines),
        "vehicle": extras.vehicle(),
        "filed_by": filed_by,
        "remark": head.rmk,
    }
    if head.impexp_markcd is ImpExp.IMPORT:
        if extras.arrival_date is None:
            raise NotAFiling("an entry says when the conveyance arrived", field="arrival_date")
        return EntryDraft.model_validate(
            common
            | {"departure_country": head.stship_trsarv_natcd, "arrival_date": extras.arrival_date}
        )
    if extras.train is None:
        raise NotAFiling("an export names the train or conveyance", field="train")
    return ExportDraft.model_validate(
        common | {"destination_country": head.stship_trsarv_natcd, "train": extras.train}
    )


def draft_from_declaration(
    message: DeclarationMessage, extras: ListExtras, *, declarant_code: str, filed_by: str
) -> SecondLineEntryDraft:
    """The second-line entry that refers to a supplier's declaration (关联报关).

    The declaration must carry customs' entry id (it was filed and accepted), the
    zone book (ManualNo) and each line's book item (ContrItem). A declaration states
    weights for the whole consignment only: they go on the first line (the gate
    compares the total)."""
    head = message.head
    if head.entry_id is None:
        raise NotAFiling(
            "a second-line entry refers to a declaration customs has numbered",
            field=f"{DEC_HEAD}/EntryId",
        )
    if head.manual_no is None:
        raise NotAFiling(
            "the declaration names the zone book the goods go into", field=f"{DEC_HEAD}/ManualNo"
        )
    if extras.inner_no is None:
        raise NotAFiling("the enterprise's own number of the list is needed", field="inner_no")
    lines = []
    for index, line in enumerate(message.lines):
        if line.contr_item is None:
            raise NotAFiling(
                f"line {line.g_no} names no book item",
                field=f"{DEC_LINE}[{index + 1}]/ContrItem",
            )
        lines.append(
            EntryLine(
                item_no=line.contr_item,
                lot_no=extras.lot_no or f"{extras.inner_no}-{line.g_no}",
                location=extras.location,
                quantity=line.g_qty,
                unit_price=line.decl_price,
                currency=line.trade_curr,
                origin_country=line.origin_country,
                gross_weight=head.gross_wet if index == 0 else Decimal(0),
                net_weight=head.net_wt if index == 0 else Decimal(0),
            )
        )
    return SecondLineEntryDraft(
        inner_no=extras.inner_no,
        book_no=head.manual_no,
        declarant_code=declarant_code,
        supplier=head.trade_name,
        linked_entry_id=head.entry_id,
        transport_mode=head.traf_mode,
        exchange_rate=extras.exchange_rate,
        lines=tuple(lines),
        vehicle=extras.vehicle(),
        filed_by=filed_by,
    )
