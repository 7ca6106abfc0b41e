"""BI access through SQLAlchemy 2.0 + duckdb-engine, on real DuckDB files: every connection of the
recipe's engine sees the file as last published (os.replace, as the nightly run does), and it
never takes the write lock."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb

from lumbung.bi import engine


def _warehouse(path, rows: int) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(f"create table marts.fct_target as select range as fact_id from range({rows})")
        con.execute("comment on column marts.fct_target.fact_id is 'one row per number'")
    finally:
        con.close()


def test_a_new_publish_is_seen_and_the_run_is_never_locked_out(tmp_path):
    from sqlalchemy import inspect, text

    published = tmp_path / "lumbung.duckdb"
    _warehouse(published, 3)
    bi = engine(published)
    with bi.connect() as con:
        assert con.execute(text("select count(*) from marts.fct_target")).scalar() == 3
        # while a BI connection is open, another process (lumbung query, export) still opens it
        other = subprocess.run([sys.executable, "-c", f"import duckdb; duckdb.connect({str(published)!r}, read_only=True)"
                                ".execute('select count(*) from marts.fct_target').fetchone()"], capture_output=True)
        assert other.returncode == 0, other.stderr
    _warehouse(tmp_path / "build.duckdb", 5)
    os.replace(tmp_path / "build.duckdb", published)  # what publish() does
    with bi.connect() as con:
        assert con.execute(text("select count(*) from marts.fct_target")).scalar() == 5
    columns = inspect(bi).get_columns("fct_target", schema="marts")
    assert [c["name"] for c in columns] == ["fact_id"]
