"""Annotated dependencies of the console's pages.

- ``AnyPage``: the page, signed in or not (the sign-in form);
- ``SignedInPage``: someone is signed in (else the browser goes to ``/``);
- ``AdminPage``, ``FilerPage``, ``LiaisonPage``, ``AuditorPage``, ``ActorPage`` (a filer
  or a liaison: who acts on lifecycles), ``ReaderPage`` (an auditor or an admin: who
  reads everything and never acts): the role is checked (else a 403 page);
- ``SignedIn``: the signed-in ``Principal`` itself, the same class the API's token gives,
  so ``principal.may_see(...)`` scopes pages exactly as it scopes the API.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from access import Principal
from api.services import Services
from console import sessions
from console.page import Page, anonymous_csrf, language_of
from console.routing import NotSignedIn, forbidden
from console.sessions import decode_flashes
from schemas.access import UserRole


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _bare_page(request: Request) -> Page:
    """The page before the session is looked up: language, anonymous CSRF, flashes."""
    language, new_language = language_of(request)
    token, new_token = anonymous_csrf(request)
    return Page(
        request=request,
        services=_services(request),
        language=language,
        principal=None,
        csrf_token=token,
        flashes=decode_flashes(request.cookies.get(sessions.FLASH)),
        _new_csrf_cookie=new_token,
        _new_language_cookie=new_language,
    )


async def any_page(request: Request) -> Page:
    page = _bare_page(request)
    cookie = request.cookies.get(sessions.SESSION)
    if cookie:
        live = await run_in_threadpool(page.services.sessions.find, cookie)
        if live is not None:
            page.principal = live.principal
            page.csrf_token = live.csrf_token
            page._new_csrf_cookie = False
    request.state.console_page = page
    return page


def page_of(request: Request) -> Page:
    """The request's page as the dependency built it (a bare one if it did not run)."""
    page = getattr(request.state, "console_page", None)
    return page if isinstance(page, Page) else _bare_page(request)


AnyPage = Annotated[Page, Depends(any_page)]


async def _signed_in_page(page: AnyPage) -> Page:
    if page.principal is None:
        raise NotSignedIn()
    return page


SignedInPage = Annotated[Page, Depends(_signed_in_page)]


async def _signed_in(page: SignedInPage) -> Principal:
    assert page.principal is not None
    return page.principal


SignedIn = Annotated[Principal, Depends(_signed_in)]


def page_for(*roles: UserRole) -> Callable[[Page], Awaitable[Page]]:
    """A dependency: the signed-in page of one of ``roles``, else a 403 page."""

    async def dependency(page: SignedInPage) -> Page:
        if page.principal is None or page.principal.role not in roles:
            raise forbidden()
        return page

    return dependency


AdminPage = Annotated[Page, Depends(page_for(UserRole.ADMIN))]
FilerPage = Annotated[Page, Depends(page_for(UserRole.FILER))]
LiaisonPage = Annotated[Page, Depends(page_for(UserRole.LIAISON))]
AuditorPage = Annotated[Page, Depends(page_for(UserRole.AUDITOR))]
ActorPage = Annotated[Page, Depends(page_for(UserRole.FILER, UserRole.LIAISON))]
ReaderPage = Annotated[Page, Depends(page_for(UserRole.AUDITOR, UserRole.ADMIN))]
# The ledger's read pages (balances, a lot, its trace, reconciliation, the chain) obey the
# API's scopes exactly: its read routes take any signed-in principal and answer within
# its enterprises (``book_in_scope``, ``scoped_trace``), the chain only to whom
# ``chain_refusal`` allows. So every role may open them, each seeing what the API shows it.
LedgerReaderPage = SignedInPage
