"""Stage 1 (blocks): tables found by their structure, one quirk per test, the input written here.

Tabs are written `|` in the inputs below and turned into tabs by `doc()`."""

from __future__ import annotations

import pytest

from lumbung.extract.blocks import find_tables, furniture_kind, parse_label, roman_to_int

HEADER = "No | Uraian | Target Tahun 2024 | Realisasi Tahun 2024"


def doc(text: str) -> list[str]:
    """Lines of a report written with `|` between cells (a line without `|` has no tab)."""
    return ["\t".join(c.strip() for c in line.split("|")) if "|" in line else line for line in text.strip("\n").split("\n")]


def rows(n: int, start: int = 1) -> str:
    return "\n".join(f"{k} | Kegiatan {k} | {k}0 | {k}5" for k in range(start, start + n))


@pytest.mark.parametrize("text, label", [
    ("Tabel 2.1", "Tabel 2.1"),
    ("Tabel 2. 1", "Tabel 2.1"),
    ("Tabel II.1", "Tabel 2.1"),
    ("TABEL III.2", "Tabel 3.2"),
    ("TABEL III.2.1 Capaian", "Tabel 3.2.1"),
    ("Tabel 2-1", "Tabel 2.1"),
    ("Table 2.1: Rekapitulasi", "Tabel 2.1"),
    ("**Tabel 3.1**", "Tabel 3.1"),
    ("### Tabel 4.1", "Tabel 4.1"),
    ("<b>Tabel IV.1</b>", "Tabel 4.1"),
    ("Tabel. 2.2", "Tabel 2.2"),
    ("TABEL 6.1 TC-27", "TC-27"),
    ("TABEL T-C.24", "TC-24"),
    ("T-C.23 Pencapaian Kinerja", "TC-23"),
    ("Tabel 4.1 – TC-25", "TC-25"),
    ("Lampiran : Indikator Kinerja Utama (IKU)", "Lampiran IKU"),
    ("Lampiran II", "Lampiran 2"),
])
def test_label_spellings(text, label):
    assert parse_label(text).label == label


@pytest.mark.parametrize("text", [
    "Tabel 2.1 di atas menunjukkan bahwa sebagian besar kegiatan telah mencapai target yang ditetapkan.",
    "Tabel Indikator",  # a word, not a Roman number
    "Dalam tabel 2.1 berikut",
])
def test_sentences_are_not_labels(text):
    assert parse_label(text) is None


def test_roman_numbers():
    assert [roman_to_int(r) for r in ("I", "IV", "IX", "XIV", "ABC")] == [1, 4, 9, 14, None]


def test_label_above_with_caption():
    tables = find_tables(doc(f"""
Teks pengantar.

Tabel II.3
Capaian Kinerja Tahun 2024

{HEADER}
{rows(3)}

Paragraf berikutnya.
"""))
    assert [(t.label, t.caption, t.named_by, len(t.lines)) for t in tables] == [
        ("Tabel 2.3", "Capaian Kinerja Tahun 2024", "label", 4)]


def test_labels_below_their_tables():
    tables = find_tables(doc(f"""
Pengantar.

{HEADER}
{rows(2)}

Tabel 1.1
Capaian A

{HEADER}
{rows(2)}
Tabel 1.2
Capaian B

Penutup.
"""))
    assert [(t.label, t.caption) for t in tables] == [("Tabel 1.1", "Capaian A"), ("Tabel 1.2", "Capaian B")]


def test_unlabelled_table_is_named_by_its_caption():
    tables = find_tables(doc(f"""
Uraian kinerja sebagai berikut.

REKAPITULASI EVALUASI PELAKSANAAN RENJA
DAN CAPAIAN RENSTRA PERIODE 2021-2026

{HEADER}
{rows(2)}
"""))
    assert tables[0].label == "REKAPITULASI EVALUASI PELAKSANAAN RENJA"
    assert tables[0].caption == "REKAPITULASI EVALUASI PELAKSANAAN RENJA DAN CAPAIAN RENSTRA PERIODE 2021-2026"
    assert tables[0].named_by == "caption"


def test_note_of_the_table_above_is_not_a_caption():
    tables = find_tables(doc(f"""
{HEADER}
{rows(2)}
Sumber : Data Kepegawaian 2023

{HEADER}
{rows(2)}
"""))
    assert len(tables) == 2
    assert "Sumber" not in tables[1].label and tables[1].named_by == "header"


