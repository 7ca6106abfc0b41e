"""`lumbung` command line: run the nightly pipeline, serve it on a schedule, query and export
the published warehouse (always opened read-only)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import typer

from lumbung.paths import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE

app = typer.Typer(add_completion=False, help="Lumbung: kecamatan planning and performance reports warehouse.")

RawDir = typer.Option(DEFAULT_RAW_DIR, "--raw-dir", help="Folder of raw report files.")
Warehouse = typer.Option(DEFAULT_WAREHOUSE, "--warehouse", help="Published DuckDB warehouse file.")


DEBUG = {"on": False}


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"lumbung {version('lumbung')}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks and Prefect's logs when something fails."),
) -> None:
    """Lumbung: kecamatan planning and performance reports warehouse."""
    DEBUG["on"] = debug


def fail(command: str, message: str, code: int = 1) -> typer.Exit:
    """One line on stderr saying what failed and where; the exit to raise."""
    typer.echo(f"lumbung {command}: {message}", err=True)
    return typer.Exit(code)


def open_published(command: str, warehouse: Path):
    """The published warehouse, read-only, or a one-line failure (missing, locked, not DuckDB)."""
    import duckdb

    if not warehouse.is_file():
        raise fail(command, f"no warehouse at {warehouse} (run `lumbung run` first, or pass --warehouse)")
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException as exc:
        reason = "locked by another process that opened it for writing" if "lock" in str(exc).lower() else str(exc)
        raise fail(command, f"cannot open {warehouse}: {reason}") from None
    except duckdb.Error as exc:
        raise fail(command, f"cannot open {warehouse}: {exc}") from None


def _quiet_prefect() -> None:
    # Prefect logs a failed flow run with its traceback at ERROR: shown with --debug only
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if DEBUG["on"] else "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "true")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@app.command()
def run(
    raw_dir: Path = RawDir,
    warehouse: Path = Warehouse,
    full_refresh: bool = typer.Option(False, "--full-refresh", help="Rebuild from all raw files, ignoring what is loaded."),
    progress: bool = typer.Option(True, "--progress/--no-progress",
                                  help="Progress bars on a terminal (elsewhere: timestamped log lines on stderr)."),
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", min=1, show_default="all cores",
                                help="Processes that parse reports at once (1: in this process; see README Throughput)."),
    dask_address: str = typer.Option(None, "--dask-address",
                                     help="Parse on a Dask cluster instead (tcp://scheduler:8786), through prefect-dask."),
    strict: bool = typer.Option(False, "--strict", help="Exit with code 2 when any file was quarantined (still published)."),
) -> None:
    """Ingest raw/, build the warehouse with dbt, validate it and publish it."""
    raw_dir, warehouse = raw_dir.resolve(), warehouse.resolve()
    problem = preflight(raw_dir, warehouse)
    if problem:
        from lumbung.pipeline import new_run_id, record_failure

        record_failure(warehouse, new_run_id(), problem)
        raise fail("run", f"not published: {problem}")
    from lumbung import hygiene
    from lumbung.pipeline import new_run_id, record_failure
    from lumbung.warehouse import now

    run_id, started_at = new_run_id(), now()
    # kill -9 of this process: its children die too, and the run is recorded as killed
    hygiene.start_watcher((warehouse.with_name(warehouse.name + ".failed-runs.jsonl"), run_id, started_at.isoformat()))

    def interrupted(signum: int) -> None:
        reason = f"interrupted ({signal.Signals(signum).name}); published warehouse unchanged"
        record_failure(warehouse, run_id, reason, outcome="cancelled", started_at=started_at)
        typer.echo(f"lumbung run: {reason}", err=True)

    hygiene.on_interrupt(interrupted)
    _quiet_prefect()
    from flows.nightly import nightly
    from lumbung.pipeline import PipelineFailed, RunInProgress
    from lumbung.runners import heartbeats_where_heard

    try:
        with heartbeats_where_heard():
            result = nightly(raw_dir=str(raw_dir), warehouse=str(warehouse), full_refresh=full_refresh,
                             show_progress=progress and sys.stderr.isatty(),  # else timestamped log lines
                             workers=workers, dask_address=dask_address, run_id=run_id)
    except (PipelineFailed, RunInProgress) as exc:
        raise fail("run", f"not published: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - an unexpected failure: one line, the traceback with --debug
        if DEBUG["on"]:
            raise
        raise fail("run", f"not published: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)") from None
    typer.echo(
        f"published {result['warehouse']}: {result['files_loaded']} loaded, {result['files_skipped']} unchanged, "
        f"{result['files_quarantined']} quarantined of {result['files_seen']} files; "
        f"{result['facts_published']} facts (run {result['run_id']})"
    )
    from lumbung.pipeline import format_coverage, format_stages

    if result["stale_build_removed"]:
        typer.echo("  note: removed the build copy an interrupted run had left (the published warehouse was intact)")
    if result["unchanged_since"]:
        typer.echo(f"  nothing changed since run {result['unchanged_since']}: transform and gates not repeated "
                   "(their results stay in audit.expectation_results)")
    typer.echo(f"  {format_coverage(result['coverage'])}")
    typer.echo(f"  {format_stages(result['stages'], result['peak_memory_mb'])}")
    for name, reason in result["quarantined"].items():
        typer.echo(f"  quarantined {name}: {reason}")
    for warning in result["warnings"]:
        typer.echo(f"  warning: {warning}")
    if strict and result["files_quarantined"]:
        raise fail("run", f"--strict: {result['files_quarantined']} file(s) quarantined (see audit.quarantine)", 2)


def preflight(raw_dir: Path, warehouse: Path) -> str | None:
    """What makes a run impossible, found before Prefect starts: the raw folder, its files, the
    warehouse folder, the lock."""
    from lumbung.ingest import discover
    from lumbung.pipeline import RunInProgress, warehouse_lock

    if not raw_dir.is_dir():
        return f"raw directory {raw_dir} does not exist" if not raw_dir.exists() else f"{raw_dir} is not a directory"
    if not discover(raw_dir):
        return f"no report files in {raw_dir}"
    folder = warehouse.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create the warehouse folder {folder}: {exc.strerror}"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot write to the warehouse folder {folder} (permission denied)"
    if warehouse.exists() and warehouse.is_dir():
        return f"{warehouse} is a directory, not a warehouse file"
    try:
        with warehouse_lock(warehouse):
            pass
    except RunInProgress as exc:
        return str(exc)
    return None


@app.command()
def runs(
    warehouse: Path = Warehouse,
    last: int = typer.Option(20, "--last", min=1, help="How many runs, newest first."),
) -> None:
    """List past runs: status (published / failed / cancelled), files, facts, time, reason."""
    from lumbung.pipeline import run_history

    if not warehouse.exists() and not warehouse.with_name(warehouse.name + ".failed-runs.jsonl").exists():
        raise fail("runs", f"no warehouse and no run history at {warehouse}")
    try:
        history = run_history(warehouse)[:last]
    except Exception as exc:  # noqa: BLE001 - e.g. locked
        raise fail("runs", f"cannot read the run history of {warehouse}: {exc}") from None
    typer.echo(f"{'run':<24} {'started (UTC)':<19} {'status':<10} {'loaded':>6} {'quar.':>5} {'facts':>9} {'secs':>7}  message")
    for r in history:
        started, ended = _stamp(r.get("started_at")), _stamp(r.get("ended_at"))
        seconds = f"{(ended - started).total_seconds():.0f}" if started and ended else ""
        typer.echo(f"{r['run_id']:<24} {started.strftime('%Y-%m-%d %H:%M:%S') if started else '':<19} "
                   f"{r.get('outcome') or '':<10} {_n(r.get('files_loaded')):>6} {_n(r.get('files_quarantined')):>5} "
                   f"{_n(r.get('facts_published')):>9} {seconds:>7}  {(r.get('message') or '')[:100]}")


def _stamp(value):
    from datetime import datetime

    if value is None or value == "":
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _n(value) -> str:
    return "" if value is None else str(value)


@app.command()
def serve(
    raw_dir: Path = RawDir,
    warehouse: Path = Warehouse,
    cron: str = typer.Option("0 2 * * *", help="Schedule (cron) in --timezone."),
    timezone: str = typer.Option("Asia/Jakarta", "--timezone", help="Time zone of the schedule (IANA name)."),
) -> None:
    """Serve the nightly flow on a schedule (needs a Prefect server: `prefect server start`)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from prefect.settings import get_current_settings

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail("serve", f"unknown time zone {timezone!r} (an IANA name such as Asia/Jakarta)") from None
    if not get_current_settings().api.url:
        raise fail("serve", "a schedule needs a running Prefect server: start one with `prefect server start` and "
                            "set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api); the temporary server cannot run schedules")
    from prefect.schedules import Cron

    from flows.nightly import nightly

    nightly.serve(
        name="lumbung-nightly-serve",  # prefect.yaml's deployment (worker pool) is lumbung-nightly
        schedules=[Cron(cron, timezone=timezone)],
        parameters={"raw_dir": str(raw_dir.resolve()), "warehouse": str(warehouse.resolve()), "show_progress": False},
    )


