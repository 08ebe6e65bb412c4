"""The principal a request acts as, and what it may see and do (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.access import UserRole
from schemas.lifecycle import Role
from schemas.wording import with_article


@dataclass(frozen=True)
class Principal:
    user_id: int
    name: str
    role: UserRole
    # None: every enterprise (liaison, admin, an auditor without a scope).
    enterprises: frozenset[str] | None

    def may_see(self, *enterprise_codes: str | None) -> bool:
        """Whether any of the enterprises an object belongs to is in scope."""
        if self.enterprises is None:
            return True
        return any(code in self.enterprises for code in enterprise_codes if code)

    @property
    def lifecycle_role(self) -> Role | None:
        """The role the workflows know this principal by when it acts."""
        return {UserRole.FILER: Role.FILER, UserRole.LIAISON: Role.LIAISON}.get(self.role)

    @property
    def enterprise(self) -> str | None:
        """A filer's one enterprise."""
        if self.role is UserRole.FILER and self.enterprises:
            (only,) = self.enterprises
            return only
        return None


def chain_refusal(principal: Principal) -> str | None:
    """Why ``principal`` may not verify the audit chain, or None when it may. The chain
    spans every enterprise: liaison staff, admins and auditors of all of them verify it
    (the API and the console both ask here)."""
    if principal.role not in (UserRole.LIAISON, UserRole.AUDITOR, UserRole.ADMIN):
        return (
            "the audit chain spans every enterprise: liaison staff, auditors and admins "
            f"verify it, not {with_article(principal.role)}"
        )
    if principal.enterprises is not None:
        return (
            "the audit chain spans every enterprise: an auditor scoped to some of them "
            "may not verify it"
        )
    return None
