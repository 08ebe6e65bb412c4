"""The web console's sessions (网页会话), kept server-side: the browser's cookie holds a
random id (256 bits), the table its SHA-256 and the session's CSRF token. A session
lives until it expires, its user signs out, is disabled, has the password reset or has
its tokens revoked by an admin."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from access import repository
from access.principal import Principal
from access.service import principal_of
from access.tokens import digest
from adapters.db.engine import Database
from adapters.db.models import ConsoleSession

LIFETIME = dt.timedelta(hours=12)  # a working day; then sign in again


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class OpenedSession:
    cookie_id: str  # for the cookie only: never stored, never in a URL
    csrf_token: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class LiveSession:
    principal: Principal
    csrf_token: str


class ConsoleSessions:
    def __init__(
        self,
        database: Database,
        clock: Callable[[], dt.datetime] = _now,
        lifetime: dt.timedelta = LIFETIME,
    ) -> None:
        self.db = database
        self._clock = clock
        self.lifetime = lifetime

    def open(self, principal: Principal) -> OpenedSession:
        cookie_id = secrets.token_urlsafe(32)
        csrf_token = secrets.token_urlsafe(32)
        now = self._clock()
        with self.db.transaction() as session:
            repository.add_session(
                session,
                ConsoleSession(
                    id_sha256=digest(cookie_id),
                    user_id=principal.user_id,
                    csrf_token=csrf_token,
                    created_at=now,
                    expires_at=now + self.lifetime,
                ),
            )
        return OpenedSession(cookie_id, csrf_token, now + self.lifetime)

    def find(self, cookie_id: str) -> LiveSession | None:
        """The live session of this cookie, or None (unknown, ended, expired, disabled)."""
        with self.db.transaction() as session:
            found = repository.live_session(session, digest(cookie_id), self._clock())
            if found is None:
                return None
            row, user = found
            return LiveSession(principal_of(session, user), row.csrf_token)

    def end(self, cookie_id: str) -> None:
        with self.db.transaction() as session:
            repository.end_session(session, digest(cookie_id), self._clock())
