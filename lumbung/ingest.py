"""Ingest: discover report files, skip contents already seen, detect, extract and load.

Every file ends in exactly one place: loaded (`raw.documents` + facts) or quarantined
(`audit.quarantine` with the reason); either way its hash goes to `raw.files`, so an unchanged
file is skipped on the next run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pyarrow as pa

from lumbung import warehouse
from lumbung.detect import DetectionError, detect_document
from lumbung.documents import RawDocument, UnreadableDocument, read_document, truncation
from lumbung.extract.cells import as_tab_separated
from lumbung.extract.coverage import coverage_rows
from lumbung.extract.engine import extract_document
from lumbung.identify.overrides import FILE_NAME as PINS_FILE
from lumbung.identify.overrides import Pin, load_pins, pin_for
from lumbung.memory import collected_cheaply



@dataclass
class IngestSummary:
    files_seen: int = 0
    files_loaded: int = 0
    files_skipped: int = 0
    files_quarantined: int = 0
    facts_loaded: int = 0
    problems: int = 0
    loaded: list[str] = field(default_factory=list)
    quarantined: dict[str, str] = field(default_factory=dict)


def discover(raw_dir: Path) -> list[Path]:
    """Report files under `raw_dir`, in a stable order (hidden files and the pins file ignored)."""
    return sorted(
        p for p in raw_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts)
        and p.relative_to(raw_dir).as_posix() != PINS_FILE
    )


def extractor_fingerprint() -> str:
    """A hash of the code that turns a file into rows (reading, detection, extraction, what is
    loaded or quarantined): facts in a warehouse built by other code are stale, whatever the
    files' hashes say."""
    package = Path(__file__).parent
    h = hashlib.sha256()
    code = [*(package / "extract").glob("*.py"), *(package / "identify").glob("*.py"), package / "detect.py",
            package / "documents.py", package / "ingest.py"]
    for source in sorted(code):
        h.update(source.name.encode())
        h.update(source.read_bytes())
    return h.hexdigest()[:16]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Parsed:
    """One file read, identified and extracted: the rows it adds to each raw table, or the reason
    it is quarantined.  Plain data, so that files can be parsed in other processes."""

    source_file: str
    sha256: str
    pin: str | None  # fingerprint of the pin the file was read with
    text_sha256: str | None = None
    encoding: str = ""
    document_id: str | None = None
    tables: dict[str, pa.Table] = field(default_factory=dict)  # raw table -> its rows, typed like the table
    problems: list[dict] = field(default_factory=list)  # quarantine rows of its lines and cells
    error: str | None = None  # why the whole file is quarantined
    facts: int = 0

    # Between processes (the parse tasks' results) the tables travel in Arrow's IPC format, not
    # as pickled Arrow objects: writing and reading it costs ~1 ms a report instead of ~3, and
    # the run's process reads (unpickles) every result twice, once in Prefect's done-callback.
    def __getstate__(self) -> dict:
        return {**self.__dict__, "tables": {name: _to_ipc(table) for name, table in self.tables.items()}}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, tables={name: pa.ipc.open_stream(data).read_all()
                                            for name, data in state["tables"].items()})


