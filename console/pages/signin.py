"""Signing in and out (登录/退出): the form at ``/`` (fields ``username`` and
``password``, as password managers and scripts expect), rate-limited per username and
address (``console/rate_limit.py``), answered alike for a missing user and a wrong
password; signing out is a POST."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Form
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from console import sessions
from console.dependencies import AnyPage, SignedInPage
from console.navigation import PREFIX, home_of
from console.refusals import ShownRefusal
from console.routing import console_router

router = console_router()

MAX_NAME = 64


@router.get("/")
async def sign_in_form(page: AnyPage) -> Response:
    if page.principal is not None:
        return page.redirect(home_of(page.principal.role))
    return page.render("signin.html", username="")


@router.post("/")
async def sign_in(
    page: AnyPage,
    username: Annotated[str, Form(max_length=MAX_NAME)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    limiter = page.services.sign_in_limiter
    address = page.request.client.host if page.request.client else "unknown"
    wait = limiter.locked_for(username, address)
    if wait is not None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        refusal = ShownRefusal(
            None,
            page.gettext(
                "Too many failed attempts. Try again in %(minutes)s minutes.", minutes=minutes
            ),
        )
        return page.render("signin.html", status=429, refusals=[refusal], username=username)
    principal = await run_in_threadpool(page.services.access.check_password, username, password)
    if principal is None:
        limiter.failed(username, address)
        refusal = ShownRefusal(None, page.gettext("Wrong username or password."))
        return page.render("signin.html", status=401, refusals=[refusal], username=username)
    limiter.succeeded(username, address)
    opened = await run_in_threadpool(page.services.sessions.open, principal)
    response = page.redirect(home_of(principal.role))
    sessions.set_cookie(
        response,
        page.request,
        sessions.SESSION,
        opened.cookie_id,
        max_age=int(page.services.sessions.lifetime.total_seconds()),
    )
    sessions.clear_cookie(response, page.request, sessions.ANONYMOUS_CSRF)
    return response


@router.post(f"{PREFIX}/sign-out")
async def sign_out(page: SignedInPage) -> Response:
    cookie = page.request.cookies.get(sessions.SESSION, "")
    await run_in_threadpool(page.services.sessions.end, cookie)
    page.principal = None
    response = page.redirect("/", page.ok("You have signed out."))
    sessions.clear_cookie(response, page.request, sessions.SESSION)
    return response


@router.get(f"{PREFIX}/home")
async def home(page: SignedInPage) -> Response:
    """A role's start until its own pages exist; links to what the role may open."""
    return page.render("home.html")
