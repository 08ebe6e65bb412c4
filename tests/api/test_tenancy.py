"""Tenant isolation across every object route of books and lifecycles: another
enterprise's filer gets exactly the answer a missing object gets (404, same title),
and an auditor, who may read everything, is refused every action (403)."""

from __future__ import annotations

from typing import Any

import pytest

from demo import ids
from tests.api.conftest import Api, entry_body, until_stage

pytestmark = pytest.mark.asyncio(loop_scope="session")

ACTIONS: dict[str, dict[str, Any]] = {
    "sign-off": {"reason": "x"},
    "return": {"reason": "x"},
    "cancel": {"reason": "x"},
    "inspection": {"passed": True, "reason": "x"},
    "payment": {"reference": "R1", "amount": "1.00"},
    "weight-decision": {"accept": True, "reason": "x"},
    "deviation-approval": {"reason": "x"},
    "vehicle-correction": {
        "vehicle": {"vehicle_no": "青A12345", "vehicle_weight": "1000"},
        "reason": "x",
    },
    "correction": {"draft": {}, "reason": "x"},
}


def _same_as_missing(foreign: Any, missing: Any) -> None:
    assert foreign.status_code == missing.status_code == 404, (foreign.text, missing.text)
    assert foreign.headers["content-type"] == "application/problem+json"
    assert foreign.json()["title"] == missing.json()["title"]


async def test_another_enterprise_finds_nothing_and_an_auditor_acts_on_nothing(
    live: Api,
) -> None:
    filed = await live.post(
        "solar-filer", "/lifecycles/first_line_entry", json=entry_body(live.no("T-1"))
    )
    workflow_id = filed.json()["workflow_id"]
    await until_stage(live, "solar-filer", workflow_id, "awaiting_sign_off")
    await live.post("liaison", f"/lifecycles/{workflow_id}/sign-off", json={"reason": "ok"})
    await until_stage(live, "solar-filer", workflow_id, "completed")
    documents = (await live.get("solar-filer", f"/lifecycles/{workflow_id}/documents")).json()[
        "items"
    ]
    file_name = documents[0]["submissions"][0]["file_name"]
    receipt_id = documents[0]["receipts"][0]["id"]

    reads = [
        ("/lifecycles/{id}", "/lifecycles/entry-MISSING"),
        ("/lifecycles/{id}/documents", "/lifecycles/entry-MISSING/documents"),
        (
            f"/lifecycles/{{id}}/submissions/{file_name}",
            f"/lifecycles/entry-MISSING/submissions/{file_name}",
        ),
        (f"/lifecycles/{{id}}/receipts/{receipt_id}", "/lifecycles/entry-MISSING/receipts/1"),
        (f"/books/{ids.SOLAR_BOOK}", "/books/H96019900999"),
        (f"/books/{ids.SOLAR_BOOK}/items", "/books/H96019900999/items"),
        (f"/books/{ids.SOLAR_BOOK}/norms", "/books/H96019900999/norms"),
        (f"/books/{ids.SOLAR_BOOK}/lots", "/books/H96019900999/lots"),
    ]
    for route, missing_route in reads:
        foreign = await live.get("cold-filer", route.format(id=workflow_id))
        missing = await live.get("cold-filer", missing_route)
        _same_as_missing(foreign, missing)
        # The scoped auditor of the solar maker reads them; of the other, not.
        assert (await live.get("solar-auditor", route.format(id=workflow_id))).status_code == 200

    for action, body in ACTIONS.items():
        foreign = await live.post("cold-filer", f"/lifecycles/{workflow_id}/{action}", json=body)
        missing = await live.post("cold-filer", f"/lifecycles/entry-MISSING/{action}", json=body)
        _same_as_missing(foreign, missing)
        audited = await live.post("auditor", f"/lifecycles/{workflow_id}/{action}", json=body)
        assert audited.status_code == 403, (action, audited.text)
        assert audited.json()["type"].endswith("/forbidden")

    item = {
        "book_no": ids.SOLAR_BOOK,
        "item_no": 999,
        "part_no": "X-1",
        "hs_code": "8541430000",
        "name": "x",
        "declared_unit": "007",
        "first_legal_unit": "007",
        "first_legal_factor": "1",
    }
    foreign = await live.post("cold-filer", f"/books/{ids.SOLAR_BOOK}/items", json=item)
    missing = await live.post(
        "cold-filer", "/books/H96019900999/items", json=item | {"book_no": "H96019900999"}
    )
    _same_as_missing(foreign, missing)
    assert (
        await live.post("auditor", f"/books/{ids.SOLAR_BOOK}/items", json=item)
    ).status_code == 403

    listed = await live.get("cold-filer", "/lifecycles")
    assert workflow_id not in [i["workflow_id"] for i in listed.json()["items"]]
    books = await live.get("cold-filer", "/books")
    assert [b["book_no"] for b in books.json()["items"]] == [ids.COLD_CHAIN_BOOK]
