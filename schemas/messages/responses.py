"""Answers that are not Golden Customs Phase II receipts.

- CommonResponeMessage (sic): the single-window client's import result, written as
  Successed_*/Failed_* files into InBox (DealFlag 0 imported, -1 refused).
- DecImportResponse: the declaration system's answer to a DecMessage import.
- DEC_RESULT: a declaration's status change, with the channel code; bare (the current
  form, 8 elements) or inside the old DEC_DATA wrapper (19 elements + RESULT_INFO).

Like the receipts, every element is the text the other side wrote (``Text | None``):
what bondflow draws from it (accepted, the channel, the notice time) is
``customs.receipt_facts``, never a field type that could refuse an answer.
"""

from __future__ import annotations

from schemas.messages.base import MessageModel, el
from schemas.messages.fields import Text


class CommonResponeMessage(MessageModel):
    """客户端导入结果 (REAL-FORMATS.md 7.5): SeqNo is left out when the import failed."""

    seq_no: Text | None = el("SeqNo", None, zh="预录入统一编号")
    etps_preent_no: Text | None = el("EtpsPreentNo", None, zh="企业内部编号")
    check_info: Text | None = el("CheckInfo", None, zh="响应信息")
    deal_flag: Text | None = el("DealFlag", None, zh="响应代码")


class DecImportResponse(MessageModel):
    """报关单导入回执 (通讯回执, REAL-FORMATS.md 7.1): failures have no SeqNo; TrnPreId
    only in some producers' files."""

    response_code: Text | None = el("ResponseCode", None, zh="返回结果")
    error_message: Text | None = el("ErrorMessage", None, zh="错误信息")
    client_seq_no: Text | None = el("ClientSeqNo", None, zh="客户端自编号")
    seq_no: Text | None = el("SeqNo", None, zh="数据中心统一编号")
    trn_pre_id: Text | None = el("TrnPreId", None, zh="转关单统一编号")


class DecResult(MessageModel):
    """DEC_RESULT 报关单业务回执, both forms in one order (REAL-FORMATS.md 7.2, 7.3).

    The current form is CUS_CIQ_NO, ENTRY_ID, NOTICE_DATE, CHANNEL, NOTE, CUSTOM_MASTER,
    I_E_DATE, D_DATE; the old (pre-2018) one SEQ_NO, ENTRY_ID, NOTICE_DATE, CHANNEL,
    NOTE, DECL_PORT ... GROSS_WT, D_DATE. Each form's elements keep their own relative
    order here, so a receipt of either form is written back in its real order.
    """

    cus_ciq_no: Text | None = el("CUS_CIQ_NO", None, zh="数据中心统一编号")
    seq_no: Text | None = el("SEQ_NO", None, zh="数据中心统一编号(旧)")
    entry_id: Text | None = el("ENTRY_ID", None, zh="海关编号")
    notice_date: Text | None = el("NOTICE_DATE", None, zh="通知时间")
    channel: Text | None = el("CHANNEL", None, zh="处理结果")
    note: Text | None = el("NOTE", None, zh="审核备注")
    custom_master: Text | None = el("CUSTOM_MASTER", None, zh="申报地海关")
    decl_port: Text | None = el("DECL_PORT", None, zh="申报口岸")
    agent_name: Text | None = el("AGENT_NAME", None, zh="申报单位")
    declare_no: Text | None = el("DECLARE_NO", None, zh="报关员代码")
    trade_co: Text | None = el("TRADE_CO", None, zh="经营单位编号")
    customs_field: Text | None = el("CUSTOMS_FIELD", None, zh="货场代码")
    bonded_no: Text | None = el("BONDED_NO", None, zh="保税仓库代码")
    i_e_date: Text | None = el("I_E_DATE", None, zh="进出口日期")
    pack_no: Text | None = el("PACK_NO", None, zh="件数")
    bill_no: Text | None = el("BILL_NO", None, zh="提单号")
    traf_mode: Text | None = el("TRAF_MODE", None, zh="运输方式")
    voyage_no: Text | None = el("VOYAGE_NO", None, zh="航次号")
    net_wt: Text | None = el("NET_WT", None, zh="净重")
    gross_wt: Text | None = el("GROSS_WT", None, zh="毛重")
    d_date: Text | None = el("D_DATE", None, zh="申报日期")


class DecResultMessage(MessageModel):
    """DEC_DATA: one DEC_RESULT and the free-text RESULT_INFO (the old form; the C#
    model of it also names INTERFACE_VERSION on the wrapper).

    The single window now sends a bare DEC_RESULT as the document element:
    ``wrapped`` says which, so a receipt is written back the way it came.
    """

    wrapped: bool = True
    interface_version: Text | None = el("INTERFACE_VERSION", None, zh="接口版本")
    result: DecResult = el("DEC_RESULT", zh="业务回执")
    info: Text | None = el("RESULT_INFO", None, zh="处理结果文字信息")
