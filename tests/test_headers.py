"""Stage 2 (header): column roles from the rule table, years from multi-row headers, and the
national forms' column order where a header cell is typo'd.  Inputs written here (`|` = tab)."""

from __future__ import annotations

import pytest

from lumbung.extract.blocks import find_tables
from lumbung.extract.cells import SourceLine
from lumbung.extract.headers import ROLE_RULES, classify_column, read_header
from tests.test_blocks import doc


def header_of(text: str, caption: str = ""):
    lines = [SourceLine(n, t) for n, t in enumerate(doc(text), start=1)]
    return read_header(lines, caption)


def measures(header):
    return [(c.index, c.kind, c.metric, c.year, c.variant, c.header_method)
            for c in header.columns if c.role == "measure"]


@pytest.mark.parametrize("text, role", [
    ("Bulan", "month"), ("Ket", "text"), ("No.", "row_number"), ("Kode", "code"), ("Satuan", "unit"),
    ("Lokasi", "location"), ("Sumber Dana", "text"), ("Indikator Kinerja", "indicator"),
    ("Program/Kegiatan", "name"), ("Capaian (%)", "derived"), ("Target Renja Tahun 2022", "measure"),
    ("Pagu Indikatif (Rp)", "measure"), ("Jabatan", "text"),
])
def test_role_rules(text, role):
    assert classify_column(0, text).role == role


def test_every_role_rule_has_an_example():
    assert all(example for _role, _test, example in ROLE_RULES)


def test_years_from_a_second_header_line_broken_by_the_pdf():
    header = header_of("""
No | Indikator | Target Renstra Tahun | | Realisasi Capaian Tahun |
 | | 201 9 | 20 20 | 202 1 | 2022
1 | 2 | 3 | 4 | 5 | 6
""")
    assert [(i, k, y) for i, k, _m, y, _v, _h in measures(header)] == [
        (2, "target", 2019), (3, "target", 2020), (4, "realisation", 2021), (5, "realisation", 2022)]


def test_renja_evaluation_target_of_year_n_minus_1_by_its_position():
    """T-C.29: target/realisation/rate of n-2, then the target of n-1 and the estimated realisation
    up to n-1.  The n-1 target's header says 2022 (as the n-2 target does): the form decides 2023."""
    header = header_of("""
NO | Program | Indikator | Target dan Realisasi Kinerja Tahun 2022 | | | Target Program (Renja Tahun 2022) | Perkiraan Realisasi Capaian s/d Tahun 2023
 | | | Target Renja Tahun 2022 | Realisasi Renja Tahun 2022 | Tingkat Realisasi (%) | | Realisasi s/d Thn. 2023
1 | 2 | 3 | 4 | 5 | 6=5/4 | 7 | 8
""")
    assert measures(header) == [
        (3, "target", "indicator", 2022, None, "as_written"),
        (4, "realisation", "indicator", 2022, None, "as_written"),
        (6, "target", "indicator", 2023, None, "form_position"),
        (7, "realisation", "indicator", 2023, "perkiraan_realisasi", "as_written"),
    ]


def test_a_year_that_breaks_a_run_of_years_takes_its_position():
    header = header_of("""
No | Program | Tahun | | | Kegiatan | TAHUN 2020 | TAHUN 2021 | TAHUN 2022
 | | 2020 | 2021 | 2023 | | Target | Target | Target
1 | Program A | 1.000.000 | 2.000.000 | 3.000.000 | Kegiatan | 100.000 | 200.000 | 300.000
""")
    years = {i: (y, h) for i, _k, _m, y, _v, h in measures(header)}
    assert years[2] == (2020, "as_written") and years[3] == (2021, "as_written")
    assert years[4] == (2022, "form_position")


def test_a_run_of_years_without_a_break_is_kept():
    header = header_of("""
No | Program | Tahun | | | Kegiatan
 | | 2021 | 2022 | 2023 |
1 | Program A | 1.000.000 | 2.000.000 | 3.000.000 | Kegiatan
""")
    assert [y for _i, _k, _m, y, _v, _h in measures(header)] == [2021, 2022, 2023]


def test_standard_targets_are_variants_not_the_same_year_three_times():
    header = header_of("""
No | Indikator Kinerja | Targ et NSP K | Targ et IKK | Target Indika tor Lainny a | Target Renstra Tahun 2019
1 | Nilai IKM | N/A | N/A | - | 83
""", caption="tahun 2019 s/d 2023")
    assert [v for _i, _k, _m, _y, v, _h in measures(header)] == [
        "standar_nspk", "standar_ikk", "standar_lainnya", "renstra"]


def test_a_year_alone_on_a_row_starts_a_section_not_a_header_line():
    table = find_tables(doc("""
Kerjasama:
NO | NAMA PEKERJAAN | NO KONTRAK | NAMA PENYEDIA | KET
TAHUN 2019 | | | |
1 | Belanja Alat Tulis Kantor | 027/01/PPK/2019 | TOKO AMINAH |
2 | Belanja Modal | 027/09/PPK/2019 | CV. AA JAYA |
"""))[0]
    header = read_header(table.lines)
    assert header.body_start == 1
    assert not header.role_columns("measure")


def test_year_section_rows_give_their_year_to_the_rows_below():
    """`TAHUN 2020` alone on a row inside the table: the rows under it speak of 2020, where the
    columns name no year of their own; a column's own year always wins."""
    from lumbung.extract.engine import extract_document

    ex = extract_document(doc("""
Tabel 1.1
No | Uraian | Target | Realisasi | Target Renstra 2026
TAHUN 2020 | | | |
1 | Kegiatan A | 10 | 9 | 50
2021 | | | |
2 | Kegiatan B | 20 | 18 | 60
"""), 2024, 2024)
    years = {(f.item_name, f.kind, f.variant): f.year for f in ex.facts}
    assert years[("Kegiatan A", "target", None)] == 2020 and years[("Kegiatan A", "realisation", None)] == 2020
    assert years[("Kegiatan B", "target", None)] == 2021
    assert years[("Kegiatan B", "target", "renstra")] == 2026
    assert sum(c.not_facts["header"] for c in ex.coverage) == 1  # the lone `2021` is a header cell, not a fact
