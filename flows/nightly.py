"""The nightly flow: ingest -> validate raw -> transform (dbt build) -> validate staging and
marts -> publish.  Each task calls one function of `lumbung.pipeline`; this file only orders
them and decides what a failure means (nothing is published, the reason is recorded).

Scale-out: with `workers > 1` the files are parsed (read, identified, extracted) by `parse`
tasks on the task runner of the `ingest` subflow — `ProcessPoolTaskRunner` for the cores of this
machine, or prefect-dask's `DaskTaskRunner` for a Dask cluster (`lumbung run --workers N`,
`--dask-address`; see lumbung.runners); the results are loaded by this process in file order, one
insert per table and batch, and the workers end with the subflow.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from itertools import islice
from pathlib import Path
from typing import Iterator

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lumbung import pipeline, runlog
from lumbung.ingest import Parsed, discover, parse_files, parse_in_order
from lumbung.memory import collected_cheaply
from lumbung.paths import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE
from lumbung.progress import dbt_progress, ingest_progress, publish_progress, validate_progress
from lumbung.runners import parse_runner


@task(name="parse", cache_policy=NO_CACHE, persist_result=False)
def parse_task(items: list) -> list[Parsed]:
    """Read, identify and extract a chunk of files (in a worker process, or on a Dask worker)."""
    return parse_files(items)


SERIAL_BELOW = 8  # files per worker under which a run parses in this process (starting workers costs more)
CHUNK = 16  # files per parse task: small enough to keep every worker busy to the end
AHEAD = 2  # parse tasks queued per worker: workers parse on while this process loads what they returned


def parallel_parse(workers: int):
    """Files parsed in chunks over the flow's task runner, yielded in file order.  AHEAD chunks
    per worker are in flight at any time, so memory stays bounded and the workers never wait
    for this process to load a batch into DuckDB."""
    def parse_stream(items: list) -> Iterator[Parsed]:
        if len(items) < SERIAL_BELOW * workers:
            yield from parse_in_order(items)
            return
        size = max(1, min(CHUNK, -(-len(items) // workers)))
        chunks = (items[i: i + size] for i in range(0, len(items), size))
        pending = deque(parse_task.submit(chunk) for chunk in islice(chunks, AHEAD * workers))
        while pending:
            done = pending.popleft().result()
            # the future keeps the chunk's pickled results (~16 MB) in a reference cycle with its
            # done-callback: collected now (cheap inside ingest's `collected_cheaply`), not at
            # the end of the batch
            gc.collect()
            pending.extend(parse_task.submit(chunk) for chunk in islice(chunks, 1))
            yield from done
    return parse_stream


@flow(name="ingest", validate_parameters=False)
def ingest_flow(ctx: pipeline.RunContext, raw_dir: str, show_progress: bool, chunks: int):
    """Ingest; its parse tasks run on this subflow's task runner (whose workers end with it)."""
    raw = Path(raw_dir)
    with ingest_progress(len(discover(raw)) if raw.is_dir() else 0, show_progress) as progress:
        return pipeline.run_ingest(ctx, raw, progress, parallel_parse(chunks) if chunks > 1 else None)


def ingest_step(ctx: pipeline.RunContext, raw_dir: str, show_progress: bool, workers: int, dask_address: str | None):
    runner, chunks = parse_runner(workers, dask_address)
    subflow = ingest_flow.with_options(task_runner=runner) if runner else ingest_flow
    return subflow(ctx, raw_dir, show_progress, chunks)


@task(name="transform", cache_policy=NO_CACHE)
def transform_task(ctx: pipeline.RunContext, show_progress: bool) -> list[str]:
    with dbt_progress(show_progress, pipeline.dbt_node_count(ctx)) as progress:
        return pipeline.run_dbt(ctx, progress)


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(ctx: pipeline.RunContext, stage: str, show_progress: bool = False):
    with validate_progress(stage, show_progress) as progress:
        return pipeline.run_quality(ctx, stage, progress)


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(ctx: pipeline.RunContext, show_progress: bool = False) -> None:
    with publish_progress(show_progress) as progress:
        pipeline.publish(ctx, progress)


