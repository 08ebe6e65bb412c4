"""`bondflow demo` before the story: its users, and what it says when no API answers
(the story itself is tests/demo/test_story.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from access import AccessService
from adapters.db.engine import Database
from bondflow.cli.demo_command import ApiNotReady, check_ready, demo_users
from bondflow.cli.main import app
from demo import ids, seed_demo
from demo.story import StoryError
from schemas.access import UserIn, UserRole
from tests.support.ports import free_port

runner = CliRunner()


def _principal(db: Database, token: str) -> tuple[str, UserRole, frozenset[str] | None]:
    principal = AccessService(db).authenticate(token)
    assert principal is not None
    return principal.name, principal.role, principal.enterprises


def test_the_demo_users_are_created_once_then_get_new_tokens(db: Database) -> None:
    seed_demo(db)
    first = demo_users(db)
    assert first.created == (
        "demo-solar",
        "demo-cold",
        "demo-liaison",
        "demo-auditor",
        "demo-admin",
    )
    assert _principal(db, first.tokens.solar_filer) == (
        "demo-solar",
        UserRole.FILER,
        frozenset({ids.SOLAR_CUSTOMS_CODE}),
    )
    assert _principal(db, first.tokens.cold_filer)[2] == frozenset({ids.COLD_CHAIN_CUSTOMS_CODE})
    assert _principal(db, first.tokens.liaison)[1:] == (UserRole.LIAISON, None)
    assert _principal(db, first.tokens.auditor)[1:] == (UserRole.AUDITOR, None)

    again = demo_users(db)
    assert again.created == ()
    assert again.tokens.liaison != first.tokens.liaison
    assert _principal(db, again.tokens.liaison)[0] == "demo-liaison"
    assert len(AccessService(db).users()) == 5
    # a console password per user, new each run: the last one printed signs in
    access = AccessService(db)
    assert access.check_password("demo-liaison", first.passwords["demo-liaison"]) is None
    assert access.check_password("demo-liaison", again.passwords["demo-liaison"]) is not None


def test_a_user_of_a_demo_name_with_another_role_is_not_used(db: Database) -> None:
    seed_demo(db)
    AccessService(db).create_user(UserIn(name="demo-liaison", role=UserRole.AUDITOR))
    with pytest.raises(StoryError, match="demo-liaison exists as an auditor"):
        demo_users(db)


def test_without_an_api_the_demo_says_to_start_the_stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BONDFLOW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BONDFLOW_SETTINGS_FILE", raising=False)
    monkeypatch.delenv("BONDFLOW_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    api = f"http://127.0.0.1:{free_port()}"

    result = runner.invoke(app, ["demo", "--api", api, "--no-start"])

    assert result.exit_code == 1
    assert "does not answer" in result.output
    assert "bondflow up" in result.output
    assert not (tmp_path / "var").exists()  # nothing was started or written


def _answering(monkeypatch: pytest.MonkeyPatch, status: int, body: Any) -> None:
    def get(url: str, **_: object) -> httpx.Response:
        return httpx.Response(status, json=body, request=httpx.Request("GET", url))

    monkeypatch.setattr(httpx, "get", get)


def test_an_api_that_is_not_ready_or_not_bondflow_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    _answering(
        monkeypatch,
        503,
        {"status": "unavailable", "database": "ok", "temporal": "unreachable: RPCError"},
    )
    with pytest.raises(ApiNotReady, match="Temporal unreachable: RPCError") as not_ready:
        check_ready("http://127.0.0.1:8000")
    assert not not_ready.value.unreachable

    _answering(monkeypatch, 404, {"detail": "Not Found"})
    with pytest.raises(ApiNotReady, match="not bondflow's API"):
        check_ready("http://127.0.0.1:8000")

    _answering(monkeypatch, 200, {"status": "ok", "database": "ok", "temporal": "ok"})
    check_ready("http://127.0.0.1:8000")


def test_the_demo_command_has_help() -> None:
    result = runner.invoke(app, ["demo", "--help"])
    assert result.exit_code == 0
    assert "--temporal-ui" in result.output
