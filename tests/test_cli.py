"""The command line as a data engineer meets it: expected failures end in one line naming what
and where (exit code non-zero, no traceback), before Prefect starts; history, query formats,
version.  In-process through typer's CliRunner, on real DuckDB files."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from lumbung import warehouse as wh
from lumbung.cli import app
from lumbung.pipeline import prepare_build, record_failure, warehouse_lock
from tests.conftest import REPORTS

runner = CliRunner()


def one_line_failure(result, *fragments: str, code: int = 1) -> None:
    lines = result.output.strip().splitlines()
    assert result.exit_code == code, result.output
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert all(f in lines[0] for f in fragments), lines[0]


@pytest.fixture
def published(tmp_path):
    """A warehouse file with two runs in its history."""
    path = tmp_path / "wh" / "lumbung.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    try:
        wh.ensure_schema(con)
        con.execute("insert into audit.runs (run_id, started_at, ended_at, files_loaded, files_quarantined, "
                    "facts_published, outcome, message) values "
                    "('r1', '2026-11-01 02:00:00+00', '2026-11-01 02:01:40+00', 4, 0, 4570, 'published', 'ok'), "
                    "('r2', '2026-11-02 02:00:00+00', '2026-11-02 02:00:09+00', 0, 0, 4570, 'published', 'nothing changed')")
        con.execute("insert into audit.expectation_results (run_id, stage, suite, success) values ('r1', 'raw', 's', true)")
    finally:
        con.close()
    return path


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("lumbung ")


def test_run_checks_its_arguments_before_prefect_starts(tmp_path):
    missing = runner.invoke(app, ["run", "--raw-dir", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")])
    one_line_failure(missing, "raw directory", "nope", "does not exist")
    (tmp_path / "empty").mkdir()
    empty = runner.invoke(app, ["run", "--raw-dir", str(tmp_path / "empty"), "--warehouse", str(tmp_path / "w.duckdb")])
    one_line_failure(empty, "no report files in", "empty")
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy2(REPORTS["petir"], raw / REPORTS["petir"].name)
    (tmp_path / "a-file").write_text("x")
    blocked = runner.invoke(app, ["run", "--raw-dir", str(raw), "--warehouse", str(tmp_path / "a-file" / "w.duckdb")])
    one_line_failure(blocked, "cannot create the warehouse folder", "a-file")
    with warehouse_lock(tmp_path / "w.duckdb"):
        locked = runner.invoke(app, ["run", "--raw-dir", str(raw), "--warehouse", str(tmp_path / "w.duckdb")])
    one_line_failure(locked, "another lumbung run is writing")
    # each refused run is in the history, with its reason
    history = runner.invoke(app, ["runs", "--warehouse", str(tmp_path / "w.duckdb")])
    assert history.exit_code == 0
    assert history.output.count("failed") == 3 and "no report files" in history.output


def test_query_export_inspect_say_what_is_missing(tmp_path):
    one_line_failure(runner.invoke(app, ["query", "select 1", "--warehouse", str(tmp_path / "none.duckdb")]),
                     "no warehouse at", "none.duckdb")
    one_line_failure(runner.invoke(app, ["export", str(tmp_path / "out"), "--warehouse", str(tmp_path / "none.duckdb")]),
                     "no warehouse at")
    one_line_failure(runner.invoke(app, ["inspect", str(tmp_path / "report.pdf")]), "report.pdf", "no such file")
    one_line_failure(runner.invoke(app, ["inspect", str(REPORTS["petir"]), "--table", "Tabel 99.9"]),
                     REPORTS["petir"].name, "no table 'Tabel 99.9'", "Tabel")


def test_query_reports_a_locked_warehouse_in_one_line(published):
    writer = duckdb.connect(str(published))  # e.g. a BI tool that opened it read-write
    try:
        import subprocess
        import sys

        result = subprocess.run([sys.executable, "-m", "lumbung.cli", "query", "select 1", "--warehouse", str(published)],
                                capture_output=True, text=True)
    finally:
        writer.close()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "locked" in result.stderr


def test_query_formats(published):
    sql = "select run_id, facts_published from audit.runs order by run_id"
    csv_out = runner.invoke(app, ["query", sql, "--warehouse", str(published), "--format", "csv"])
    assert csv_out.exit_code == 0 and csv_out.output.splitlines() == ["run_id,facts_published", "r1,4570", "r2,4570"]
    json_out = runner.invoke(app, ["query", sql, "--warehouse", str(published), "--format", "json"])
    assert json.loads(json_out.output) == [{"run_id": "r1", "facts_published": 4570}, {"run_id": "r2", "facts_published": 4570}]
    one_line_failure(runner.invoke(app, ["query", sql, "--warehouse", str(published), "--format", "xml"]), "--format")
    one_line_failure(runner.invoke(app, ["query", "select * from nowhere", "--warehouse", str(published)]), "nowhere")


def test_runs_lists_published_and_failed_runs_newest_first(published):
    record_failure(published, "r3", "raw directory /x does not exist")
    result = runner.invoke(app, ["runs", "--warehouse", str(published), "--last", "2"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["r3", "r2"]
    assert "failed" in lines[1] and "does not exist" in lines[1] and " 9 " in lines[2]  # r2 took 9 s


def test_a_full_refresh_keeps_the_run_history(published):
    ctx = prepare_build(published, "r4", full_refresh=True)
    con = duckdb.connect(str(ctx.build), read_only=True)
    try:
        assert con.execute("select run_id from audit.runs order by 1").fetchall() == [("r1",), ("r2",)]
        assert con.execute("select count(*) from audit.expectation_results").fetchone() == (1,)
        assert con.execute("select count(*) from raw.documents").fetchone() == (0,)  # everything else starts anew
    finally:
        con.close()


def test_serve_needs_a_prefect_server():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # no server configured
    for args, fragment in ((["serve"], "needs a running Prefect server"),
                           (["serve", "--timezone", "Mars/Base"], "unknown time zone")):
        result = subprocess.run([sys.executable, "-m", "lumbung.cli", *args], capture_output=True, text=True, env=env)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and fragment in result.stderr


def test_export_writes_csv_of_marts_and_audit_tables_with_a_manifest(published, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", str(out), "--warehouse", str(published), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert (out / "audit.runs.csv").read_text().splitlines()[0].startswith("run_id,")
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"table": "audit.runs", "file": "audit.runs.csv", "rows": 2} in manifest["tables"]
    one_line_failure(runner.invoke(app, ["export", str(out), "--warehouse", str(published), "--format", "xlsx"]), "--format")


def test_docs_needs_a_warehouse(tmp_path):
    one_line_failure(runner.invoke(app, ["docs", "--warehouse", str(tmp_path / "none.duckdb")]), "no warehouse at")


def test_run_log_lines_are_timestamped_and_kept_beside_the_warehouse(tmp_path):
    from lumbung.runlog import RunLog

    log = RunLog(tmp_path / "logs" / "r1.log", echo=False)
    log("r1 ingest: started")
    log("r1 ingest: done in 1.0s")
    lines = (tmp_path / "logs" / "r1.log").read_text().splitlines()
    assert len(lines) == 2 and all(len(line.split()[0]) == 20 and line.split()[0].endswith("Z") for line in lines)
