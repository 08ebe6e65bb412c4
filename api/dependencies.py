"""Annotated dependencies: the services, and the principal behind the bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from access import Principal
from api.problems import Problem
from api.services import Services
from schemas.access import UserRole
from schemas.wording import with_article

# Shown as "Authorize" in /docs: paste a token from `bondflow users create`.
_bearer = HTTPBearer(
    auto_error=False,
    bearerFormat="bondflow API token",
    description="A token from `bondflow users create` (bf_...).",
)


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(_services)]

UNAUTHENTICATED = {"WWW-Authenticate": "Bearer"}


async def _principal(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Problem(
            401,
            "unauthenticated",
            "send a token: Authorization: Bearer bf_...",
            code="unauthenticated",
            field="authorization",
            headers=UNAUTHENTICATED,
        )
    principal = services.access.remembered(credentials.credentials) or await run_in_threadpool(
        services.access.authenticate, credentials.credentials
    )
    if principal is None:
        raise Problem(
            401,
            "unauthenticated",
            "the token is unknown, revoked or its user disabled",
            code="unauthenticated",
            field="authorization",
            headers=UNAUTHENTICATED,
        )
    return principal


CurrentPrincipal = Annotated[Principal, Depends(_principal)]


def forbidden(detail: str, field: str = "role") -> Problem:
    return Problem(403, "forbidden", detail, code="forbidden", field=field)


async def _actor(principal: CurrentPrincipal) -> Principal:
    """Someone who may act on lifecycles: a filer or a liaison (auditors only read)."""
    if principal.lifecycle_role is None:
        raise forbidden(f"{with_article(principal.role)} only reads; filers and liaison staff act")
    return principal


Actor = Annotated[Principal, Depends(_actor)]


async def _filer(principal: CurrentPrincipal) -> Principal:
    if principal.role is not UserRole.FILER:
        raise forbidden(
            f"only an enterprise's filer may do this, not {with_article(principal.role)}"
        )
    return principal


Filer = Annotated[Principal, Depends(_filer)]


async def _book_keeper(principal: CurrentPrincipal) -> Principal:
    """Registers master data: an enterprise's filer (its own books) or an admin."""
    if principal.role not in (UserRole.FILER, UserRole.ADMIN):
        raise forbidden(f"{with_article(principal.role)} may not register master data")
    return principal


BookKeeper = Annotated[Principal, Depends(_book_keeper)]


async def _admin(principal: CurrentPrincipal) -> Principal:
    if principal.role is not UserRole.ADMIN:
        raise forbidden(f"only an admin may do this, not {with_article(principal.role)}")
    return principal


Admin = Annotated[Principal, Depends(_admin)]
