"""Reports as people have them: the shared reports rendered inside the test run as PDF (ruled
tables over many pages), Word and Excel give the same facts as their text versions; what
cannot be read says why.  Each reader's quirks on a few cells written here."""

from __future__ import annotations

from collections import Counter

import pytest

from lumbung.detect import detect_document
from lumbung.documents import UnreadableDocument, read_document
from lumbung.extract.cells import as_tab_separated, clean_cell
from lumbung.extract.engine import extract_document
from tests.conftest import REPORTS
from tests.render import scanned_pdf, to_docx, to_pdf, to_xlsx

RENDER = {"pdf": to_pdf, "docx": to_docx, "xlsx": to_xlsx}


def meaning(f):
    return (clean_cell(f.value_raw), f.value, f.metric, f.kind, f.year, f.variant, f.month, f.unit)


def read(path):
    doc = read_document(path)
    lines = [as_tab_separated(line) for line in doc.lines]
    meta = detect_document(lines)
    return doc, meta, extract_document(lines, meta.default_year, meta.period_end_year)


@pytest.fixture(scope="module")
def text_versions():
    return {name: read(path) for name, path in REPORTS.items()}


@pytest.mark.parametrize("fmt", sorted(RENDER))
@pytest.mark.parametrize("report", sorted(REPORTS))
def test_same_facts_as_the_text_version(text_versions, tmp_path, report, fmt):
    _doc, meta, expected = text_versions[report]
    path = RENDER[fmt](read_document(REPORTS[report]).lines, tmp_path / f"{report}.{fmt}")
    doc, got_meta, got = read(path)
    assert doc.format == fmt
    assert (got_meta.kecamatan, got_meta.document_type, got_meta.period_start_year, got_meta.period_end_year) == (
        meta.kecamatan, meta.document_type, meta.period_start_year, meta.period_end_year)
    lost = Counter(map(meaning, expected.facts)) - Counter(map(meaning, got.facts))
    extra = Counter(map(meaning, got.facts)) - Counter(map(meaning, expected.facts))
    assert not lost and not extra, (sum(lost.values()), list(lost)[:3], sum(extra.values()), list(extra)[:3])
    assert sum(c.unaccounted for c in got.coverage) == 0
    if fmt == "pdf":  # every fact knows its page, and its line is on that page
        pages = {doc.page_of(f.source_line) for f in got.facts}
        assert None not in pages and len(pages) > 3


def test_pdf_cells_wrapped_inside_words_and_numbers_are_joined(tmp_path):
    lines = ["RENCANA KERJA (RENJA) TAHUN 2024", "KECAMATAN PETIR", "KABUPATEN SERANG", "", "KATA PENGANTAR", "",
             "Tabel 1.1", "No\tKode\tProgram\tPagu Indikatif Tahun 2024 (Rp)\tSumber Dana\tKeterangan",
             "1\t7.01.01\t<b>PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH</b>\t3.098.947.496\tDAU\tTAHUN 2021",
             "2\t7.01.02\tProgram Penyelenggaraan Pemerintahan dan Pelayanan Publik\t120.000.000\tDAU\t-"]
    doc = read_document(to_pdf(lines, tmp_path / "small.pdf"))
    rows = [line.split("\t") for line in doc.lines if "\t" in line]
    assert rows[1] == ["1", "7.01.01", "<b>PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH</b>", "3.098.947.496", "DAU",
                       "TAHUN 2021"]
    assert rows[0][3] == "Pagu Indikatif Tahun 2024 (Rp)"
    assert doc.page_of(doc.lines.index("\t".join(rows[1])) + 1) == 1


def test_docx_merged_and_nested_cells(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Tabel 1.1")
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 2).merge(table.cell(0, 3)).text = "Tahun 2024"
    table.cell(0, 0).merge(table.cell(1, 0)).text = "No"
    for c, text in enumerate(["", "Program", "Target", "Realisasi"]):
        if text:
            table.cell(1, c).text = text
    for c, text in enumerate(["1", "Program A", "10", "9"]):
        table.cell(2, c).text = text
    table.cell(2, 1).add_table(rows=1, cols=2).cell(0, 0).text = "inner"
    path = tmp_path / "merged.docx"
    document.save(str(path))
    lines = read_document(path).lines
    body = [line for line in lines if "\t" in line]
    assert body[0] == "No\t\tTahun 2024\t"  # the merged title once, in its first column
    assert body[1] == "\tProgram\tTarget\tRealisasi"  # the vertically merged `No` not repeated
    assert body[2].split("\t")[:2] == ["1", "Program A inner"] or body[2].split("\t")[:2] == ["1", "Program A"]
    assert any(line.startswith("inner\t") for line in body)  # the nested table follows its row


def test_xlsx_sheets_and_numbers(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Renja 2024"
    sheet.append(["Tabel 1.1"])
    sheet.append(["No", "Program", "Pagu Tahun 2024 (Rp)", "Capaian (%)"])
    sheet.append([1, "Program A", 3552000000, 98.12])
    sheet.append(["TAHUN 2025"])
    sheet.append([2, "Program B", 1250000.0, 100])
    path = tmp_path / "sipd.xlsx"
    book.save(str(path))
    lines = read_document(path).lines
    assert lines[0] == "## Renja 2024" and "Tabel 1.1" in lines
    assert "1\tProgram A\t3552000000\t98.12" in lines
    assert "TAHUN 2025\t\t\t" in lines  # a one-cell row between table rows stays in the table
    assert "2\tProgram B\t1250000\t100" in lines


@pytest.mark.parametrize("name, make, reason", [
    ("scan.pdf", lambda p: scanned_pdf(p), "no text layer: needs OCR"),
    ("cut.pdf", lambda p: p.write_bytes(to_pdf(["Tabel 1.1"], p.with_name("whole.pdf")).read_bytes()[:300]),
     "PDF"),
    ("locked.pdf", lambda p: _encrypted_pdf(p), "encrypted"),
    ("broken.docx", lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "not a readable Word file"),
    ("broken.xlsx", lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "not a readable Excel file"),
    ("old.doc", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0 word 97"), "legacy Word 97-2003"),
    ("old.xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0 excel 97"), "legacy Excel 97-2003"),
    ("slides.pptx", lambda p: p.write_bytes(b"PK\x03\x04 slides"), "PowerPoint"),
    ("photo.jpg", lambda p: p.write_bytes(b"\xff\xd8\xff\xe0 jpeg"), "an image: needs OCR"),
])
def test_what_cannot_be_read_says_why(tmp_path, name, make, reason):
    path = tmp_path / name
    make(path)
    with pytest.raises(UnreadableDocument, match=reason):
        read_document(path)


def _encrypted_pdf(path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt="rahasia")
    pdf.drawString(100, 700, "RENCANA KERJA KECAMATAN PETIR TAHUN 2024")
    pdf.showPage()
    pdf.save()
    return path
