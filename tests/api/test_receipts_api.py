"""Receipts on their way to their lifecycles, through the API.

On the dev server: a 结关 (DEC_RESULT R) that comes after a domestic sale completed is
recorded against its list, shown with "arrived after the lifecycle ended" and never
tried again. Without Temporal: receipts parked after the retry bound are listed for
liaison staff and admins, redelivered (liaison or admin) and dismissed (admin only),
and every refusal is problem+json naming its field.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest

from adapters.gateway.filedrop import FileDropGateway
from adapters.gateway.folders import ExchangeFolders
from adapters.gateway.watcher import ReceiptSink, ReceiptWatcher
from adapters.simulator import receipts as build
from adapters.xml.codec import render
from customs.delivery_policy import DeliveryUnavailable, RetryPolicy
from customs.routing import Answer
from customs.service import CustomsRecords
from schemas.customs import DeliveryState, ReceiptView
from schemas.messages.codes import DeclarationChannel
from schemas.messages.fields import DOCUMENT_ZONE
from tests.api.conftest import Api, until_stage
from tests.gateway.conftest import Clock
from tests.gateway.test_watcher import Mtime, drop, review
from tests.support import messages
from tests.workflows.conftest import Zone
from tests.workflows.test_domestic_sale import sale

pytestmark = pytest.mark.asyncio(loop_scope="session")

PROBLEM = "application/problem+json"


# --- a late receipt on the dev server -------------------------------------------------


class CountingSink:
    """The zone's real sink (signals to the dev server), counting the calls per receipt."""

    def __init__(self, zone: Zone) -> None:
        assert zone.watcher.sink is not None
        self.sink: ReceiptSink = zone.watcher.sink
        self.calls: list[int] = []
        self.lock = threading.Lock()
        zone.watcher.sink = self

    def deliver(self, receipt: ReceiptView, message: Answer) -> None:
        with self.lock:
            self.calls.append(receipt.id)
        self.sink.deliver(receipt, message)


def _sale_body(inner_no: str) -> dict[str, Any]:
    body = sale(inner_no).model_dump(mode="json")
    del body["filed_by"]
    return body


async def _completed_sale(live: Api) -> str:
    filed = await live.post(
        "solar-filer", "/lifecycles/domestic_sale", json=_sale_body(live.no("DS-LATE"))
    )
    assert filed.status_code == 201, filed.text
    workflow_id: str = filed.json()["workflow_id"]
    await until_stage(live, "liaison", workflow_id, "awaiting_sign_off")
    signed = await live.post(
        "liaison", f"/lifecycles/{workflow_id}/sign-off", json={"reason": "ok"}
    )
    assert signed.status_code == 200, signed.text
    owed = await until_stage(live, "solar-filer", workflow_id, "awaiting_payment")
    paid = await live.post(
        "solar-filer",
        f"/lifecycles/{workflow_id}/payment",
        json={
            "reference": "ICBC-20261205-0001",
            "amount": owed["status"]["taxes"]["on_finished_goods"]["total"],  # the chosen basis
        },
    )
    assert paid.status_code == 200, paid.text
    await until_stage(live, "solar-filer", workflow_id, "completed")
    return workflow_id


def _drop_closing_notice(zone: Zone, workflow_id: str) -> str:
    """Customs' 结关 (DEC_RESULT R) for the sale's declaration, written into the InBox the
    way the client writes: under a hidden name, then renamed."""
    records = zone.deps.records
    (document,) = [
        d for d in records.documents_of_workflow(workflow_id) if d.declaration_seq_no is not None
    ]
    earlier = next(r for r in records.receipts(document.id) if r.message_type == "DEC_RESULT")
    assert document.declaration_seq_no is not None
    notice = build.declaration_status(
        seq_no=document.declaration_seq_no,
        entry_id=document.entry_id,
        channel=DeclarationChannel.CLOSED,
        at=dt.datetime.now(DOCUMENT_ZONE).replace(microsecond=0),
        port=earlier.summary["result"]["custom_master"],
    )
    name = f"DEC_RESULT_{document.declaration_seq_no}_late_R.xml"
    hidden = zone.folders.inbox / f".{name}"
    hidden.write_bytes(render(notice))
    hidden.rename(zone.folders.inbox / name)
    return name


async def _recorded(zone: Zone, workflow_id: str, file_name: str) -> int:
    """The receipt's id once the zone's watcher has recorded it and settled its delivery."""
    records = zone.deps.records
    for _ in range(300):
        for document in records.documents_of_workflow(workflow_id):
            for receipt in records.deliveries.of_document(document.id):
                if receipt.file_name == file_name and receipt.delivery.state.settled:
                    return receipt.id
        await asyncio.sleep(0.1)
    raise AssertionError(f"{file_name} was not recorded and settled")


