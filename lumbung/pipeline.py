"""The nightly pipeline's steps as plain functions (the Prefect flow only orders them).

Write-audit-publish: every run works on a build copy of the published warehouse
(`<name>.build.duckdb` beside it), ingests new files into it, builds dbt, runs the GX gates,
and only when no error-level gate failed replaces the published file with `os.replace`
(atomic on one filesystem).  Readers holding the published file open read-only keep seeing
the old marts until they reconnect; a killed run leaves only a stale build file, which the
next run discards.  A lock file stops two runs from building at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import resource
import time
import os
import shutil
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from lumbung import warehouse
from lumbung.child import ChildFailed, run_in_child
from lumbung.identify.overrides import PinFileError
from lumbung.ingest import INSERT_THREADS, IngestSummary, extractor_fingerprint, ingest
from lumbung.memory import release_memory
from lumbung.paths import DBT_PROJECT_DIR, EXPECTATIONS_DIR
from lumbung.quality import ExpectationOutcome, blocking_failures, describe, validate_stage


NODE_RESULT_EVENTS = {"LogModelResult", "LogSeedResult", "LogTestResult", "LogSnapshotResult"}


class RunInProgress(RuntimeError):
    """Another run holds the warehouse lock."""


class PipelineFailed(RuntimeError):
    """The run did not publish; the message is the one-line reason."""


@dataclass
class RunContext:
    run_id: str
    published: Path
    build: Path
    started_at: object = field(default_factory=warehouse.now)
    reread_all: bool = False  # the extraction code changed since the last build: every file is read again
    full_refresh: bool = False
    rebuild_all: bool = True  # dbt rebuilds its incremental models in full, the gates read every row
    stale_build_removed: bool = False
    files_loaded: int = 0  # by this run's ingest
    log: Callable[[str], None] | None = None  # the run's log (lumbung.runlog)
    stages: dict[str, float] = field(default_factory=dict)  # stage -> wall seconds


@contextmanager
def timed(ctx: RunContext, stage: str) -> Iterator[None]:
    """Add the wall time of a stage to the run's record (a stage met twice adds up), and log it."""
    start = time.perf_counter()
    if ctx.log:
        ctx.log(f"{ctx.run_id} {stage}: started")
    try:
        yield
    finally:
        release_memory()
        seconds = time.perf_counter() - start
        ctx.stages[stage] = round(ctx.stages.get(stage, 0.0) + seconds, 2)
        if ctx.log:
            ctx.log(f"{ctx.run_id} {stage}: done in {seconds:.1f}s")


def skipped_resource_types(ctx: RunContext) -> list[str]:
    """What `dbt build` leaves out: unit tests always (see run_dbt); seeds unless the transform
    is rebuilt, since the seeds are part of the transform's fingerprint (`transform_fingerprint`):
    the build copy already holds the tables they loaded (9 seeds, ~1 s of a run that adds 10
    reports).  Their data tests still run."""
    return ["unit_test"] + ([] if ctx.rebuild_all else ["seed"])


def dbt_node_count(ctx: RunContext) -> int | None:
    """How many nodes `dbt build` will report (seeds, models, tests), from the last run's
    manifest; None before the first run."""
    manifest = ctx.build.parent / "dbt_target" / "manifest.json"
    try:
        nodes = json.loads(manifest.read_text())["nodes"].values()
    except (OSError, ValueError, KeyError):
        return None
    counted = {"model", "seed", "test", "snapshot"} - set(skipped_resource_types(ctx))
    return sum(1 for n in nodes if n.get("resource_type") in counted) or None


