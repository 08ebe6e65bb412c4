"""Users through the API, for an admin only: create (the token shown once), list,
issue another token, revoke the tokens, disable the user."""

from __future__ import annotations

import pytest

from demo import ids
from tests.api.conftest import Api

pytestmark = pytest.mark.asyncio(loop_scope="session")

NEW_FILER = {"name": "new-filer", "role": "filer", "enterprises": [ids.SOLAR_CUSTOMS_CODE]}


async def _as(api: Api, token: str, url: str) -> int:
    response = await api.client.get(url, headers={"Authorization": f"Bearer {token}"})
    return response.status_code


async def test_an_admin_creates_a_user_whose_token_works_until_revoked(api: Api) -> None:
    created = await api.post("admin", "/users", json=NEW_FILER)
    assert created.status_code == 201, created.text
    issued = created.json()
    assert issued["user"]["enterprises"] == [ids.SOLAR_CUSTOMS_CODE]
    token = issued["token"]
    assert token.startswith("bf_")
    assert await _as(api, token, f"/books/{ids.SOLAR_BOOK}") == 200
    assert await _as(api, token, f"/books/{ids.COLD_CHAIN_BOOK}") == 404

    listed = (await api.get("admin", "/users", params={"limit": 500})).json()
    names = [user["name"] for user in listed["items"]]
    assert "new-filer" in names
    assert all("token" not in user for user in listed["items"])

    revoked = await api.post("admin", "/users/new-filer/revoke")
    assert revoked.json() == {"name": "new-filer", "revoked": 1}
    assert await _as(api, token, "/books") == 401
    second = (await api.post("admin", "/users/new-filer/tokens")).json()["token"]
    assert await _as(api, second, "/books") == 200

    disabled = await api.post("admin", "/users/new-filer/disable")
    assert disabled.json()["disabled"] is True
    assert await _as(api, second, "/books") == 401
    assert (await api.get("admin", "/users/new-filer")).json()["disabled"] is True


async def test_only_an_admin_manages_users_and_bad_users_are_refused_naming_the_field(
    api: Api,
) -> None:
    for user in ("liaison", "auditor", "solar-filer"):
        assert (await api.post(user, "/users", json=NEW_FILER)).status_code == 403
        assert (await api.get(user, "/users")).status_code == 403
    unknown = await api.post("admin", "/users", json=NEW_FILER | {"enterprises": ["9601999999"]})
    assert unknown.status_code == 404
    assert unknown.json()["field"] == "enterprises[0]"
    await api.post("admin", "/users", json=NEW_FILER)
    twice = await api.post("admin", "/users", json=NEW_FILER)
    assert twice.status_code == 409
    assert twice.json()["field"] == "name"
    assert (await api.post("admin", "/users/nobody/revoke")).status_code == 404
    two_enterprises = NEW_FILER | {
        "name": "x",
        "enterprises": [ids.SOLAR_CUSTOMS_CODE, ids.COLD_CHAIN_CUSTOMS_CODE],
    }
    assert (await api.post("admin", "/users", json=two_enterprises)).status_code == 422