@app.command()
def query(
    sql: str,
    warehouse: Path = Warehouse,
    output: str = typer.Option("table", "--format", help="table (a box, cut to fit), csv or json (every row)."),
) -> None:
    """Run a SQL query against the published warehouse (read-only) and print the result."""
    import duckdb

    if output not in ("table", "csv", "json"):
        raise fail("query", f"unknown --format {output!r}: table, csv or json")
    con = open_published("query", warehouse)
    try:
        relation = con.sql(sql)
        if relation is None:
            return
        if output == "table":
            relation.show(max_rows=200)
            return
        _write_rows(relation.columns, relation.fetchall(), output)
    except duckdb.Error as exc:
        raise fail("query", str(exc).splitlines()[0]) from None
    finally:
        con.close()


def _write_rows(columns: list[str], rows: list[tuple], output: str) -> None:
    import csv
    import json

    if output == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        sys.stdout.write(json.dumps([dict(zip(columns, r)) for r in rows], default=str, ensure_ascii=False) + "\n")


@app.command()
def export(
    out_dir: Path = typer.Argument(..., help="Folder for the exported files."),
    warehouse: Path = Warehouse,
    output: str = typer.Option("parquet", "--format", help="parquet or csv (with a header row)."),
) -> None:
    """Export every mart and audit table (one file per table, named schema.table) from the
    read-only warehouse, with a manifest of row counts to reconcile against."""
    import json

    if output not in ("parquet", "csv"):
        raise fail("export", f"unknown --format {output!r}: parquet or csv")
    con = open_published("export", warehouse)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema in ('marts', 'audit') "
            "and table_type = 'BASE TABLE' order by 1, 2").fetchall()
        manifest = []
        for schema, table in tables:
            target = out_dir / f"{schema}.{table}.{output}"
            options = "format parquet" if output == "parquet" else "format csv, header true"
            con.execute(f"copy {schema}.{table} to '{str(target).replace(chr(39), chr(39) * 2)}' ({options})")
            rows = con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
            manifest.append({"table": f"{schema}.{table}", "file": target.name, "rows": rows})
            typer.echo(f"wrote {target} ({rows} rows)")
        (out_dir / "manifest.json").write_text(json.dumps({"warehouse": str(warehouse), "tables": manifest}, indent=2))
    except OSError as exc:
        raise fail("export", f"cannot write to {out_dir}: {exc.strerror}") from None
    finally:
        con.close()


