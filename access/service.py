"""Create users, set their passwords, issue and revoke tokens, and authenticate a token
or a password to a principal."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access import repository
from access.passwords import hash_password, needs_rehash, verify_password
from access.principal import Principal
from access.tokens import digest, new_token
from adapters.cache import Expiring
from adapters.db.constraints import violation
from adapters.db.engine import Database
from adapters.db.models import ApiToken, ApiUser
from masterdata import MasterData
from schemas.access import IssuedToken, UserIn, UserRole, UserView
from schemas.errors import Conflict, NotFound


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AccessService:
    """``token_cache_seconds``: how long a token's principal is answered from memory.
    A token revoked (or its user disabled) through this service stops working at once;
    through another process (the CLI, another API process) within that bound. 0 asks
    the database on every request."""

    def __init__(
        self,
        database: Database,
        clock: Callable[[], dt.datetime] = _now,
        *,
        token_cache_seconds: float = 0.0,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = database
        self._clock = clock
        self._principals: Expiring[str, Principal] = Expiring(token_cache_seconds, timer=timer)

    def create_user(self, data: UserIn, password: str | None = None) -> IssuedToken:
        """A new user with its first token (and, given one, a password for the console).
        Its enterprises must be registered."""
        password_hash = None if password is None else hash_password(password)
        masterdata = MasterData(self.db)
        for i, code in enumerate(data.enterprises):
            try:
                masterdata.enterprise(code)
            except NotFound:
                raise NotFound(f"no enterprise {code}", field=f"enterprises[{i}]") from None
        try:
            with self.db.transaction() as session:
                if repository.user_by_name(session, data.name) is not None:
                    raise Conflict(f"a user named {data.name} exists", field="name")
                user = repository.add_user(
                    session,
                    ApiUser(
                        name=data.name,
                        role=data.role.value,
                        created_at=self._clock(),
                        password_hash=password_hash,
                    ),
                    sorted(set(data.enterprises)),
                )
                return self._issue(session, user)
        except IntegrityError as error:
            # Another request created the same user between our check and our insert
            # (PostgreSQL): the constraint the driver names says which field.
            if violation(error).columns != ("name",):
                raise
            raise Conflict(f"a user named {data.name} exists", field="name") from None

    def issue_token(self, name: str) -> IssuedToken:
        with self.db.transaction() as session:
            user = repository.user_by_name(session, name)
            if user is None:
                raise NotFound(f"no user named {name}", field="name")
            return self._issue(session, user)

    def set_password(self, name: str, password: str) -> UserView:
        """Set (or reset) a user's console password: its console sessions end."""
        password_hash = hash_password(password)
        with self.db.transaction() as session:
            user = repository.user_by_name(session, name)
            if user is None:
                raise NotFound(f"no user named {name}", field="name")
            user.password_hash = password_hash
            repository.end_sessions_of(session, user.id, self._clock())
            session.flush()
            return self._view(session, user)

    def revoke_tokens(self, name: str) -> int:
        """Revoke every token of the user and end its console sessions."""
        with self.db.transaction() as session:
            user = repository.user_by_name(session, name)
            if user is None:
                raise NotFound(f"no user named {name}", field="name")
            repository.end_sessions_of(session, user.id, self._clock())
            revoked = repository.revoke_tokens(session, user.id, self._clock())
        self._principals.clear()
        return revoked

    def disable_user(self, name: str) -> UserView:
        """Disable a user: none of its tokens authenticates any more (idempotent: the
        first disabling stands)."""
        with self.db.transaction() as session:
            user = repository.user_by_name(session, name)
            if user is None:
                raise NotFound(f"no user named {name}", field="name")
            if user.disabled_at is None:
                user.disabled_at = self._clock()
                repository.end_sessions_of(session, user.id, self._clock())
                session.flush()
            view = self._view(session, user)
        self._principals.clear()
        return view

    def user(self, name: str) -> UserView:
        with self.db.transaction() as session:
            user = repository.user_by_name(session, name)
            if user is None:
                raise NotFound(f"no user named {name}", field="name")
            return self._view(session, user)

    def users(self) -> list[UserView]:
        with self.db.transaction() as session:
            return [self._view(session, user) for user in repository.users(session)]

    def remembered(self, token: str) -> Principal | None:
        """The principal of a token looked up less than the cache's bound ago, or None:
        no database, so the API asks it on its event loop before going to a thread."""
        return self._principals.get(digest(token))

    def authenticate(self, token: str) -> Principal | None:
        """The principal of a live token of an enabled user, or None."""
        sha256 = digest(token)
        known = self._principals.get(sha256)
        if known is not None:
            return known
        with self.db.reading() as session:
            found = repository.live_token(session, sha256)
            if found is None:
                return None
            _, user = found
            principal = principal_of(session, user)
        self._principals.put(sha256, principal)
        return principal

    def check_password(self, name: str, password: str) -> Principal | None:
        """The principal of an enabled user whose password this is, or None: a missing
        user, a disabled one, one without a password and a wrong password look alike
        (and take as long). An old hash is renewed with today's parameters."""
        with self.db.transaction() as session:
            user = repository.user_by_name(session, name)
            stored = user.password_hash if user is not None else None
            if not verify_password(stored, password) or user is None:
                return None
            if user.disabled_at is not None:
                return None
            if stored is not None and needs_rehash(stored):
                user.password_hash = hash_password(password)
            return principal_of(session, user)

    def _issue(self, session: Session, user: ApiUser) -> IssuedToken:
        token, prefix = new_token()
        repository.add_token(
            session,
            ApiToken(
                user_id=user.id,
                prefix=prefix,
                token_sha256=digest(token),
                created_at=self._clock(),
            ),
        )
        session.flush()
        return IssuedToken(user=self._view(session, user), token=token, prefix=prefix)

    @staticmethod
    def _view(session: Session, user: ApiUser) -> UserView:
        return view_of(session, user)


def principal_of(session: Session, user: ApiUser) -> Principal:
    enterprises = repository.enterprises_of(session, user.id)
    return Principal(
        user_id=user.id,
        name=user.name,
        role=UserRole(user.role),
        enterprises=frozenset(enterprises) if enterprises else None,
    )


def view_of(session: Session, user: ApiUser) -> UserView:
    return UserView(
        id=user.id,
        name=user.name,
        role=UserRole(user.role),
        enterprises=repository.enterprises_of(session, user.id),
        created_at=user.created_at,
        disabled=user.disabled_at is not None,
        has_password=user.password_hash is not None,
    )
