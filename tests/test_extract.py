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
from lumbung.extract.blocks import find_tables

FIXTURES = Path(__file__).parent / "fixtures" / "labelled_facts.csv"


def labelled() -> list[dict]:
    with open(FIXTURES, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # a note with an unquoted comma would shift the row's fields
    assert all(None not in row and row["note"] is not None for row in rows), "quote notes that contain commas"
    return rows


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
    assert (matching[0].unit or "") == row["unit"]


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


LISTED_TABLES = {
    "petir": ["Tabel 2.1", "Tabel 2.2", "Tabel 2.3", "Tabel 3.1", "Tabel 4.1"],
    "serang": ["Tabel 2.1", "Tabel 2.4"],
    "seririt": ["Tabel 3.1", "Tabel 3.2", "Tabel 3.2 (2)", "Tabel 3.3", "Tabel 3.4", "Tabel 3.6",
                "B. REALISASI ANGGARAN", "Lampiran IKU", "Lampiran CRAAPK"],
    "randuagung": ["TC-23", "TC-24", "TC-25", "TC-27", "TC-28"],
}


@pytest.mark.parametrize("report", LISTED_TABLES)
def test_every_rupiah_cell_of_the_listed_tables_is_a_fact_on_its_line(report_lines, extractions, report):
    """Whatever the alignment did, no amount written in a listed table is lost: each cell that
    reads as rupiah (`1.500.000`, `650.56 2.000`, `121,520,239.00`) is the raw text of a fact
    of its own line."""
    from lumbung.extract.align import cell_kind

    by_line: dict[int, set[str]] = {}
    for f in extractions[report].facts:
        by_line.setdefault(f.source_line, set()).add(f.value_raw)
    lost = [
        (t.label, line.number, cell)
        for t in find_tables(report_lines[report]) if t.label in LISTED_TABLES[report]
        for line in t.lines for cell in line.cells
        if cell_kind(cell) == "money" and cell not in by_line.get(line.number, set())
    ]
    assert lost == []
    assert {t.source_table for t in extractions[report].tables if t.facts} >= set(LISTED_TABLES[report])


def _items(extraction, table):
    return {i.row_index: i for i in extraction.items if i.source_table == table}


def _item_at(items, line, level):
    return next(i for i in items.values() if i.row_line == line and i.item_level == level)


def test_program_beside_its_kegiatan_is_two_items(extractions):
    """Seririt Tabel 3.1 line 313: `1 | PROGRAM ... | 6.942.171.920 | Perencanaan ... | 59,011,380.00 | ...`."""
    on_line = {(f.item_level, f.kind, f.value) for f in extractions["seririt"].facts
               if f.source_table == "Tabel 3.1" and f.source_line == 313}
    assert ("program", "target", Decimal("6942171920")) in on_line
    assert ("kegiatan", "target", Decimal("59011380.00")) in on_line
    assert ("kegiatan", "realisation", Decimal("57761409.00")) in on_line
    items = _items(extractions["seririt"], "Tabel 3.1")
    kegiatan = _item_at(items, 313, "kegiatan")
    assert items[kegiatan.parent_index].item_level == "program"


def test_items_know_their_parent(extractions):
    """Seririt Tabel 3.1: sub kegiatan `Penyediaan Gaji dan Tunjangan ASN` (line 317) sits under the
    bold kegiatan `Administrasi Keuangan Perangkat Daerah` (line 316), itself under the program."""
    items = _items(extractions["seririt"], "Tabel 3.1")
    gaji = _item_at(items, 317, "sub_kegiatan")
    keuangan = items[gaji.parent_index]
    assert (keuangan.row_line, keuangan.item_level) == (316, "kegiatan")
    assert items[keuangan.parent_index].item_level == "program"


def test_bold_heading_without_numbers_is_an_item(extractions):
    """Seririt Tabel 3.1 line 337: a kegiatan with no amounts, not a wrapped part of line 336."""
    items = _items(extractions["seririt"], "Tabel 3.1")
    heading = _item_at(items, 337, "kegiatan")
    assert heading.item_name.startswith("Pemeliharaan Barang Milik Daerah")
    child = _item_at(items, 338, "sub_kegiatan")
    assert child.parent_index == heading.row_index


def test_total_row_with_only_a_note_is_the_total(extractions):
    """Seririt Tabel 3.6 line 977: `| | | 8,624,579,558.00 | 8,379,023,881.00 | 97.15 | Efisiensi`."""
    levels = {f.item_level for f in extractions["seririt"].facts if f.source_table == "Tabel 3.6" and f.source_line == 977}
    assert levels == {"total"}


def test_section_heading_in_capitals_sums_the_programs_below(extractions):
    """Serang Tabel 2.1 line 329: `| | KEWILAYAHAN | | | 1.345.247.264 | ...` heads programs 5001.x."""
    items = _items(extractions["serang"], "Tabel 2.1")
    section = next(i for i in items.values() if i.row_line == 329)
    program = next(i for i in items.values() if i.row_line == 330)
    assert section.item_level == "urusan" and program.parent_index == section.row_index


def test_numbers_without_words_at_the_end_are_the_total(extractions):
    """Seririt Tabel 3.3 line 741: `| | 8,624,579,558 | 8,379,023,881 | | 8,100,000,000`."""
    totals = {(f.kind, f.value) for f in extractions["seririt"].facts
              if f.source_table == "Tabel 3.3" and f.source_line == 741 and f.item_level == "total"}
    assert totals == {("target", Decimal("8624579558")), ("realisation", Decimal("8379023881")),
                      ("target", Decimal("8100000000"))}


def test_a_second_header_in_one_block_starts_a_new_table(extractions):
    """Seririt Tabel 3.2 holds 2020-2022 figures, then from line 540 a 2023 table with its own
    header; its rows must be read with that header (year 2023), not the first one."""
    labels = [t.source_table for t in extractions["seririt"].tables]
    assert "Tabel 3.2 (2)" in labels
    facts = [f for f in extractions["seririt"].facts if f.source_line == 543]
    assert {(f.source_table, f.kind, f.year, f.value) for f in facts} == {
        ("Tabel 3.2 (2)", "target", 2023, Decimal("83599729")),
        ("Tabel 3.2 (2)", "realisation", 2023, Decimal("83091628")),
    }


def test_moved_cells_are_flagged_on_the_fact(extractions):
    """Petir Tabel 4.1 line 662: the code is spread over five cells and the row shifted."""
    moved = {f.cells_moved for f in extractions["petir"].facts if f.source_table == "Tabel 4.1" and f.source_line == 662}
    assert moved == {True}
    kept = {f.cells_moved for f in extractions["petir"].facts if f.source_table == "Tabel 2.3" and f.source_line == 485}
    assert kept == {False}


def test_a_grade_target_stays_as_written(extractions):
    """Petir Tabel 3.1 line 597: the SAKIP target is a grade (`BB`) for every year 2021-2026:
    no number is invented, the grade stays in value_raw, the indicator is `Nilai Sakip`."""
    facts = [f for f in extractions["petir"].facts if f.source_table == "Tabel 3.1" and f.source_line == 597]
    assert sorted(f.year for f in facts) == [2021, 2022, 2023, 2024, 2025, 2026]
    assert {(f.value, f.value_raw, f.value_flag, f.indicator) for f in facts} == {(None, "BB", "non_numeric", "Nilai Sakip")}


def _ratio_inputs_of(report_lines, report, label):
    from lumbung.extract.derived import ratio_inputs
    from lumbung.extract.engine import settle_header

    table = next(t for t in find_tables(report_lines[report]) if t.label == label)
    header = settle_header(table)
    return ratio_inputs(header), {c.index: c for c in header.columns}


def test_ratio_inputs_from_a_column_number_formula(report_lines):
    """Petir Tabel 2.1 numbers its columns `6 | 7 | 8=7/6 | 9 | 10=5+7+9 | 11=10/4`."""
    inputs, cols = _ratio_inputs_of(report_lines, "petir", "Tabel 2.1")
    numerator, denominator = inputs[7]  # column 8 = 7 / 6
    assert (cols[numerator].kind, cols[denominator].kind) == ("realisation", "target")
    assert (cols[numerator].year, cols[denominator].year) == (2022, 2022)
    numerator, denominator = inputs[10]  # column 11 = 10 / 4
    assert (cols[numerator].variant, cols[denominator].index) == ("perkiraan_realisasi", 3)


def test_ratio_inputs_by_year_and_by_position(report_lines):
    inputs, cols = _ratio_inputs_of(report_lines, "randuagung", "TC-23")  # Rasio Capaian Tahun 2023
    ratio_2023 = next(i for i, c in cols.items() if c.role == "derived" and c.header.endswith("2023"))
    numerator, denominator = inputs[ratio_2023]
    assert (cols[numerator].kind, cols[numerator].year) == ("realisation", 2023)
    assert cols[denominator].header.startswith("Target Renstra")  # not `Target NSPK`
    inputs, cols = _ratio_inputs_of(report_lines, "seririt", "Tabel 3.1")
    assert inputs[6] == (5, 4)  # Target | Realisasi | Capaian (%) anggaran
    assert inputs[7] == (None, None)  # Capaian (%) outcome/output: no figures to divide


def test_a_word_in_a_target_cell_is_listed_for_quarantine(extractions):
    """Seririt Tabel 3.3 line 679 writes `Laporan` where the Renstra target is: the fact keeps
    value NULL and the raw word, and the cell is listed as a problem (audit.quarantine)."""
    facts = [f for f in extractions["seririt"].facts if f.source_line == 679 and f.value_raw == "Laporan"]
    assert [(f.value, f.value_flag) for f in facts] == [(None, "non_numeric")]
    problems = [p for p in extractions["seririt"].problems if p.line == 679]
    assert [(p.step, p.raw) for p in problems] == [("value", "Laporan")]


def test_each_target_column_carries_its_own_indicator(extractions):
    """Petir Tabel 4.1 line 662 has three indicator columns (capaian program, keluaran sub
    kegiatan, hasil kegiatan) and a target under each, plus `Tolok Ukur | Target` for 2025."""
    indicator = {f.value_raw: f.indicator for f in extractions["petir"].facts
                 if f.source_table == "Tabel 4.1" and f.source_line == 662 and f.metric == "indicator" and f.year == 2024}
    assert indicator["1 Dok"] == "Jumlah Dokumen Penyediaan Gaji dan Tunjangan ASN"
    assert indicator["2 Dok"] == "Jumlah Dokumen Penyediaan Gaji dan Tunjangan ASN yang disampaikan tepat waktu"
    assert indicator["100%"].startswith("Prosentase perencanaan dan penganggaran")
    forward = [f.indicator for f in extractions["petir"].facts
               if f.source_table == "Tabel 4.1" and f.source_line == 662 and f.metric == "indicator" and f.year == 2025]
    assert forward == ["Persentase Perencanaan"]


def test_a_heading_on_both_sides_is_an_item_not_a_wrapped_name(extractions):
    """Serang Tabel 2.4 line 435 writes `Administrasi Keuangan Perangkat Daerah` in both name
    columns with no numbers, under the complete row of line 433."""
    items = {i.row_line: i.item_name for i in extractions["serang"].items if i.source_table == "Tabel 2.4"}
    assert items[433] == "Evaluasi kinerja perangkat daerah"
    assert items[435] == "Administrasi Keuangan Perangkat Daerah"


def test_money_columns_are_told_from_the_cells_the_rows_would_hold(report_lines):
    """settle_header decides money columns from each measure column's cells after a neutral
    alignment (rows.measure_cells, a pass that builds no rows): on every table of the four
    reports they are the cells that building the rows neutrally puts in the rows' values."""
    from collections import Counter

    from lumbung.extract.rows import build_rows, measure_cells

    compared = 0
    for lines in report_lines.values():
        for table in find_tables(lines):
            if table.kind != "table":
                continue
            header = read_header(table.lines, table.caption)
            if not header.role_columns("measure") and not header.role_columns("derived"):
                continue
            rows, _problems, _uses = build_rows(table.lines, header, neutral=True)
            built: dict[int, Counter] = {}
            for row in rows:
                for index, (cell, _line, _position) in [*row.values.items(), *row.derived.items()]:
                    built.setdefault(index, Counter())[cell] += 1
            assert {i: Counter(cells) for i, cells in measure_cells(table.lines, header).items()} == built, table.label
            compared += 1
    assert compared >= 20
