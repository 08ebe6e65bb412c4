"""The admin's pages (系统管理): enterprises (list, register) and users (list, create
with role, enterprise and password; reset a password, revoke the tokens, disable),
through the same services as the API and `bondflow users`; refusals are listed on the
page with their field."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Form, Path
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.masterdata.schemas import enterprise_view
from console.dependencies import AdminPage
from console.i18n import N_
from console.navigation import PREFIX, ROLE_NAMES
from console.page import Page
from console.refusals import ShownRefusal, from_error, from_validation
from console.routing import console_router
from schemas.access import UserIn
from schemas.codes import EnterpriseRole
from schemas.errors import BondflowError
from schemas.masterdata import EnterpriseIn

router = console_router(f"{PREFIX}/admin")

USERS: Final = f"{PREFIX}/admin/users"
ENTERPRISES: Final = f"{PREFIX}/admin/enterprises"

ENTERPRISE_ROLES: Final[dict[EnterpriseRole, str]] = {
    EnterpriseRole.MANUFACTURER: N_("manufacturer"),
    EnterpriseRole.LOGISTICS: N_("logistics"),
    EnterpriseRole.TRADER: N_("trader"),
    EnterpriseRole.DECLARING_AGENT: N_("declaring agent"),
    EnterpriseRole.ZONE_OPERATOR: N_("zone operator"),
}

UserName = Annotated[str, Path(pattern=r"^[0-9A-Za-z._@\-]{1,64}$")]
Text = Annotated[str, Form(max_length=200)]
Password = Annotated[str, Form(max_length=1024)]


def _codes(text: str) -> tuple[str, ...]:
    """Enterprise codes typed in one field, separated by commas or spaces."""
    return tuple(code for code in text.replace(",", " ").split() if code)


# --- users ----------------------------------------------------------------------------


async def _users_page(
    page: Page,
    *,
    status: int = 200,
    refusals: list[ShownRefusal] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    users = await run_in_threadpool(page.services.access.users)
    enterprises = await run_in_threadpool(page.services.masterdata.enterprises)
    return page.render(
        "admin/users.html",
        status=status,
        refusals=refusals or [],
        users=users,
        enterprises=[enterprise_view(e) for e in enterprises],
        roles=ROLE_NAMES,
        form=form or {"name": "", "role": "", "enterprises": ""},
    )


@router.get("/users")
async def users(page: AdminPage) -> Response:
    return await _users_page(page)


@router.post("/users")
async def create_user(
    page: AdminPage,
    name: Text = "",
    role: Text = "",
    enterprises: Text = "",
    password: Password = "",
) -> Response:
    form = {"name": name, "role": role, "enterprises": enterprises}
    try:
        data = UserIn(name=name, role=role, enterprises=_codes(enterprises))
        await run_in_threadpool(page.services.access.create_user, data, password)
    except ValidationError as error:
        return await _users_page(page, status=422, refusals=from_validation(error), form=form)
    except BondflowError as error:
        return await _users_page(page, status=error.status, refusals=from_error(error), form=form)
    return page.redirect(USERS, page.ok("User %(name)s created; it may sign in now.", name=name))


@router.get("/users/{name}")
async def user(page: AdminPage, name: UserName) -> Response:
    found = await run_in_threadpool(page.services.access.user, name)
    return page.render("admin/user.html", user=found, roles=ROLE_NAMES)


@router.post("/users/{name}/password")
async def reset_password(page: AdminPage, name: UserName, password: Password = "") -> Response:
    try:
        await run_in_threadpool(page.services.access.set_password, name, password)
    except BondflowError as error:
        if error.field != "password":
            raise
        found = await run_in_threadpool(page.services.access.user, name)
        return page.render(
            "admin/user.html",
            status=error.status,
            refusals=from_error(error),
            user=found,
            roles=ROLE_NAMES,
        )
    return page.redirect(
        f"{USERS}/{name}",
        page.ok("The password of %(name)s is reset; its console sessions ended.", name=name),
    )


@router.post("/users/{name}/revoke")
async def revoke_tokens(page: AdminPage, name: UserName) -> Response:
    count = await run_in_threadpool(page.services.access.revoke_tokens, name)
    return page.redirect(
        f"{USERS}/{name}",
        page.ok(
            "%(count)s tokens of %(name)s revoked; its console sessions ended.",
            count=count,
            name=name,
        ),
    )


@router.post("/users/{name}/disable")
async def disable_user(page: AdminPage, name: UserName) -> Response:
    await run_in_threadpool(page.services.access.disable_user, name)
    return page.redirect(f"{USERS}/{name}", page.ok("User %(name)s is disabled.", name=name))


# --- enterprises -----------------------------------------------------------------------


async def _enterprises_page(
    page: Page,
    *,
    status: int = 200,
    refusals: list[ShownRefusal] | None = None,
    form: dict[str, object] | None = None,
) -> Response:
    enterprises = await run_in_threadpool(page.services.masterdata.enterprises)
    return page.render(
        "admin/enterprises.html",
        status=status,
        refusals=refusals or [],
        enterprises=[enterprise_view(e) for e in enterprises],
        enterprise_roles=ENTERPRISE_ROLES,
        form=form or {"customs_code": "", "credit_code": "", "name": "", "roles": []},
    )


@router.get("/enterprises")
async def enterprises(page: AdminPage) -> Response:
    return await _enterprises_page(page)


@router.post("/enterprises")
async def register_enterprise(
    page: AdminPage,
    customs_code: Text = "",
    credit_code: Text = "",
    name: Text = "",
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    form: dict[str, object] = {
        "customs_code": customs_code,
        "credit_code": credit_code,
        "name": name,
        "roles": roles or [],
    }
    try:
        data = EnterpriseIn(
            customs_code=customs_code,
            credit_code=credit_code,
            name=name,
            roles=frozenset(roles or ()),
        )
        await run_in_threadpool(page.services.masterdata.register_enterprise, data)
    except ValidationError as error:
        return await _enterprises_page(page, status=422, refusals=from_validation(error), form=form)
    except BondflowError as error:
        return await _enterprises_page(
            page, status=error.status, refusals=from_error(error), form=form
        )
    return page.redirect(ENTERPRISES, page.ok("Enterprise %(code)s registered.", code=customs_code))
