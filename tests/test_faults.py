"""Faults on a real `lumbung run` (a child process): killed with SIGKILL at several moments, two
runs at once, ten runs without input change.  The published warehouse must stay what it was,
open, and the next run must complete."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPORTS

pytestmark = pytest.mark.pipeline


def run_cli(raw: Path, warehouse: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "lumbung.cli", "run", "--raw-dir", str(raw), "--warehouse", str(warehouse),
         "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, **popen)


def state(warehouse: Path) -> tuple:
    """What a reader sees: documents and every published fact."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        documents = con.execute("select document_id, version_number, is_current from marts.dim_document order by 1").fetchall()
        facts = [con.execute(f"select * from marts.{t} order by fact_id").fetchall() for t in ("fct_target", "fct_realisation")]
        return documents, facts
    finally:
        con.close()


@pytest.fixture(scope="module")
def published(first_run_on_a_terminal):
    raw, warehouse, _shown = first_run_on_a_terminal
    return raw, warehouse


def test_a_run_on_a_terminal_shows_each_stage_with_its_total(first_run_on_a_terminal):
    _raw, _warehouse, shown = first_run_on_a_terminal
    for stage in ("ingest", "dbt build", "validate raw", "validate staging", "validate marts", "publish"):
        done = re.findall(rf"{stage} .*? (\d+)/(\d+)", shown)
        assert done, f"no progress bar for {stage}"
        assert any(a == b and int(a) > 0 for a, b in done), f"{stage} never complete: {done[-3:]}"
    assert not re.search(r"\d+/\?", shown), "a bar without its total"


def test_a_run_killed_at_any_moment_leaves_the_published_warehouse_as_it_was(published):
    raw, warehouse = published
    before = state(warehouse)
    lines = REPORTS["petir"].read_text(encoding="utf-8").split("\n")
    lines[483] = lines[483].replace("3.552.000.000", "3.600.000.000")  # a new version to build
    (raw / "renja-petir-2024-revisi.txt").write_text("\n".join(lines), encoding="utf-8")
    killed = 0
    for delay in (0.5, 3.0, 7.0, 12.0):  # during start-up, ingest, dbt, the gates
        run = run_cli(raw, warehouse)
        time.sleep(delay)
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
            killed += 1
            assert state(warehouse) == before, f"killed after {delay}s"
        else:  # the machine was fast: the run finished and published the new version
            assert run.returncode == 0, run.stderr.read()
            before = state(warehouse)
    assert killed >= 2
    reader = duckdb.connect(str(warehouse), read_only=True)  # an analyst connected during the run
    try:
        seen_before = reader.execute("select count(*), max(version_number) from marts.dim_document").fetchone()
        final = run_cli(raw, warehouse)  # no stale lock, no stale build file in the way
        assert final.wait(timeout=600) == 0, final.stderr.read()
        # the open connection keeps reading the marts it opened, never a mix of old and new
        assert reader.execute("select count(*), max(version_number) from marts.dim_document").fetchone() == seen_before
    finally:
        reader.close()
    documents, _facts = state(warehouse)  # a new connection sees the new marts
    assert [(v, c) for _id, v, c in documents if v == 2] == [(2, True)]
    superseded = {_id for _id, _v, current in documents if not current}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:  # the facts tables are built incrementally: the superseded version's facts are gone
        published = {d for (d,) in con.execute("select distinct document_id from marts.fct_target").fetchall()}
    finally:
        con.close()
    assert superseded and not superseded & published


def test_a_second_run_started_meanwhile_exits_with_a_clear_message(published):
    from lumbung.pipeline import warehouse_lock

    raw, warehouse = published
    before = state(warehouse)
    with warehouse_lock(warehouse):  # the lock a run holds while it builds
        second = run_cli(raw, warehouse)
        assert second.wait(timeout=120) == 1
    assert "another lumbung run is writing" in second.stderr.read()
    assert state(warehouse) == before


def test_ten_runs_without_input_change_publish_identical_marts(prefect_harness, published):
    from flows.nightly import nightly

    raw, warehouse = published
    nightly(raw_dir=str(raw), warehouse=str(warehouse))  # settles what the earlier tests left
    before, size = state(warehouse), warehouse.stat().st_size
    for _ in range(10):
        result = nightly(raw_dir=str(raw), warehouse=str(warehouse))
        assert result["files_loaded"] == 0
        assert result["unchanged_since"] and "transform" not in result["stages"]  # nothing rebuilt
    after = state(warehouse)
    assert after == before
    assert warehouse.stat().st_size <= size + 2**20  # ten more run records, not ten more copies of the marts
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) - count(distinct fact_id) from marts.fct_target").fetchone() == (0,)
        assert con.execute("select count(*) from audit.runs where outcome = 'published'").fetchone()[0] >= 10
    finally:
        con.close()


def _alive(pids) -> list[int]:
    out = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] not in "ZX":
                    out.append(pid)
        except OSError:
            continue
    return out


def test_kill_9_of_the_run_alone_leaves_no_child_running(published):
    from lumbung.hygiene import children

    raw, warehouse = published
    lines = REPORTS["serang"].read_text(encoding="utf-8").split("\n")
    (raw / "renja-serang-copy-edited.txt").write_text("\n".join(lines[:-3]), encoding="utf-8")  # work to do
    run = run_cli(raw, warehouse)
    tree: set[int] = set()
    deadline = time.time() + 60
    while time.time() < deadline and run.poll() is None:  # wait until the run has its children
        tree.update(children(run.pid))
        if len(tree) >= 2:
            time.sleep(1.0)
            tree.update(children(run.pid))
            break
        time.sleep(0.2)
    assert run.poll() is None and tree, "the run ended before it had children"
    os.kill(run.pid, signal.SIGKILL)  # the main process only, as the OOM killer does
    run.wait()
    deadline = time.time() + 10
    while _alive(tree) and time.time() < deadline:
        time.sleep(0.2)
    assert _alive(tree) == []
    history = subprocess.run([sys.executable, "-m", "lumbung.cli", "runs", "--warehouse", str(warehouse), "--last", "1"],
                             capture_output=True, text=True)
    assert "failed" in history.stdout and "killed" in history.stdout  # the run is in the history


def test_ctrl_c_stops_the_run_in_seconds_with_one_line_and_records_it(published):
    raw, warehouse = published
    before = state(warehouse)
    (raw / "renja-serang-copy-edited.txt").unlink(missing_ok=True)
    lines = REPORTS["serang"].read_text(encoding="utf-8").split("\n")
    (raw / "renja-serang-copy-edited-2.txt").write_text("\n".join(lines[:-4]), encoding="utf-8")
    run = run_cli(raw, warehouse)
    time.sleep(10)
    assert run.poll() is None
    os.killpg(run.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    started = time.time()
    assert run.wait(timeout=30) == 128 + signal.SIGINT
    assert time.time() - started < 10
    err = run.stderr.read().strip().splitlines()
    assert err[-1] == "lumbung run: interrupted (SIGINT); published warehouse unchanged"
    assert not any("Traceback" in line for line in err)
    assert state(warehouse) == before
    history = subprocess.run([sys.executable, "-m", "lumbung.cli", "runs", "--warehouse", str(warehouse), "--last", "1"],
                             capture_output=True, text=True)
    assert "cancelled" in history.stdout and "interrupted (SIGINT)" in history.stdout
    (raw / "renja-serang-copy-edited-2.txt").unlink()
