"""Locations: a filer registers and retires its own enterprise's, an admin any
enterprise's or zone-wide ones; everyone reads those of the enterprises in scope and
the zone-wide ones. Another enterprise's location answers as a missing one (404)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from access import Principal
from api.dependencies import BookKeeper, CurrentPrincipal, ServicesDep, forbidden
from api.pagination import Page, Paging
from api.services import Services
from schemas.access import UserRole
from schemas.errors import NotFound
from schemas.identifiers import CustomsCode
from schemas.masterdata import LocationIn, LocationView

router = APIRouter(prefix="/locations", tags=["locations"])


def _readable(principal: Principal, location: LocationView) -> bool:
    owner = location.enterprise_customs_code
    return owner is None or principal.may_see(owner)


def location_in_scope(
    services: Services, principal: Principal, code: str, field: str = "code"
) -> LocationView:
    """The location if the principal may read it; a foreign one answers as a missing one."""
    try:
        found = services.masterdata.location(code)
    except NotFound:
        found = None
    if found is None or not _readable(principal, found):
        raise NotFound(f"no location {code}", field=field)
    return found


def _may_change(principal: Principal, owner: str | None, field: str) -> None:
    """A filer changes its own enterprise's locations only; zone-wide ones are an admin's."""
    if principal.role is UserRole.ADMIN:
        return
    if owner is None:
        raise forbidden("a zone-wide location is registered and retired by an admin", field)
    if not principal.may_see(owner):
        raise NotFound(f"no enterprise {owner}", field=field)


@router.get("", response_model=Page[LocationView])
def list_locations(
    principal: CurrentPrincipal,
    services: ServicesDep,
    paging: Paging,
    enterprise: Annotated[
        CustomsCode | None, Query(description="one enterprise's locations only")
    ] = None,
    include_retired: Annotated[bool, Query(description="list retired ones too")] = False,
) -> Page[LocationView]:
    """The locations of the enterprises in scope and the zone-wide ones, by code."""
    items, total = services.masterdata.locations(
        visible_to=principal.enterprises,
        enterprise=enterprise,
        include_retired=include_retired,
        limit=paging.limit,
        offset=paging.offset,
    )
    return Page[LocationView](items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.post("", response_model=LocationView, status_code=status.HTTP_201_CREATED)
def register_location(
    data: LocationIn, principal: BookKeeper, services: ServicesDep
) -> LocationView:
    """Register an area, warehouse or bin (registering the same again changes nothing;
    other content under the same code is refused)."""
    _may_change(principal, data.enterprise_customs_code, "enterprise_customs_code")
    if data.parent_code is not None:
        location_in_scope(services, principal, data.parent_code, "parent_code")
    services.masterdata.add_location(data)
    return services.masterdata.location(data.code)


@router.get("/{code:path}", response_model=LocationView)
def get_location(code: str, principal: CurrentPrincipal, services: ServicesDep) -> LocationView:
    return location_in_scope(services, principal, code)


@router.post("/{code:path}/retire", response_model=LocationView)
def retire_location(code: str, principal: BookKeeper, services: ServicesDep) -> LocationView:
    """Retire a location: kept for its history, refused for new stock. Refused (409)
    while it holds or expects stock (the position named) or has live locations under
    it; retiring it again changes nothing."""
    found = location_in_scope(services, principal, code)
    _may_change(principal, found.enterprise_customs_code, "code")
    return services.masterdata.retire_location(code, by=principal.name)