def _to_ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def parse_document(doc: RawDocument, source_file: str, pin: Pin | None = None) -> Parsed:
    """Identify and extract one readable document into the rows of the raw tables (no I/O)."""
    lines = [as_tab_separated(line) for line in doc.lines]  # markdown tables read as tab-separated
    meta = detect_document(lines, pin)
    cut = truncation(lines)  # after detection: an unrelated text is "not a report", not "cut short"
    if cut is not None:
        raise UnreadableDocument(cut)
    extraction = extract_document(lines, meta.default_year, meta.period_end_year)
    document_id = doc.document_id
    tables: dict[str, pa.Table] = {}

    def add(table: str, columns: dict[str, list]) -> None:
        size = len(next(iter(columns.values()), []))
        if size:
            tables[table] = warehouse.columns_as_arrow(table, {"document_id": [document_id] * size, **columns})

    add("raw.documents", {name: [value] for name, value in {
        "source_file": source_file, "source_sha256": doc.sha256,
        "size_bytes": doc.size, "encoding": doc.encoding, "line_count": len(lines), "format": doc.format,
        "document_type": meta.document_type, "kecamatan_code": meta.kecamatan.code,
        "kecamatan": meta.kecamatan.name, "kabupaten_kota": meta.kecamatan.kabupaten_kota,
        "provinsi": meta.kecamatan.provinsi, "period_start_year": meta.period_start_year,
        "period_end_year": meta.period_end_year, "text_sha256": doc.text_sha256, "identified_by": meta.identified_by,
        "kecamatan_in_reference": meta.kecamatan.in_reference, "evidence": evidence_summary(meta),
    }.items()})
    add("raw.tables", _columns(extraction.tables))
    table_lines = [(t.label, line) for t in extraction.found for line in t.lines]
    furniture = [(t.label, f) for t in extraction.found for f in t.furniture]
    add("raw.table_rows", {
        "source_table": [label for label, _ in table_lines] + [label for label, _ in furniture],
        "source_line": [line.number for _, line in table_lines] + [f.line for _, f in furniture],
        "cells": [line.cells for _, line in table_lines] + [[f.text] for _, f in furniture],
        "raw_text": [line.text for _, line in table_lines] + [f.text for _, f in furniture],
        "furniture": [None] * len(table_lines) + [f.kind for _, f in furniture],
    })
    add("raw.table_items", _columns(extraction.items))
    add("raw.derived_values", _columns(extraction.derived))
    facts = _columns(extraction.facts)
    add("raw.extracted_facts", {**facts, "source_page": [doc.page_of(n) for n in facts.get("source_line", [])]})
    add("raw.document_lines", {
        "source_line": list(range(1, len(lines) + 1)),
        "source_page": [doc.page_of(n) for n in range(1, len(lines) + 1)],
        "text": lines,
    })
    coverage = coverage_rows(extraction)
    add("raw.table_coverage", {name: [c[name] for c in coverage] for name in (coverage[0] if coverage else ())})
    problems = [
        {"source_table": p.source_table, "source_line": p.line, "source_column": p.column, "raw_text": p.raw,
         "step": p.step, "reason": p.reason}
        for p in extraction.problems
    ]
    return Parsed(source_file, doc.sha256, pin.fingerprint if pin else None, doc.text_sha256, doc.encoding,
                  document_id, tables, problems, facts=len(extraction.facts))


def _columns(records: list) -> dict[str, list]:
    """A list of records (dataclasses or named tuples) as columns (field name -> values),
    without a dict per record."""
    if not records:
        return {}
    if isinstance(records[0], tuple):  # a named tuple: one transpose
        return dict(zip(records[0]._fields, map(list, zip(*records))))
    return {f.name: [getattr(r, f.name) for r in records] for f in fields(records[0])}


def parse_file(path: Path, source_file: str, sha: str, pin: Pin | None = None) -> Parsed:
    """Read and parse one file; any failure is the reason it is quarantined (the run goes on)."""
    try:
        return parse_document(read_document(path), source_file, pin)
    except Exception as exc:  # noqa: BLE001 - any failure quarantines the file, the run goes on
        reason = str(exc) if isinstance(exc, (UnreadableDocument, DetectionError)) else f"{type(exc).__name__}: {exc}"
        parsed = Parsed(source_file, sha, pin.fingerprint if pin else None, error=reason)
        try:  # a file that reads but cannot be identified is still recognised as a copy of a loaded one
            parsed.text_sha256 = read_document(path).text_sha256
        except Exception:  # noqa: BLE001
            pass
        return parsed


FileToParse = tuple[Path, str, str, "Pin | None"]  # path, name under raw/, content hash, pin


def parse_files(items: list[FileToParse]) -> list[Parsed]:
    """Parse files one after the other (the flow maps chunks of them over its task runner).

    In `collected_cheaply`: a worker process holds Prefect's, pandas' and the parser's caches
    (~350,000 objects), which Python's collector would otherwise walk again and again while a
    report is parsed (61 ms a report instead of 53, measured on 200 reports)."""
    with collected_cheaply():
        return [parse_file(*item) for item in items]


