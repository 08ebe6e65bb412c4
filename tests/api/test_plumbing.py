"""What every route shares: authentication, problems, request ids, paging, health."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import api.lifecycles.endpoints as lifecycle_endpoints
from tests.api.conftest import Api

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_without_a_valid_token_nothing_is_answered_but_a_problem(api: Api) -> None:
    missing = await api.client.get("/books")
    wrong = await api.client.get("/books", headers={"Authorization": "Bearer bf_00000000_nope"})
    for response in (missing, wrong):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["type"].endswith("/unauthenticated")


async def test_a_request_id_is_answered_and_a_sane_one_is_kept(api: Api) -> None:
    made = await api.get("auditor", "/books")
    assert len(made.headers["x-request-id"]) == 32
    kept = await api.client.get(
        "/books", headers=api.auth("auditor") | {"X-Request-ID": "trace-20261128-0001"}
    )
    assert kept.headers["x-request-id"] == "trace-20261128-0001"
    odd = await api.client.get("/books", headers=api.auth("auditor") | {"X-Request-ID": "<x>"})
    assert odd.headers["x-request-id"] != "<x>"


async def test_bad_paging_is_refused_naming_the_parameter(api: Api) -> None:
    response = await api.get("auditor", "/books", params={"limit": 0})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "limit"
    assert body["request_id"] == response.headers["x-request-id"]
    page = (await api.get("auditor", "/books", params={"limit": 1, "offset": 1})).json()
    assert (page["limit"], page["offset"], page["total"], len(page["items"])) == (1, 1, 2, 1)


async def test_health_answers_and_readiness_names_what_is_down(api: Api) -> None:
    assert (await api.client.get("/health")).json() == {
        "status": "ok",
        "database": None,
        "temporal": None,
    }
    ready = await api.client.get("/ready")
    assert ready.status_code == 503  # this test runs without Temporal
    assert ready.json()["database"] == "ok"
    assert ready.json()["temporal"].startswith("unreachable")


async def test_only_an_admin_registers_an_enterprise_and_filers_see_their_own(api: Api) -> None:
    new = {
        "customs_code": "9601346009",
        "credit_code": "91630100MA7XN00094",
        "name": "青海高原冷链物流有限公司",
        "roles": ["logistics"],
    }
    refused = await api.post("solar-filer", "/enterprises", json=new)
    assert refused.status_code == 403
    own = await api.get("solar-filer", "/enterprises")
    assert [e["customs_code"] for e in own.json()["items"]] == ["9601346001"]
    everyone = await api.get("auditor", "/enterprises")
    assert everyone.json()["total"] == 3


async def test_an_upload_over_the_limit_is_refused_as_it_streams_in(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lifecycle_endpoints, "MAX_UPLOAD", 1000)
    params = {
        "location": "XN-WH-A-01",
        "exchange_rate": "7.123400",
        "vehicle_no": "X1",
        "vehicle_weight": "1",
        "arrival_date": "2026-11-27",
    }

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: only the stream tells
        for _ in range(10):
            yield b"<" * 500

    streamed = await api.client.post(
        "/lifecycles/xml", params=params, content=chunks(), headers=api.auth("solar-filer")
    )
    declared = await api.post("solar-filer", "/lifecycles/xml", params=params, content=b"x" * 2000)
    for response in (streamed, declared):
        assert response.status_code == 413, response.text
        assert response.json()["type"].endswith("/too_large")
