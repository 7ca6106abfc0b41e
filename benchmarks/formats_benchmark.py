"""Reading speed of PDF, Word and Excel reports against their text versions (figures, not a test).

    .venv/bin/python benchmarks/formats_benchmark.py

Each shared report is rendered as PDF (reportlab, ruled tables), DOCX and XLSX (the test
renderers, `tests/render.py`, need the test extras: `pip install -e ".[test]"`), then read,
identified and extracted; prints pages per second for PDF, seconds per document for every
format, and the ratio to the text version's time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lumbung.detect import detect_document  # noqa: E402
from lumbung.documents import read_document  # noqa: E402
from lumbung.extract.cells import as_tab_separated  # noqa: E402
from lumbung.extract.engine import extract_document  # noqa: E402
from lumbung.paths import DEFAULT_RAW_DIR  # noqa: E402
from tests.render import to_docx, to_pdf, to_xlsx  # noqa: E402


def read_and_extract(path: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    doc = read_document(path)
    lines = [as_tab_separated(line) for line in doc.lines]
    meta = detect_document(lines)
    facts = extract_document(lines, meta.default_year, meta.period_end_year).facts
    return time.perf_counter() - start, len(facts), max(doc.pages) if doc.pages else 0


def main() -> None:
    out = Path(tempfile.mkdtemp(prefix="lumbung-formats-"))
    print(f"{'report':58} {'format':6} {'pages':>5} {'facts':>6} {'seconds':>8} {'pages/s':>8} {'x text':>7}")
    for path in sorted(DEFAULT_RAW_DIR.glob("*.txt")):
        text_s, text_facts, _ = read_and_extract(path)
        print(f"{path.name[:58]:58} {'text':6} {'':>5} {text_facts:6d} {text_s:8.2f} {'':>8} {1:7.1f}")
        lines = read_document(path).lines
        for fmt, render in (("pdf", to_pdf), ("docx", to_docx), ("xlsx", to_xlsx)):
            target = render(lines, out / f"{path.stem}.{fmt}")
            seconds, facts, pages = read_and_extract(target)
            rate = f"{pages / seconds:8.1f}" if pages and fmt == "pdf" else f"{'':>8}"
            print(f"{'':58} {fmt:6} {pages if fmt == 'pdf' else '':>5} {facts:6d} {seconds:8.2f} {rate} "
                  f"{seconds / text_s:7.1f}")


if __name__ == "__main__":
    main()
