"""The metrics an operator watches, read the way Prometheus reads them: given the live
stack (API, dev server, worker, simulator, receipt watcher), when a first-line entry
is filed, signed off and completed through the API, then /metrics shows it: the
requests by route template, the lifecycle started and completed, the lifecycle
waiting for its sign-off and no longer waiting once completed, customs' receipts
received and routed with their lag, the ledger's postings and the chain head."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from adapters.db.engine import Database
from bondflow.settings import Settings
from ledger import ChainAuditor
from tests.api.conftest import Api, api_client, entry_body, no_temporal, until_stage
from tests.observability.scrape import Scrape

pytestmark = pytest.mark.asyncio(loop_scope="session")

ENTRY = "first_line_entry"


async def scrape(api: Api, headers: dict[str, str] | None = None) -> Scrape:
    response = await api.client.get("/metrics", headers=headers or {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return Scrape.of(response.text)


async def until_scraped(
    api: Api, holds: Callable[[Scrape], bool], what: str, timeout: float = 30.0
) -> Scrape:
    """Scrape until ``holds``: visibility follows a stage change a moment later and
    the waiting counts are kept for metrics_waiting_max_age_seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        scraped = await scrape(api)
        if holds(scraped):
            return scraped
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(
                f"{what}: {scraped.labels('bondflow_lifecycles_waiting', 'stage')}"
            )
        await asyncio.sleep(0.1)


