"""A draft from an uploaded INV101 as real clients write it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lifecycles.from_xml import ListExtras, NotAFiling, draft_from_list
from schemas.lifecycle import EntryDraft
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.codes import DeclarationKind
from tests.support import messages

EXTRAS = ListExtras(
    location="XN-WH-A-01",
    exchange_rate=Decimal("7.123400"),
    vehicle_no="青A·D2468",
    vehicle_weight=Decimal("9800"),
    arrival_date=dt.date(2026, 11, 26),
)


def with_head(upload: BondedListUpload, **values: object) -> BondedListUpload:
    head = upload.message.head.model_validate(upload.message.head.model_dump() | values)
    return upload.model_copy(update={"message": upload.message.model_copy(update={"head": head})})


def test_a_real_list_with_empty_weights_and_kept_texts_becomes_an_entry() -> None:
    sample = messages.bonded_list(lines=1)
    line = sample.message.lines[0].model_copy(
        update={"gross_wt": None, "net_wt": None, "usd_stat_total_amt": "0.00000"}
    )
    upload = with_head(
        sample.model_copy(update={"message": sample.message.model_copy(update={"lines": (line,)})}),
        list_type="A",
        apply_no="S520819A1479",
    )

    draft = draft_from_list(upload, EXTRAS, filed_by="filer-li")

    assert isinstance(draft, EntryDraft)
    assert draft.lines[0].gross_weight == draft.lines[0].net_weight == Decimal(0)


def test_a_change_of_a_list_is_not_a_new_filing() -> None:
    upload = with_head(messages.bonded_list(), dcl_typecd=DeclarationKind.CHANGE)

    with pytest.raises(NotAFiling) as refused:
        draft_from_list(upload, EXTRAS, filed_by="filer-li")

    assert refused.value.field == "InvtMessage/InvtHeadType/DclTypecd"
