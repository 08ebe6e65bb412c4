"""The upload and receipt envelope: Package/EnvelopInfo (sic: no "e") and DataInfo/PocketInfo."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from schemas.messages.base import MessageModel, el
from schemas.messages.codes import MessageType
from schemas.messages.fields import EnvelopeTime, Text, no_control_characters

Identifier = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
    AfterValidator(no_control_characters),
]
"""Message ids, file names and DXP ids: free text in real files (1-128 characters)."""


class EnvelopInfo(MessageModel):
    """Who sends what to whom, and when.

    The HDE schema declares these as ``xs:all`` (any order); they are read in any
    order and written in the schema's. ``send_time`` is written ISO without an offset,
    as real receipts do (Beijing time); ``2024-07-30 11:48:03`` and ``20240730114803``
    are read too.
    """

    version: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,3}(\.[0-9]{1,3}){0,2}$")] = el(
        "version", "1.0", zh="版本编号"
    )
    business_id: Text | None = el("business_id", None, zh="业务单证号")
    message_id: Identifier = el("message_id", zh="报文唯一编号")
    file_name: Identifier = el("file_name", zh="用户原始报文名")
    message_type: MessageType = el("message_type", zh="报文类型")
    sender_id: Identifier = el("sender_id", zh="发送方编号")
    receiver_id: Identifier = el("receiver_id", zh="接收方编号")
    send_time: EnvelopeTime = el("send_time", zh="发送时间")
    ic_card: Text | None = el("Ic_Card", None, zh="IC卡号")


class PocketInfo(MessageModel):
    """DataInfo/PocketInfo (分包信息): how a large message is split. Receipts carry
    ``<businessId>-<32 hex>``; senders leave it out, empty, or with empty children."""

    pocket_id: Text | None = el("pocket_id", None, zh="包编号")
    total_pocket_qty: Text | None = el("total_pocket_qty", None, zh="总包数")
    cur_pocket_no: Text | None = el("cur_pocket_no", None, zh="当前包序号")
    is_unstructured: Text | None = el("is_unstructured", None, zh="是否非结构化")
