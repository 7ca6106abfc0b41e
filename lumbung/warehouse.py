"""The DuckDB side of ingestion: schemas, what is already loaded, and loading one document.

Tables written here (dbt reads them as sources):
- `raw.files`: every file content ever seen (sha256), loaded or quarantined, for incremental runs;
- `raw.documents`: one row per loaded report version, with detected metadata;
- `raw.tables`: what the engine made of each table found;
- `raw.table_rows`: every tab-separated line of every table, cells as written (lineage), and the
  page furniture skipped inside tables (`furniture` = page_number, page_footer, running_title, rule);
- `raw.table_items`: every item (row) of every extracted table, with its parent item;
- `raw.derived_values`: stated ratios (capaian %, rasio) with the columns they divide;
- `raw.extracted_facts`: the facts the engine produced (with the page, for PDF);
- `raw.document_lines`: the normalised text of every document, one row per line the engine read,
  whatever the format (PDF, Word, Excel or text), with its page;
- `raw.table_coverage`: for every table block, where its numbers went (facts, classes of non-facts,
  quarantine, unaccounted);
- `audit.quarantine`: files, lines and cells that could not be read, with the reason;
- `audit.runs` and `audit.expectation_results`: one row per run / per expectation per run.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
import functools
import os
from typing import Iterator

import duckdb
import pandas as pd
import pyarrow as pa

DDL = """
create schema if not exists raw;
create schema if not exists audit;
create table if not exists raw.files (
    source_sha256 varchar primary key, source_file varchar, status varchar,
    document_id varchar, first_seen_run varchar, first_seen_at timestamptz);
create table if not exists raw.documents (
    document_id varchar primary key, source_file varchar, source_sha256 varchar, size_bytes bigint,
    encoding varchar, line_count integer, document_type varchar, kecamatan_code varchar,
    kecamatan varchar, kabupaten_kota varchar, provinsi varchar, period_start_year integer,
    period_end_year integer, run_id varchar, loaded_at timestamptz, text_sha256 varchar);
alter table raw.documents add column if not exists text_sha256 varchar;
create table if not exists raw.tables (
    document_id varchar, source_table varchar, label_line integer, first_line integer,
    last_line integer, caption varchar, status varchar, columns varchar, facts integer);
create table if not exists raw.table_rows (
    document_id varchar, source_table varchar, source_line integer, cells varchar[], raw_text varchar);
create table if not exists raw.table_items (
    document_id varchar, source_table varchar, row_index integer, row_line integer, last_line integer,
    item_level varchar, item_name varchar, code_canonical varchar, parent_index integer,
    is_extra_indicator boolean, continues_index integer);
create table if not exists raw.derived_values (
    document_id varchar, source_table varchar, source_line integer, row_index integer,
    column_index integer, column_header varchar, value_raw varchar, value decimal(24, 4),
    numerator_column integer, denominator_column integer);
create table if not exists raw.extracted_facts (
    document_id varchar, source_table varchar, source_line integer, row_line integer,
    column_index integer, column_header varchar, item_level varchar, item_name varchar,
    indicator varchar, code_raw varchar, code_canonical varchar, code_method varchar,
    code_parent varchar, metric varchar, kind varchar, year integer, variant varchar,
    month integer, value decimal(24, 4), value_raw varchar, value_flag varchar, unit varchar,
    row_index integer, cells_moved boolean);
alter table raw.extracted_facts add column if not exists month integer;
alter table raw.extracted_facts add column if not exists row_index integer;
alter table raw.extracted_facts add column if not exists cells_moved boolean;
create table if not exists raw.extractor (fingerprint varchar);
alter table raw.extracted_facts add column if not exists source_column integer;
alter table raw.extracted_facts add column if not exists header_method varchar;
alter table raw.derived_values add column if not exists source_column integer;
alter table raw.tables add column if not exists label_as_written varchar;
alter table raw.tables add column if not exists named_by varchar;
alter table raw.table_rows add column if not exists furniture varchar;
alter table raw.documents add column if not exists identified_by varchar;
alter table raw.documents add column if not exists kecamatan_in_reference boolean;
alter table raw.documents add column if not exists evidence varchar;
alter table raw.files add column if not exists pin varchar;
alter table raw.documents add column if not exists format varchar;
alter table raw.extracted_facts add column if not exists source_page integer;
create table if not exists raw.document_lines (
    document_id varchar, source_line integer, source_page integer, text varchar);