def peak_memory_mb() -> int:
    """Peak resident memory of this process and of its finished children (dbt), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return int(max(own, children) / 1024)


def format_stages(stages: dict[str, float], peak_mb: int) -> str:
    return "stages: " + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in stages.items()) + \
        f"; peak memory {peak_mb} MB"


def new_run_id() -> str:
    return warehouse.now().strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


@contextmanager
def warehouse_lock(published: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the warehouse; the OS releases it if the process dies."""
    published.parent.mkdir(parents=True, exist_ok=True)
    lock_path = published.with_name(published.name + ".lock")
    with open(lock_path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RunInProgress(f"another lumbung run is writing {published} (lock {lock_path})") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def prepare_build(published: Path, run_id: str, full_refresh: bool = False) -> RunContext:
    """Start a build copy: the published warehouse (or nothing, on a full refresh or first run)."""
    build = published.with_name(published.stem + ".build" + published.suffix)
    compacting = build.with_name(build.stem + ".compact" + build.suffix)
    stale_build = build.exists()  # left by a run that died (the lock is ours: no run is using it)
    for stale in (build, build.with_name(build.name + ".wal"), compacting, compacting.with_name(compacting.name + ".wal")):
        stale.unlink(missing_ok=True)
    if published.exists() and not full_refresh:
        shutil.copy2(published, build)
    with warehouse.connect(build) as con:
        warehouse.ensure_schema(con)
        reread = warehouse.forget_extractions_unless(con, extractor_fingerprint())
    if published.exists() and full_refresh:
        _carry_history(published, build)
    _carry_failed_runs(published, build)
    ctx = RunContext(run_id, published, build, reread_all=reread, full_refresh=full_refresh,
                     stale_build_removed=stale_build)
    ctx.rebuild_all = rebuild_everything(ctx)
    return ctx


def run_ingest(ctx: RunContext, raw_dir: Path, progress: Callable[[Path, str], None] | None = None,
               parse_stream: Callable | None = None) -> IngestSummary:
    """Ingest `raw_dir` into the build copy; `parse_stream` parses the files (by default in this
    process; the flow passes one that maps chunks over its task runner)."""
    if not raw_dir.is_dir():
        raise PipelineFailed(f"raw directory {raw_dir} does not exist")
    with warehouse.connect(ctx.build, threads=INSERT_THREADS) as con:
        try:
            summary = ingest(con, raw_dir, ctx.run_id, progress=progress,
                             **({"parse_stream": parse_stream} if parse_stream else {}))
        except PinFileError as exc:
            raise PipelineFailed(str(exc)) from None
    ctx.files_loaded = summary.files_loaded
    return summary


def forget_parse_of_another_project(target: Path, project: Path = DBT_PROJECT_DIR) -> None:
    """dbt's partial parsing starts from the previous run's manifest (in `target`, beside the
    warehouse), which holds the project's absolute paths: after the project moved (another
    checkout or install path, the same warehouse), dbt would read the seeds where they were and
    fail.  The project's path is kept beside the manifest; another one means parsing in full
    (~3 s, once)."""
    marker, here = target / "project_dir", str(project.resolve())
    try:
        if marker.read_text(encoding="utf-8") == here:
            return
    except OSError:
        pass
    (target / "partial_parse.msgpack").unlink(missing_ok=True)
    target.mkdir(parents=True, exist_ok=True)
    marker.write_text(here, encoding="utf-8")


def run_dbt(ctx: RunContext, on_node: Callable[[str, str, int | None], None] | None = None) -> list[str]:
    """`dbt build` (seeds, models, data tests) against the build copy; returns the warn-level
    tests that found rows (their outcomes are in `audit.expectation_results`).

    dbt runs in a child process: dbt-duckdb keeps its DuckDB connection open for the life of
    the process, which would block publishing the file, and dbt allows one invocation per
    process at a time.  Progress comes from dbt's JSON log events (`LogModelResult`, ...).
    """
    # the run id reaches the models as an environment variable, not a dbt var: changed vars make
    # dbt parse the whole project again (~3 s a run), a changed variable only the two files that
    # read it (partial parsing, from the previous run's dbt_target beside the warehouse)
    env = {**os.environ, "LUMBUNG_DB_PATH": str(ctx.build.resolve()), "LUMBUNG_RUN_ID": ctx.run_id,
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    forget_parse_of_another_project(ctx.build.parent / "dbt_target")
    args = [
        sys.executable, "-c", "from dbt.cli.main import cli; cli()", "build",
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(ctx.build.parent / "dbt_target"),
        "--log-path", str(ctx.build.parent / "dbt_logs"),
        "--log-format", "json",
        # the models' unit tests check SQL logic on fixed rows, not the night's data: they run in
        # the test suite (tests/test_pipeline.py), as dbt advises, not in every nightly build
        # (9 tests, ~2 s a run)
        "--exclude-resource-type", *skipped_resource_types(ctx),
    ] + (["--full-refresh"] if ctx.rebuild_all else [])
    failed: list[str] = []
    errors: list[str] = []
    tests: list[dict] = []
    with subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                errors.append(line.strip())
                continue
            name = event.get("info", {}).get("name", "")
            node = event.get("data", {}).get("node_info")
            if name == "LogTestResult" and node:
                tests.append({"unique_id": node["unique_id"], "test": event["data"].get("name", ""),
                              "model": event["data"].get("attached_node") or "", "status": event["data"].get("status", ""),
                              "failures": event["data"].get("num_failures")})
            if name in NODE_RESULT_EVENTS and node:
                if node.get("node_status") in ("error", "fail", "runtime error"):
                    failed.append(node["unique_id"])
                if on_node:  # with the number of nodes dbt builds ("3 of 120 OK ...")
                    data = event["data"]
                    on_node(node["unique_id"], node.get("node_status", ""), data.get("total") or data.get("num_models"))
            elif event.get("info", {}).get("level") == "error":
                errors.append(event["info"].get("msg", ""))
    _record_dbt_tests(ctx, tests)
    if proc.returncode != 0:
        detail = ", ".join(failed[:5]) or " | ".join(e for e in errors if e)[-500:]
        raise PipelineFailed(f"dbt build failed: {detail}")
    return [f"dbt: {t['test']} ({t['failures']} rows)" for t in tests if t["status"] == "warn"]


def _record_dbt_tests(ctx: RunContext, tests: list[dict]) -> None:
    """dbt's data tests beside the GX expectations in `audit.expectation_results` (stage `dbt`),
    with the severity each test is configured with (dbt's manifest)."""
    manifest_path = ctx.build.parent / "dbt_target" / "manifest.json"
    nodes = json.loads(manifest_path.read_text())["nodes"] if manifest_path.exists() else {}
    stamp = warehouse.now()
    rows = []
    for t in tests:
        node = nodes.get(t["unique_id"], {})
        severity = str(node.get("config", {}).get("severity", "error")).lower()
        rows.append({
            "run_id": ctx.run_id, "stage": "dbt", "suite": "dbt", "table_name": t["model"].split(".")[-1],
            "expectation": t["test"], "column_name": node.get("column_name"), "severity": severity,
            "success": t["status"] == "pass", "element_count": None, "unexpected_count": t["failures"],
            "observed": t["status"], "validated_at": stamp,
        })
    with warehouse.connect(ctx.build) as con:
        warehouse.append(con, "audit.expectation_results", rows)


GATES_IN_CHILD = ("raw",)  # run before dbt: Great Expectations' ~110 MB must not sit beside dbt's process
# ... in a run that loads many reports.  A run adding a few to a loaded warehouse validates them
# in its own process: dbt's incremental build then needs far less memory than a full one, and
# the staging and marts gates find Great Expectations imported (a child costs ~3 s to start and
# import it, 7 % of such a run)
SMALL_RUN_FILES = 100


def gate_in_child(ctx: RunContext, stage: str) -> bool:
    return stage in GATES_IN_CHILD and (ctx.rebuild_all or ctx.files_loaded > SMALL_RUN_FILES)


def run_quality(ctx: RunContext, stage: str,
                on_suite: Callable[[str, int], None] | None = None) -> list[ExpectationOutcome]:
    """Run one stage's GX suites on the build copy and store the outcomes in `audit`.  The
    stages of GATES_IN_CHILD validate in a child process (lumbung.child) in a run that rebuilds
    everything or loads more than SMALL_RUN_FILES reports: what GX imports and allocates is gone
    before dbt starts."""
    # a run that rebuilds everything validates every row; otherwise the rows it added
    args = (ctx.build, stage, ctx.published.parent / "quality", None if ctx.rebuild_all else ctx.run_id)
    if gate_in_child(ctx, stage):
        try:
            outcomes = run_in_child(validate_file, *args, on_progress=on_suite)
        except ChildFailed as exc:  # killed (out of memory?): the run fails with the reason, recorded
            raise PipelineFailed(f"validate {stage}: {exc}") from None
    else:
        outcomes = validate_file(*args, on_suite)
    with warehouse.connect(ctx.build) as con:
        stamp = warehouse.now()
        warehouse.append(con, "audit.expectation_results", [
            {"run_id": ctx.run_id, "validated_at": stamp, **o.__dict__} for o in outcomes
        ])
    return outcomes


def validate_file(path: Path, stage: str, workdir: Path, only_run: str | None,
                  on_suite: Callable[[str, int], None] | None = None) -> list[ExpectationOutcome]:
    """`validate_stage` on the warehouse file `path`, read-only (in this process or a child)."""
    with warehouse.connect(path, read_only=True) as con:
        return validate_stage(con, stage, workdir, only_run, on_suite)


def check_gates(outcomes: list[ExpectationOutcome]) -> None:
    failures = blocking_failures(outcomes)
    if failures:
        raise PipelineFailed("quality gates failed: " + "; ".join(describe(f) for f in failures))


def count_published_facts(path: Path) -> int:
    with warehouse.connect(path, read_only=True) as con:
        return con.execute(
            "select (select count(*) from marts.fct_target) + (select count(*) from marts.fct_realisation)"
        ).fetchone()[0]


def coverage_summary(build: Path) -> dict:
    """Where the numbers of the current report versions went (audit.table_coverage, summed)."""
    with warehouse.connect(build, read_only=True) as con:
        row = con.execute(
            "select count(*), coalesce(sum(numeric_cells), 0), coalesce(sum(facts), 0), coalesce(sum(not_facts), 0), "
            "coalesce(sum(quarantined), 0), coalesce(sum(unaccounted), 0), count(*) filter (where facts = 0) "
            "from audit.table_coverage").fetchone()
    keys = ("blocks", "numeric_cells", "facts", "not_facts", "quarantined", "unaccounted", "blocks_without_facts")
    return dict(zip(keys, (int(v) for v in row)))


def format_coverage(c: dict) -> str:
    return (f"coverage: {c['numeric_cells']} numbers in {c['blocks']} table blocks: {c['facts']} facts, "
            f"{c['not_facts']} not facts (headers, codes, ratios, ...), {c['quarantined']} quarantined, "
            f"{c['unaccounted']} unaccounted; {c['blocks_without_facts']} blocks without facts "
            f"(audit.table_coverage)")


def _failed_runs_log(published: Path) -> Path:
    return published.with_name(published.name + ".failed-runs.jsonl")


TRANSFORM_SOURCES = ("dbt_project/dbt_project.yml", "dbt_project/profiles.yml", "dbt_project/models",
                     "dbt_project/seeds", "dbt_project/macros", "dbt_project/tests", "expectations",
                     "lumbung/quality.py", "lumbung/nomenclature.py")


def transform_fingerprint() -> str:
    """A hash of what turns the raw tables into the published marts and judges them (dbt
    project, seeds, GX suites, the Python the models and gates call)."""
    package = Path(__file__).parent
    roots = {"lumbung": package, "dbt_project": DBT_PROJECT_DIR, "expectations": EXPECTATIONS_DIR}
    h = hashlib.sha256()
    for source in TRANSFORM_SOURCES:
        head, _, rest = source.partition("/")
        path = roots[head] / rest if rest else roots[head]
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            if "__pycache__" in f.parts or f.suffix == ".pyc":
                continue
            h.update(str(f.relative_to(roots[head])).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def nothing_changed(ctx: RunContext, summary: IngestSummary) -> str | None:
    """The run that published the current marts, when this run would build the same ones: no
    file loaded, re-read or quarantined, same extraction and transform code.  None otherwise."""
    if ctx.reread_all or ctx.full_refresh or summary.files_loaded or summary.files_quarantined:
        return None
    if not ctx.published.exists():
        return None
    last = last_published(ctx.build)
    return last[0] if last and last[1] == transform_fingerprint() else None


def last_published(path: Path) -> tuple[str, str | None] | None:
    """(run id, transform fingerprint) of the run that published the marts in `path`."""
    with warehouse.connect(path, read_only=True) as con:
        return con.execute(
            "select run_id, transform_fingerprint from audit.runs where outcome = 'published' "
            "order by started_at desc limit 1").fetchone()


def rebuild_everything(ctx: RunContext) -> bool:
    """Whether dbt must rebuild its incremental models in full: a full refresh, files all read
    again by new extraction code, or marts built by other transform code (dbt itself does not
    notice a changed model under an incremental table)."""
    if ctx.full_refresh or ctx.reread_all or not ctx.published.exists():
        return True
    last = last_published(ctx.build)
    return not last or last[1] != transform_fingerprint()


def record_run(ctx: RunContext, summary: IngestSummary | None, outcome: str, message: str, facts: int | None) -> None:
    """Record the run in `audit.runs`.

    A published run writes its row into the build copy (it is published with it).  A failed
    run must not touch the published file, so its row goes to `<warehouse>.failed-runs.jsonl`
    and is carried into `audit.runs` by the next run.
    """
    s = summary or IngestSummary()
    row = {"run_id": ctx.run_id, "started_at": ctx.started_at, "ended_at": warehouse.now(),
           "files_seen": s.files_seen, "files_loaded": s.files_loaded, "files_skipped": s.files_skipped,
           "files_quarantined": s.files_quarantined, "facts_published": facts, "outcome": outcome, "message": message,
           "stage_seconds": json.dumps(ctx.stages), "peak_memory_mb": peak_memory_mb(),
           "transform_fingerprint": transform_fingerprint()}
    if outcome != "published":
        with open(_failed_runs_log(ctx.published), "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row, default=str) + "\n")
        return
    with warehouse.connect(ctx.build) as con:
        warehouse.append(con, "audit.runs", [row])


def record_failure(published: Path, run_id: str, message: str, outcome: str = "failed", started_at=None) -> None:
    """Record a run that ended before it built anything (bad arguments, lock held, interrupted
    early) in the run history: `<warehouse>.failed-runs.jsonl`, carried into `audit.runs` by the
    next published run.  A folder that cannot be written gets nothing (the message says so)."""
    stamp = warehouse.now()
    row = {"run_id": run_id, "started_at": started_at or stamp, "ended_at": stamp, "outcome": outcome, "message": message}
    try:
        with open(_failed_runs_log(published), "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row, default=str) + "\n")
    except OSError:
        pass


def run_history(published: Path) -> list[dict]:
    """Every recorded run, newest first: `audit.runs` of the published warehouse and the runs
    recorded since beside it (failed, cancelled)."""
    rows: list[dict] = []
    if published.exists():
        with warehouse.connect(published, read_only=True) as con:
            cur = con.execute("select * from audit.runs")
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r)) for r in cur.fetchall()]
    log = _failed_runs_log(published)
    if log.exists():
        known = {r["run_id"] for r in rows}
        for line in log.read_text(encoding="utf-8").splitlines():
            if line.strip() and (row := json.loads(line))["run_id"] not in known:
                rows.append(row)
    return sorted(rows, key=lambda r: _instant(r.get("started_at")), reverse=True)


def _instant(value) -> datetime:
    """A run's start as a datetime, whether it comes from DuckDB or from a JSON line."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _carry_history(published: Path, build: Path) -> None:
    """A full refresh starts from nothing but the run history: `audit.runs` and
    `audit.expectation_results` of the published warehouse go on in the new one."""
    with warehouse.connect(build) as con:
        source = str(published).replace("'", "''")
        con.execute(f"attach '{source}' as published_db (read_only)")
        try:
            for table in ("audit.runs", "audit.expectation_results"):
                con.execute(f"insert into {table} by name select * from published_db.{table}")
        finally:
            con.execute("detach published_db")


def _carry_failed_runs(published: Path, build: Path) -> None:
    log = _failed_runs_log(published)
    if not log.exists():
        return
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    with warehouse.connect(build) as con:
        known = {r[0] for r in con.execute("select run_id from audit.runs").fetchall()}
        warehouse.append(con, "audit.runs", [r for r in rows if r["run_id"] not in known])


COMPACT_ABOVE = 0.3  # share of free blocks above which a build copy is rewritten before it is published


def publish(ctx: RunContext, on_step: Callable[[str, int], None] | None = None) -> None:
    """Atomically replace the published warehouse with the validated build copy (rewritten
    compactly first when rebuilt tables left much of the file free: re-runs do not grow it).
    `on_step(step, total)` is called after each step (for progress display)."""
    step = on_step or (lambda _step, _total: None)
    with warehouse.connect(ctx.build) as con:
        con.execute("checkpoint")
    compact = warehouse.free_share(ctx.build) > COMPACT_ABOVE
    steps = 3 if compact else 2
    step("checkpoint", steps)
    if compact:
        with timed(ctx, "compact"):
            warehouse.compact(ctx.build)
        step("compact", steps)
    os.replace(ctx.build, ctx.published)
    step("replace published file", steps)
    _failed_runs_log(ctx.published).unlink(missing_ok=True)  # now part of audit.runs


def report_path(published: Path) -> Path:
    return published.parent / "report.html"


def refresh_report(ctx: RunContext, logger) -> None:
    """Rewrite the HTML report (lumbung.report) from the warehouse just published.  The
    warehouse is published whatever happens here: a failure is a warning, not a failed run."""
    from lumbung.report import write_report

    try:
        counts = write_report(ctx.published, report_path(ctx.published))
    except (OSError, duckdb.Error) as exc:
        logger.warning("report not written: %s", exc)
        return
    if ctx.log:
        ctx.log(f"{ctx.run_id} report: {report_path(ctx.published)} ({counts['documents']} reports)")


def discard(ctx: RunContext) -> None:
    ctx.build.unlink(missing_ok=True)
