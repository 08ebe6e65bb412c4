"""All queries of users, tokens and console sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from adapters.db.models import ApiToken, ApiUser, ApiUserEnterprise, ConsoleSession


def user_by_name(session: Session, name: str) -> ApiUser | None:
    return session.scalars(select(ApiUser).where(ApiUser.name == name)).one_or_none()


def enterprises_of(session: Session, user_id: int) -> tuple[str, ...]:
    rows = session.scalars(
        select(ApiUserEnterprise.enterprise_code)
        .where(ApiUserEnterprise.user_id == user_id)
        .order_by(ApiUserEnterprise.enterprise_code)
    )
    return tuple(rows)


def add_user(session: Session, user: ApiUser, enterprises: Sequence[str]) -> ApiUser:
    session.add(user)
    session.flush()
    session.add_all(ApiUserEnterprise(user_id=user.id, enterprise_code=c) for c in enterprises)
    return user


def add_token(session: Session, token: ApiToken) -> None:
    session.add(token)


def live_token(session: Session, sha256: str) -> tuple[ApiToken, ApiUser] | None:
    row = session.execute(
        select(ApiToken, ApiUser)
        .join(ApiUser, ApiUser.id == ApiToken.user_id)
        .where(
            ApiToken.token_sha256 == sha256,
            ApiToken.revoked_at.is_(None),
            ApiUser.disabled_at.is_(None),
        )
    ).one_or_none()
    return (row[0], row[1]) if row else None


def users(session: Session) -> Sequence[ApiUser]:
    return session.scalars(select(ApiUser).order_by(ApiUser.name)).all()


def revoke_tokens(session: Session, user_id: int, at: dt.datetime) -> int:
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = at
    return len(tokens)


def user_by_id(session: Session, user_id: int) -> ApiUser | None:
    return session.get(ApiUser, user_id)


# --- console sessions -------------------------------------------------------------------


def add_session(session: Session, row: ConsoleSession) -> None:
    session.add(row)


def live_session(
    session: Session, id_sha256: str, at: dt.datetime
) -> tuple[ConsoleSession, ApiUser] | None:
    """A session not ended nor expired, of a user not disabled."""
    row = session.execute(
        select(ConsoleSession, ApiUser)
        .join(ApiUser, ApiUser.id == ConsoleSession.user_id)
        .where(
            ConsoleSession.id_sha256 == id_sha256,
            ConsoleSession.ended_at.is_(None),
            ConsoleSession.expires_at > at,
            ApiUser.disabled_at.is_(None),
        )
    ).one_or_none()
    return (row[0], row[1]) if row else None


def end_session(session: Session, id_sha256: str, at: dt.datetime) -> None:
    session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.id_sha256 == id_sha256, ConsoleSession.ended_at.is_(None))
        .values(ended_at=at)
    )


def end_sessions_of(session: Session, user_id: int, at: dt.datetime) -> int:
    result = session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.user_id == user_id, ConsoleSession.ended_at.is_(None))
        .values(ended_at=at)
    )
    return int(getattr(result, "rowcount", 0) or 0)
