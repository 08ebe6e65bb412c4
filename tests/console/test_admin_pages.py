"""The admin's pages: users and enterprises through the same services as the API."""

from __future__ import annotations

import pytest

from access import AccessService
from demo import ids
from tests.console.conftest import Console

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_an_admin_creates_a_filer_who_then_signs_in_to_its_home(console: Console) -> None:
    async with console.browser() as admin:
        await admin.sign_in("admin")
        created = await admin.submit(
            "/console/admin/users",
            "/console/admin/users",
            name="new-filer",
            role="filer",
            enterprises=ids.SOLAR_CUSTOMS_CODE,
            password="a-long-enough-password",
        )
        assert created.status_code == 303
        listed = await admin.get(created.headers["location"])
    assert "已创建用户 new-filer" in listed.text
    assert ">new-filer</a>" in listed.text
    async with console.browser() as filer:
        signed = await filer.sign_in("new-filer", "a-long-enough-password")
        home = await filer.get(signed.headers["location"])
    assert home.status_code == 200
    assert "new-filer · 申报人员" in home.text


async def test_a_refused_user_is_shown_with_its_field_and_the_form_keeps_what_was_typed(
    console: Console,
) -> None:
    async with console.browser() as admin:
        await admin.sign_in("admin")
        refused = await admin.submit(
            "/console/admin/users",
            "/console/admin/users",
            name="a-filer",
            role="filer",
            enterprises="",
            password="a-long-enough-password",
        )
        short = await admin.submit(
            "/console/admin/users",
            "/console/admin/users",
            name="b-liaison",
            role="liaison",
            password="short",
        )
    assert refused.status_code == 422
    assert "a filer belongs to exactly one enterprise" in refused.text
    assert 'value="a-filer"' in refused.text
    assert short.status_code == 422
    assert '<code class="field">password</code>' in short.text
    assert "at least 10 characters" in short.text
    assert [u.name for u in AccessService(console.app_db).users() if u.name == "b-liaison"] == []


async def test_an_admin_resets_a_password_revokes_tokens_and_disables_a_user(
    console: Console,
) -> None:
    async with console.browser() as admin:
        await admin.sign_in("admin")
        page = "/console/admin/users/cold-filer"
        reset = await admin.submit(page, f"{page}/password", password="another-password-1")
        revoked = await admin.submit(page, f"{page}/revoke")
        disabled = await admin.submit(page, f"{page}/disable")
        shown = await admin.get(page)
    assert reset.status_code == revoked.status_code == disabled.status_code == 303
    assert "已停用" in shown.text
    user = AccessService(console.app_db).user("cold-filer")
    assert user.disabled
    assert user.has_password
    async with console.browser() as filer:
        assert (await filer.sign_in("cold-filer", "another-password-1")).status_code == 401


async def test_an_admin_registers_an_enterprise_and_a_bad_credit_code_is_named(
    console: Console,
) -> None:
    async with console.browser() as admin:
        await admin.sign_in("admin")
        bad = await admin.submit(
            "/console/admin/enterprises",
            "/console/admin/enterprises",
            customs_code="9601368801",
            credit_code="91630100MA7XXXXXXX",
            name="青海高原蜂业",
            roles="manufacturer",
        )
    assert bad.status_code == 422
    assert '<code class="field">credit_code</code>' in bad.text
    assert 'value="青海高原蜂业"' in bad.text


async def test_a_filer_opening_an_admin_page_is_refused_and_sees_no_admin_links(
    console: Console,
) -> None:
    async with console.browser() as filer:
        await filer.sign_in("solar-filer")
        page = await filer.get("/console/admin/users")
        forged = await filer.submit("/console/home", "/console/admin/users/liaison/disable")
    assert page.status_code == 403
    assert "无权打开" in page.text
    assert 'href="/console/admin/users"' not in page.text
    assert forged.status_code == 403
    assert not AccessService(console.app_db).user("liaison").disabled


async def test_an_unknown_user_is_the_not_found_page(console: Console) -> None:
    async with console.browser() as admin:
        await admin.sign_in("admin")
        page = await admin.get("/console/admin/users/nobody")
    assert page.status_code == 404
    assert "未找到" in page.text


async def test_markup_in_a_refusal_reason_is_shown_as_text(console: Console) -> None:
    async with console.browser() as admin:
        await admin.sign_in("admin")
        refused = await admin.submit(
            "/console/admin/users",
            "/console/admin/users",
            name="c-filer",
            role="filer",
            enterprises="<script>alert(1)</script>",
            password="a-long-enough-password",
        )
    assert refused.status_code == 422
    assert "<script>alert(1)</script>" not in refused.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in refused.text
