"""Shared fixtures: the real reports in raw/ and a Prefect test harness for flow runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
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


def copy_reports(raw: Path, names=None) -> Path:
    """The real reports (all, or those named) copied into `raw`, byte for byte."""
    raw.mkdir(parents=True, exist_ok=True)
    for name in names or REPORTS:
        shutil.copy2(REPORTS[name], raw / REPORTS[name].name)
    return raw


def run_on_a_terminal(raw: Path, warehouse: Path) -> tuple[int, str]:
    """`lumbung run` with its output on a pseudo-terminal (as a person starts it): exit code and
    what the terminal showed, escape sequences removed."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "lumbung.cli", "run", "--raw-dir", str(raw), "--warehouse", str(warehouse)],
        stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, start_new_session=True,
        env={**os.environ, "COLUMNS": "200", "TERM": "xterm"})
    os.close(follower)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the run ended
            break
        if not chunk:
            break
        shown.extend(chunk)
    os.close(leader)
    code = process.wait(timeout=600)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", " ", shown.decode("utf-8", "replace"))
    return code, text.replace("\r", "\n")


@pytest.fixture(scope="session")
def first_run_on_a_terminal(tmp_path_factory):
    """`lumbung run` of the four reports into a new warehouse, on a terminal: (raw dir,
    warehouse, what the terminal showed).  Shared by the tests of the command line's faults and
    of the HTML report."""
    raw = copy_reports(tmp_path_factory.mktemp("raw"))
    warehouse = tmp_path_factory.mktemp("wh") / "lumbung.duckdb"
    code, shown = run_on_a_terminal(raw, warehouse)
    assert code == 0, shown[-3000:]
    return raw, warehouse, shown


@pytest.fixture(scope="session")
def report_lines() -> dict[str, list[str]]:
    return {name: read_document(path).lines for name, path in REPORTS.items()}


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