@pytest.mark.parametrize("footer", [
    "12",
    "- 12 -",
    "Halaman 12 dari 40",
    "Renja Kecamatan Petir Tahun 2024 | Halaman 12",
    "12 | Renja Kecamatan Petir Tahun 2024",
    "Renja Kecamatan Petir Tahun 2024\tHalaman 12",
    "-- | -- | -- | --",
])
def test_page_furniture_does_not_end_a_table(footer):
    lines = doc(f"""
Tabel 1.1
{HEADER}
{rows(3)}

""") + [footer, ""] + doc(f"""
1 | 2 | 3 | 4
{rows(3, start=4)}

Penutup.
""")
    tables = find_tables(lines)
    assert [t.label for t in tables] == ["Tabel 1.1"]
    assert len(tables[0].lines) == 1 + 3 + 1 + 3  # header, rows, column numbers repeated, rows
    assert [f.text for f in tables[0].furniture] == [footer]


def test_running_title_repeated_on_every_page():
    title = "RENCANA KERJA KECAMATAN PETIR TAHUN 2024"
    lines = [title, ""] + doc(f"Tabel 1.1\n{HEADER}\n{rows(2)}") + ["", title, ""] + doc(rows(2, 3)) + [
        "", title, ""] + doc(rows(2, 5)) + ["", "Penutup."]
    tables = find_tables(lines)
    assert len(tables) == 1 and len(tables[0].lines) == 7
    assert {f.kind for f in tables[0].furniture} == {"running_title"}


@pytest.mark.parametrize("line, kind", [
    ("\t\t\t005\tPelaksanaan musyawarah pembangunan kecamatan", None),  # a legacy-coded row, not a footer
    ("\t\t12\t", None),  # a wrapped number
    ("Kata Pengantar .....\t12", None),  # a table of contents line
    ("Halaman 3", "page_number"),
    ("Renja Kecamatan Serang | Halaman 3", "page_footer"),
    ("Renja Kecamatan Petir 2024\t12", "page_footer"),
    ("12\tLKjIP Kecamatan Seririit", "page_footer"),
    ("Penyusunan Dokumen Renja\t12", None),  # a document word alone does not make a footer
])
def test_what_is_furniture(line, kind):
    assert furniture_kind(line) == kind


def test_every_block_is_returned_with_its_kind():
    kinds = [t.kind for t in find_tables(doc("""
DAFTAR ISI
Kata Pengantar ..... | ii
BAB I ..... | 1

Wilayah:
Luas wilayah | 111,78 Km2

Penutup.
"""))]
    assert kinds == ["table_of_contents", "too_short"]


def test_a_second_table_in_one_block_is_its_own_part():
    tables = find_tables(doc(f"""
Tabel 3.2
{HEADER}
{rows(2)}
NO | Program | Target 2023 | Realisasi 2023
{rows(2)}
"""))
    assert [t.label for t in tables] == ["Tabel 3.2", "Tabel 3.2 (2)"]


def test_a_page_title_printed_once_inside_a_table():
    lines = doc(f"Tabel 1.1\n{HEADER}\n{rows(3)}") + ["", "Rencana Kerja Kecamatan Petir Tahun 2024", ""] + doc(
        f"{HEADER}\n{rows(3, 4)}") + ["", "Penutup."]
    tables = find_tables(lines)
    assert len(tables) == 1 and len(tables[0].lines) == 8
    assert [f.kind for f in tables[0].furniture] == ["running_title"]


def test_a_caption_between_two_tables_is_not_a_page_title():
    lines = doc(f"{HEADER}\n{rows(3)}") + ["", "Rencana Kerja Kecamatan Petir Tahun 2024", ""] + doc(
        "Kode | Program | Pagu Tahun 2024\n7.01.01 | Program A | 1.000.000")
    assert len(find_tables(lines)) == 2


def test_markdown_tables_are_tables():
    from lumbung.extract.cells import as_tab_separated

    assert as_tab_separated("| NO | Program | Pagu |") == "NO\tProgram\tPagu"
    assert as_tab_separated("|---|---|---|") == "---\t---\t---"
    assert as_tab_separated("Renja Kecamatan Petir | Halaman 12") == "Renja Kecamatan Petir | Halaman 12"
    lines = [as_tab_separated(line) for line in [
        "Tabel 1.1", "| No | Uraian | Target Tahun 2024 |", "|---|---|---|", "| 1 | Kegiatan A | 10 |",
        "| 2 | Kegiatan B | 20 |", "", "Penutup."]]
    [table] = find_tables(lines)
    assert table.label == "Tabel 1.1" and len(table.lines) == 3 and [f.kind for f in table.furniture] == ["rule"]
