"""The upload and receipt envelope: Package/EnvelopInfo (sic: no "e")."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from schemas.messages.base import MessageModel, el
from schemas.messages.codes import MessageType
from schemas.messages.fields import EnvelopeTime

Identifier = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z_.\-]{1,100}$")]


class EnvelopInfo(MessageModel):
    """Who sends what to whom, and when (ISO time)."""

    version: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,3}(\.[0-9]{1,3}){0,2}$")] = el(
        "version", "1.0"
    )
    message_id: Identifier = el("message_id")
    file_name: Identifier = el("file_name")
    message_type: MessageType = el("message_type")
    sender_id: Identifier = el("sender_id")
    receiver_id: Identifier = el("receiver_id")
    send_time: EnvelopeTime = el("send_time")
    business_id: Identifier | None = el("business_id", None)
    ic_card: Identifier | None = el("Ic_Card", None)
