"""Alembic migrations of the likes schema (run them with ``pelican-likes db upgrade``)."""
