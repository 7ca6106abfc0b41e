"""Great Expectations gates at three stages: raw, staging, marts.

Suites live as GX JSON in `expectations/gx/expectations/<stage>__<table>.json` (versioned);
each suite's `meta.table` names the DuckDB table it checks.  GX has no working DuckDB
datasource, so each table is read into a DataFrame and validated with GX's pandas datasource,
through one checkpoint per suite that also updates the Data Docs.

GX writes datasources, validation definitions and checkpoints into its project as it runs, so
each run works on a copy of `expectations/gx` beside the warehouse
(`<warehouse dir>/quality/gx`); the Data Docs end up in
`<warehouse dir>/quality/gx/uncommitted/data_docs/local_site/index.html` and the repository
stays untouched.

Severity: GX `critical` = error (blocks publishing), `warning`/`info` = reported only.
Every expectation's outcome is returned as an `ExpectationOutcome` and stored in
`audit.expectation_results`.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import pyarrow as pa

from lumbung.memory import collected_cheaply, release_memory
from lumbung.paths import EXPECTATIONS_DIR

STAGES = ("raw", "staging", "marts")
SEVERITY = {"critical": "error", "warning": "warn", "info": "warn"}


@dataclass(frozen=True)
class ExpectationOutcome:
    stage: str
    suite: str
    table_name: str
    expectation: str
    column_name: str | None
    severity: str  # error | warn
    success: bool
    element_count: int | None
    unexpected_count: int | None
    observed: str | None


KEEP_RESULTS = 60  # validation results kept per suite (a run validates a suite once, or once per CHUNK_ROWS rows)


def working_project(workdir: Path, source: Path = EXPECTATIONS_DIR) -> Path:
    """Refresh `workdir/gx` from the versioned GX project, keeping its `uncommitted/` history
    (the last KEEP_RESULTS validation results of each suite, see `prune_results`)."""
    target = workdir / "gx"
    if target.exists():
        for child in target.iterdir():
            if child.name != "uncommitted":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(source / "gx", target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("uncommitted"))
    prune_results(target / "uncommitted")
    return workdir


def prune_results(uncommitted: Path) -> None:
    """Drop all but each suite's newest KEEP_RESULTS validation results and their Data Docs pages.

    GX keeps every result (`validations/<suite>/<run name>/<time>/`) and each Data Docs update
    renders the index of all of them: night after night the gates would slow down and the
    folder grow without end."""
    for run_dir in (uncommitted / "validations").glob("*/*"):
        if not run_dir.is_dir():
            continue
        results = sorted(p for p in run_dir.iterdir() if p.is_dir())  # named by their UTC time
        for old in results[: max(len(results) - KEEP_RESULTS, 0)]:
            relative = old.relative_to(uncommitted / "validations")
            shutil.rmtree(old)
            shutil.rmtree(uncommitted / "data_docs" / "local_site" / "validations" / relative, ignore_errors=True)


def _context(project_root: Path):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx  # slow import: only when validating
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every DataFrame under 1 GB (md5 over pandas' hash of each row) only to
    # label the batch in its results: a third of the gates' time at national scale.  A chunk is
    # named by its suite and run already; no frame is hashed.
    pandas_execution_engine.HASH_THRESHOLD = 0
    return gx.get_context(mode="file", project_root_dir=str(project_root))


def suites_for(context, stage: str) -> list:
    return sorted((s for s in context.suites.all() if (s.meta or {}).get("stage") == stage), key=lambda s: s.name)


RUN_ROWS = "documents_loaded_in_this_run"


def _select(con: duckdb.DuckDBPyConnection, suite, table: str, run_id: str | None = None) -> str:
    """Only the columns the suite's expectations look at (their column and the columns of their
    row conditions): a table of a million facts is read as a few columns, not thirty; row counts
    need no column (a constant stands for each row).  A suite of row-by-row checks
    (`meta.rows` = documents_loaded_in_this_run) reads only the rows of the documents run `run_id`
    loaded: rows already validated when they were published are not read again."""
    schema, name = table.split(".")
    available = [c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, name]).fetchall()]
    wanted = set()
    for e in suite.expectations:
        if getattr(e, "column", None):
            wanted.add(e.column)
        condition = str(getattr(e, "row_condition", None) or "")
        wanted.update(c for c in available if re.search(rf"\b{re.escape(c)}\b", condition))
    columns = [c for c in available if c in wanted]
    sql = f"select {', '.join(chr(34) + c + chr(34) for c in columns) or '1 as row_present'} from {table}"
    if run_id and (suite.meta or {}).get("rows") == RUN_ROWS:
        quoted = run_id.replace("'", "''")
        sql += f" where document_id in (select document_id from raw.documents where run_id = '{quoted}')"
    return sql


def validate_stage(con: duckdb.DuckDBPyConnection, stage: str, workdir: Path,
                   run_id: str | None = None,
                   on_suite: Callable[[str, int], None] | None = None) -> list[ExpectationOutcome]:
    """Run every suite of `stage` against the tables of the warehouse behind `con`.

    `workdir` is where the run's GX project copy lives (see `working_project`); with `run_id`,
    row-by-row suites read only the rows of the documents that run loaded (see `_select`).
    `on_suite(name, total)` is called after each suite (for progress display).
    """
    from great_expectations.checkpoint import UpdateDataDocsAction

    context = _context(working_project(workdir))
    datasource = context.data_sources.add_or_update_pandas("lumbung")
    outcomes: list[ExpectationOutcome] = []
    suites = suites_for(context, stage)
    # the collection after each chunk walks only what the suites made, not GX's modules and context
    # (10,000 reports, marts: 15.7 -> 8.5 s, the same peak memory)
    with collected_cheaply():
        for suite in suites:
            table = suite.meta["table"]
            chunks = []
            for frame, last in _frames(con, _select(con, suite, table, run_id), (suite.meta or {}).get("rows") == RUN_ROWS):
                # the Data Docs are updated once a suite, with its last chunk (rebuilding them costs
                # about half a second, more than validating a chunk)
                chunks.append(_run_suite(context, datasource, suite, table, stage, frame,
                                         [UpdateDataDocsAction(name="update_data_docs")] if last else []))
                del frame
                release_memory()  # else the process grows by each chunk's pandas/Arrow pages
            outcomes.extend(chunks[0] if len(chunks) == 1 else _merge(chunks, suite))
            if on_suite:
                on_suite(suite.name, len(suites))
    return outcomes


CHUNK_ROWS = 500_000  # rows of a row-by-row suite validated at once: memory stays bounded at any size


def _frames(con: duckdb.DuckDBPyConnection, sql: str, by_rows: bool):
    """The suite's data as (DataFrame, is_last): the whole result, or, for row-by-row suites,
    chunks of CHUNK_ROWS rows (the last one smaller) streamed from DuckDB."""
    if not by_rows:
        yield con.sql(sql).df(), True
        return
    reader = con.sql(sql).to_arrow_reader(CHUNK_ROWS)
    previous = None
    for chunk in _chunks(reader):
        if previous is not None:
            yield _to_pandas(previous), False
        previous = chunk
    yield _to_pandas(previous if previous is not None else reader.schema.empty_table()), True


def _to_pandas(table: pa.Table):
    """The chunk as a DataFrame whose numeric columns GX compares in one vectorised step: GX
    calls a Python function on every value unless a column is int64 or float64, and a DECIMAL
    (`value`) arrives as Python Decimals, an INTEGER (`year`) as int32.  Decimals become float64
    (what DuckDB's own `.df()` gives), narrower integers int64.  Range and null checks read the
    same; a uniqueness check on a DECIMAL would compare rounded floats (keys are dbt's tests)."""
    def wide(t: pa.DataType) -> pa.DataType:
        if pa.types.is_decimal(t):
            return pa.float64()
        if pa.types.is_signed_integer(t) and t.bit_width < 64:
            return pa.int64()
        return t
    return table.cast(pa.schema([f.with_type(wide(f.type)) for f in table.schema])).to_pandas()


def _chunks(batches):
    """Arrow record batches gathered into tables of CHUNK_ROWS rows: DuckDB hands out batches of
    about 120,000 rows whatever size is asked for, and each chunk is one GX checkpoint run with
    a fixed cost."""
    pending: list = []
    rows = 0
    for batch in batches:
        pending.append(batch)
        rows += batch.num_rows
        while rows >= CHUNK_ROWS:
            gathered = pa.Table.from_batches(pending)
            yield gathered.slice(0, CHUNK_ROWS)
            rest = gathered.slice(CHUNK_ROWS)
            pending, rows = rest.to_batches(), rest.num_rows
    if rows:
        yield pa.Table.from_batches(pending)


def _merge(chunks: list[list[ExpectationOutcome]], suite) -> list[ExpectationOutcome]:
    """One outcome per expectation from its outcomes on each chunk: counts add up; without
    `mostly` it succeeds when every chunk does, with `mostly` when the unexpected share of all
    rows is within it (of all rows, where GX counts non-missing ones: slightly more lenient for
    value checks on columns with NULLs)."""
    merged = []
    mostly = {(e.expectation_type, getattr(e, "column", None)): getattr(e, "mostly", None) for e in suite.expectations}
    for parts in zip(*chunks):
        first = parts[0]
        elements = sum(p.element_count or 0 for p in parts)
        unexpected = sum(p.unexpected_count or 0 for p in parts)
        share = mostly.get((first.expectation, first.column_name))
        success = all(p.success for p in parts) if share is None else unexpected <= (1 - share) * elements
        merged.append(ExpectationOutcome(first.stage, first.suite, first.table_name, first.expectation, first.column_name,
                                         first.severity, success, elements, unexpected, parts[-1].observed))
    return merged


def _run_suite(context, datasource, suite, table: str, stage: str, frame, actions: list) -> list[ExpectationOutcome]:
    """One checkpoint run of `suite` on `frame`, with the checkpoint `actions` (Data Docs)."""
    import great_expectations as gx

    outcomes: list[ExpectationOutcome] = []
    try:
        asset = datasource.get_asset(suite.name)
    except LookupError:
        asset = datasource.add_dataframe_asset(name=suite.name)
    try:
        batch = asset.get_batch_definition("whole")
    except KeyError:
        batch = asset.add_batch_definition_whole_dataframe("whole")
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=suite.name,
            validation_definitions=[definition],
            actions=actions,
            result_format={"result_format": "SUMMARY"},
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    for run_result in result.run_results.values():
        for r in run_result.results:
            config = r.expectation_config
            stats = r.result or {}
            observed = stats.get("observed_value")
            outcomes.append(
                ExpectationOutcome(
                    stage=stage,
                    suite=suite.name,
                    table_name=table,
                    expectation=config.type,
                    column_name=config.kwargs.get("column"),
                    severity=SEVERITY.get(str(getattr(config, "severity", "critical")).split(".")[-1].lower(), "error"),
                    success=bool(r.success),
                    element_count=stats.get("element_count"),
                    unexpected_count=stats.get("unexpected_count"),
                    observed=None if observed is None else str(observed),
                )
            )
    return outcomes




def blocking_failures(outcomes: list[ExpectationOutcome]) -> list[ExpectationOutcome]:
    return [o for o in outcomes if o.severity == "error" and not o.success]


def describe(outcome: ExpectationOutcome) -> str:
    column = f".{outcome.column_name}" if outcome.column_name else ""
    detail = f" ({outcome.unexpected_count} unexpected)" if outcome.unexpected_count else ""
    return f"{outcome.table_name}{column}: {outcome.expectation}{detail}"
