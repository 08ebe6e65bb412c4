"""A registration that loses a race to the same natural key (the other request's row
committed between our check and our insert) is refused naming the field from the
constraint the driver reports, never with the database's text. The race is made
certain by hiding the winner from the check."""

from __future__ import annotations

import pytest

from access import repository as access_repository
from demo import ids
from masterdata import repository as masterdata_repository
from tests.api.conftest import Api


async def test_a_user_created_twice_at_once_is_a_conflict_on_name(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"name": "twin-filer", "role": "filer", "enterprises": [ids.SOLAR_CUSTOMS_CODE]}
    assert (await api.post("admin", "/users", json=body)).status_code == 201
    monkeypatch.setattr(access_repository, "user_by_name", lambda session, name: None)
    refused = await api.post("admin", "/users", json=body)
    assert refused.status_code == 409
    problem = refused.json()
    assert refused.headers["content-type"] == "application/problem+json"
    assert (problem["field"], problem["detail"]) == ("name", "a user named twin-filer exists")


async def test_an_enterprise_registered_twice_at_once_is_refused_on_its_customs_code(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {
        "customs_code": "9601346009",
        "credit_code": "91630100MA7XN00996",
        "name": "青海高原冷链物流有限公司",
        "roles": ["logistics"],
    }
    assert (await api.post("admin", "/enterprises", json=body)).status_code in (200, 201)
    monkeypatch.setattr(masterdata_repository, "enterprise_by_customs_code", lambda s, c: None)
    monkeypatch.setattr(masterdata_repository, "enterprise_by_credit_code", lambda s, c: None)
    refused = await api.post("admin", "/enterprises", json=body)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["field"] in ("customs_code", "credit_code")  # whichever index is hit first
    assert problem["detail"] == (
        f"an enterprise with the same {problem['field'].replace('_', ' ')} was registered by"
        " another request at the same time"
    )
    assert "UNIQUE" not in problem["detail"]
    assert "duplicate key" not in problem["detail"]