async def test_a_closing_notice_after_a_domestic_sale_completed_is_kept_and_not_retried(
    live: Api, zone: Zone
) -> None:
    """Given a domestic sale that completed, when customs' 结关 (DEC_RESULT R) arrives,
    then it is recorded against the sale's list, its delivery says it arrived after the
    lifecycle ended (Temporal's own answer), the API shows it, and the watcher does not
    try it again: not on later scans, not after a restart."""
    workflow_id = await _completed_sale(live)
    sink = CountingSink(zone)

    file_name = _drop_closing_notice(zone, workflow_id)
    receipt_id = await _recorded(zone, workflow_id, file_name)

    documents = await live.get("solar-filer", f"/lifecycles/{workflow_id}/documents")
    assert documents.status_code == 200, documents.text
    (late,) = [r for d in documents.json()["items"] for r in d["receipts"] if r["id"] == receipt_id]
    assert (late["message_type"], late["result"]) == ("DEC_RESULT", "R")
    assert late["delivery"]["state"] == "after_end"
    assert late["delivery"]["note"].startswith(
        f"arrived after the lifecycle {workflow_id} ended (completed: "
    )
    assert "workflow execution already completed" in late["delivery"]["note"]
    # Every earlier receipt reached the workflow while it ran.
    assert {r["delivery"]["state"] for d in documents.json()["items"] for r in d["receipts"]} == {
        "delivered",
        "after_end",
    }

    for _ in range(3):
        await asyncio.to_thread(zone.watcher.scan_once)
    restarted = ReceiptWatcher(zone.folders, zone.deps.records, sink)
    await asyncio.to_thread(restarted.scan_once)
    assert sink.calls.count(receipt_id) == 1

    listed = await live.get("liaison", "/receipts", params={"state": "after_end"})
    assert receipt_id in [item["receipt"]["id"] for item in listed.json()["items"]]
    undelivered = await live.get("liaison", "/receipts")
    assert receipt_id not in [item["receipt"]["id"] for item in undelivered.json()["items"]]


# --- parked receipts without Temporal -------------------------------------------------

POLICY = RetryPolicy(max_attempts=3, first_delay=dt.timedelta(seconds=2))


class Down:
    """Temporal unreachable: every delivery fails as the real sink says it."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def deliver(self, receipt: ReceiptView, message: Answer) -> None:
        self.calls.append(receipt.id)
        raise DeliveryUnavailable("Temporal UNAVAILABLE: connection refused")


class Up:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def deliver(self, receipt: ReceiptView, message: Answer) -> None:
        self.calls.append(receipt.id)


def _parked_receipts(api: Api, tmp_path: Path, clock: Clock) -> tuple[ReceiptWatcher, list[int]]:
    """Two receipts of a list that failed to be delivered until they were parked."""
    folders = ExchangeFolders.under(tmp_path / "exchange").create()
    records = CustomsRecords(api.db, clock=clock)
    FileDropGateway(folders, records).submit(messages.bonded_list(), workflow_id="entry-X")
    arrival = Mtime()
    drop(folders, "INV201_a.xml", review("Y", clock.now), arrival)
    drop(folders, "INV201_b.xml", review("1", clock.now + dt.timedelta(minutes=3)), arrival)
    watcher = ReceiptWatcher(folders, records, Down(), clock=clock, policy=POLICY)
    for _ in range(POLICY.max_attempts):
        watcher.scan_once()
        clock.advance(60)
    ids = [r.id for r in records.undelivered()]
    assert len(ids) == 2
    return watcher, ids


@pytest.fixture
def clock() -> Clock:
    """Now, so that what the API decides (in real time) is due for the test's watcher."""
    clock = Clock()
    clock.now = dt.datetime.now(DOCUMENT_ZONE).replace(microsecond=0)
    return clock


async def test_parked_receipts_are_listed_redelivered_and_dismissed(
    api: Api, tmp_path: Path, clock: Clock
) -> None:
    """Given two receipts parked after the retry bound, then liaison staff and admins see
    them with their attempts, last error and state; when the liaison redelivers one it
    is delivered on the watcher's next pass; when an admin dismisses the other with a
    reason, it keeps who and why and is never tried again."""
    watcher, (first, second) = _parked_receipts(api, tmp_path, clock)

    for user in ("liaison", "admin"):
        listed = await api.get(user, "/receipts")
        assert listed.status_code == 200, listed.text
        body = listed.json()
        assert body["total"] == 2
        assert [item["receipt"]["id"] for item in body["items"]] == [first, second]
        item = body["items"][0]
        assert item["document"]["inner_no"] == "SOLAR-IN-0001"
        assert item["document"]["workflow_id"] == "entry-X"
        assert item["delivery"]["state"] == "parked"
        assert item["delivery"]["attempts"] == POLICY.max_attempts
        assert item["delivery"]["last_error"] == "Temporal UNAVAILABLE: connection refused"
        assert item["delivery"]["next_attempt_at"] is None
    paged = (await api.get("liaison", "/receipts", params={"limit": 1, "offset": 1})).json()
    assert (paged["total"], [i["receipt"]["id"] for i in paged["items"]]) == (2, [second])

    redelivered = await api.post(
        "liaison", f"/receipts/{first}/redeliver", json={"reason": "Temporal is back"}
    )
    assert redelivered.status_code == 200, redelivered.text
    assert redelivered.json()["delivery"]["state"] == "pending"
    assert redelivered.json()["delivery"]["attempts"] == 0
    assert redelivered.json()["delivery"]["decided_by"] == "liaison"
    working = Up()
    watcher.sink = working
    watcher.scan_once()
    assert working.calls == [first]
    shown = await api.get("admin", f"/receipts/{first}")
    assert shown.json()["delivery"]["state"] == "delivered"

    dismissed = await api.post(
        "admin", f"/receipts/{second}/dismiss", json={"reason": "the list was deleted by hand"}
    )
    assert dismissed.status_code == 200, dismissed.text
    delivery = dismissed.json()["delivery"]
    assert (delivery["state"], delivery["decided_by"], delivery["note"]) == (
        "dismissed",
        "admin",
        "the list was deleted by hand",
    )
    clock.advance(86400)
    watcher.scan_once()
    assert working.calls == [first]
    assert (await api.get("liaison", "/receipts")).json()["total"] == 0
    settled = await api.get(
        "liaison", "/receipts", params=[("state", "delivered"), ("state", "dismissed")]
    )
    assert [i["delivery"]["state"] for i in settled.json()["items"]] == ["delivered", "dismissed"]


