"""Throughput and memory of the extraction and ingest steps, as figures (not a test).

    .venv/bin/python benchmarks/ingest_benchmark.py [--copies 200]

1. extraction: each real report read, detected and extracted in process, best of 5;
2. ingest: `--copies` variants of the four reports (each with one changed line, so each is a
   new file and a new version) loaded into a fresh DuckDB file by `lumbung.ingest`, the step a
   nightly run does per file before dbt; prints files/s, facts/s and the peak resident memory,
   and what that means for 10,000 reports a night.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from lumbung import warehouse
from lumbung.detect import detect_document
from lumbung.documents import read_document
from lumbung.extract.engine import extract_document
from lumbung.ingest import ingest
from lumbung.paths import DEFAULT_RAW_DIR


def extraction_figures(reports: list[Path]) -> None:
    print("extraction (best of 5):")
    for path in reports:
        lines = read_document(path).lines
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            meta = detect_document(lines)
            facts = extract_document(lines, meta.default_year, meta.period_end_year).facts
            best = min(best, time.perf_counter() - start)
        print(f"  {path.name[:60]:60} {len(lines):5d} lines {len(facts):5d} facts {best * 1000:7.1f} ms")


def ingest_figures(reports: list[Path], copies: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        for i in range(copies):
            source = reports[i % len(reports)]
            text = source.read_text(encoding="utf-8")
            (raw / f"{i:05d}-{source.name}").write_text(f"salinan {i}\n{text}", encoding="utf-8")
        db = Path(tmp) / "bench.duckdb"
        with warehouse.connect(db) as con:
            warehouse.ensure_schema(con)
            start = time.perf_counter()
            summary = ingest(con, raw, "benchmark")
            seconds = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size_mb = db.stat().st_size / 1e6
        print(f"ingest of {copies} files: {seconds:.1f} s, {summary.files_loaded / seconds:.1f} files/s, "
              f"{summary.facts_loaded / seconds:,.0f} facts/s, {summary.files_quarantined} quarantined")
        print(f"  peak resident memory {peak_mb:,.0f} MB, DuckDB file {size_mb:,.1f} MB")
        print(f"  10,000 reports at this rate: {10_000 / (summary.files_loaded / seconds) / 60:.0f} min of ingest "
              f"on one process (dbt and the gates run once per night on top)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--raw-dir", type=Path, default=DEFAULT_RAW_DIR)
    args = parser.parse_args()
    reports = sorted(p for p in args.raw_dir.glob("*.txt"))
    extraction_figures(reports)
    ingest_figures(reports, args.copies)


if __name__ == "__main__":
    main()
