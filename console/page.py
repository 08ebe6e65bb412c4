"""The page a request renders (页面上下文): who is signed in, in which language, the CSRF
token its forms carry, the flash messages to show; ``render`` and ``redirect`` (POST-
redirect-GET) put the cookies the request needs on the response."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from access import Principal
from api.services import Services
from console import i18n, sessions
from console.i18n import Language, translations
from console.navigation import NAV, ROLE_NAMES
from console.refusals import ShownRefusal
from console.sessions import Flash
from console.templating import render


@dataclass
class Page:
    request: Request
    services: Services
    language: Language
    principal: Principal | None
    csrf_token: str
    flashes: list[Flash]
    _new_csrf_cookie: bool = False
    _new_language_cookie: bool = False
    _extra: dict[str, Any] = field(default_factory=dict)

    def gettext(self, message: str, **params: Any) -> str:
        """The message in the page's language; ``%(name)s`` filled from ``params``."""
        text = translations(self.language).gettext(message)
        return text % params if params else text

    def render(
        self,
        template: str,
        *,
        status: int = 200,
        refusals: Iterable[ShownRefusal] = (),
        **context: Any,
    ) -> HTMLResponse:
        body = render(
            self.language,
            template,
            {
                "page": self,
                "principal": self.principal,
                "role_name": ROLE_NAMES[self.principal.role] if self.principal else "",
                "nav": NAV[self.principal.role] if self.principal else (),
                "csrf_token": self.csrf_token,
                "flashes": self.flashes,
                "refusals": list(refusals),
                "languages": list(Language),
                **context,
            },
        )
        response = HTMLResponse(body, status_code=status)
        if self.flashes:
            sessions.clear_cookie(response, self.request, sessions.FLASH)
        self._cookies(response)
        return response

    def redirect(self, url: str, *flashes: Flash) -> RedirectResponse:
        """303 See Other to a GET, with messages shown once there."""
        response = RedirectResponse(url, status_code=303)
        if flashes:
            sessions.set_cookie(
                response, self.request, sessions.FLASH, sessions.encode_flashes(list(flashes))
            )
        self._cookies(response)
        return response

    def ok(self, message: str, **params: Any) -> Flash:
        return Flash(self.gettext(message, **params), "ok")

    def error(self, message: str, **params: Any) -> Flash:
        return Flash(self.gettext(message, **params), "error")

    def url_in(self, language: Language) -> str:
        """This page's address in another language (the switch in the header)."""
        url = self.request.url.include_query_params(**{i18n.QUERY: language.value})
        return f"{url.path}?{url.query}"

    def _cookies(self, response: Response) -> None:
        if self._new_csrf_cookie:
            sessions.set_cookie(response, self.request, sessions.ANONYMOUS_CSRF, self.csrf_token)
        if self._new_language_cookie:
            sessions.set_cookie(
                response,
                self.request,
                i18n.COOKIE,
                self.language.value,
                max_age=sessions.YEAR,
                http_only=False,
            )


def language_of(request: Request) -> tuple[Language, bool]:
    """(language, whether the cookie must be set): ``?lang=`` first, then the cookie,
    then Chinese."""
    asked = i18n.parse_language(request.query_params.get(i18n.QUERY))
    remembered = i18n.parse_language(request.cookies.get(i18n.COOKIE))
    if asked is not None:
        return asked, asked is not remembered
    return remembered or i18n.DEFAULT, False


def anonymous_csrf(request: Request) -> tuple[str, bool]:
    """The CSRF token of a browser not signed in (a double-submit cookie)."""
    existing = request.cookies.get(sessions.ANONYMOUS_CSRF, "")
    if len(existing) >= 32:
        return existing, False
    return secrets.token_urlsafe(32), True
