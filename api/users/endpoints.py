"""Users and tokens, for an admin only: what `bondflow users` does, over HTTP. A new
token is in the answer once (as `bondflow users create` prints it) and never again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict

from api.dependencies import Admin, ServicesDep
from api.pagination import Page, Paging, page_of
from schemas.access import IssuedToken, UserIn, UserView

router = APIRouter(prefix="/users", tags=["users"])

UserName = Annotated[str, Path(pattern=r"^[0-9A-Za-z._@\-]{1,64}$", description="the user")]


class Revoked(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    revoked: int


@router.get("", response_model=Page[UserView])
def list_users(principal: Admin, services: ServicesDep, paging: Paging) -> Page[UserView]:
    """The users, their roles and scopes (never their tokens)."""
    return page_of(services.access.users(), paging)


@router.post("", response_model=IssuedToken, status_code=status.HTTP_201_CREATED)
def create_user(data: UserIn, principal: Admin, services: ServicesDep) -> IssuedToken:
    """A user with its role and enterprises, and its first token (shown once)."""
    return services.access.create_user(data)


@router.get("/{name}", response_model=UserView)
def get_user(name: UserName, principal: Admin, services: ServicesDep) -> UserView:
    return services.access.user(name)


@router.post("/{name}/tokens", response_model=IssuedToken, status_code=status.HTTP_201_CREATED)
def issue_token(name: UserName, principal: Admin, services: ServicesDep) -> IssuedToken:
    """Another token for the user (its other tokens stay valid)."""
    return services.access.issue_token(name)


@router.post("/{name}/revoke", response_model=Revoked)
def revoke_tokens(name: UserName, principal: Admin, services: ServicesDep) -> Revoked:
    """Revoke every token of the user (the user stays; a new token can be issued)."""
    return Revoked(name=name, revoked=services.access.revoke_tokens(name))


@router.post("/{name}/disable", response_model=UserView)
def disable_user(name: UserName, principal: Admin, services: ServicesDep) -> UserView:
    """Disable the user: none of its tokens works any more."""
    return services.access.disable_user(name)
