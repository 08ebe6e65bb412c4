"""Filing by upload: the INV101 an enterprise's own software wrote becomes a lifecycle;
a document that is not one, or is hostile, is refused with the reason and the line."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from activities.bonded_list import BondedListActivities
from activities.dependencies import Dependencies
from adapters.gateway.folders import ExchangeFolders
from adapters.xml.codec import render
from customs.drafting import entry_list
from demo import ids
from lifecycles.kinds import KINDS
from schemas.lifecycle import EntryDraft, Lifecycle
from schemas.list_policy import ListActivityPolicy
from schemas.messages.codes import DeclarationKind
from tests.api.conftest import Api, until_stage
from tests.support import messages
from tests.workflows.conftest import entry_draft

pytestmark = pytest.mark.asyncio(loop_scope="session")


def inv101(api: Api, draft: EntryDraft, tmp: Any) -> bytes:
    """The list as software outside bondflow would write it."""
    deps = Dependencies.build(api.db, ExchangeFolders.under(tmp / "x").create())
    book, declarant, items = BondedListActivities(deps, entry_policy())._facts(draft)
    upload = entry_list(
        draft,
        book=book,
        declarant=declarant,
        items=items,
        change_count=0,
        kind=DeclarationKind.FILE,
        at=dt.datetime(2026, 11, 28, 9, 0, tzinfo=ids.SHANGHAI),
    )
    return render(upload)


def extras(draft: EntryDraft) -> dict[str, str]:
    return {
        "location": ids.RAW_BIN,
        "exchange_rate": str(draft.exchange_rate),
        "vehicle_no": draft.vehicle.vehicle_no,
        "vehicle_weight": str(draft.vehicle.vehicle_weight),
        "container_weight": str(draft.vehicle.container_weight),
        "arrival_date": draft.arrival_date.isoformat(),
    }


async def test_an_uploaded_inv101_is_filed_as_a_first_line_entry(live: Api, tmp_path: Any) -> None:
    draft = entry_draft(live.no("XML-1"))
    body = inv101(live, draft, tmp_path)
    filed = await live.client.post(
        "/lifecycles/xml",
        params=extras(draft),
        content=body,
        headers={"Content-Type": "application/xml"} | live.auth("solar-filer"),
    )
    assert filed.status_code == 201, filed.text
    assert filed.json()["lifecycle"] == "first_line_entry"
    assert filed.json()["business_no"] == live.no("XML-1")
    detail = await until_stage(
        live, "solar-filer", filed.json()["workflow_id"], "awaiting_sign_off"
    )
    assert detail["status"]["cif_cny"] != "0.00"


async def test_an_upload_that_is_not_a_list_or_is_hostile_is_refused_with_the_line(
    live: Api, tmp_path: Any
) -> None:
    draft = entry_draft(live.no("XML-2"))
    hostile = (
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>'
    )
    refused = await live.post(
        "solar-filer", "/lifecycles/xml", params=extras(draft), content=hostile
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert "DOCTYPE" in refused.json()["detail"]
    assert refused.json()["field"] == "document"
    assert refused.json()["line"] >= 1

    broken = inv101(live, draft, tmp_path).replace(b"<GdsMtno>", b"<Gdsmtno>", 1)
    refused = await live.post(
        "solar-filer", "/lifecycles/xml", params=extras(draft), content=broken
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["line"] > 1
    assert refused.json()["field"]  # the element, or the document for a syntax error

    # Every problem of the file is listed, each with its element and line.
    two = inv101(live, draft, tmp_path).replace(b"<GdsMtno>", b"<Extra>1</Extra><GdsMtno>", 1)
    two = re.sub(rb"<DclQty>[^<]*</DclQty>", b"<DclQty>1.1234567</DclQty>", two, count=1)
    refused = await live.post("solar-filer", "/lifecycles/xml", params=extras(draft), content=two)
    assert refused.status_code == 422, refused.text
    problems = refused.json()["errors"]
    assert [problem["field"] for problem in problems] == [
        "InvtMessage/InvtListType[1]/Extra",
        "InvtMessage/InvtListType[1]/DclQty",
    ]
    assert all(problem["line"] > 1 for problem in problems)

    no_arrival = {k: v for k, v in extras(draft).items() if k != "arrival_date"}
    body = inv101(live, draft, tmp_path)
    refused = await live.post("solar-filer", "/lifecycles/xml", params=no_arrival, content=body)
    assert refused.status_code == 422
    assert refused.json()["field"] == "arrival_date"

    # Another enterprise's list is refused as a book it cannot see.
    foreign = await live.post("cold-filer", "/lifecycles/xml", params=extras(draft), content=body)
    assert foreign.status_code == 404
    assert foreign.json()["field"] == "InvtMessage/InvtHeadType/PutrecNo"  # where it came from


def supplier_declaration(entry_id: str | None = "960120261000076543") -> bytes:
    """The declaration a domestic supplier of junction boxes filed for goods going into
    the zone (关联报关), numbered by customs, naming the zone book and its item."""
    message = messages.declaration(1)
    head = message.head.model_copy(
        update={
            "manual_no": ids.SOLAR_BOOK,
            "entry_id": entry_id,
            "trade_name": "西宁本地接线盒供应商",
            "gross_wet": Decimal("180"),
            "net_wt": Decimal("160"),
        }
    )
    line = message.lines[0].model_copy(
        update={
            "contr_item": ids.JUNCTION_BOX,
            "g_qty": Decimal(400),
            "decl_price": Decimal("16.5000"),
            "decl_total": Decimal("6600.00"),
            "trade_curr": "142",
            "first_qty": Decimal(400),
            "second_qty": None,
            "second_unit": None,
        }
    )
    return render(message.model_copy(update={"head": head, "lines": (line,)}))


async def test_a_suppliers_declaration_is_filed_as_the_linked_second_line_entry(
    live: Api,
) -> None:
    params = {
        "inner_no": live.no("DEC-1"),
        "location": ids.RAW_BIN,
        "exchange_rate": "1.000000",
        "vehicle_no": "青A·F0921",
        "vehicle_weight": "4300",
    }
    filed = await live.post(
        "solar-filer", "/lifecycles/xml", params=params, content=supplier_declaration()
    )
    assert filed.status_code == 201, filed.text
    assert filed.json()["lifecycle"] == "second_line_entry"
    await until_stage(live, "solar-filer", filed.json()["workflow_id"], "awaiting_sign_off")

    unnumbered = await live.post(
        "solar-filer",
        "/lifecycles/xml",
        params=params | {"inner_no": live.no("DEC-2")},
        content=supplier_declaration(entry_id=None),
    )
    assert unnumbered.status_code == 422
    assert unnumbered.json()["field"] == "DecMessage/DecHead/EntryId"
    no_number = {k: v for k, v in params.items() if k != "inner_no"}
    refused = await live.post(
        "solar-filer", "/lifecycles/xml", params=no_number, content=supplier_declaration()
    )
    assert refused.json()["field"] == "inner_no"


def entry_policy() -> ListActivityPolicy:
    policy = KINDS[Lifecycle.FIRST_LINE_ENTRY].activities
    assert policy is not None
    return policy
