"""The liaison's periods page: closing a month of a book through the form, the refusal
of a month that is not whole shown on the page, reopening with a reason; other roles
cannot open it."""

from __future__ import annotations

import pytest

from console.navigation import PREFIX
from demo import ids
from tests.console.conftest import Console

pytestmark = pytest.mark.asyncio(loop_scope="session")

PERIODS = f"{PREFIX}/liaison/periods"
SOLAR = ids.SOLAR_BOOK


async def test_the_liaison_closes_a_month_and_reopens_it_with_a_reason(console: Console) -> None:
    page = f"{PERIODS}?book_no={SOLAR}"
    async with console.browser() as liaison:
        await liaison.sign_in("liaison")
        empty = await liaison.get(PERIODS, book_no=SOLAR)
        assert empty.status_code == 200
        assert "该账册尚无已关闭的账期。" in empty.text

        bad = await liaison.submit(
            page,
            f"{PERIODS}/close",
            book_no=SOLAR,
            kind="month",
            first_day="2000-03-02",
            last_day="2000-03-31",
            reason="三月已核对",
        )
        assert bad.status_code == 422
        assert "first day of its first month" in bad.text

        closed = await liaison.submit(
            page,
            f"{PERIODS}/close",
            book_no=SOLAR,
            kind="month",
            first_day="2000-03-01",
            last_day="2000-03-31",
            reason="三月已核对",
        )
        assert closed.status_code == 303
        shown = await liaison.get(PERIODS, book_no=SOLAR)
        assert "账期 2000-03-01 至 2000-03-31 已关闭。" in shown.text
        assert "三月已核对" in shown.text
        assert "已关闭" in shown.text

        reopened = await liaison.submit(
            page,
            f"{PERIODS}/reopen",
            book_no=SOLAR,
            first_day="2000-03-01",
            last_day="2000-03-31",
            reason="补录闸口单",
        )
        assert reopened.status_code == 303
        after = await liaison.get(PERIODS, book_no=SOLAR)
        assert "补录闸口单" in after.text
        assert "未关闭" in after.text


@pytest.mark.parametrize("user", ["solar-filer", "auditor"])
async def test_other_roles_cannot_open_the_periods_page(console: Console, user: str) -> None:
    async with console.browser() as browser:
        await browser.sign_in(user)
        response = await browser.get(PERIODS, book_no=SOLAR)
    assert response.status_code == 403
