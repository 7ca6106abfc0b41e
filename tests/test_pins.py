"""Identification end to end (real Prefect flow, dbt, GX and DuckDB): a report of a kecamatan the
reference lacks is quarantined with its evidence, a renamed report is filed under its own
kecamatan, and a pin in raw/lumbung-documents.csv publishes what detection refused, marked as
pinned; changing the pin reads the report again."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import REPORTS, query
from tests.renames import SHARED, Place, rename

pytestmark = pytest.mark.pipeline

PINS_HEADER = ("file,sha256,kecamatan_code,document_type,period_start_year,period_end_year,kecamatan,"
               "kabupaten_kota,provinsi,note\n")


@pytest.fixture(scope="module")
def runs(prefect_harness, tmp_path_factory):
    from flows.nightly import nightly

    raw = tmp_path_factory.mktemp("raw")
    shutil.copy2(REPORTS["seririt"], raw / REPORTS["seririt"].name)
    petir = REPORTS["petir"].read_text(encoding="utf-8").splitlines()
    new = Place("Petir Baru", "Kabupaten Serang", "Banten")
    (raw / "renja-petir-baru.txt").write_text("\n".join(rename(petir, SHARED["petir"], new)), encoding="utf-8")
    lea = Place("Lea-Lea", "Kota Bau Bau", "Sulawesi Tenggara")
    (raw / "renja-lea-lea.txt").write_text("\n".join(rename(petir, SHARED["petir"], lea)), encoding="utf-8")
    warehouse = tmp_path_factory.mktemp("wh") / "lumbung.duckdb"
    first = nightly(raw_dir=str(raw), warehouse=str(warehouse))
    reasons = dict(query(warehouse, "select source_file, reason from audit.quarantine where step = 'document'"))
    (raw / "lumbung-documents.csv").write_text(
        PINS_HEADER + "renja-petir-baru.txt,,36.04.99,,,,Petir Baru,Kabupaten Serang,Banten,new kecamatan\n",
        encoding="utf-8")
    second = nightly(raw_dir=str(raw), warehouse=str(warehouse))
    pinned = query(warehouse, """
        select d.identified_by, k.kecamatan, k.kabupaten_kota, k.in_reference,
               (select count(*) from marts.fct_target t where t.document_id = d.document_id)
        from marts.dim_document d join marts.dim_kecamatan k using (kecamatan_id)
        where d.source_file = 'renja-petir-baru.txt' and d.is_current""")
    (raw / "lumbung-documents.csv").write_text(
        PINS_HEADER + "renja-petir-baru.txt,,36.04.98,,,,Petir Baru,Kabupaten Serang,Banten,code corrected\n",
        encoding="utf-8")
    third = nightly(raw_dir=str(raw), warehouse=str(warehouse))
    return warehouse, first, reasons, second, pinned, third


def test_unknown_kecamatan_is_quarantined_with_its_evidence_and_the_others_published(runs):
    warehouse, first, reasons, *_ = runs
    assert first["files_loaded"] == 2 and first["files_quarantined"] == 1
    assert reasons["renja-petir-baru.txt"].startswith('kecamatan "PETIR BARU" (title, line')
    assert "not in the Kemendagri reference; nearest: Petir (Kabupaten Serang, Banten)" in reasons["renja-petir-baru.txt"]


def test_a_renamed_report_is_filed_under_its_own_kecamatan(runs):
    warehouse, *_ = runs
    rows = query(warehouse, """
        select k.kecamatan, k.kabupaten_kota, k.provinsi, d.identified_by from marts.dim_document d
        join marts.dim_kecamatan k using (kecamatan_id) where d.source_file = 'renja-lea-lea.txt'""")
    assert rows == [("Lea-Lea", "Kota Bau Bau", "Sulawesi Tenggara", "detected")]


def test_a_pin_publishes_what_detection_refused_marked_as_pinned(runs):
    _warehouse, _first, _reasons, second, pinned, _third = runs
    assert second["files_loaded"] == 1 and second["files_skipped"] == 2  # only the pinned file is read again
    [(identified_by, kecamatan, kabupaten, in_reference, facts)] = pinned
    assert identified_by.startswith("pinned: kecamatan") and "lumbung-documents.csv line 2" in identified_by
    assert (kecamatan, kabupaten, in_reference) == ("Petir Baru", "Kabupaten Serang", False)
    assert facts > 0


def test_changing_a_pin_reads_the_report_again(runs):
    warehouse, *_, third = runs
    assert third["files_loaded"] == 1
    rows = query(warehouse, """select kecamatan_id, count(*) over () from marts.dim_document
                               where source_file = 'renja-petir-baru.txt'""")
    assert rows == [("360498", 1)]  # one version, under the corrected code
    assert query(warehouse, "select count(*) from marts.dim_kecamatan where kecamatan_id = '360499'") == [(0,)]
