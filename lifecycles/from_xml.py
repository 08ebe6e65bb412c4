"""A draft from an uploaded INV101 (pure): what an enterprise's own software already
produces becomes a first-line entry (ImpexpMarkcd I) or an export (E).

An INV101 does not say what bondflow needs beyond the list: which lot and location
each line goes to or comes from, the conveyance's arrival day, the exchange rate
and the vehicle at the gate. Those come with the upload (``ListExtras``); each line's
lot defaults to ``<inner no>-<line no>`` (entries) and must be named for exports.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from schemas.errors import BondflowError
from schemas.lifecycle import EntryDraft, EntryLine, ExportDraft, Vehicle
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.codes import ImpExp


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


def draft_from_list(
    upload: BondedListUpload, extras: ListExtras, *, filed_by: str
) -> EntryDraft | ExportDraft:
    head = upload.message.head
    if head.invt_type != "0":
        raise NotAFiling(
            f"InvtType {head.invt_type}: only ordinary lists (0) are filed by upload",
            field="InvtHeadType.InvtType",
        )
    inner = head.etps_inner_invt_no
    lines = []
    for line in upload.message.lines:
        if extras.lot_no is None and head.impexp_markcd is ImpExp.EXPORT:
            raise NotAFiling("lot_no: an export names the lot its goods leave from", field="lot_no")
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
    vehicle = Vehicle(
        vehicle_no=extras.vehicle_no,
        vehicle_weight=extras.vehicle_weight,
        container_weight=extras.container_weight,
    )
    common = {
        "inner_no": inner,
        "book_no": head.putrec_no,
        "declarant_code": head.dcl_etpsno,
        "supervision_mode": head.supv_modecd,
        "transport_mode": head.trsp_modecd,
        "exchange_rate": extras.exchange_rate,
        "lines": tuple(lines),
        "vehicle": vehicle,
        "filed_by": filed_by,
        "remark": head.rmk,
    }
    if head.impexp_markcd is ImpExp.IMPORT:
        if extras.arrival_date is None:
            raise NotAFiling(
                "arrival_date: an entry says when the conveyance arrived", field="arrival_date"
            )
        return EntryDraft.model_validate(
            common
            | {"departure_country": head.stship_trsarv_natcd, "arrival_date": extras.arrival_date}
        )
    if extras.train is None:
        raise NotAFiling("train: an export names the train or conveyance", field="train")
    return ExportDraft.model_validate(
        common | {"destination_country": head.stship_trsarv_natcd, "train": extras.train}
    )
