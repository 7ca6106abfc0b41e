"""The extraction engine on Petir Tabel 2.3 and Randuagung TC-27, against figures read by hand
from the reports (tests/fixtures/labelled_facts.csv), plus the row-shape quirks one by one."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from lumbung.detect import detect_document
from lumbung.extract.engine import extract_document
from lumbung.extract.headers import read_header
from lumbung.extract.tables import find_tables

FIXTURES = Path(__file__).parent / "fixtures" / "labelled_facts.csv"


def labelled() -> list[dict]:
    with open(FIXTURES, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def extractions(report_lines):
    out = {}
    for name in ("petir", "serang", "seririt", "randuagung"):
        meta = detect_document(report_lines[name])
        out[name] = extract_document(report_lines[name], meta.default_year, meta.period_end_year)
    return out


@pytest.mark.parametrize(
    "row", labelled(),
    ids=lambda r: f"{r['report']}:{r['source_line']}:{r['kind']}:{r['year']}:{r['variant']}:{r['month']}:{r['metric']}",
)
def test_labelled_fact_is_extracted(extractions, row):
    facts = [
        f for f in extractions[row["report"]].facts
        if f.source_table == row["source_table"] and f.source_line == int(row["source_line"])
        and f.kind == row["kind"] and f.metric == row["metric"] and f.year == int(row["year"])
        and (f.variant or "") == row["variant"] and str(f.month or "") == row["month"]
    ]
    # one line can hold two items' numbers (a program's pagu beside its kegiatan's target)
    matching = [f for f in facts if f.value == Decimal(row["value"])]
    assert matching, [(f.column_header, f.value) for f in facts]
    assert matching[0].unit == row["unit"]


def test_tables_are_found_with_their_labels(report_lines):
    labels = [t.label for t in find_tables(report_lines["randuagung"])]
    assert {"TC-23", "TC-24", "TC-25", "TC-27", "TC-28"} <= set(labels)
    assert "Tabel 2.3" in [t.label for t in find_tables(report_lines["petir"])]


def test_multi_line_header_with_merged_cells(report_lines):
    table = next(t for t in find_tables(report_lines["randuagung"]) if t.label == "TC-27")
    header = read_header(table.lines, table.caption)
    measures = {(c.kind, c.metric, c.year, c.variant) for c in header.columns if c.role == "measure"}
    assert ("target", "budget", 2025, None) in measures  # `2025` spans `Target | Rp`
    assert ("realisation", "indicator", 2022, "baseline") in measures
    assert header.numbering is not None and header.numbering[0] == "11"


def test_repeated_page_headers_give_no_facts(extractions):
    header_lines = {955, 956, 957, 962, 963, 964, 1004, 1005, 1006}  # incl. `Targ et` split by the PDF
    assert not [f for f in extractions["randuagung"].facts if f.source_line in header_lines]


def test_wrapped_name_is_joined(extractions):
    fact = next(f for f in extractions["randuagung"].facts if f.source_table == "TC-27" and f.source_line == 1076)
    assert fact.item_name.endswith("Pemeliharaan Keutuhan Negara Kesatuan Republik Indonesia")
    assert fact.code_canonical == "7.01.05.2.01.0001"


def test_codes_inherit_from_rows_above(extractions):
    by_line = {f.source_line: f for f in extractions["randuagung"].facts if f.source_table == "TC-27"}
    assert (by_line[992].code_canonical, by_line[992].code_method) == ("7.01.01.2.05", "inherited")
    assert by_line[993].code_canonical == "7.01.01.2.05.0002"


def test_unreadable_indicator_stays_null(extractions):
    fact = next(f for f in extractions["petir"].facts if f.source_line == 491 and f.variant == "hasil_analisa" and f.metric == "indicator")
    assert fact.value is None and fact.value_flag == "dash"
    na = [f for f in extractions["randuagung"].facts if f.source_line == 1068 and f.variant == "baseline"]
    assert na[0].value is None and na[0].value_flag == "not_available" and na[0].value_raw == "N/A"


def test_every_money_cell_of_petir_2_3_is_a_fact(report_lines, extractions):
    # Columns 10 and 12 (pagu) hold money on every data line that has a value there.
    table = next(t for t in find_tables(report_lines["petir"]) if t.label == "Tabel 2.3")
    expected = {(line.number, i) for line in table.lines[3:] for i in (10, 12) if line.cells[i:i + 1] and line.cells[i]}
    got = {(f.source_line, f.column_index) for f in extractions["petir"].facts if f.source_table == "Tabel 2.3" and f.metric == "budget"}
    assert got == expected
