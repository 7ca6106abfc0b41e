"""The warehouse's raw layer on a real DuckDB file: a report loaded, then forgotten when the
extraction code changes, so that no table keeps rows made by older code."""

from __future__ import annotations

import duckdb

from lumbung import warehouse
from lumbung.documents import read_document
from lumbung.ingest import load_document
from tests.conftest import REPORTS


def test_new_extraction_code_forgets_every_extracted_table(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        warehouse.ensure_schema(con)
        warehouse.forget_extractions_unless(con, "code-1")
        doc = read_document(REPORTS["petir"])
        load_document(con, doc, REPORTS["petir"].name, "run-1")
        tables = warehouse.extracted_tables(con)
        assert {"raw.table_coverage", "raw.extracted_facts", "raw.table_rows", "raw.files"} <= set(tables)
        filled = {t for t in tables if con.execute(f"select count(*) from {t}").fetchone()[0]}
        assert filled == set(tables)  # loading one report fills every extracted table
        assert not warehouse.forget_extractions_unless(con, "code-1")  # same code: kept
        assert warehouse.forget_extractions_unless(con, "code-2")
        assert all(con.execute(f"select count(*) from {t}").fetchone()[0] == 0 for t in tables)
        assert con.execute("select count(*) from audit.quarantine").fetchone()[0] > 0  # history stays
    finally:
        con.close()


def test_a_batch_of_rows_travels_as_arrow_typed_like_the_table(tmp_path):
    """Amounts of every size in one insert: a small first value must not decide the column's
    type (a pandas insert once inferred DECIMAL(12,2) from the first rows and failed on
    54,232,322,183); extra decimals round as DuckDB's cast does; lists and NULLs keep."""
    from decimal import Decimal

    rows = [{"document_id": "d", "source_table": "t", "source_line": 1, "value": Decimal("1.5"), "value_raw": "1,5"},
            {"document_id": "d", "source_table": "t", "source_line": 2, "value": Decimal("54232322183.25"),
             "value_raw": "54.232.322.183,25"},
            {"document_id": "d", "source_table": "t", "source_line": 3, "value": Decimal("0.123456"),
             "value_raw": "0,123456"},
            {"document_id": "d", "source_table": "t", "source_line": 4, "value": None, "value_raw": "#####"}]
    lines = [{"document_id": "d", "source_table": "t", "source_line": 1, "cells": ["7.01", "", "1,5"],
              "raw_text": "7.01\t\t1,5", "furniture": None}]
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        warehouse.ensure_schema(con)
        for table, table_rows in (("raw.extracted_facts", rows), ("raw.table_rows", lines)):
            columns = {name: [r[name] for r in table_rows] for name in table_rows[0]}
            warehouse.insert_arrow(con, table, warehouse.columns_as_arrow(table, columns))
        assert con.execute("select source_line, value from raw.extracted_facts order by 1").fetchall() == [
            (1, Decimal("1.5")), (2, Decimal("54232322183.25")), (3, Decimal("0.1235")), (4, None)]
        assert con.execute("select cells, furniture from raw.table_rows").fetchall() == [(["7.01", "", "1,5"], None)]
    finally:
        con.close()


def test_the_four_reports_load_in_one_batch(tmp_path):
    """write_parsed loads several documents with one insert per table (no per-document fallback)."""
    from lumbung.ingest import parse_files, sha256_of, write_parsed

    parsed = parse_files([(path, path.name, sha256_of(path), None) for path in REPORTS.values()])
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        warehouse.ensure_schema(con)
        write_parsed(con, parsed, "run-1")
        assert con.execute("select count(*), count(distinct run_id) from raw.documents").fetchone() == (4, 1)
        assert con.execute("select count(*) from raw.extracted_facts").fetchone()[0] == sum(p.facts for p in parsed)
        assert con.execute("select count(*) from raw.files where status = 'loaded'").fetchone()[0] == 4
    finally:
        con.close()


def test_a_parse_result_from_another_process_loads_the_same_rows(tmp_path):
    """Parse results come back from worker processes pickled (their tables in Arrow's IPC format):
    the tables, their types and the loaded rows are those of the result parsed here."""
    import pickle

    from lumbung.ingest import parse_files, sha256_of, write_parsed

    here = parse_files([(path, path.name, sha256_of(path), None) for path in REPORTS.values()])
    moved = pickle.loads(pickle.dumps(here))
    for a, b in zip(here, moved):
        assert b.tables.keys() == a.tables.keys()
        assert all(b.tables[t].equals(a.tables[t]) and b.tables[t].schema == a.tables[t].schema for t in a.tables)
        assert {k: v for k, v in vars(b).items() if k != "tables"} == {k: v for k, v in vars(a).items() if k != "tables"}
    rows = []
    for name, batch in (("here", here), ("moved", moved)):
        con = duckdb.connect(str(tmp_path / f"{name}.duckdb"))
        try:
            warehouse.ensure_schema(con)
            write_parsed(con, batch, "run-1")
            rows.append([con.execute(f"select * from {t} order by all").fetchall()
                         for t in ("raw.extracted_facts", "raw.table_rows", "raw.document_lines")])
        finally:
            con.close()
    assert rows[0] == rows[1] and rows[0][0]


def test_compact_gives_back_the_space_of_rebuilt_tables_and_keeps_everything(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    try:
        warehouse.ensure_schema(con)
        con.execute("create schema marts")
        con.execute("create table marts.big as select range as n, repeat('x', 50) || range as s from range(300000)")
        con.execute("create view marts.small_view as select n from marts.big where n < 10")
        con.execute("insert into audit.runs (run_id, outcome) values ('r1', 'published')")
        con.execute("create or replace table marts.big as select range as n, 'y' || range as s from range(1000)")  # rebuilt
        con.execute("checkpoint")
    finally:
        con.close()
    before = path.stat().st_size
    assert warehouse.free_share(path) > 0.3
    warehouse.compact(path)
    assert path.stat().st_size < before / 2 and warehouse.free_share(path) < 0.3
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("select count(*) from marts.big").fetchone() == (1000,)
        assert con.execute("select count(*) from marts.small_view").fetchone() == (10,)
        assert con.execute("select run_id from audit.runs").fetchall() == [("r1",)]
        assert con.execute("select count(*) from duckdb_constraints() where constraint_type = 'PRIMARY KEY'").fetchone()[0] >= 3
    finally:
        con.close()


def test_files_are_recorded_in_one_insert_and_a_content_keeps_its_first_record(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        warehouse.ensure_schema(con)
        warehouse.record_files(con, [("sha-a", "a.txt", "loaded", "doc-a", None)], "run-1")
        warehouse.record_files(con, [
            ("sha-a", "copy-of-a.txt", "loaded", "doc-x", None),  # recorded by run-1: kept as it was
            ("sha-b", "b.txt", "loaded", "doc-b", "pin-1"),
            ("sha-b", "b-again.txt", "quarantined", None, None),  # twice in one batch: the first counts
            ("sha-c", "c.txt", "quarantined", None, None),
        ], "run-2")
        rows = con.execute("select source_sha256, source_file, status, document_id, first_seen_run, pin "
                           "from raw.files order by 1").fetchall()
    finally:
        con.close()
    assert rows == [("sha-a", "a.txt", "loaded", "doc-a", "run-1", None),
                    ("sha-b", "b.txt", "loaded", "doc-b", "run-2", "pin-1"),
                    ("sha-c", "c.txt", "quarantined", None, "run-2", None)]
