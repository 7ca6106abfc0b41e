"""Putting shifted cells back under their columns, on real lines from the reports."""

from __future__ import annotations

import pytest

from lumbung.extract.align import align_row, cell_kind
from lumbung.extract.engine import settle_header
from lumbung.extract.blocks import find_tables
from lumbung.extract.values import parse_month


@pytest.mark.parametrize("cell, kind", [
    ("3.098.947.496", "money"), ("8,624,579,558", "money"), ("650.56 2.000", "money"),
    ("2,0 1", "code"), ("7.01.01.2 01.1", "code"), ("100%", "number"), ("1 Dok", "number"),
    ("98,12", "number"), ("-", "marker"), ("N/A", "marker"), ("#####", "overflow"),
    ("Pebruari", "month"), ("2.1.1.a", "label"), ("Penyediaan Gaji dan Tunjangan ASN", "text"), ("", "empty"),
    ("2021", "label"), ("2019 - 2020", "label"), ("12 bulan", "number"),
])
def test_cell_kind(cell, kind):
    assert cell_kind(cell) == kind


def test_month_spellings():
    assert [parse_month(m) for m in ("Januari", "Pebruari", "Februari", "Nopember", "Desember")] == [1, 2, 2, 11, 12]
    assert parse_month("Program") is None


def _table(report_lines, report, label):
    table = next(t for t in find_tables(report_lines[report]) if t.label == label)
    return table, settle_header(table)


def _line(table, number):
    return next(line for line in table.lines if line.number == number)


def test_code_over_five_cells_under_one_kode_column(report_lines):
    # Petir Tabel 4.1 line 662: `7 | 1 | 1 | 2,02 | 1 | name | ...` under `Kode | Urusan ... | ...`
    table, header = _table(report_lines, "petir", "Tabel 4.1")
    aligned = align_row(_line(table, 662).cells, header.columns)
    assert aligned.moved
    assert aligned.cells[0].split(" | ") == ["7", "1", "1", "2,02", "1"]
    assert aligned.cells[1] == "Penyediaan Gaji dan Tunjangan ASN"
    assert aligned.cells[9] == "2.651.000.000" and header.columns[9].metric == "budget"
    assert aligned.cells[14] == "2.991.400.000"


def test_row_as_written_stays_put(report_lines):
    table, header = _table(report_lines, "petir", "Tabel 2.3")
    line = _line(table, 485)
    aligned = align_row(line.cells, header.columns)
    assert not aligned.moved
    assert aligned.cells[: len(line.cells)] == line.cells[: len(header.columns)]


def test_wrapped_numbers_follow_the_shift_of_their_row(report_lines):
    # Serang Tabel 2.1 lines 303-304: the row is shifted one cell right after its code; its
    # numbers continue on the next line, shifted the same way.
    table, header = _table(report_lines, "serang", "Tabel 2.1")
    first = align_row(_line(table, 303).cells, header.columns)
    assert first.offset == 1
    wrapped = align_row(_line(table, 304).cells, header.columns, first.offset)
    assert wrapped.cells[4] == "165.307.000" and wrapped.cells[6] == "8.394.000"


def test_page_that_lost_its_left_columns(report_lines):
    # Seririt CRAAPK line 1216: `Juni | 74,560,012 | 57,917,760 | 77.68` in columns 2-5 belongs
    # under the budget half of the table (month, target, realisation, %).
    table, header = _table(report_lines, "seririt", "Lampiran CRAAPK")
    aligned = align_row(_line(table, 1216).cells, header.columns)
    assert header.columns[12].role == "month"
    assert (aligned.cells[12], aligned.cells[13], aligned.cells[14]) == ("Juni", "74,560,012", "57,917,760")
