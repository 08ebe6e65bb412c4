"""Lifecycles through the API on the dev server: a filer files, the liaison signs off,
customs (the simulator) answers, and the book is posted; everyone else sees what the
rules allow and nothing more."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.simulator.behaviour import SimulatorBehaviour
from demo import ids
from ledger import LedgerQueries
from tests.api.conftest import Api, entry_body, until_stage
from tests.workflows.conftest import Zone
from tests.workflows.test_domestic_sale import sale

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_an_entry_filed_signed_off_and_posted_through_the_api(live: Api) -> None:
    filed = await live.post(
        "solar-filer", "/lifecycles/first_line_entry", json=entry_body(live.no("API-1"))
    )
    assert filed.status_code == 201, filed.text
    workflow_id = filed.json()["workflow_id"]
    assert filed.json()["enterprise_code"] == ids.SOLAR_CUSTOMS_CODE
    assert filed.json()["filed_by"] == "solar-filer"

    waiting = await until_stage(live, "solar-filer", workflow_id, "awaiting_sign_off")
    assert waiting["status"]["waiting_for"] == "liaison"

    # The filer may not sign its own draft off: the workflow refuses, the API says why.
    refused = await live.post(
        "solar-filer", f"/lifecycles/{workflow_id}/sign-off", json={"reason": "ok"}
    )
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["field"] == "role"

    signed = await live.post(
        "liaison", f"/lifecycles/{workflow_id}/sign-off", json={"reason": "单证齐全"}
    )
    assert signed.status_code == 200, signed.text
    done = await until_stage(live, "auditor", workflow_id, "completed")
    notes = [entry["note"] for entry in done["status"]["timeline"]]
    assert "signed off: 单证齐全" in notes

    rows = LedgerQueries(live.db).balances(book_no=ids.SOLAR_BOOK, lot_no=live.no("API-1") + "-C")
    assert [(r.posted, r.pending_in) for r in rows] == [(Decimal("12000"), Decimal(0))]

    documents = (await live.get("solar-auditor", f"/lifecycles/{workflow_id}/documents")).json()[
        "items"
    ]
    kinds = sorted(s["message_type"] for d in documents for s in d["submissions"])
    assert kinds == ["INV101", "SAS121"]
    first = documents[0]["submissions"][0]["file_name"]
    xml = await live.get("solar-filer", f"/lifecycles/{workflow_id}/submissions/{first}")
    assert xml.status_code == 200
    assert xml.headers["content-type"].startswith("application/xml")
    assert xml.content.startswith(b"<?xml")
    receipt_id = documents[0]["receipts"][0]["id"]
    receipt = await live.get("solar-filer", f"/lifecycles/{workflow_id}/receipts/{receipt_id}")
    assert receipt.status_code == 200


async def test_another_enterprise_sees_a_lifecycle_as_missing(live: Api) -> None:
    filed = await live.post(
        "solar-filer", "/lifecycles/first_line_entry", json=entry_body(live.no("API-2"))
    )
    workflow_id = filed.json()["workflow_id"]
    await until_stage(live, "solar-filer", workflow_id, "awaiting_sign_off")

    missing = await live.get("cold-filer", "/lifecycles/entry-NO-SUCH")
    foreign = await live.get("cold-filer", f"/lifecycles/{workflow_id}")
    assert missing.status_code == foreign.status_code == 404
    assert missing.json()["title"] == foreign.json()["title"]
    acting = await live.post(
        "cold-filer", f"/lifecycles/{workflow_id}/cancel", json={"reason": "x"}
    )
    assert acting.status_code == 404
    listed = await live.get("cold-filer", "/lifecycles")
    assert workflow_id not in [item["workflow_id"] for item in listed.json()["items"]]

    # An auditor reads it but may not act; the filer files only for its own books.
    assert (await live.get("auditor", f"/lifecycles/{workflow_id}")).status_code == 200
    audit_act = await live.post(
        "auditor", f"/lifecycles/{workflow_id}/cancel", json={"reason": "x"}
    )
    assert audit_act.status_code == 403
    foreign_book = entry_body(live.no("API-3")) | {"book_no": ids.SOLAR_BOOK}
    foreign = await live.post("cold-filer", "/lifecycles/first_line_entry", json=foreign_book)
    assert foreign.status_code == 404
    assert foreign.json()["field"] == "book_no"  # the body is the draft: no "draft." prefix

    # The same number twice is a conflict, and nothing second is started.
    again = await live.post(
        "solar-filer", "/lifecycles/first_line_entry", json=entry_body(live.no("API-2"))
    )
    assert again.status_code == 409
    assert again.json()["field"] == "inner_no"
    assert again.json()["detail"].startswith("a first line entry numbered")

    cancelled = await live.post(
        "solar-filer", f"/lifecycles/{workflow_id}/cancel", json={"reason": "不要了"}
    )
    assert cancelled.status_code == 200, cancelled.text
    await until_stage(live, "solar-filer", workflow_id, "cancelled")


async def test_a_list_customs_returns_is_corrected_through_the_api_and_goes_through(
    live: Api, zone: Zone
) -> None:
    """Given customs returns the list, when the filer sends the corrected draft, then
    it is filed again with ChgTmsCnt 1 and the goods are posted once."""
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"return_rate": 1.0}
    )
    number = live.no("API-R")
    filed = await live.post("solar-filer", "/lifecycles/first_line_entry", json=entry_body(number))
    workflow_id = filed.json()["workflow_id"]
    await until_stage(live, "solar-filer", workflow_id, "awaiting_sign_off")
    await live.post("liaison", f"/lifecycles/{workflow_id}/sign-off", json={"reason": "ok"})
    returned = await until_stage(live, "solar-filer", workflow_id, "returned")
    assert returned["status"]["waiting_for"] == "filer"

    zone.simulator.behaviour = SimulatorBehaviour.always_approve()
    corrected = entry_body(number) | {"remark": "单价已核实"}
    bad = await live.post(
        "solar-filer",
        f"/lifecycles/{workflow_id}/correction",
        json={"draft": corrected | {"lines": []}, "reason": "改"},
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "draft.lines"
    sent = await live.post(
        "solar-filer",
        f"/lifecycles/{workflow_id}/correction",
        json={"draft": corrected, "reason": "单价已核实"},
    )
    assert sent.status_code == 200, sent.text
    done = await until_stage(live, "solar-filer", workflow_id, "completed")
    assert done["status"]["change_count"] == 1
    rows = LedgerQueries(live.db).balances(book_no=ids.SOLAR_BOOK, lot_no=f"{number}-C")
    assert [(r.posted, r.pending_in) for r in rows] == [(Decimal("12000"), Decimal(0))]


@pytest.mark.parametrize(
    ("basis", "bill"), [("materials", "on_materials"), ("finished_goods", "on_finished_goods")]
)
async def test_a_domestic_sale_status_says_what_to_pay_without_arithmetic(
    live: Api, basis: str, bill: str
) -> None:
    """Given a domestic sale with elective duty (选择性征收关税) on the chosen basis, then
    its status JSON carries the chosen bill as taxes.payable and its total as
    duties_payable: the amount the payment confirmation must carry."""
    number = live.no(f"API-DS-{basis[:3]}")
    body = sale(number, basis=basis).model_dump(mode="json")
    del body["filed_by"]
    filed = await live.post("solar-filer", "/lifecycles/domestic_sale", json=body)
    assert filed.status_code == 201, filed.text
    workflow_id = filed.json()["workflow_id"]

    waiting = await until_stage(live, "solar-filer", workflow_id, "awaiting_sign_off")
    taxes = waiting["status"]["taxes"]
    assert taxes["chosen"] == basis
    assert taxes["payable"] == taxes[bill]
    assert waiting["status"]["duties_payable"] == taxes[bill]["total"]
    assert Decimal(waiting["status"]["duties_payable"]) > 0
    assert waiting["status"]["late_fee_payable"] is None  # no declaration deadline

    cancelled = await live.post(
        "solar-filer", f"/lifecycles/{workflow_id}/cancel", json={"reason": "buyer withdrew"}
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["duties_payable"] == taxes[bill]["total"]


async def test_the_openapi_declares_the_amounts_of_a_status(api: Api) -> None:
    """The status a client reads declares the computed amounts, with what they mean."""
    schema = (await api.get("auditor", "/openapi.json")).json()
    detail = schema["paths"]["/lifecycles/{workflow_id}"]["get"]["responses"]["200"]
    assert detail["content"]["application/json"]["schema"]["$ref"].endswith("/LifecycleDetail")
    components = schema["components"]["schemas"]
    status = components["LifecycleDetail"]["properties"]["status"]["$ref"].rsplit("/", 1)[1]
    for name in ("duties_payable", "late_fee_payable"):
        declared = components[status]["properties"][name]
        assert name in components[status]["required"]
        assert declared["readOnly"] is True
        assert "CNY" in declared["description"]
    payable = components["TaxAssessment"]["properties"]["payable"]
    assert payable["$ref"].endswith("/TaxBillView")
    assert payable["description"].startswith("The bill the enterprise pays")
    waived = components["LateFeeView"]["properties"]["waived"]
    assert (waived["type"], waived["readOnly"]) == ("boolean", True)