@app.command()
def report(
    warehouse: Path = Warehouse,
    out: Path = typer.Option(None, "--out", help="The HTML file (default: report.html beside the warehouse)."),
    kabupaten: str = typer.Option(None, "--kabupaten", help="Only kabupaten/kota whose name contains this."),
) -> None:
    """Write the warehouse as one HTML page with charts (budget plan vs realisation by program,
    coverage, quarantine, mismatches, unresolved names), opened from disk with no server."""
    from lumbung.report import write_report

    open_published("report", warehouse).close()  # one-line failure when missing or locked
    out = out or warehouse.parent / "report.html"
    try:
        counts = write_report(warehouse, out, kabupaten)
    except OSError as exc:
        raise fail("report", f"cannot write {out}: {exc.strerror}") from None
    typer.echo(f"wrote {out} ({counts['kecamatan']} kecamatan, {counts['documents']} reports, "
               f"{counts['bytes'] // 1024} KB; open it in a browser)")


@app.command()
def docs(
    warehouse: Path = Warehouse,
    out_dir: Path = typer.Option(None, "--out", help="Folder for index.html (default: docs/ beside the warehouse)."),
    serve: bool = typer.Option(False, "--serve", help="Serve it on http://127.0.0.1:PORT until Ctrl-C."),
    port: int = typer.Option(8580, "--port"),
) -> None:
    """Build the dbt documentation site (models, columns, lineage) offline, as one HTML file."""
    from lumbung.docs import DocsFailed, build_docs

    if not warehouse.is_file():
        raise fail("docs", f"no warehouse at {warehouse} (run `lumbung run` first, or pass --warehouse)")
    out_dir = out_dir or warehouse.parent / "docs"
    try:
        page = build_docs(warehouse, out_dir)
    except DocsFailed as exc:
        raise fail("docs", str(exc)) from None
    typer.echo(f"wrote {page} (open it in a browser; no server needed)")
    if serve:
        import functools
        import http.server

        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out_dir))
        with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
            typer.echo(f"serving http://127.0.0.1:{port}/ (Ctrl-C to stop)")
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                pass