create table if not exists raw.table_coverage (
    document_id varchar, source_table varchar, first_line integer, last_line integer, status varchar,
    reason varchar, numeric_cells integer, facts integer, not_facts integer, quarantined integer,
    unaccounted integer, header integer, column_numbers integer, repeated_header integer,
    page_furniture integer, derived_ratio integer, code integer, row_number integer, text_column integer,
    no_measure_columns integer, table_of_contents integer, not_a_table integer);
create table if not exists audit.quarantine (
    run_id varchar, source_file varchar, source_sha256 varchar, document_id varchar,
    source_table varchar, source_line integer, raw_text varchar, step varchar, reason varchar,
    quarantined_at timestamptz);
create table if not exists audit.runs (
    run_id varchar primary key, started_at timestamptz, ended_at timestamptz,
    files_seen integer, files_loaded integer, files_skipped integer, files_quarantined integer,
    facts_published bigint, outcome varchar, message varchar);
create table if not exists audit.expectation_results (
    run_id varchar, stage varchar, suite varchar, table_name varchar, expectation varchar,
    column_name varchar, severity varchar, success boolean, element_count bigint,
    unexpected_count bigint, observed varchar, validated_at timestamptz);
alter table audit.quarantine add column if not exists source_column integer;
alter table audit.runs add column if not exists stage_seconds varchar;
alter table audit.runs add column if not exists peak_memory_mb integer;
alter table audit.runs add column if not exists transform_fingerprint varchar;
"""


def now() -> datetime:
    return datetime.now(timezone.utc)


# DuckDB's buffer pool would otherwise grow to 80% of the machine's memory while a national load
# is inserted or transformed; past this it writes to the file or spills to a temporary folder.
# dbt's connection has its own (`LUMBUNG_DBT_MEMORY_LIMIT`, default 768MB, profiles.yml).  Ingest
# is no slower with 384MB than with 512MB (1,000 reports: about 85 s with either) and its peak ~130 MB lower.
MEMORY_LIMIT = os.environ.get("LUMBUNG_MEMORY_LIMIT", "384MB")


@contextmanager
def connect(path: Path, read_only: bool = False, threads: int | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse with DuckDB's memory capped; `threads` caps its threads (default: all cores)."""
    config = {"memory_limit": MEMORY_LIMIT} | ({"threads": threads} if threads else {})
    con = duckdb.connect(str(path), read_only=read_only, config=config)
    try:
        yield con
    finally:
        con.close()


def free_share(path: Path) -> float:
    """The share of the file's blocks that hold nothing (left by tables rebuilt or dropped)."""
    with connect(path, read_only=True) as con:
        total, free = con.execute("select total_blocks, free_blocks from pragma_database_size() limit 1").fetchone()
    return free / total if total else 0.0


def compact(path: Path) -> None:
    """Rewrite a warehouse file without its free blocks (DuckDB reuses them but never gives them
    back): every schema, table, view and constraint copied into a new file that replaces it."""
    target = path.with_name(path.stem + ".compact" + path.suffix)
    target.unlink(missing_ok=True)
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT})
    try:
        source, dest = (str(p).replace("'", "''") for p in (path, target))
        con.execute(f"attach '{source}' as source_db (read_only)")
        con.execute(f"attach '{dest}' as compact_db")
        con.execute("copy from database source_db to compact_db")
    finally:
        con.close()
    os.replace(target, path)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def extracted_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables filled from raw files: every table of schema `raw` but the extractor's fingerprint."""
    return [f"raw.{name}" for (name,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw' and table_name <> 'extractor' "
        "order by 1").fetchall()]


def forget_extractions_unless(con: duckdb.DuckDBPyConnection, fingerprint: str) -> bool:
    """Empty the tables filled from raw files when they were filled by other extraction code, so
    every file is read again; audit history stays.  Returns True when they were emptied."""
    stored = con.execute("select fingerprint from raw.extractor").fetchone()
    if stored is not None and stored[0] == fingerprint:
        return False
    had_files = con.execute("select count(*) from raw.files").fetchone()[0] > 0
    for table in extracted_tables(con):
        con.execute(f"delete from {table}")
    con.execute("delete from raw.extractor")
    con.execute("insert into raw.extractor values (?)", [fingerprint])
    return had_files


def known_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Content hash -> the file name it was first seen under."""
    return dict(con.execute("select source_sha256, source_file from raw.files").fetchall())


def known_texts(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Text hash -> the file name of the loaded document with that text."""
    return dict(con.execute(
        "select text_sha256, min(source_file) from raw.documents where text_sha256 is not null group by 1").fetchall())


