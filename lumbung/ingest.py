"""Ingest: discover report files, skip contents already seen, detect, extract and load.

Every file ends in exactly one place: loaded (`raw.documents` + facts) or quarantined
(`audit.quarantine` with the reason); either way its hash goes to `raw.files`, so an unchanged
file is skipped on the next run.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from lumbung import warehouse
from lumbung.detect import DetectionError, detect_document
from lumbung.documents import RawDocument, UnreadableDocument, read_document, truncation
from lumbung.extract.cells import as_tab_separated
from lumbung.extract.coverage import coverage_rows
from lumbung.extract.engine import extract_document
from lumbung.identify.overrides import FILE_NAME as PINS_FILE
from lumbung.identify.overrides import Pin, load_pins, pin_for

REPORT_SUFFIXES = {".txt", ".md", ".text"}


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


def load_document(con: duckdb.DuckDBPyConnection, doc: RawDocument, source_file: str, run_id: str,
                  pin: Pin | None = None) -> tuple[int, int]:
    """Detect, extract and load one readable document; returns (facts loaded, problems quarantined)."""
    lines = [as_tab_separated(line) for line in doc.lines]  # markdown tables read as tab-separated
    meta = detect_document(lines, pin)
    cut = truncation(lines)  # after detection: an unrelated text is "not a report", not "cut short"
    if cut is not None:
        raise UnreadableDocument(cut)
    extraction = extract_document(lines, meta.default_year, meta.period_end_year)
    document_id = doc.document_id
    warehouse.append(con, "raw.documents", [{
        "document_id": document_id, "source_file": source_file, "source_sha256": doc.sha256,
        "size_bytes": doc.size, "encoding": doc.encoding, "line_count": len(lines), "format": doc.format,
        "document_type": meta.document_type, "kecamatan_code": meta.kecamatan.code,
        "kecamatan": meta.kecamatan.name, "kabupaten_kota": meta.kecamatan.kabupaten_kota,
        "provinsi": meta.kecamatan.provinsi, "period_start_year": meta.period_start_year,
        "period_end_year": meta.period_end_year, "run_id": run_id, "loaded_at": warehouse.now(),
        "text_sha256": doc.text_sha256, "identified_by": meta.identified_by,
        "kecamatan_in_reference": meta.kecamatan.in_reference, "evidence": evidence_summary(meta),
    }])
    warehouse.append(con, "raw.tables", [{"document_id": document_id, **asdict(t)} for t in extraction.tables])
    warehouse.append(con, "raw.table_rows", [
        {"document_id": document_id, "source_table": t.label, "source_line": line.number,
         "cells": line.cells, "raw_text": line.text, "furniture": None}
        for t in extraction.found for line in t.lines
    ] + [
        {"document_id": document_id, "source_table": t.label, "source_line": f.line,
         "cells": [f.text], "raw_text": f.text, "furniture": f.kind}
        for t in extraction.found for f in t.furniture
    ])
    warehouse.append(con, "raw.table_items", [{"document_id": document_id, **asdict(i)} for i in extraction.items])
    warehouse.append(con, "raw.derived_values", [{"document_id": document_id, **asdict(d)} for d in extraction.derived])
    warehouse.append(con, "raw.extracted_facts", [
        {"document_id": document_id, **asdict(f), "source_page": doc.page_of(f.source_line)} for f in extraction.facts
    ])
    warehouse.append_lines(con, document_id, lines, doc.pages)
    warehouse.append(con, "raw.table_coverage", [{"document_id": document_id, **c} for c in coverage_rows(extraction)])
    warehouse.quarantine(con, run_id, source_file, doc.sha256, document_id, [
        {"source_table": p.source_table, "source_line": p.line, "source_column": p.column, "raw_text": p.raw,
         "step": p.step, "reason": p.reason}
        for p in extraction.problems
    ])
    warehouse.record_file(con, doc.sha256, source_file, "loaded", document_id, run_id, pin.fingerprint if pin else None)
    return len(extraction.facts), len(extraction.problems)


def evidence_summary(meta) -> str:
    """The strongest evidence for each decision, as one line for `raw.documents.evidence`."""
    parts = []
    for what in ("type", "kecamatan", "kabupaten_kota", "provinsi", "period"):
        best = sorted((m for m in meta.evidence if m.what == what and m.weight), key=lambda m: (-m.weight, m.line))[:2]
        if best:
            parts.append(f"{what}: " + "; ".join(f"{m.written!r} ({m.describe()})" for m in best))
    return " | ".join(parts)


def ingest(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    run_id: str,
    progress: Callable[[Path, str], None] | None = None,
) -> IngestSummary:
    """Load every new report of `raw_dir` into the warehouse behind `con`."""
    warehouse.ensure_schema(con)
    pins = load_pins(raw_dir)
    pinned_with = warehouse.known_pins(con)
    seen = warehouse.known_hashes(con)
    duplicates = warehouse.known_duplicates(con)
    texts = warehouse.known_texts(con)
    summary = IngestSummary()
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
        try:
            doc = read_document(path)
            if doc.text_sha256 in texts:
                _report_copy(con, summary, duplicates, run_id, source_file, sha,
                             f"same text as {texts[doc.text_sha256]}, saved with another encoding or line endings "
                             f"({doc.encoding}): not loaded twice", path, progress)
                continue
            texts[doc.text_sha256] = source_file
            con.begin()
            n_facts, n_problems = load_document(con, doc, source_file, run_id, pin)
            con.commit()
        except Exception as exc:  # noqa: BLE001 - any failure quarantines the file, the run goes on
            _rollback(con)
            reason = str(exc) if isinstance(exc, (UnreadableDocument, DetectionError)) else f"{type(exc).__name__}: {exc}"
            warehouse.quarantine(con, run_id, source_file, sha, None, [
                {"source_table": None, "source_line": None, "raw_text": None, "step": "document", "reason": reason}
            ])
            warehouse.record_file(con, sha, source_file, "quarantined", None, run_id, pin.fingerprint if pin else None)
            summary.files_quarantined += 1
            summary.quarantined[source_file] = reason
            if progress:
                progress(path, "quarantined")
            continue
        summary.files_loaded += 1
        summary.facts_loaded += n_facts
        summary.problems += n_problems
        summary.loaded.append(source_file)
        if progress:
            progress(path, "loaded")
    return summary


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
