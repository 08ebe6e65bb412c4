"""Receipts of the Golden Customs Phase II system: INV201/202/211 and SAS221/223/224.

Each arrives as Package/EnvelopInfo + DataInfo/BussinessData/<message type>, with or
without the xmldsig wrapper. Field names are lower camel case in the real format.
``manageResult`` means different things per receipt; the typed properties say which.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from schemas.identifiers import (
    BondedListNo,
    GatePassNo,
    PreEntryNo,
)
from schemas.messages.base import EnvelopeStyle, MessageModel, el
from schemas.messages.bonded_list import InnerNo
from schemas.messages.codes import (
    DeductionMark,
    GatePassStatus,
    GateResult,
    ImpExp,
    ListStatus,
    ReviewResult,
)
from schemas.messages.envelope import EnvelopInfo
from schemas.messages.fields import (
    Joined,
    ReceiptTime,
    Weight,
    no_control_characters,
)

BusinessNo = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,64}$")]
ResultCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]$")]
Remark = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
    AfterValidator(no_control_characters),
]


class HdeApprResult(MessageModel):
    """The common result block (处理结果)."""

    # Real receipts carry customs' 18-digit pre-entry number here; some clients echo
    # the enterprise's own number instead. Routing tries both.
    etps_preent_no: InnerNo = el("etpsPreentNo")
    business_id: BusinessNo | None = el("businessId", None)  # list or pass number
    tms_cnt: int | None = el("tmsCnt", None, ge=0, le=99)  # ChgTmsCnt it answers
    typecd: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8)] | None
    ) = el("typecd", None)
    manage_result: ResultCode = el("manageResult")
    manage_date: ReceiptTime = el("manageDate")
    rmk: Remark | None = el("rmk", None)


class CheckInfo(MessageModel):
    """One reason customs gives (退单/审核意见)."""

    note: Remark = el("note")


class BondInvtBsc(MessageModel):
    """The list's state after this receipt."""

    seq_no: PreEntryNo | None = el("seqNo", None)
    bond_invt_no: BondedListNo | None = el("bondInvtNo", None)
    invt_stucd: ListStatus | None = el("invtStucd", None)
    vrfded_markcd: DeductionMark | None = el("vrfdedMarkcd", None)
    entry_stucd: Annotated[str, StringConstraints(pattern=r"^[01]$")] | None = el(
        "entryStucd", None
    )


class Inv201(MessageModel):
    """INV201 body: review of a bonded list (stored, approved, manual review, returned)."""

    result: HdeApprResult = el("HdeApprResult")
    list_state: BondInvtBsc | None = el("BondInvtBsc", None)
    checks: tuple[CheckInfo, ...] = el("CheckInfo", ())

    @property
    def review(self) -> ReviewResult:
        return ReviewResult(self.result.manage_result)


class InvApprResult(MessageModel):
    """INV202's block: the declaration generated from a list (报关单生成)."""

    inv_preent_no: PreEntryNo = el("invPreentNo")  # the list's SeqNo
    business_id: BondedListNo = el("businessId")
    entry_seq_no: PreEntryNo | None = el("entrySeqNo", None)  # the declaration's SeqNo
    change_times: int | None = el("changeTimes", None, ge=0, le=99)
    manage_result: Annotated[str, StringConstraints(pattern=r"^[12]$")] = el("manageResult")
    manage_date: ReceiptTime = el("manageDate")
    rmk: Remark | None = el("rmk", None)


class Inv202(MessageModel):
    result: InvApprResult = el("InvApprResult")
    checks: tuple[CheckInfo, ...] = el("CheckInfo", ())


class Inv211(MessageModel):
    """INV211 body: the list was posted to the account book (记账)."""

    result: HdeApprResult = el("HdeApprResult")
    list_state: BondInvtBsc = el("BondInvtBsc")


class PassportBsc(MessageModel):
    passport_no: GatePassNo | None = el("passportNo", None)
    stucd: GatePassStatus | None = el("stucd", None)


class Sas221(MessageModel):
    """SAS221 body: review of a gate pass."""

    result: HdeApprResult = el("HdeApprResult")
    pass_state: PassportBsc | None = el("PassportBsc", None)
    checks: tuple[CheckInfo, ...] = el("CheckInfo", ())

    @property
    def review(self) -> ReviewResult:
        return ReviewResult(self.result.manage_result)


class PassportGate(MessageModel):
    """What the gate saw: the vehicle, the time and the scale's reading."""

    passport_no: GatePassNo = el("passportNo")
    vehicle_no: Annotated[str, StringConstraints(min_length=1, max_length=32)] = el("vehicleNo")
    io_typecd: ImpExp = el("ioTypecd")
    gate_no: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)] | None
    ) = el("gateNo", None)
    pass_time: ReceiptTime = el("passTime")
    total_wt: Weight = el("totalWt")  # measured at the gate
    rlt_no: Annotated[tuple[BusinessNo, ...], Joined("\\")] = el("rltNo", ())


class Sas223(MessageModel):
    """SAS223 body: the vehicle passed the gate (manageResult 1) or did not (2)."""

    result: HdeApprResult = el("HdeApprResult")
    gate: PassportGate = el("PassportGate")

    @property
    def passage(self) -> GateResult:
        return GateResult(self.result.manage_result)


class Sas224(MessageModel):
    """SAS224 body: inspection disposal at the gate (查验处置).

    Our reading of the receipt (unverified against the published spec): customs held
    the vehicle for inspection; manageResult 1 released after inspection, 2 returned.
    """

    result: HdeApprResult = el("HdeApprResult")
    checks: tuple[CheckInfo, ...] = el("CheckInfo", ())


class _Receipt(MessageModel):
    style: EnvelopeStyle = Field(EnvelopeStyle.XMLDSIG)
    envelope: EnvelopInfo = el("EnvelopInfo")


class Inv201Receipt(_Receipt):
    body: Inv201 = el("INV201")


class Inv202Receipt(_Receipt):
    body: Inv202 = el("INV202")


class Inv211Receipt(_Receipt):
    body: Inv211 = el("INV211")


class Sas221Receipt(_Receipt):
    body: Sas221 = el("SAS221")


class Sas223Receipt(_Receipt):
    body: Sas223 = el("SAS223")


class Sas224Receipt(_Receipt):
    body: Sas224 = el("SAS224")


ReceiptBody = Inv201 | Inv202 | Inv211 | Sas221 | Sas223 | Sas224
Receipt = (
    Inv201Receipt | Inv202Receipt | Inv211Receipt | Sas221Receipt | Sas223Receipt | Sas224Receipt
)
