"""Shared fixtures: the real reports in raw/ and a Prefect test harness for flow runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lumbung.documents import read_document
from lumbung.paths import PROJECT_ROOT

RAW = PROJECT_ROOT / "raw"
REPORTS = {
    "petir": RAW / "renja-2024-kecamatan-petir-kabupaten-serang.txt",
    "serang": RAW / "renja-2022-kecamatan-serang-kota-serang.txt",
    "seririt": RAW / "lkjip-2023-kecamatan-seririt-kabupaten-buleleng.txt",
    "randuagung": RAW / "renstra-2024-2026-kecamatan-randuagung-kabupaten-lumajang.txt",
}

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def query(warehouse: Path, sql: str) -> list[tuple]:
    """Rows of `sql` on a published warehouse, opened read-only as an analyst would."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def report_lines() -> dict[str, list[str]]:
    return {name: read_document(path).lines for name, path in REPORTS.items()}


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