def known_duplicates(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(file name, hash) of the files already quarantined as a copy of another file."""
    return set(con.execute(
        "select source_file, source_sha256 from audit.quarantine where step = 'duplicate'").fetchall())


@functools.cache
def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of `table`, from the DDL in an in-memory DuckDB (so that a worker process
    or a Dask worker builds its rows' tables without a warehouse)."""
    con = duckdb.connect()
    try:
        ensure_schema(con)
        return con.sql(f"select * from {table} limit 0").to_arrow_table().schema
    finally:
        con.close()


def columns_as_arrow(table: str, columns: dict[str, list]) -> pa.Table:
    """Columns (name -> values, all of one length) as one Arrow table typed like `table`'s
    columns.  Decimals travel as text: DuckDB casts them on insert (rounding extra decimals, as a
    cast to `decimal(24, 4)` does) where Arrow would refuse them."""
    schema = arrow_schema(table)
    fields = [schema.field(name) for name in columns]
    decimals = {f.name for f in fields if pa.types.is_decimal(f.type)}
    data = {name: [None if v is None else str(v) for v in values] if name in decimals else values
            for name, values in columns.items()}
    shipped = pa.schema([pa.field(f.name, pa.string()) if f.name in decimals else f for f in fields])
    return pa.Table.from_pydict(data, schema=shipped)


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table, *, keep_existing: bool = False,
                 **constants) -> None:
    """One insert of an Arrow table into `table` (columns by name), with `constants` as further
    columns; with `keep_existing`, a row whose key is already in the table is not inserted."""
    if data.num_rows == 0:
        return
    con.register("incoming", data)
    try:
        columns = [f'"{c}"' for c in data.column_names]
        names = ", ".join(columns + [f'"{c}"' for c in constants])
        values = ", ".join(columns + ["?"] * len(constants))
        conflict = " on conflict do nothing" if keep_existing else ""
        con.execute(f"insert into {table} ({names}) select {values} from incoming{conflict}", list(constants.values()))
    finally:
        con.unregister("incoming")


def append(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Insert rows (dicts keyed by column name) into `table`, matching columns by name."""
    if not rows:
        return
    frame = pd.DataFrame(rows)
    con.register("incoming", frame)
    try:
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f"insert into {table} ({columns}) select {columns} from incoming")
    finally:
        con.unregister("incoming")


def record_file(con, sha256: str, source_file: str, status: str, document_id: str | None, run_id: str,
                pin: str | None = None) -> None:
    record_files(con, [(sha256, source_file, status, document_id, pin)], run_id)


def record_files(con, files: list[tuple[str, str, str, str | None, str | None]], run_id: str) -> None:
    """(sha256, source_file, status, document_id, pin) of files read in this run, in one insert
    (a content already recorded keeps its first record).  One Arrow insert, not a statement a
    file: `executemany` took ~2 ms a file, 20 s of the run's process at 10,000 reports."""
    first: dict[str, tuple] = {}
    for file in files:
        first.setdefault(file[0], file)  # the same content twice in one batch: the first one counts
    if not first:
        return
    sha, source_file, status, document_id, pin = (list(c) for c in zip(*first.values()))
    incoming = pa.table({"source_sha256": sha, "source_file": source_file, "status": status,
                         "document_id": pa.array(document_id, pa.string()), "pin": pa.array(pin, pa.string())})
    insert_arrow(con, "raw.files", incoming, keep_existing=True, first_seen_run=run_id, first_seen_at=now())


def known_pins(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """Content hash -> the fingerprint of the pin it was read with (None: detected)."""
    return dict(con.execute("select source_sha256, pin from raw.files").fetchall())


def forget_file(con: duckdb.DuckDBPyConnection, sha256: str) -> None:
    """Drop what a file's last reading left in the raw tables (it is read again: its pin changed)."""
    ids = [r[0] for r in con.execute("select document_id from raw.files where source_sha256 = ?", [sha256]).fetchall()
           if r[0]]
    for table in extracted_tables(con):
        if table == "raw.files":
            con.execute("delete from raw.files where source_sha256 = ?", [sha256])
        elif ids:
            con.execute(f"delete from {table} where document_id in (select unnest(?))", [ids])


def quarantine(con, run_id: str, source_file: str, sha256: str | None, document_id: str | None,
               problems: list[dict]) -> None:
    stamp = now()
    append(con, "audit.quarantine", [
        {"run_id": run_id, "source_file": source_file, "source_sha256": sha256, "document_id": document_id,
         "quarantined_at": stamp, **p}
        for p in problems
    ])
