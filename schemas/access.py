"""Who uses the API: users, their role and the enterprises they may see."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.identifiers import CustomsCode
from schemas.wording import with_article

EnterpriseCode = CustomsCode


class UserRole(StrEnum):
    FILER = "filer"  # an enterprise's declarant: one enterprise, files and corrects
    LIAISON = "liaison"  # customs liaison staff (关务): signs off, records, decides
    AUDITOR = "auditor"  # reads everything (or some enterprises), never acts
    ADMIN = "admin"  # runs the deployment: users, master data


class UserIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, Field(pattern=r"^[0-9A-Za-z._@\-]{1,64}$")]
    role: UserRole
    # A filer: exactly one. An auditor: none (all enterprises) or some. Others: none.
    enterprises: tuple[EnterpriseCode, ...] = ()

    @model_validator(mode="after")
    def _scope_fits_the_role(self) -> UserIn:
        count = len(set(self.enterprises))
        if self.role is UserRole.FILER and count != 1:
            raise ValueError("enterprises: a filer belongs to exactly one enterprise")
        if self.role in (UserRole.LIAISON, UserRole.ADMIN) and count:
            raise ValueError(f"enterprises: {with_article(self.role)} sees every enterprise")
        return self


class UserView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    role: UserRole
    enterprises: tuple[str, ...]
    created_at: dt.datetime
    disabled: bool
    has_password: bool = False  # may sign in to the web console


class IssuedToken(BaseModel):
    """A new token: the secret is shown once and never stored."""

    model_config = ConfigDict(frozen=True)

    user: UserView
    token: str
    prefix: str
