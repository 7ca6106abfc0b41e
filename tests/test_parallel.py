"""Parsing over a task runner gives the same warehouse as parsing in one process (real Prefect
flow with its ProcessPoolTaskRunner, dbt, GX and DuckDB; and the same flow on a local Dask
cluster through prefect-dask)."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from tests.conftest import copy_reports

pytestmark = pytest.mark.pipeline

IGNORED = {"loaded_at"}  # when a run loaded a report differs between runs, nothing else may
BUILT = ("audit.reconciliation", "audit.table_coverage", "intermediate.int_items__hierarchy",
         "intermediate.int_items__ancestors", "intermediate.int_budget__figures", "intermediate.int_budget__leaves",
         "intermediate.int_budget__consistent_leaves",
         "intermediate.int_budget__reconciliation", "intermediate.int_derived__numerators",
         "intermediate.int_derived__recomputed")


def marts(warehouse) -> dict:
    """Every table of the marts, and the incremental tables they are built from, row by row."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [f"marts.{t}" for (t,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        out = {}
        for table in [*tables, *BUILT]:
            schema, name = table.split(".")
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "order by ordinal_position", [schema, name]).fetchall() if c not in IGNORED]
            out[table] = con.execute(f"select {', '.join(columns)} from {table} order by all").fetchall()
        assert len(tables) >= 10 and all(out[t] for t in ("marts.fct_target", "marts.mart_budget"))
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    return copy_reports(tmp_path_factory.mktemp("raw"))


@pytest.fixture(scope="module")
def serial(prefect_harness, raw, tmp_path_factory):
    from flows.nightly import nightly

    warehouse = tmp_path_factory.mktemp("serial") / "lumbung.duckdb"
    nightly(raw_dir=str(raw), warehouse=str(warehouse), workers=1)
    return marts(warehouse)


@pytest.fixture
def always_parallel(monkeypatch):
    """Four reports are too few to be worth worker processes: parse them there all the same."""
    import flows.nightly

    monkeypatch.setattr(flows.nightly, "SERIAL_BELOW", 1)


def test_parallel_processes_publish_the_same_marts(prefect_harness, raw, serial, tmp_path, always_parallel):
    from flows.nightly import nightly

    warehouse = tmp_path / "lumbung.duckdb"
    result = nightly(raw_dir=str(raw), warehouse=str(warehouse), workers=2)
    assert result["files_loaded"] == 4
    assert marts(warehouse) == serial


def test_a_dask_cluster_publishes_the_same_marts(prefect_harness, raw, serial, tmp_path, always_parallel):
    from distributed import LocalCluster

    from flows.nightly import nightly

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        warehouse = tmp_path / "lumbung.duckdb"
        result = nightly(raw_dir=str(raw), warehouse=str(warehouse), dask_address=cluster.scheduler_address)
    assert result["files_loaded"] == 4
    assert marts(warehouse) == serial


def test_adding_a_report_to_a_loaded_warehouse_publishes_the_same_marts(prefect_harness, raw, serial, tmp_path):
    """Incremental: the second run matches names (int_items__name_matched) and validates only for
    the report it adds, and the marts are those of one run over all four reports."""
    from flows.nightly import nightly

    partial = tmp_path / "raw"
    partial.mkdir()
    files = sorted(raw.iterdir())
    for path in files[:3]:
        shutil.copy2(path, partial / path.name)
    warehouse = tmp_path / "lumbung.duckdb"
    nightly(raw_dir=str(partial), warehouse=str(warehouse))
    shutil.copy2(files[3], partial / files[3].name)
    result = nightly(raw_dir=str(partial), warehouse=str(warehouse))
    assert result["files_loaded"] == 1 and result["files_skipped"] == 3
    assert marts(warehouse) == serial
    built = json.loads((tmp_path / "dbt_target" / "run_results.json").read_text())["results"]
    kinds = {r["unique_id"].split(".")[0] for r in built}
    # the seeds are part of the transform the marts were built by: not loaded again, their data tests run
    assert "seed" not in kinds and {"model", "test"} <= kinds
    assert any(r["unique_id"].startswith("test.") and "code_overrides" in r["unique_id"] for r in built)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        matched = con.execute("select count(distinct document_id) from intermediate.int_items__name_matched").fetchone()
        checked = con.execute(
            "select max(element_count) from audit.expectation_results where run_id = ? and table_name = 'marts.fct_target'",
            [result["run_id"]]).fetchone()[0]
        leftovers = con.execute("select table_name from duckdb_tables() where table_name like '%dbt_tmp%'").fetchall()
        added = con.execute(
            "select count(*) from marts.fct_target where document_id in "
            "(select document_id from raw.documents where run_id = ?)", [result["run_id"]]).fetchone()[0]
    finally:
        con.close()
    assert matched == (4,)
    assert leftovers == []  # the incremental Python model's temporary table is not left in the file
    assert _parsed_in_full(tmp_path / "dbt_logs" / "dbt.log") == [True, False]  # the second run re-parsed two files
    assert checked == added  # the gates read the added report's facts, not the whole table
    _dbt_tests_check_the_added_report_only(warehouse, result["run_id"], tmp_path)


def _parsed_in_full(log) -> list[bool]:
    """For each dbt invocation in a dbt JSON log (and its rotated parts, `dbt.log.1` ...), in
    order: whether it parsed the whole project."""
    invocations: dict[str, bool] = {}
    parts = sorted(log.parent.glob(log.name + ".*"), key=lambda p: -int(p.suffix[1:])) + [log]
    for line in "\n".join(p.read_text() for p in parts).splitlines():
        if line.startswith("{"):
            info = json.loads(line)["info"]
            invocations.setdefault(info["invocation_id"], False)
            if info["name"] == "UnableToPartialParse":
                invocations[info["invocation_id"]] = True
    return list(invocations.values())


def _dbt_tests_check_the_added_report_only(warehouse, run_id: str, tmp_path) -> None:
    """dbt's data tests in an incremental run read the rows of the documents the run loaded
    (macros/documents_of_this_run.sql): a fact doubled in the added report fails a singular
    and a generic test; the same fault in a report loaded before is not read again."""
    import os
    import subprocess
    import sys

    from lumbung.paths import DBT_PROJECT_DIR

    def failing_tests(copy) -> set[str]:
        run = subprocess.run(
            [sys.executable, "-c", "from dbt.cli.main import cli; cli()", "test",
             "--select", "assert_one_fact_per_cell unique_fct_target_fact_id",
             "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
             "--target-path", str(tmp_path / "dbt_target"), "--log-path", str(tmp_path / "dbt_logs")],
            env={**os.environ, "LUMBUNG_DB_PATH": str(copy), "LUMBUNG_RUN_ID": run_id,
                 "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
            capture_output=True, text=True)
        results = [r for r in json.loads((tmp_path / "dbt_target" / "run_results.json").read_text())["results"]
                   if r["unique_id"].startswith("test.")]  # not the on-run-end hook
        assert len(results) == 2, run.stdout
        return {r["unique_id"].split(".")[2] for r in results if r["status"] == "fail"}

    for added, expected in ((True, {"assert_one_fact_per_cell", "unique_fct_target_fact_id"}), (False, set())):
        copy = tmp_path / f"doubled-{added}.duckdb"
        shutil.copy2(warehouse, copy)
        con = duckdb.connect(str(copy))
        try:
            con.execute(
                f"insert into marts.fct_target select * from marts.fct_target where document_id "
                f"{'in' if added else 'not in'} (select document_id from raw.documents where run_id = ?) limit 1", [run_id])
        finally:
            con.close()
        assert failing_tests(copy) == expected
