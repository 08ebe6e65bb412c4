"""All queries of the lifecycles table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from adapters.db.models import LifecycleRow


def get(session: Session, workflow_id: str) -> LifecycleRow | None:
    return session.get(LifecycleRow, workflow_id)


def _scoped(
    query: Select[Any], enterprises: frozenset[str] | None, lifecycle: str | None
) -> Select[Any]:
    if enterprises is not None:
        query = query.where(
            or_(
                LifecycleRow.enterprise_code.in_(sorted(enterprises)),
                LifecycleRow.partner_code.in_(sorted(enterprises)),
            )
        )
    if lifecycle is not None:
        query = query.where(LifecycleRow.lifecycle == lifecycle)
    return query


def page(
    session: Session,
    enterprises: frozenset[str] | None,
    lifecycle: str | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[LifecycleRow], int]:
    base = _scoped(select(LifecycleRow), enterprises, lifecycle)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows: Sequence[LifecycleRow] = session.scalars(
        base.order_by(LifecycleRow.started_at.desc(), LifecycleRow.workflow_id)
        .limit(limit)
        .offset(offset)
    ).all()
    return rows, total


def all_in_scope(session: Session, enterprises: frozenset[str] | None) -> Sequence[LifecycleRow]:
    rows: Sequence[LifecycleRow] = session.scalars(
        _scoped(select(LifecycleRow), enterprises, None)
    ).all()
    return rows
