"""Answers that are not Golden Customs Phase II receipts.

- CommonResponeMessage (sic): the single-window client's import result, written as
  Successed_*/Failed_* files into InBox (DealFlag 0 imported, -1 refused).
- DecImportResponse: the declaration system's answer to a DecMessage import.
- DEC_RESULT (inside DEC_DATA): a declaration's status change, with the channel code.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from schemas.identifiers import (
    CustomsDistrict,
    EntryId,
    PreEntryNo,
)
from schemas.messages.base import MessageModel, el
from schemas.messages.bonded_list import InnerNo
from schemas.messages.codes import DealFlag
from schemas.messages.fields import (
    CompactDate,
    Name,
    ReceiptTime,
    Weight,
)
from schemas.messages.receipts import Remark

Short = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class CommonResponeMessage(MessageModel):
    seq_no: PreEntryNo | None = el("SeqNo", None)
    etps_preent_no: InnerNo | None = el("EtpsPreentNo", None)
    check_info: Remark | None = el("CheckInfo", None)
    deal_flag: DealFlag = el("DealFlag")


class DecImportResponse(MessageModel):
    response_code: Annotated[str, StringConstraints(pattern=r"^-?[0-9]$")] = el("ResponseCode")
    error_message: Remark | None = el("ErrorMessage", None)
    client_seq_no: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{18}$")] | None = el(
        "ClientSeqNo", None
    )
    seq_no: PreEntryNo | None = el("SeqNo", None)
    trn_pre_id: Short | None = el("TrnPreId", None)

    @property
    def accepted(self) -> bool:
        return self.response_code == "0"


class DecResult(MessageModel):
    cus_ciq_no: PreEntryNo = el("CUS_CIQ_NO")  # the declaration's SeqNo (统一编号)
    entry_id: EntryId | None = el("ENTRY_ID", None)
    notice_date: ReceiptTime = el("NOTICE_DATE")
    channel: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")] = el("CHANNEL")
    note: Remark | None = el("NOTE", None)
    decl_port: CustomsDistrict | None = el("DECL_PORT", None)
    agent_name: Name | None = el("AGENT_NAME", None)
    declare_no: Short | None = el("DECLARE_NO", None)
    trade_co: Short | None = el("TRADE_CO", None)
    customs_field: Short | None = el("CUSTOMS_FIELD", None)
    bonded_no: Short | None = el("BONDED_NO", None)
    i_e_date: CompactDate | None = el("I_E_DATE", None)
    pack_no: int | None = el("PACK_NO", None, ge=0)
    bill_no: Short | None = el("BILL_NO", None)
    traf_mode: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]$")] | None = el(
        "TRAF_MODE", None
    )
    voyage_no: Short | None = el("VOYAGE_NO", None)
    net_wt: Weight | None = el("NET_WT", None)
    gross_wt: Weight | None = el("GROSS_WT", None)
    d_date: CompactDate | None = el("D_DATE", None)


class DecResultMessage(MessageModel):
    """DEC_DATA: one DEC_RESULT and the free-text RESULT_INFO.

    The single window also sends a bare DEC_RESULT as the document element:
    ``wrapped`` says which, so a receipt is written back the way it came.
    """

    wrapped: bool = True
    result: DecResult = el("DEC_RESULT")
    info: Remark | None = el("RESULT_INFO", None)