def _on_failure(flow, flow_run, state) -> None:
    """Prefect's on_failure hook: tell someone (lumbung.alerts)."""
    from lumbung.alerts import notify_failure

    warehouse = Path(flow_run.parameters.get("warehouse") or DEFAULT_WAREHOUSE)
    notify_failure(warehouse, flow_run.name, str(state.message or state.name))


@flow(name="nightly", on_failure=[_on_failure])
def nightly(
    raw_dir: str = str(DEFAULT_RAW_DIR),
    warehouse: str = str(DEFAULT_WAREHOUSE),
    full_refresh: bool = False,
    show_progress: bool = False,
    workers: int = 1,
    dask_address: str | None = None,
    run_id: str | None = None,
) -> dict:
    """Build, validate and publish the warehouse from the reports in `raw_dir`."""
    logger = get_run_logger()
    published = Path(warehouse)
    run_id = run_id or pipeline.new_run_id()
    # what exists before the run (Prefect, the modules) is left out of the collections that end
    # each stage (pipeline.timed: ~0.2 s each over the whole heap)
    with pipeline.warehouse_lock(published), collected_cheaply():
        started = time.perf_counter()
        ctx = pipeline.prepare_build(published, run_id, full_refresh)
        ctx.stages["prepare build copy"] = round(time.perf_counter() - started, 2)
        ctx.log = runlog.for_run(published, run_id)
        ctx.log(f"{run_id} started: raw {raw_dir}, warehouse {published}"
                + (", full refresh" if full_refresh else "") + (", stale build copy removed" if ctx.stale_build_removed else ""))
        if ctx.reread_all:
            logger.info("extraction code changed since the last build: reading every raw file again")
        summary = None
        try:
            with pipeline.timed(ctx, "ingest"):
                summary = ingest_step(ctx, raw_dir, show_progress, workers, dask_address)
            logger.info("ingest: %s", summary)
            same_as = pipeline.nothing_changed(ctx, summary)
            outcomes, dbt_warnings, message = [], [], "ok"
            if same_as:  # the marts would be rebuilt as they are: only this run's record is added
                message = f"nothing changed since run {same_as}: transform and gates not repeated"
                logger.info(message)
            else:
                with pipeline.timed(ctx, "validate raw"):
                    pipeline.check_gates(validate_task(ctx, "raw", show_progress))
                with pipeline.timed(ctx, "transform"):
                    dbt_warnings = transform_task(ctx, show_progress)
                with pipeline.timed(ctx, "validate staging and marts"):
                    outcomes = validate_task(ctx, "staging", show_progress) + validate_task(ctx, "marts", show_progress)
                    pipeline.check_gates(outcomes)
            facts = pipeline.count_published_facts(ctx.build)
            coverage = pipeline.coverage_summary(ctx.build)
            pipeline.record_run(ctx, summary, "published", message, facts)
            ctx.log(f"{run_id} {summary.files_loaded} loaded, {summary.files_skipped} unchanged, "
                    f"{summary.files_quarantined} quarantined of {summary.files_seen} files; {facts} facts; {message}")
            with pipeline.timed(ctx, "publish"):
                publish_task(ctx, show_progress)
            if not same_as or not pipeline.report_path(published).exists():
                with pipeline.timed(ctx, "report"):
                    pipeline.refresh_report(ctx, logger)
        except pipeline.PipelineFailed as exc:
            ctx.log(f"{run_id} not published: {exc}")
            pipeline.discard(ctx)
            pipeline.record_run(ctx, summary, "failed", str(exc), None)
            raise
    warnings = [o for o in outcomes if not o.success]
    return {
        "run_id": run_id,
        "warehouse": str(published),
        "files_seen": summary.files_seen,
        "files_loaded": summary.files_loaded,
        "files_skipped": summary.files_skipped,
        "files_quarantined": summary.files_quarantined,
        "quarantined": summary.quarantined,
        "facts_published": facts,
        "coverage": coverage,
        "stages": ctx.stages,
        "peak_memory_mb": pipeline.peak_memory_mb(),
        "unchanged_since": same_as,
        "stale_build_removed": ctx.stale_build_removed,
        "warnings": [f"{o.suite}: {o.expectation} on {o.column_name}" for o in warnings] + dbt_warnings,
    }


if __name__ == "__main__":
    nightly()
