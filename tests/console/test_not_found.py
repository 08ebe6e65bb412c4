"""Unknown console paths answer the console's "not found" page in the reader's
language; unknown API paths keep the API's problem+json."""

from __future__ import annotations

import pytest

from tests.console.conftest import Console

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_an_unknown_console_path_is_a_not_found_page_in_the_users_language(
    console: Console,
) -> None:
    """Given a signed-in filer, when it opens /console/nowhere, then it gets the 404 page
    in Chinese with its header (who, role); with English chosen, in English; signed out,
    the same page (not a redirect to sign in: there is nothing to sign in for)."""
    async with console.browser() as browser:
        anonymous = await browser.get("/console/no/such/page")
        assert anonymous.status_code == 404
        assert (await browser.get("/console")).status_code == 404
        assert anonymous.headers["content-type"].startswith("text/html")
        assert "未找到" in anonymous.text

        await browser.sign_in("solar-filer")
        shown = await browser.get("/console/nowhere")
        assert shown.status_code == 404
        assert shown.headers["content-type"].startswith("text/html")
        assert "<h1>未找到</h1>" in shown.text
        assert "solar-filer" in shown.text  # the header: who is signed in

        english = await browser.get("/console/nowhere", lang="en")
        assert english.status_code == 404
        assert "<h1>Not found</h1>" in english.text


async def test_an_unknown_api_path_keeps_the_apis_problem_json(console: Console) -> None:
    async with console.browser() as browser:
        for path in ("/no-such-api", "/lifecycles/x/no-such-action/more"):
            answer = await browser.get(path)
            assert answer.status_code == 404, path
            assert answer.headers["content-type"].startswith("application/problem+json"), path
