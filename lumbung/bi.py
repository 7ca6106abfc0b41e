"""BI tools' access to the published warehouse through SQLAlchemy (duckdb-engine).

The recipe every BI tool needs: read-only (the nightly run replaces the file; a read-write
connection would lock `lumbung run`, `query` and `export` out) and no connection pooling — a
pooled connection keeps the old file open and never sees a new publish, while a new connection
opens the file as it is now.
"""

from __future__ import annotations

from pathlib import Path


def engine(warehouse: Path):
    """A SQLAlchemy engine on the published warehouse, read-only, one connection per use."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(f"duckdb:///{Path(warehouse).resolve()}", connect_args={"read_only": True}, poolclass=NullPool)