async def test_a_lifecycle_through_the_api_moves_the_metrics(live: Api) -> None:
    before = await scrape(live)

    filed = await live.post(
        "solar-filer", "/lifecycles/first_line_entry", json=entry_body(live.no("MET-1"))
    )
    assert filed.status_code == 201, filed.text
    workflow_id = filed.json()["workflow_id"]
    await until_stage(live, "liaison", workflow_id, "awaiting_sign_off")

    waiting = await until_scraped(
        live,
        lambda s: s.value("bondflow_lifecycles_waiting", stage="awaiting_sign_off") == 1,
        "the entry never showed as waiting for its sign-off",
    )
    assert waiting.value("bondflow_lifecycles_visibility_up") == 1
    assert sum(waiting.labels("bondflow_lifecycles_waiting", "stage").values()) == 1

    signed = await live.post(
        "liaison", f"/lifecycles/{workflow_id}/sign-off", json={"reason": "ok"}
    )
    assert signed.status_code == 200, signed.text
    await until_stage(live, "liaison", workflow_id, "completed")

    after = await until_scraped(
        live,
        lambda s: sum(s.labels("bondflow_lifecycles_waiting", "stage").values()) == 0,
        "the waiting gauge did not return to zero",
    )

    def moved(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    # Lifecycles: started by the API, completed as the worker saw the workflow return.
    assert moved("bondflow_lifecycles_started_total", lifecycle=ENTRY) == 1
    assert moved("bondflow_lifecycles_completed_total", lifecycle=ENTRY) == 1
    assert moved("bondflow_lifecycles_cancelled_total", lifecycle=ENTRY) == 0

    # Requests by route template, method and status, never by raw path.
    assert (
        moved(
            "bondflow_http_requests_total",
            route="/lifecycles/first_line_entry",
            method="POST",
            status="201",
        )
        == 1
    )
    polled = moved(
        "bondflow_http_request_duration_seconds_count",
        route="/lifecycles/{workflow_id}",
        method="GET",
        status="200",
    )
    assert polled >= 2  # until_stage polled the status at least twice
    assert (
        moved(
            "bondflow_http_request_duration_seconds_bucket",
            route="/lifecycles/{workflow_id}",
            method="GET",
            status="200",
            le="+Inf",
        )
        == polled
    )
    assert not after.has("bondflow_http_requests_total", route=f"/lifecycles/{workflow_id}")

    # Customs answered the list and the gate pass; each receipt was routed, with its lag.
    received = moved("bondflow_receipts_received_total")
    routed = moved("bondflow_receipts_routed_total")
    assert routed >= 3  # INV201 stored, SAS221 filed, SAS223 through, INV202...
    assert received >= routed
    assert moved("bondflow_receipt_lag_seconds_count") == routed
    assert moved("bondflow_receipts_quarantined_total") == 0
    assert after.value("bondflow_receipt_watcher_last_scan_timestamp_seconds") > 0

    # The ledger reserved and then posted the reservation; the chain head is the database's.
    assert moved("bondflow_ledger_postings_total", operation="reserve") == 1
    assert moved("bondflow_ledger_postings_total", operation="post_pending") == 1
    assert moved("bondflow_ledger_movements_total", operation="reserve") == 2  # two lines
    head = ChainAuditor(live.db).anchor().seq
    assert after.value("bondflow_ledger_chain_head_seq") == head


async def test_a_verification_of_the_chain_shows_when_and_whether_it_held(live: Api) -> None:
    verified = await live.get("auditor", "/audit/ledger/verification")
    assert verified.status_code == 200, verified.text
    scraped = await scrape(live)
    assert scraped.value("bondflow_ledger_chain_last_verification_timestamp_seconds") > 0
    assert scraped.value("bondflow_ledger_chain_last_verification_ok") == 1


async def test_a_path_no_route_matches_is_counted_once_as_unmatched(api: Api) -> None:
    before = await scrape(api)
    for path in ("/no-such-thing/1", "/no-such-thing/2"):
        assert (await api.client.get(path)).status_code == 404
    after = await scrape(api)
    labels = {"route": "unmatched", "method": "GET", "status": "404"}
    assert (
        after.value("bondflow_http_requests_total", **labels)
        - before.value("bondflow_http_requests_total", **labels)
        == 2
    )
    assert not after.has("bondflow_http_requests_total", route="/no-such-thing/1")


async def test_without_temporal_the_scrape_answers_and_says_visibility_is_down(api: Api) -> None:
    scraped = await scrape(api)
    assert scraped.value("bondflow_lifecycles_visibility_up") == 0
    assert not scraped.has("bondflow_lifecycles_waiting")


async def test_with_a_scrape_token_the_metrics_need_it(seeded: Database) -> None:
    token = "scrape-token-0123456789"
    async with api_client(seeded, no_temporal, Settings(metrics_token=token)) as api:
        refused = await api.client.get("/metrics")
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["field"] == "authorization"
        wrong = await api.client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        # An API user's token is not the scrape token either.
        user = await api.client.get("/metrics", headers=api.auth("admin"))
        assert user.status_code == 401
        scraped = await scrape(api, {"Authorization": f"Bearer {token}"})
        assert scraped.has("bondflow_lifecycles_visibility_up")


async def test_metrics_are_not_in_the_openapi(api: Api) -> None:
    paths = (await api.client.get("/openapi.json")).json()["paths"]
    assert "/metrics" not in paths


async def test_a_cancelled_lifecycle_is_counted_as_cancelled_not_completed(live: Api) -> None:
    before = await scrape(live)
    filed = await live.post(
        "solar-filer", "/lifecycles/first_line_entry", json=entry_body(live.no("MET-2"))
    )
    assert filed.status_code == 201, filed.text
    workflow_id = filed.json()["workflow_id"]
    await until_stage(live, "solar-filer", workflow_id, "awaiting_sign_off")

    cancelled = await live.post(
        "solar-filer", f"/lifecycles/{workflow_id}/cancel", json={"reason": "wrong train"}
    )
    assert cancelled.status_code == 200, cancelled.text
    await until_stage(live, "solar-filer", workflow_id, "cancelled")

    after = await until_scraped(
        live,
        lambda s: (
            s.value("bondflow_lifecycles_cancelled_total", lifecycle=ENTRY)
            > before.value("bondflow_lifecycles_cancelled_total", lifecycle=ENTRY)
            and sum(s.labels("bondflow_lifecycles_waiting", "stage").values()) == 0
        ),
        "the cancelled entry was not counted, or still shows as waiting",
    )
    for name, moved in (
        ("bondflow_lifecycles_started_total", 1),
        ("bondflow_lifecycles_cancelled_total", 1),
        ("bondflow_lifecycles_completed_total", 0),
    ):
        assert after.value(name, lifecycle=ENTRY) - before.value(name, lifecycle=ENTRY) == moved
