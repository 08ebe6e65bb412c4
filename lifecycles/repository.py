"""All queries of the lifecycles table."""

from __future__ import annotations

from collections.abc import Collection, Sequence
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


_IDS_PER_QUERY = 500  # a visibility page's ids, asked for in a few IN lists


def among(
    session: Session,
    workflow_ids: Collection[str],
    enterprises: frozenset[str] | None,
    enterprise: str | None,
    book_no: str | None,
) -> list[LifecycleRow]:
    """The rows of these workflows in scope (either side of a transfer), of the
    enterprise and book when given (either side too)."""
    query = _scoped(select(LifecycleRow), enterprises, None)
    if enterprise is not None:
        query = query.where(
            or_(LifecycleRow.enterprise_code == enterprise, LifecycleRow.partner_code == enterprise)
        )
    if book_no is not None:
        query = query.where(
            or_(LifecycleRow.book_no == book_no, LifecycleRow.partner_book_no == book_no)
        )
    ids = sorted(workflow_ids)
    rows: list[LifecycleRow] = []
    for start in range(0, len(ids), _IDS_PER_QUERY):
        chunk = ids[start : start + _IDS_PER_QUERY]
        rows.extend(session.scalars(query.where(LifecycleRow.workflow_id.in_(chunk))).all())
    return rows
