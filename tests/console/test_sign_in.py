"""Signing in and out of the console, its session cookie, CSRF and the rate limit."""

from __future__ import annotations

import pytest

from access import AccessService
from console import sessions
from tests.console.conftest import Console, password_of

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_the_sign_in_form_at_the_root_names_its_fields_username_and_password(
    console: Console,
) -> None:
    async with console.browser() as browser:
        page = await browser.get("/")
    assert page.status_code == 200
    assert 'name="username"' in page.text
    assert 'name="password"' in page.text
    assert 'lang="zh-CN"' in page.text
    assert "登录" in page.text


async def test_a_signed_in_user_lands_on_the_home_of_the_role_and_the_root_sends_it_there(
    console: Console,
) -> None:
    async with console.browser() as browser:
        signed = await browser.sign_in("admin")
        assert signed.status_code == 303
        assert signed.headers["location"] == "/console/admin/users"
        again = await browser.get("/")
        assert again.status_code == 303
        assert again.headers["location"] == "/console/admin/users"
        users = await browser.get("/console/admin/users")
    assert users.status_code == 200
    assert "admin · 管理员" in users.text  # who and which role, in the header


async def test_a_wrong_password_and_a_missing_user_get_the_same_answer(
    console: Console,
) -> None:
    async with console.browser() as browser:
        wrong = await browser.sign_in("admin", "not-the-password")
        missing = await browser.sign_in("nobody-at-all", "not-the-password")
    assert wrong.status_code == missing.status_code == 401
    assert "用户名或密码错误" in wrong.text
    assert "用户名或密码错误" in missing.text
    assert sessions.SESSION not in wrong.cookies


async def test_the_session_cookie_is_http_only_same_site_lax_and_only_its_hash_is_stored(
    console: Console,
) -> None:
    async with console.browser() as browser:
        signed = await browser.sign_in("liaison")
    cookie = next(
        header
        for header in signed.headers.get_list("set-cookie")
        if header.startswith(f"{sessions.SESSION}=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP here; see the next test
    value = cookie.split(";")[0].split("=", 1)[1]
    with console.app_db.transaction() as session:
        from sqlalchemy import text

        stored = session.execute(text("SELECT id_sha256 FROM console_sessions")).scalars().all()
    assert value not in stored
    assert len(stored) == 1


async def test_over_https_the_session_cookie_is_secure(console: Console) -> None:
    async with console.browser("https://bondflow") as browser:
        signed = await browser.sign_in("liaison")
    cookie = next(
        h for h in signed.headers.get_list("set-cookie") if h.startswith(sessions.SESSION)
    )
    assert "Secure" in cookie


async def test_signing_out_ends_the_session_on_the_server(console: Console) -> None:
    async with console.browser() as browser:
        await browser.sign_in("auditor")
        stolen = browser.client.cookies.get(sessions.SESSION)
        out = await browser.submit("/console/home", "/console/sign-out")
        assert out.status_code == 303
        assert out.headers["location"] == "/"
        browser.client.cookies.set(sessions.SESSION, stolen or "")  # a copy of the cookie
        after = await browser.get("/console/home")
    assert after.status_code == 303
    assert after.headers["location"] == "/"


@pytest.mark.parametrize("ending", ["password", "revoke", "disable"])
async def test_a_session_dies_with_a_password_reset_a_revocation_or_disabling(
    console: Console, ending: str
) -> None:
    access = AccessService(console.app_db)
    async with console.browser() as browser:
        await browser.sign_in("solar-filer")
        assert (await browser.get("/console/home")).status_code == 200
        if ending == "password":
            access.set_password("solar-filer", "a-brand-new-password")
        elif ending == "revoke":
            access.revoke_tokens("solar-filer")
        else:
            access.disable_user("solar-filer")
        after = await browser.get("/console/home")
    assert after.status_code == 303
    assert after.headers["location"] == "/"


async def test_a_page_asked_for_without_signing_in_redirects_to_the_form(
    console: Console,
) -> None:
    async with console.browser() as browser:
        page = await browser.get("/console/admin/users")
    assert page.status_code == 303
    assert page.headers["location"] == "/"


async def test_a_post_without_its_csrf_token_is_refused_with_a_page_and_does_nothing(
    console: Console,
) -> None:
    async with console.browser() as browser:
        await browser.sign_in("admin")
        forged = await browser.client.post(
            "/console/admin/users/liaison/disable", data={"csrf_token": "forged"}
        )
        missing = await browser.client.post("/console/admin/users/liaison/disable")
    assert forged.status_code == missing.status_code == 403
    assert "CSRF" in forged.text
    assert "text/html" in forged.headers["content-type"]
    assert not AccessService(console.app_db).user("liaison").disabled


async def test_the_sign_in_form_too_is_refused_without_its_token(console: Console) -> None:
    async with console.browser() as browser:
        answer = await browser.client.post(
            "/", data={"username": "admin", "password": password_of("admin")}
        )
    assert answer.status_code == 403
    assert sessions.SESSION not in answer.cookies


async def test_five_failures_lock_the_username_and_address_even_for_the_right_password(
    console: Console,
) -> None:
    async with console.browser() as browser:
        for _ in range(5):
            assert (await browser.sign_in("cold-filer", "wrong-password")).status_code == 401
        locked = await browser.sign_in("cold-filer")  # the right password, too late
        other = await browser.sign_in("liaison")  # another username from the address
    assert locked.status_code == 429
    assert "15 分钟后再试" in locked.text
    assert other.status_code == 303


async def test_the_language_switch_shows_english_and_is_remembered(console: Console) -> None:
    async with console.browser() as browser:
        await browser.sign_in("admin")
        english = await browser.get("/console/admin/users", lang="en")
        still = await browser.get("/console/admin/enterprises")
        chinese = await browser.get("/console/admin/enterprises", lang="zh")
    assert 'lang="en"' in english.text
    assert "Create a user" in english.text
    assert "Register an enterprise" in still.text
    assert "登记企业" in chinese.text
    assert 'lang="zh-CN"' in chinese.text


async def test_console_routes_are_not_in_the_openapi_and_the_api_keeps_its_paths(
    console: Console,
) -> None:
    async with console.browser() as browser:
        schema = (await browser.get("/openapi.json")).json()
        health = await browser.get("/health")
    assert health.status_code == 200
    assert "/users" in schema["paths"]
    assert not [path for path in schema["paths"] if path == "/" or path.startswith("/console")]
