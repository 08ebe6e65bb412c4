"""A token's principal is answered from memory for a bounded time: revoked through
the same service it stops at once, revoked elsewhere (the CLI, another API process)
within the bound, never later."""

from __future__ import annotations

from access import AccessService
from adapters.db.engine import Database
from demo import ids
from schemas.access import UserIn, UserRole
from tests.support.clocks import HandTimer

BOUND = 5.0


def _filer(access: AccessService) -> str:
    data = UserIn(name="cached-filer", role=UserRole.FILER, enterprises=(ids.SOLAR_CUSTOMS_CODE,))
    return access.create_user(data).token


def test_a_token_revoked_elsewhere_stops_working_within_the_bound(seeded: Database) -> None:
    """Given the API's service has looked a token up, when the CLI's service revokes
    it, then the API still answers from memory until the bound has passed, then not."""
    clock = HandTimer()
    api = AccessService(seeded, token_cache_seconds=BOUND, timer=clock)
    token = _filer(AccessService(seeded))
    principal = api.authenticate(token)
    assert principal is not None
    assert principal.name == "cached-filer"

    assert AccessService(seeded).revoke_tokens("cached-filer") == 1
    clock.now = BOUND - 0.1
    assert api.authenticate(token) == principal
    clock.now = BOUND
    assert api.authenticate(token) is None


def test_a_token_revoked_through_the_same_service_stops_at_once(seeded: Database) -> None:
    clock = HandTimer()
    api = AccessService(seeded, token_cache_seconds=BOUND, timer=clock)
    token = _filer(api)
    assert api.authenticate(token) is not None
    api.revoke_tokens("cached-filer")
    assert api.authenticate(token) is None


def test_a_user_disabled_through_the_same_service_stops_at_once(seeded: Database) -> None:
    api = AccessService(seeded, token_cache_seconds=BOUND, timer=HandTimer())
    token = _filer(api)
    assert api.authenticate(token) is not None
    api.disable_user("cached-filer")
    assert api.authenticate(token) is None


def test_without_a_bound_every_lookup_asks_the_database(seeded: Database) -> None:
    api = AccessService(seeded, timer=HandTimer())
    token = _filer(api)
    assert api.authenticate(token) is not None
    AccessService(seeded).revoke_tokens("cached-filer")
    assert api.authenticate(token) is None


def test_an_unknown_token_is_not_remembered(seeded: Database) -> None:
    """A refused token is asked again each time: a token issued later is not refused
    from memory, and guessing does not fill the memory."""
    clock = HandTimer()
    api = AccessService(seeded, token_cache_seconds=BOUND, timer=clock)
    assert api.authenticate("bf_unknown") is None
    assert api._principals.get("bf_unknown") is None
