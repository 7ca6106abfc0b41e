"""Bad input, built on the fly beside the real reports: every bad file ends in audit.quarantine
with a reason a person understands, the good reports are published, a changed report replaces
its earlier version (real Prefect flow, dbt, GX and DuckDB)."""

from __future__ import annotations

from collections import Counter

import pytest

from lumbung.detect import detect_document
from lumbung.documents import read_document
from lumbung.extract.engine import extract_document
from tests.conftest import REPORTS, copy_reports, query

pytestmark = pytest.mark.pipeline

DAMAGED_CELL = "75.6#2.0O0"  # Serang Tabel 2.1 line 306 writes 75.692.000


@pytest.fixture(scope="module")
def mixed(prefect_harness, tmp_path_factory):
    from flows.nightly import nightly

    raw = copy_reports(tmp_path_factory.mktemp("mixed"), ("petir", "seririt", "randuagung"))
    petir_lines = REPORTS["petir"].read_text(encoding="utf-8").splitlines()
    (raw / "empty.txt").write_bytes(b"")
    (raw / "scan.pdf").write_bytes(b"%PDF-1.7\n\x00\x01\x02" + bytes(range(256)))
    (raw / "resep.txt").write_text("Resep nasi goreng\nBahan: nasi, telur, kecap\n", encoding="utf-8")
    (raw / "petir-cut.txt").write_text("\n".join(petir_lines[:300]) + "\n", encoding="utf-8")
    (raw / "petir-copy.txt").write_bytes(REPORTS["petir"].read_bytes())  # same bytes, another name
    (raw / "randuagung-utf16.txt").write_text(REPORTS["randuagung"].read_text(encoding="utf-8"), encoding="utf-16")
    serang = REPORTS["serang"].read_text(encoding="utf-8").splitlines()
    serang[305] = serang[305].replace("75.692.000", DAMAGED_CELL)  # one table damaged
    (raw / "serang-damaged.txt").write_text("\n".join(serang), encoding="utf-8")
    warehouse = tmp_path_factory.mktemp("wh") / "lumbung.duckdb"
    result = nightly(raw_dir=str(raw), warehouse=str(warehouse))
    return raw, warehouse, result


def _reasons(warehouse):
    return dict(query(warehouse, "select source_file, reason from audit.quarantine where source_line is null"))


def test_good_reports_are_published_and_every_bad_file_is_quarantined(mixed):
    _raw, warehouse, result = mixed
    assert (result["files_loaded"], result["files_quarantined"]) == (4, 6)
    kecamatan = {k for (k,) in query(warehouse, "select kecamatan_id from marts.dim_document where is_current")}
    assert kecamatan == {"360419", "367301", "510802", "350818"}
    reasons = _reasons(warehouse)
    assert reasons["empty.txt"] == "empty file"
    assert "not a readable PDF" in reasons["scan.pdf"]
    assert "no Renja, Renstra or LKjIP" in reasons["resep.txt"]
    assert reasons["petir-cut.txt"].startswith("truncated") and "line 300" in reasons["petir-cut.txt"]


def test_a_copy_is_loaded_once_whatever_its_name_or_encoding(mixed):
    _raw, warehouse, _ = mixed
    reasons = _reasons(warehouse)
    petir = {REPORTS["petir"].name, "petir-copy.txt"}
    copies = [f for f in petir if f in reasons]
    assert len(copies) == 1 and "same content as " + (petir - set(copies)).pop() in reasons[copies[0]]
    randuagung = {REPORTS["randuagung"].name, "randuagung-utf16.txt"}
    copies = [f for f in randuagung if f in reasons]
    assert len(copies) == 1 and "same text as" in reasons[copies[0]]
    assert query(warehouse, "select count(*) from marts.dim_document") == [(4,)]


def test_a_utf16_report_is_read_as_the_original(mixed):
    """Whichever of the two Randuagung files was loaded, the facts are the original's."""
    _raw, warehouse, _ = mixed
    lines = read_document(REPORTS["randuagung"]).lines
    meta = detect_document(lines)
    expected = Counter((f.source_line, f.kind, f.metric, f.year, f.value_raw)
                       for f in extract_document(lines, meta.default_year, meta.period_end_year).facts)
    got = Counter(query(warehouse, """
        select f.source_line, f.kind, f.metric, f.year, f.value_raw
        from (select *, 'target' as kind from marts.fct_target
              union all by name select *, 'realisation' as kind from marts.fct_realisation) f
        where f.kecamatan_id = '350818'"""))
    assert got == expected


def test_a_damaged_cell_is_quarantined_with_its_line_and_the_rest_is_published(mixed):
    _raw, warehouse, _ = mixed
    rows = query(warehouse, """select source_table, source_line, raw_text, step from audit.quarantine
                               where source_file = 'serang-damaged.txt'""")
    assert rows == [("Tabel 2.1", 306, DAMAGED_CELL, "value")]
    for table in ("fct_target", "fct_realisation"):  # the readable cells of the damaged line are still there
        values = query(warehouse, f"""select value_raw from marts.{table} where kecamatan_id = '367301'
                                      and source_table = 'Tabel 2.1' and source_line = 306 and year = 2020""")
        assert values == [("7.002.000",)]


def test_a_changed_report_replaces_its_earlier_version(mixed):
    from flows.nightly import nightly

    raw, warehouse, _ = mixed
    lines = REPORTS["petir"].read_text(encoding="utf-8").split("\n")
    assert "3.552.000.000" in lines[483]  # Tabel 2.3 line 484, URUSAN KEWILAYAHAN, rancangan awal
    lines[483] = lines[483].replace("3.552.000.000", "3.600.000.000")
    (raw / "renja-petir-2024-revisi.txt").write_text("\n".join(lines), encoding="utf-8")
    before = query(warehouse, "select count(*) from marts.fct_target where kecamatan_id = '360419'")
    result = nightly(raw_dir=str(raw), warehouse=str(warehouse))
    assert result["files_loaded"] == 1
    versions = query(warehouse, """select version_number, is_current, source_file from marts.dim_document
                                   where kecamatan_id = '360419' order by version_number""")
    assert [(v, c) for v, c, _ in versions] == [(1, False), (2, True)]
    assert versions[1][2] == "renja-petir-2024-revisi.txt"
    assert query(warehouse, "select count(*) from marts.fct_target where kecamatan_id = '360419'") == before
    values = {v for (v,) in query(warehouse, """select value_raw from marts.fct_target
                                                where kecamatan_id = '360419' and source_line = 484""")}
    assert "3.600.000.000" in values and "3.552.000.000" not in values
    assert query(warehouse, "select count(*) - count(distinct fact_id) from marts.fct_target") == [(0,)]
