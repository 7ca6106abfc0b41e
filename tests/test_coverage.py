"""Every number accounted for: each numeric cell of each table block is a fact, a classified
non-fact or a quarantined cell (inputs written here, `|` = tab), and on the four reports and
their other renderings nothing is unaccounted."""

from __future__ import annotations

import pytest

from lumbung.detect import detect_document
from lumbung.extract.coverage import coverage_rows
from lumbung.extract.engine import extract_document
from tests.renderings import TRANSFORMS
from tests.test_blocks import doc


def extract(text: str):
    return extract_document(doc(text), 2024, 2024)


def test_each_number_of_a_table_has_one_class():
    ex = extract("""
Tabel 1.1
No | Kode | Uraian | Target Tahun | Realisasi Tahun | Capaian (%) | Ket
 | | | 2024 | 2024 | |
1 | 2 | 3 | 4 | 5 | 6=5/4 | 7
1 | 7.01.01 | Program Penunjang 2023 | 1.000.000 | 900.000 | 90 | -
2 | 7.01.02 | Program Pelayanan | 2.000.000 | 2.000.000 | 100 |
4
1 | 2 | 3 | 4 | 5 | 6=5/4 | 7
3 | 7.01.03 | Program Pemberdayaan | - | ##### | | catatan 12

Penutup.
""")
    [cov] = ex.coverage
    assert cov.facts == 6  # 1.000.000, 900.000, 2.000.000, 2.000.000, -, #####
    assert dict(cov.not_facts) == {"header": 2, "column_numbers": 12, "row_number": 3, "code": 3,
                                   "derived_ratio": 2, "text_column": 1, "page_furniture": 1}
    assert cov.quarantined == 0 and cov.unaccounted == 0
    assert cov.numeric_cells == cov.facts + sum(cov.not_facts.values())


def test_a_number_under_no_column_is_quarantined_with_its_cell():
    ex = extract("""
Tabel 1.1
No | Uraian | Target Tahun 2024
1 | Program A | 1.000.000 | | | 777
2 | Program B | 2.000.000
""")
    [cov] = ex.coverage
    assert cov.quarantined == 1 and cov.unaccounted == 0
    [problem] = [p for p in ex.problems if p.step == "coverage"]
    assert (problem.line, problem.column, problem.raw) == (3, 6, "777")


def test_blocks_without_facts_say_why():
    ex = extract("""
DAFTAR ISI
Kata Pengantar ..... | ii
BAB I ..... | 1

Pegawai:
No | Nama | Jabatan | Jumlah
1 | Budi | Camat | 1
2 | Ani | Sekcam | 1
""")
    rows = {r["status"]: r for r in coverage_rows(ex)}
    assert rows["table_of_contents"]["table_of_contents"] == 1 and rows["table_of_contents"]["facts"] == 0
    assert rows["no_measures"]["no_measure_columns"] == 4
    assert "no planned, realised or budget column" in rows["no_measures"]["reason"]


@pytest.mark.parametrize("transform", [None, *sorted(TRANSFORMS)])
@pytest.mark.parametrize("report", ["petir", "serang", "seririt", "randuagung"])
def test_nothing_unaccounted_in_any_rendering(report_lines, report, transform):
    lines = report_lines[report] if transform is None else TRANSFORMS[transform](report_lines[report]).lines
    meta = detect_document(report_lines[report])
    ex = extract_document(lines, meta.default_year, meta.period_end_year)
    assert sum(c.unaccounted for c in ex.coverage) == 0
    for cov in ex.coverage:
        assert cov.numeric_cells == cov.facts + sum(cov.not_facts.values()) + cov.quarantined + cov.unaccounted
    published_cells = {(f.source_line, f.source_column) for f in ex.facts}
    assert len(published_cells) == len(ex.facts)  # one cell, one fact
