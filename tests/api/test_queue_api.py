"""The liaison's work queue through the API, on the dev server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from demo import ids
from tests.api.conftest import Api, entry_body, until_stage
from tests.workflows.test_transfer import transfer

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def queue_until(
    api: Api,
    user: str,
    ids: list[str],
    done: Callable[[list[dict[str, Any]]], bool],
    **params: str,
) -> list[dict[str, Any]]:
    """The queue's items among ``ids`` once ``done`` holds: the queue reads Temporal's
    visibility, which follows a stage change a moment later (polled, bounded)."""
    items: list[dict[str, Any]] = []
    for _ in range(100):
        queue = await api.get(user, "/queue", params=params)
        assert queue.status_code == 200, queue.text
        items = [i for i in queue.json()["items"] if i["workflow_id"] in ids]
        if done(items):
            return items
        await asyncio.sleep(0.1)
    raise AssertionError(f"the queue never settled: {items}")


async def test_the_queue_shows_what_waits_for_the_liaison_most_urgent_first(live: Api) -> None:
    """Given two entries waiting for sign-off, the one that arrived 12 days ago (its
    declaration deadline in 2 days) and one that arrived yesterday, when the liaison
    opens the queue, then the older comes first with its deadline and what can be
    done; a filer's own queue (what waits for the filer) is empty, and another
    enterprise's filer sees nothing of them."""
    ids = []
    for inner, days in (("Q-NEW", 1), ("Q-OLD", 12)):
        filed = await live.post(
            "solar-filer", "/lifecycles/first_line_entry", json=entry_body(live.no(inner), days)
        )
        assert filed.status_code == 201, filed.text
        ids.append(filed.json()["workflow_id"])
        await until_stage(live, "solar-filer", ids[-1], "awaiting_sign_off")

    items = await queue_until(live, "liaison", ids, lambda found: len(found) == 2)
    assert [i["business_no"] for i in items] == [live.no("Q-OLD"), live.no("Q-NEW")]
    assert items[0]["stage"] == "awaiting_sign_off"
    assert items[0]["actions"] == ["sign-off", "return", "cancel"]
    assert items[0]["due"] < items[1]["due"]
    assert items[0]["next_step"] == "liaison sign-off"
    assert items[0]["escalated"] is False

    by_book = await live.get("liaison", "/queue", params={"book_no": items[0]["book_no"]})
    assert len([i for i in by_book.json()["items"] if i["workflow_id"] in ids]) == 2
    other_book = await live.get("liaison", "/queue", params={"book_no": "T3111W000076"})
    assert not [i for i in other_book.json()["items"] if i["workflow_id"] in ids]
    exports = await live.get("liaison", "/queue", params={"lifecycle": "export"})
    assert not [i for i in exports.json()["items"] if i["workflow_id"] in ids]

    signed_only = await live.get("liaison", "/queue", params={"stage": "inspection"})
    assert not [i for i in signed_only.json()["items"] if i["workflow_id"] in ids]
    own = await live.get("solar-filer", "/queue")
    assert not [i for i in own.json()["items"] if i["workflow_id"] in ids]
    foreign = await live.get("cold-filer", "/queue", params={"waiting_for": "liaison"})
    assert not [i for i in foreign.json()["items"] if i["workflow_id"] in ids]

    # Once signed off it leaves the queue.
    await live.post("liaison", f"/lifecycles/{ids[1]}/sign-off", json={"reason": "急"})
    await until_stage(live, "liaison", ids[1], "completed")
    after = await queue_until(live, "liaison", ids, lambda found: len(found) == 1)
    assert [i["business_no"] for i in after] == [live.no("Q-NEW")]


async def test_a_transfers_receiving_enterprise_sees_it_in_the_queue_too(live: Api) -> None:
    """Given a transfer from the solar maker's book to the cold store's, once it waits
    (for the liaison's sign-off, or for the filer if the check returned it), when the
    cold store's filer asks the queue for that role, then it is there (visibility's
    enterprise is the giving side's: the lifecycles table says who else may see it),
    also when filtered by the cold store's enterprise or book."""
    body = transfer(live.no("Q-TR")).model_dump(mode="json")
    del body["filed_by"]
    filed = await live.post("solar-filer", "/lifecycles/transfer", json=body)
    assert filed.status_code == 201, filed.text
    workflow_id = filed.json()["workflow_id"]
    detail = await until_stage(live, "solar-filer", workflow_id, "awaiting_sign_off", "returned")
    role = detail["status"]["waiting_for"]

    items = await queue_until(
        live, "cold-filer", [workflow_id], lambda found: len(found) == 1, waiting_for=role
    )
    assert items[0]["enterprise_code"] == ids.SOLAR_CUSTOMS_CODE
    for narrowed in ({"enterprise": ids.COLD_CHAIN_CUSTOMS_CODE}, {"book_no": ids.COLD_CHAIN_BOOK}):
        queue = await live.get("cold-filer", "/queue", params={"waiting_for": role, **narrowed})
        assert [i["workflow_id"] for i in queue.json()["items"]] == [workflow_id], narrowed
