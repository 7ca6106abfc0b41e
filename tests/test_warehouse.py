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