def parse_in_order(items: list[FileToParse]) -> Iterator[Parsed]:
    """The default parse stream: each file in this process, in order."""
    return (parse_file(*item) for item in items)


def load_document(con: duckdb.DuckDBPyConnection, doc: RawDocument, source_file: str, run_id: str,
                  pin: Pin | None = None) -> tuple[int, int]:
    """Identify, extract and load one readable document; returns (facts loaded, problems quarantined)."""
    parsed = parse_document(doc, source_file, pin)
    write_parsed(con, [parsed], run_id)
    return parsed.facts, len(parsed.problems)


def write_parsed(con: duckdb.DuckDBPyConnection, batch: list[Parsed], run_id: str) -> None:
    """Load parsed documents: one Arrow insert per raw table for the whole batch."""
    stamp = warehouse.now()
    for table in dict.fromkeys(t for parsed in batch for t in parsed.tables):
        data = pa.concat_tables([p.tables[table] for p in batch if table in p.tables])
        constants = {"run_id": run_id, "loaded_at": stamp} if table == "raw.documents" else {}
        warehouse.insert_arrow(con, table, data, **constants)
    warehouse.append(con, "audit.quarantine", [
        {"run_id": run_id, "source_file": p.source_file, "source_sha256": p.sha256, "document_id": p.document_id,
         "quarantined_at": stamp, **problem}
        for p in batch for problem in p.problems
    ])
    warehouse.record_files(con, [(p.sha256, p.source_file, "loaded", p.document_id, p.pin) for p in batch], run_id)


def evidence_summary(meta) -> str:
    """The strongest evidence for each decision, as one line for `raw.documents.evidence`."""
    parts = []
    for what in ("type", "kecamatan", "kabupaten_kota", "provinsi", "period"):
        best = sorted((m for m in meta.evidence if m.what == what and m.weight), key=lambda m: (-m.weight, m.line))[:2]
        if best:
            parts.append(f"{what}: " + "; ".join(f"{m.written!r} ({m.describe()})" for m in best))
    return " | ".join(parts)


BATCH = 128  # files parsed, then loaded together: memory stays bounded whatever the number of files.
# Each batch is one commit, and DuckDB's commit costs less a file in larger ones (64 files:
# ~15 ms a file in the run's process, 128: ~11 ms, measured loading 1,536 reports).
INSERT_THREADS = 1  # DuckDB threads of the connection that loads the batches: the parse workers
# use the cores; the inserts and commits of 512 reports took 3.3 s of CPU with two threads, 2.1 s
# with one (and 2.1 s of wall time instead of 3.0).  In a whole run (workers parsing beside it)
# no difference measured: 1,000 reports ingested in 44-45 s either way, 10,000 in 441 vs 453 s


def ingest(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    run_id: str,
    progress: Callable[[Path, str], None] | None = None,
    parse_stream: Callable[[list[FileToParse]], Iterator[Parsed]] = parse_in_order,
) -> IngestSummary:
    """Load every new report of `raw_dir` into the warehouse behind `con`.

    Files are hashed and compared with what is loaded first (unchanged, copies and re-pinned
    files are settled here); the rest are parsed by `parse_stream`, which yields them in file
    order (in this process, or over the flow's task runner: processes, a Dask cluster, parsing
    ahead while this process loads), and every BATCH files are loaded with one insert per table."""
    warehouse.ensure_schema(con)
    pins = load_pins(raw_dir)
    pinned_with = warehouse.known_pins(con)
    seen = warehouse.known_hashes(con)
    duplicates = warehouse.known_duplicates(con)
    texts = warehouse.known_texts(con)
    summary = IngestSummary()
    todo: list[FileToParse] = []
    for path in discover(raw_dir):
        summary.files_seen += 1
        source_file = str(path.relative_to(raw_dir))
        sha = sha256_of(path)
        pin = pin_for(pins, source_file, sha)
        if seen.get(sha) == source_file and pinned_with.get(sha) != (pin.fingerprint if pin else None):
            warehouse.forget_file(con, sha)  # pinned, unpinned or re-pinned: read again
            seen.pop(sha)
            texts = {t: f for t, f in texts.items() if f != source_file}
        if seen.get(sha) == source_file or (source_file, sha) in duplicates:
            summary.files_skipped += 1  # unchanged since it was loaded (or reported as a copy)
            if progress:
                progress(path, "skipped")
            continue
        if sha in seen:  # the same content under another name: loaded once, the copy is reported
            _report_copy(con, summary, duplicates, run_id, source_file, sha,
                         f"same content as {seen[sha]} (sha256 {sha[:12]}…): not loaded twice", path, progress)
            continue
        seen[sha] = source_file
        todo.append((path, source_file, sha, pin))
    with collected_cheaply():  # the parse stream collects each chunk's results as it takes them
        _load(con, todo, parse_stream(todo), run_id, texts, duplicates, summary, raw_dir, progress)
    return summary


