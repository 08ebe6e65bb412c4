"""Where each role starts and what its navigation shows (one table, one line per
link). A page area adds its links to its role's line; ``HOME`` is the first link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from console.i18n import N_
from schemas.access import UserRole

PREFIX: Final = "/console"  # every page but the sign-in form; no API path starts so


@dataclass(frozen=True)
class NavLink:
    label: str  # an English msgid, translated where shown
    path: str


NAV: Final[dict[UserRole, tuple[NavLink, ...]]] = {
    UserRole.ADMIN: (
        NavLink(N_("Users"), f"{PREFIX}/admin/users"),
        NavLink(N_("Enterprises"), f"{PREFIX}/admin/enterprises"),
        # What the API lets an admin read: every book's ledger and the chain.
        NavLink(N_("Balances"), f"{PREFIX}/auditor/balances"),
        NavLink(N_("Reconciliation"), f"{PREFIX}/auditor/reconciliation"),
        NavLink(N_("Chain verification"), f"{PREFIX}/auditor/verification"),
    ),
    UserRole.FILER: (
        NavLink(N_("My lifecycles"), f"{PREFIX}/filer/lifecycles"),
        NavLink(N_("File by upload"), f"{PREFIX}/filer/upload"),
        NavLink(N_("Books"), f"{PREFIX}/filer/books"),
    ),
    UserRole.LIAISON: (
        NavLink(N_("Work queue"), f"{PREFIX}/liaison/queue"),
        NavLink(N_("Periods"), f"{PREFIX}/liaison/periods"),
    ),
    UserRole.AUDITOR: (
        NavLink(N_("Balances"), f"{PREFIX}/auditor/balances"),
        NavLink(N_("Reconciliation"), f"{PREFIX}/auditor/reconciliation"),
        NavLink(N_("Chain verification"), f"{PREFIX}/auditor/verification"),
    ),
}


def home_of(role: UserRole) -> str:
    """The page a role lands on after signing in (its first link)."""
    return NAV[role][0].path


ROLE_NAMES: Final[dict[UserRole, str]] = {
    UserRole.FILER: N_("filer"),
    UserRole.LIAISON: N_("liaison"),
    UserRole.AUDITOR: N_("auditor"),
    UserRole.ADMIN: N_("admin"),
}
