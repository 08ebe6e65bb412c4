"""In Chromium, on the live stack: signing in and out, and the admin's pages, in both
languages (screenshots of each page under the test artifacts)."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import expect

from tests.console.browser import ConsoleStack, Screenshots, SignIn

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_signing_in_with_a_wrong_password_then_the_right_one_and_out(
    signed_in: SignIn, console_stack: ConsoleStack, screenshots: Screenshots
) -> None:
    page = await signed_in("liaison", password="not-the-password")
    await expect(page.locator(".refusals")).to_contain_text("用户名或密码错误")
    await screenshots.take(page, "sign-in-refused")

    page = await signed_in("liaison")
    await expect(page.locator(".who .user")).to_have_text("liaison · 关务人员")
    await screenshots.take(page, "liaison-home")
    await page.click("text=退出")
    await expect(page.locator("input[name=username]")).to_be_visible()
    await expect(page.locator(".flash")).to_have_text("您已退出登录。")


async def test_an_admin_creates_a_user_in_english_who_then_signs_in(
    signed_in: SignIn, screenshots: Screenshots
) -> None:
    admin = await signed_in("admin", language="en")
    await expect(admin.locator("h1")).to_have_text("Users")
    await screenshots.take(admin, "admin-users")
    name = f"auditor-{uuid.uuid4().hex[:6]}"
    await admin.fill("form.stacked input[name=name]", name)
    await admin.select_option("select[name=role]", "auditor")
    await admin.fill("form.stacked input[name=password]", "an-auditor-password")
    await admin.click("form.stacked button[type=submit]")
    await expect(admin.locator(".flash")).to_contain_text(f"User {name} created")

    await admin.click(f"a:text-is('{name}')")
    await expect(admin.locator("h1")).to_have_text(name)
    await screenshots.take(admin, "admin-user")
    await admin.click("nav.main-nav >> text=Enterprises")
    await expect(admin.locator("h1")).to_have_text("Enterprises")
    await screenshots.take(admin, "admin-enterprises")

    auditor = await signed_in(name, password="an-auditor-password")
    await expect(auditor.locator(".who .user")).to_contain_text(f"{name} · 审计人员")


async def test_a_reason_with_markup_is_text_in_the_browser(signed_in: SignIn) -> None:
    admin = await signed_in("admin")
    await admin.fill("form.stacked input[name=name]", "x-filer")
    await admin.select_option("select[name=role]", "filer")
    await admin.fill("form.stacked input[name=enterprises]", "<img/src=x/onerror=alert(1)>")
    await admin.fill("form.stacked input[name=password]", "a-long-enough-password")
    await admin.click("form.stacked button[type=submit]")
    await expect(admin.locator(".refusals")).to_contain_text("<img/src=x/onerror=alert(1)>")
    assert await admin.locator(".refusals img").count() == 0