def _load(con, todo: list[FileToParse], stream: Iterator[Parsed], run_id: str, texts: dict, duplicates: set,
          summary: IngestSummary, raw_dir: Path, progress) -> None:
    """Load the parsed files BATCH at a time (copies of loaded texts and failed files to quarantine)."""
    for start in range(0, len(todo), BATCH):
        chunk = todo[start: start + BATCH]
        loaded: list[Parsed] = []
        for (path, source_file, sha, _pin), p in zip(chunk, stream):
            if p.text_sha256 in texts:
                _report_copy(con, summary, duplicates, run_id, source_file, sha,
                             f"same text as {texts[p.text_sha256]}, saved with another encoding or line endings "
                             f"({p.encoding or 'another format'}): not loaded twice", path, progress)
                continue
            if p.error is None:
                texts[p.text_sha256] = source_file
                loaded.append(p)
                continue
            warehouse.quarantine(con, run_id, source_file, sha, None, [
                {"source_table": None, "source_line": None, "raw_text": None, "step": "document", "reason": p.error}
            ])
            warehouse.record_file(con, sha, source_file, "quarantined", None, run_id, p.pin)
            summary.files_quarantined += 1
            summary.quarantined[source_file] = p.error
            if progress:
                progress(path, "quarantined")
        _write(con, loaded, run_id, summary)
        for p in loaded:
            summary.files_loaded += 1
            summary.facts_loaded += p.facts
            summary.problems += len(p.problems)
            summary.loaded.append(p.source_file)
            if progress:
                progress(raw_dir / p.source_file, "loaded")


def _write(con: duckdb.DuckDBPyConnection, loaded: list[Parsed], run_id: str, summary: IngestSummary) -> None:
    """Load a batch in one transaction; should it fail, each document alone, so that only the
    one that cannot be loaded is quarantined."""
    if not loaded:
        return
    try:
        con.begin()
        write_parsed(con, loaded, run_id)
        con.commit()
        return
    except Exception:  # noqa: BLE001
        _rollback(con)
    for p in list(loaded):
        try:
            con.begin()
            write_parsed(con, [p], run_id)
            con.commit()
        except Exception as exc:  # noqa: BLE001
            _rollback(con)
            loaded.remove(p)
            reason = f"{type(exc).__name__}: {exc}"
            warehouse.quarantine(con, run_id, p.source_file, p.sha256, None, [
                {"source_table": None, "source_line": None, "raw_text": None, "step": "document", "reason": reason}])
            warehouse.record_file(con, p.sha256, p.source_file, "quarantined", None, run_id, p.pin)
            summary.files_quarantined += 1
            summary.quarantined[p.source_file] = reason


def _report_copy(con, summary: IngestSummary, duplicates: set, run_id: str, source_file: str, sha: str,
                 reason: str, path: Path, progress) -> None:
    """A file whose report is already loaded under another name goes to quarantine, once."""
    warehouse.quarantine(con, run_id, source_file, sha, None, [
        {"source_table": None, "source_line": None, "raw_text": None, "step": "duplicate", "reason": reason}
    ])
    duplicates.add((source_file, sha))
    summary.files_quarantined += 1
    summary.quarantined[source_file] = reason
    if progress:
        progress(path, "quarantined")


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.rollback()
    except duckdb.TransactionException:
        pass  # the failure came before the transaction began
