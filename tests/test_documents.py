"""Reading raw files: encodings and line endings that can be read are read as the original;
what cannot be read says why."""

from __future__ import annotations

import pytest

from lumbung.detect import detect_document
from lumbung.documents import UnreadableDocument, read_document, truncation
from lumbung.extract.engine import extract_document
from tests.conftest import REPORTS

LATIN1_SAFE = str.maketrans({"–": "-", "“": '"', "”": '"', "✓": "v", "❖": "*"})


def _facts(lines):
    meta = detect_document(lines)
    return sorted((f.source_table, f.source_line, f.column_index, f.value_raw)
                  for f in extract_document(lines, meta.default_year, meta.period_end_year).facts)


@pytest.mark.parametrize("encoding, newline", [("utf-16", "\n"), ("latin-1", "\n"), ("utf-8", "\r\n"), ("utf-8-sig", "\n")])
def test_other_encodings_and_line_endings_read_as_the_original(tmp_path, encoding, newline):
    original = REPORTS["serang"].read_text(encoding="utf-8").translate(LATIN1_SAFE)
    path = tmp_path / "serang.txt"
    with open(path, "w", encoding=encoding, newline=newline) as fh:
        fh.write(original)
    doc = read_document(path)
    assert doc.lines == original.split("\n")  # line numbers match the original's
    assert _facts(doc.lines) == _facts(original.split("\n"))


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (b"%PDF-1.7\x00\x01\x02", "not a readable PDF"),  # a PDF by its first bytes, whatever the name
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
])
def test_unreadable_files_say_why(tmp_path, content, reason):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(UnreadableDocument, match=reason):
        read_document(path)


def test_a_report_cut_short_is_recognised_and_whole_reports_are_not(report_lines):
    for lines in report_lines.values():
        assert truncation(lines) is None
    petir = report_lines["petir"]
    assert "line 250" in truncation(petir[:250])  # ends on a table row
    assert "no closing chapter" in truncation(petir[:300])  # ends in prose before the end