@pytest.mark.parametrize("user", ["solar-filer", "auditor", "solar-auditor"])
async def test_filers_and_auditors_neither_list_nor_act(
    api: Api, tmp_path: Path, clock: Clock, user: str
) -> None:
    _, (first, _) = _parked_receipts(api, tmp_path, clock)

    for response in (
        await api.get(user, "/receipts"),
        await api.get(user, f"/receipts/{first}"),
        await api.post(user, f"/receipts/{first}/redeliver"),
        await api.post(user, f"/receipts/{first}/dismiss", json={"reason": "x"}),
    ):
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["field"] == "role"
    assert len(CustomsRecords(api.db).undelivered()) == 2


async def test_refusals_name_their_field(api: Api, tmp_path: Path, clock: Clock) -> None:
    watcher, (first, second) = _parked_receipts(api, tmp_path, clock)

    # Only an admin dismisses: a liaison is refused, and nothing changes.
    liaison = await api.post("liaison", f"/receipts/{first}/dismiss", json={"reason": "x"})
    assert (liaison.status_code, liaison.json()["field"]) == (403, "role")
    assert liaison.json()["detail"] == "only an admin may do this, not a liaison"

    blank = await api.post("admin", f"/receipts/{first}/dismiss", json={"reason": "   "})
    assert (blank.status_code, blank.json()["field"]) == (422, "reason")
    missing_reason = await api.post("admin", f"/receipts/{first}/dismiss", json={})
    assert (missing_reason.status_code, missing_reason.json()["field"]) == (422, "reason")

    await api.post("admin", f"/receipts/{first}/redeliver")
    watcher.sink = Up()
    watcher.scan_once()
    delivered = await api.post("admin", f"/receipts/{first}/dismiss", json={"reason": "not needed"})
    assert delivered.status_code == 409
    assert delivered.headers["content-type"] == PROBLEM
    assert delivered.json()["field"] == "state"
    assert delivered.json()["detail"] == (
        f"receipt {first} was delivered to its lifecycle: only a pending or parked receipt"
        " may be dismissed"
    )

    unknown = await api.post("admin", f"/receipts/{second + 1000}/redeliver")
    assert (unknown.status_code, unknown.json()["field"]) == (404, "receipt_id")
    bad_state = await api.get("liaison", "/receipts", params={"state": "lost"})
    assert (bad_state.status_code, bad_state.json()["field"]) == (422, "state[0]")
    assert CustomsRecords(api.db).deliveries.get(second).delivery.state is DeliveryState.PARKED


async def test_a_receipt_is_shown_whole_with_the_chinese_name_of_every_field(
    api: Api, tmp_path: Path, clock: Clock
) -> None:
    """Given a receipt customs sent, liaison staff see every field of it as customs
    wrote it, each with its Chinese name, in the format's order; filers are refused
    here and read their own lifecycle's receipts instead."""
    _watcher, (first, _second) = _parked_receipts(api, tmp_path, clock)

    shown = await api.get("liaison", f"/receipts/{first}/fields")

    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert (body["id"], body["message_type"], body["transport"]) == (first, "INV201", None)
    fields = {item["element"]: item for item in body["fields"]}
    assert fields["EnvelopInfo/message_type"] == {
        "element": "EnvelopInfo/message_type",
        "label": "报文类型",
        "value": "INV201",
    }
    assert fields["INV201/HdeApprResult/manageResult"]["value"] == "Y"
    elements = [item["element"] for item in body["fields"]]
    assert elements.index("EnvelopInfo/message_type") < elements.index(
        "INV201/HdeApprResult/manageResult"
    )
    refused = await api.get("solar-filer", f"/receipts/{first}/fields")
    assert refused.status_code == 403