def _evidence_lines(meta, per_value: int = 3) -> list[tuple[str, str]]:
    """For each decision, the values found with their total weight and strongest places."""
    from collections import defaultdict

    out = []
    for what in ("type", "kecamatan", "kabupaten_kota", "provinsi", "period"):
        groups: dict[str, list] = defaultdict(list)
        for m in meta.evidence:
            if m.what == what:
                groups[m.value].append(m)
        ranked = sorted(groups.items(), key=lambda kv: -sum(m.weight for m in kv[1]))
        for value, mentions in ranked[:per_value]:
            strongest = sorted(mentions, key=lambda m: (-m.weight, m.line))[:3]
            known = "" if all(m.known for m in mentions) else " (not in the reference)"
            out.append((what, f"{value}{known}: weight {sum(m.weight for m in mentions)} from {len(mentions)} "
                              f"mentions, e.g. " + "; ".join(f"{m.written!r} {m.describe()}" for m in strongest)))
    return out


def _coverage_line(coverage) -> str:
    numbers = sum(c.numeric_cells for c in coverage)
    return (f"{len(coverage)} table blocks, {numbers} numbers: {sum(c.facts for c in coverage)} facts, "
            f"{sum(sum(c.not_facts.values()) for c in coverage)} not facts, {sum(c.quarantined for c in coverage)} "
            f"quarantined, {sum(c.unaccounted for c in coverage)} unaccounted")


def _variant_label(fact) -> str:
    return (fact.variant or "-") + (f" month {fact.month}" if fact.month else "")


@app.command()
def inspect(
    report: Path = typer.Argument(..., help="A raw report file."),
    table: str = typer.Option(None, "--table", help="Only this table label, e.g. 'Tabel 2.3' or 'TC-27'."),
    show_facts: bool = typer.Option(True, "--facts/--no-facts", help="List every fact, not only the tables."),
    show_text: bool = typer.Option(False, "--text", help="Print the normalised lines the engine reads (with page)."),
) -> None:
    """Show what the extraction engine reads from one report (no warehouse is touched)."""
    from lumbung.detect import DetectionError, detect_document
    from lumbung.documents import UnreadableDocument, read_document
    from lumbung.extract.engine import extract_document

    from lumbung.extract.cells import as_tab_separated
    from lumbung.identify.overrides import PinFileError, load_pins, pin_for

    if not report.is_file():
        raise fail("inspect", f"{report}: no such file")
    try:
        doc = read_document(report)
        pin = pin_for(load_pins(report.parent), report.name, doc.sha256)
        lines = [as_tab_separated(line) for line in doc.lines]
        meta = detect_document(lines, pin)
    except (UnreadableDocument, DetectionError, PinFileError) as exc:
        typer.echo(f"lumbung inspect: {report}: {exc}", err=True)
        raise typer.Exit(1)
    result = extract_document(lines, meta.default_year, meta.period_end_year)
    labels = list(dict.fromkeys(record.source_table for record in result.tables))
    if table and table not in labels:
        raise fail("inspect", f"{report}: no table {table!r}; its tables: {', '.join(labels) or 'none'}")
    if show_text:
        for number, text in enumerate(lines, start=1):
            page = doc.page_of(number)
            typer.echo(f"{number:6d} {'p' + str(page) if page else '':>5} {text}")
    k = meta.kecamatan
    typer.echo(f"{report}: {meta.document_type} {k.name} ({k.kabupaten_kota}, {k.provinsi}; {k.code}"
               f"{'' if k.in_reference else ', not in the Kemendagri reference'}) "
               f"{meta.period_start_year}-{meta.period_end_year}, {meta.identified_by}")
    for what, line in _evidence_lines(meta):
        typer.echo(f"  evidence {what}: {line}")
    typer.echo(_coverage_line(result.coverage))
    for record, cov in zip(result.tables, result.coverage):
        if table and record.source_table != table:
            continue
        written = f" written {record.label_as_written!r}" if record.label_as_written else f" (named by its {record.named_by})"
        typer.echo(f"\n{record.source_table}{written} (lines {record.first_line}-{record.last_line}) {record.status}, "
                   f"{record.facts} facts: {record.columns}")
        typer.echo(f"  numbers {cov.numeric_cells}: {cov.facts} facts, {cov.quarantined} quarantined, "
                   f"{cov.unaccounted} unaccounted, not facts {dict(sorted(cov.not_facts.items()))}")
        if not show_facts:
            continue
        for f in result.facts:
            if f.source_table != record.source_table or not record.first_line <= f.source_line <= record.last_line:
                continue
            typer.echo(f"  {f.source_line:>5} {f.kind[:4]} {f.metric[:3]} {f.year} {_variant_label(f):<14} "
                       f"{str(f.value):>16} {f.value_flag or '':<10} {f.unit or '':<10} "
                       f"{f.code_canonical or f.code_raw or '':<18} {f.item_level or '':<12} "
                       f"{(f.item_name or '')[:40]} | {(f.indicator or '')[:40]}")
    for p in result.problems:
        if table and p.source_table != table:
            continue
        typer.echo(f"  problem {p.source_table} line {p.line} [{p.step}] {p.reason}")


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="lumbung")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
