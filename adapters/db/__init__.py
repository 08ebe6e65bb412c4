"""Relational storage: engine and sessions, column types, ORM models, Alembic migrations."""
