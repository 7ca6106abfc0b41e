"""Reports as PDF, Word and Excel in raw/ beside a text one, end to end (real Prefect flow, dbt,
GX and DuckDB): each is registered and publishes the facts of its text version, PDF facts carry
their page, every document's lines are in the warehouse, a scanned PDF is quarantined."""

from __future__ import annotations

import pytest

from lumbung.detect import detect_document
from lumbung.documents import read_document
from lumbung.extract.engine import extract_document
from tests.conftest import REPORTS, query
from tests.render import scanned_pdf, to_docx, to_pdf, to_xlsx

pytestmark = pytest.mark.pipeline

AS = {"petir": ("pdf", to_pdf), "serang": ("docx", to_docx), "seririt": ("xlsx", to_xlsx)}


@pytest.fixture(scope="module")
def published(prefect_harness, tmp_path_factory):
    from flows.nightly import nightly

    raw = tmp_path_factory.mktemp("raw")
    for name, (fmt, render) in AS.items():
        render(read_document(REPORTS[name]).lines, raw / f"{name}.{fmt}")
    (raw / REPORTS["randuagung"].name).write_bytes(REPORTS["randuagung"].read_bytes())
    scanned_pdf(raw / "scan.pdf")
    warehouse = tmp_path_factory.mktemp("wh") / "lumbung.duckdb"
    return warehouse, nightly(raw_dir=str(raw), warehouse=str(warehouse))


def test_every_format_is_registered_and_publishes_its_facts(published):
    warehouse, result = published
    assert (result["files_loaded"], result["files_quarantined"]) == (4, 1)
    rows = dict(((f, k), n) for f, k, n in query(warehouse, """
        select d.format, d.kecamatan_id, (select count(*) from marts.fct_target t where t.document_id = d.document_id)
               + (select count(*) from marts.fct_realisation r where r.document_id = d.document_id)
        from marts.dim_document d"""))
    for name, (fmt, _render) in AS.items():
        lines = read_document(REPORTS[name]).lines
        meta = detect_document(lines)
        expected = len(extract_document(lines, meta.default_year, meta.period_end_year).facts)
        assert rows[(fmt, meta.kecamatan.code.replace(".", ""))] == expected


def test_pdf_facts_carry_their_page_and_their_line(published):
    warehouse, _ = published
    [(facts, with_page, pages)] = query(warehouse, """
        select count(*), count(source_page), count(distinct source_page) from marts.fct_target
        where document_id in (select document_id from marts.dim_document where format = 'pdf')""")
    assert facts > 0 and with_page == facts and pages > 3
    mismatched = query(warehouse, """
        select count(*) from marts.fct_target f join raw.document_lines l using (document_id, source_line)
        where f.document_id in (select document_id from marts.dim_document where format = 'pdf')
          and (l.source_page <> f.source_page or strpos(l.text, split_part(f.value_raw, ' ', 1)) = 0)""")
    assert mismatched == [(0,)]
    assert query(warehouse, "select count(distinct document_id) from raw.document_lines") == [(4,)]


def test_a_scanned_pdf_is_quarantined_as_needing_ocr(published):
    warehouse, _ = published
    assert query(warehouse, "select reason from audit.quarantine where source_file = 'scan.pdf'") == [
        ("no text layer: needs OCR (scanned pages)",)]
