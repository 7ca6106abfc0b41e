"""The nightly flow end to end on the four real reports (real Prefect, dbt, GX and DuckDB)."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from lumbung import pipeline
from tests.conftest import REPORTS, copy_reports, query

pytestmark = pytest.mark.pipeline

CONTRACT = {
    "dim_document": ["document_id", "document_type", "kecamatan_id", "period_start_year", "period_end_year",
                     "source_file", "source_sha256", "loaded_at"],
    "dim_kecamatan": ["kecamatan_id", "kecamatan", "kabupaten_kota", "provinsi", "kemendagri_code"],
    "dim_year": ["year"],
    "dim_nomenclature": ["nomenclature_code", "level", "name", "parent_code"],
    "fct_target": ["fact_id", "document_id", "kecamatan_id", "year", "nomenclature_code", "item_level", "item_name",
                   "indicator", "metric", "variant", "value", "unit", "source_table", "source_line"],
    "fct_realisation": ["fact_id", "document_id", "kecamatan_id", "year", "nomenclature_code", "item_level",
                        "item_name", "indicator", "metric", "variant", "value", "unit", "source_table", "source_line"],
    "mart_target_vs_realisation": ["achievement_pct"],
}


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory) -> Path:
    return copy_reports(tmp_path_factory.mktemp("raw"))


@pytest.fixture(scope="module")
def first_run(prefect_harness, raw_dir, tmp_path_factory):
    from flows.nightly import nightly

    warehouse = tmp_path_factory.mktemp("wh") / "lumbung.duckdb"
    result = nightly(raw_dir=str(raw_dir), warehouse=str(warehouse))
    return warehouse, result


def test_all_four_reports_are_registered(first_run):
    warehouse, result = first_run
    assert result["files_loaded"] == 4 and result["files_quarantined"] == 0
    rows = query(warehouse, """
        select d.document_type, k.kecamatan, k.kabupaten_kota, k.provinsi, k.kemendagri_code,
               d.period_start_year, d.period_end_year
        from marts.dim_document d join marts.dim_kecamatan k using (kecamatan_id) order by k.kemendagri_code""")
    assert rows == [
        ("renstra", "Randuagung", "Kabupaten Lumajang", "Jawa Timur", "35.08.18", 2024, 2026),
        ("renja", "Petir", "Kabupaten Serang", "Banten", "36.04.19", 2024, 2024),
        ("renja", "Serang", "Kota Serang", "Banten", "36.73.01", 2022, 2022),
        ("lkjip", "Seririt", "Kabupaten Buleleng", "Bali", "51.08.02", 2023, 2023),
    ]


def test_marts_follow_the_contract(first_run):
    warehouse, _ = first_run
    for table, columns in CONTRACT.items():
        have = [r[0] for r in query(warehouse, f"select column_name from information_schema.columns "
                                               f"where table_schema = 'marts' and table_name = '{table}'")]
        assert set(columns) <= set(have), (table, set(columns) - set(have))


def test_published_facts_match_the_labelled_figures(first_run):
    warehouse, _ = first_run
    files = {name: path.name for name, path in REPORTS.items()}
    with open(Path(__file__).parent / "fixtures" / "labelled_facts.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            table = "fct_target" if row["kind"] == "target" else "fct_realisation"
            got = query(warehouse, f"""
                select f.value, coalesce(f.unit, '') from marts.{table} f join marts.dim_document d using (document_id)
                where d.source_file = '{files[row['report']]}' and f.source_table = '{row['source_table']}'
                  and f.source_line = {row['source_line']} and f.metric = '{row['metric']}'
                  and f.year = {row['year']} and coalesce(f.variant, '') = '{row['variant']}'
                  and coalesce(cast(f.month as varchar), '') = '{row['month']}'""")
            # one line can hold two items' numbers (a program's pagu beside its kegiatan's target)
            assert (Decimal(row["value"]), row["unit"]) in got, row


def _seririt_checks(warehouse: Path, where: str):
    return query(warehouse, f"""
        select r.check_type, r.status, r.item_level, r.kind, r.stated_value_raw, r.stated_value,
               r.computed_value, r.difference, r.parts, r.part_lines
        from audit.reconciliation r join marts.dim_document d using (document_id)
        where d.source_file = '{REPORTS["seririt"].name}' and r.source_table = 'Tabel 3.1' and {where}""")


def test_reconciliation_lists_the_typo_with_the_value_as_stated(first_run):
    """Seririt Tabel 3.1 line 339 writes the realisation `6.5025.000`: published as the document
    states it (65,025,000) and listed in audit.reconciliation for a person to check."""
    warehouse, _ = first_run
    rows = _seririt_checks(warehouse, "r.source_line = 339 and r.check_type = 'irregular_number'")
    assert [(r[1], r[3], r[4], r[5]) for r in rows] == [("suspect", "realisation", "6.5025.000", Decimal("65025000"))]


def test_reconciliation_lists_a_separator_unlike_its_column(first_run):
    """Seririt Tabel 3.1 line 359 writes `164,017,533` in a column of `1.000.000` amounts."""
    warehouse, _ = first_run
    rows = _seririt_checks(warehouse, "r.source_line = 359 and r.check_type = 'irregular_number'")
    assert [(r[1], r[4], r[5]) for r in rows] == [("suspect", "164,017,533", Decimal("164017533"))]


def test_reconciliation_compares_a_kegiatan_with_its_sub_kegiatan(first_run):
    """Seririt Tabel 3.1 line 316: kegiatan `Administrasi Keuangan Perangkat Daerah` states a pagu of
    6.036.019.539; its five sub kegiatan (lines 317-321) add up to 6.036.019.536 (read by hand):
    a mismatch of 3 rupiah, kept as stated.  Its realisation 5.998.034.108 does add up."""
    warehouse, _ = first_run
    rows = {r[3]: r for r in _seririt_checks(warehouse, "r.source_line = 316 and r.check_type = 'parent_vs_children'")}
    target = rows["target"]
    assert target[1:3] == ("mismatch", "kegiatan")
    assert (target[5], target[6], target[7], target[8]) == (
        Decimal("6036019539"), Decimal("6036019536"), Decimal("3"), 5)
    assert target[9] == "317, 318, 319, 320, 321"
    assert rows["realisation"][1] == "match"


def test_reconciliation_recomputes_stated_ratios(first_run):
    """Seririt Tabel 3.1: line 314 states 99,39 % for 83.091.628 / 83.599.729 (99.39 %): match;
    line 343 states 99,19 % for 10.720.000 / 10.720.000 (100 %): mismatch, kept as stated."""
    warehouse, _ = first_run
    rows = {r[0]: r for r in query(warehouse, f"""
        select r.source_line, r.status, r.stated_value, round(r.computed_value, 2)
        from audit.reconciliation r join marts.dim_document d using (document_id)
        where d.source_file = '{REPORTS["seririt"].name}' and r.source_table = 'Tabel 3.1'
          and r.check_type = 'derived_ratio' and r.source_line in (314, 343) and r.status <> 'not_checked'""")}
    assert rows[314][1:] == ("match", Decimal("99.39"), Decimal("99.39"))
    assert rows[343][1:] == ("mismatch", Decimal("99.19"), Decimal("100.00"))


def test_official_codes_fix_a_parent_the_layout_gets_wrong(first_run):
    """Seririt B. Realisasi Anggaran numbers the sub kegiatan of kegiatan 2.4 (line 1034) as `2.5`
    (line 1035): its code 7.01.02.2.04.0003 puts it under 7.01.02.2.04, so the program's pagu is
    no longer compared with a sum that counts 500,000 twice."""
    warehouse, _ = first_run
    rows = query(warehouse, f"""
        select c.row_line, c.layout_parent_index = p.row_index, c.parent_from, p.row_line, c.nomenclature_code
        from intermediate.int_items__hierarchy c
        join intermediate.int_items__hierarchy p
          on p.document_id = c.document_id and p.source_table = c.source_table and p.row_index = c.parent_index
        join marts.dim_document d on d.document_id = c.document_id
        where d.source_file = '{REPORTS["seririt"].name}' and c.source_table = 'B. REALISASI ANGGARAN'
          and c.row_line = 1035""")
    assert rows == [(1035, False, "code", 1034, "7.01.02.2.04.0003")]
    statuses = {r[0] for r in query(warehouse, f"""
        select r.status from audit.reconciliation r join marts.dim_document d using (document_id)
        where d.source_file = '{REPORTS["seririt"].name}' and r.source_table = 'B. REALISASI ANGGARAN'
          and r.source_line = 1020 and r.check_type = 'parent_vs_children'""")}
    assert statuses == {"match"}


def test_reconciliation_checks_every_stated_total(first_run):
    warehouse, _ = first_run
    statuses = dict(query(warehouse, "select status, count(*) from audit.reconciliation group by all"))
    assert statuses.get("match", 0) > 300  # most stated amounts add up: the hierarchy is read right
    unchecked = query(warehouse, """
        select count(*) from intermediate.int_items__hierarchy i
        where i.item_level in ('program', 'kegiatan') and exists (
            select 1 from intermediate.int_items__hierarchy c where c.document_id = i.document_id
              and c.source_table = i.source_table and c.parent_index = i.row_index)
          and exists (
            select 1 from raw.extracted_facts f where f.document_id = i.document_id and f.metric = 'budget'
              and f.source_table = i.source_table and f.row_index = i.row_index)
          and not exists (
            select 1 from audit.reconciliation r where r.document_id = i.document_id
              and r.source_table = i.source_table and r.row_index = i.row_index)""")
    assert unchecked == [(0,)]


def _codes(warehouse: Path, report: str, table: str, line: int):
    return set(query(warehouse, f"""
        select f.nomenclature_code, f.code_method, f.item_level
        from marts.fct_target f join marts.dim_document d using (document_id)
        where d.source_file = '{REPORTS[report].name}' and f.source_table = '{table}' and f.source_line = {line}
          and f.metric = 'budget'"""))


def test_name_only_rows_get_official_codes(first_run):
    """Seririt's LKjIP names items without codes: kegiatan and sub kegiatan resolve by name, the
    kegiatan whose name mixes two official ones by the reviewed override."""
    warehouse, _ = first_run
    assert _codes(warehouse, "seririt", "Tabel 3.1", 316) == {("7.01.01.2.02", "name_match", "kegiatan")}
    assert _codes(warehouse, "seririt", "Tabel 3.1", 317) == {("7.01.01.2.02.0001", "name_match", "sub_kegiatan")}
    assert _codes(warehouse, "seririt", "Tabel 3.1", 330) == {("7.01.01.2.06.0008", "name_match", "sub_kegiatan")}
    assert _codes(warehouse, "seririt", "Tabel 3.1", 323) == {("7.01.01.2.03", "override", "kegiatan")}


def test_written_codes_win_and_legacy_codes_stay_legacy(first_run):
    warehouse, _ = first_run
    assert _codes(warehouse, "petir", "Tabel 4.1", 662) == {("7.01.01.2.02.0001", "as_written", "sub_kegiatan")}
    assert _codes(warehouse, "serang", "Tabel 2.1", 295) == {("1101.01.001", "legacy", "kegiatan")}
    # Petir writes `7 1 5 2,01` for the kegiatan of program 7 1 6: a reviewed override corrects it
    assert _codes(warehouse, "petir", "Tabel 4.1", 706) == {("7.01.06.2.01", "override", "kegiatan")}
    assert query(warehouse, "select count(*) from marts.fct_target where code_name_disagrees") == [(0,)]
    rows = query(warehouse, """select scheme, level, name, parent_code from marts.dim_nomenclature
                               where nomenclature_code in ('1101.01.001', '1101.01') order by level""")
    assert rows == [("legacy", "kegiatan", "Pelayanan Administrasi Perkantoran", "1101.01"),
                    ("legacy", "program", "PROGRAM PELAYANAN DAN PENINGKATAN KAPASITAS APARATUR", None)]
    official = query(warehouse, """select count(*) from marts.dim_nomenclature
                                   where scheme = 'permendagri_90_2019' and nomenclature_code like '1101%'""")
    assert official == [(0,)]


def test_coverage_mart_accounts_for_every_fact(first_run):
    warehouse, _ = first_run
    rows = query(warehouse, """
        select c.document_type, c.facts, c.as_written + c.inherited + c.name_match + c.override + c.legacy + c.unresolved,
               c.name_match, (select count(*) from marts.fct_target t where t.document_id = c.document_id)
                             + (select count(*) from marts.fct_realisation r where r.document_id = c.document_id)
        from marts.mart_nomenclature_coverage c""")
    assert len(rows) == 4
    for document_type, facts, by_method, name_match, published in rows:
        assert facts == by_method == published
        if document_type == "lkjip":  # the LKjIP writes no codes: names carry it
            assert name_match > facts / 2


NIP_RE = re.compile(r"\d{8} ?\d{6} ?\d ?\d{3}")
# the signature blocks of the four reports, read by hand: each camat's name and NIP
OFFICIALS = ["ngurah mastika", "farach richi", "fariz ruhiyatullah", "iskandar"]
NIPS = ["19800327", "19810831", "19660711", "19850702", "19650905"]


def _leaks(values) -> list[str]:
    found = []
    for value in values:
        if isinstance(value, str) and not re.fullmatch(r"[0-9a-f]{32,64}", value):  # ids and hashes
            digits = re.sub(r"\D", "", value)
            if NIP_RE.search(value) or any(name in value.lower() for name in OFFICIALS) \
                    or any(nip in digits for nip in NIPS):
                found.append(value)
    return found


def test_no_nip_and_no_officials_name_in_any_mart_or_export(first_run, tmp_path):
    """The reports sign off with the camat's name and NIP (`NIP. 19850702 200502 1 002`): the raw
    tables keep them for lineage, the marts and their Parquet export must not."""
    warehouse, _ = first_run
    raw_rows = query(warehouse, "select raw_text from raw.table_rows")
    tables = [t for (t,) in query(warehouse, "select table_name from information_schema.tables where table_schema = 'marts'")]
    assert len(tables) >= 8
    for table in tables:
        assert _leaks(v for row in query(warehouse, f"select * from marts.{table}") for v in row) == [], table
    for table in ("table_coverage", "reconciliation"):  # audit tables analysts read too
        assert _leaks(v for row in query(warehouse, f"select * from audit.{table}") for v in row) == [], table
    out = tmp_path / "export"
    subprocess.run([sys.executable, "-m", "lumbung.cli", "export", str(out), "--warehouse", str(warehouse)],
                   check=True, capture_output=True)
    exported = sorted(out.glob("*.parquet"))
    assert {p.name for p in exported} >= {f"marts.{t}.parquet" for t in tables} | {"audit.runs.parquet"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert {t["table"]: t["rows"] for t in manifest["tables"]}["marts.fct_target"] == \
        query(warehouse, "select count(*) from marts.fct_target")[0][0]  # reconciles with the warehouse
    for parquet in exported:
        con = duckdb.connect()
        try:
            assert _leaks(v for row in con.execute(f"select * from '{parquet}'").fetchall() for v in row) == [], parquet
        finally:
            con.close()
    assert raw_rows  # lineage keeps the raw lines (staging may hold raw text)
    for path in REPORTS.values():  # the check does see a signature block where there is one
        assert _leaks(path.read_text(encoding="utf-8").splitlines())


def test_quality_results_are_queryable_for_three_stages(first_run):
    warehouse, result = first_run
    stages = query(warehouse, f"select distinct stage from audit.expectation_results where run_id = '{result['run_id']}'")
    assert {s for (s,) in stages} == {"raw", "staging", "marts", "dbt"}
    review = query(warehouse, f"""select severity, success, unexpected_count from audit.expectation_results
                                  where run_id = '{result['run_id']}' and expectation = 'assert_reconciliation_mismatches_are_reviewed'""")
    assert review and review[0][0] == "warn"  # unreviewed mismatches are reported, not blocking
    failed_errors = query(warehouse, "select count(*) from audit.expectation_results where severity = 'error' and not success")
    assert failed_errors == [(0,)]
    assert query(warehouse, "select outcome, files_loaded from audit.runs") == [("published", 4)]


def test_failed_gate_publishes_nothing(prefect_harness, tmp_path):
    from flows.nightly import nightly
    from lumbung.pipeline import PipelineFailed

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "notes.txt").write_text("nothing to see\n", encoding="utf-8")
    warehouse = tmp_path / "wh" / "lumbung.duckdb"
    with pytest.raises(PipelineFailed, match="quality gates failed: raw.documents"):
        nightly(raw_dir=str(raw), warehouse=str(warehouse))
    assert not warehouse.exists()
    assert "failed" in warehouse.with_name(warehouse.name + ".failed-runs.jsonl").read_text()
    alert = json.loads(warehouse.with_name(warehouse.name + ".alerts.jsonl").read_text().splitlines()[-1])
    assert "nothing published" in alert["text"] and "quality gates failed" in alert["text"]  # on_failure hook


RAW_GATE_ALONE = """
import json, sys
from pathlib import Path
from lumbung import pipeline
ctx = pipeline.prepare_build(Path(sys.argv[2]), "r1")
pipeline.run_ingest(ctx, Path(sys.argv[1]))
if sys.argv[3] != "new warehouse":  # as if the run added to a loaded warehouse that many reports
    ctx.rebuild_all, ctx.files_loaded = False, int(sys.argv[3])
seen = []
outcomes = pipeline.run_quality(ctx, "raw", lambda suite, total: seen.append((suite, total)))
print(json.dumps({"gx_here": "great_expectations" in sys.modules, "progress": seen, "outcomes": len(outcomes)}))
"""


@pytest.mark.parametrize("loaded, in_child", [
    ("new warehouse", True),
    (str(pipeline.SMALL_RUN_FILES + 1), True),
    ("3", False),
])
def test_the_raw_gate_runs_in_a_child_so_that_gx_is_not_beside_dbt(tmp_path, loaded, in_child):
    """The raw gate runs just before dbt: in a run that builds everything or loads many reports,
    Great Expectations is imported and used in a child process (about 110 MB the run's process
    would otherwise hold through the dbt build); a run adding a few reports to a loaded warehouse
    validates in its own process (the later gates reuse the import).  Either way its progress
    reaches the run and its outcomes are recorded in the build copy."""
    raw = copy_reports(tmp_path / "raw", ["seririt"])
    published = tmp_path / "wh" / "lumbung.duckdb"
    published.parent.mkdir()
    done = subprocess.run([sys.executable, "-c", RAW_GATE_ALONE, str(raw), str(published), loaded],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["gx_here"] is not in_child
    suites = [suite for suite, _total in shown["progress"]]
    assert suites and all(total == len(suites) for _suite, total in shown["progress"])
    assert all(s.startswith("raw__") for s in suites) and len(set(suites)) == len(suites)
    stored = query(published.with_name("lumbung.build.duckdb"),
                   "select count(*), count(distinct suite) from audit.expectation_results where stage = 'raw'")
    assert stored == [(shown["outcomes"], len(suites))] and shown["outcomes"] > len(suites)


def test_cli_exits_non_zero_with_a_one_line_reason(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "lumbung.cli", "run", "--raw-dir", str(tmp_path / "missing"),
         "--warehouse", str(tmp_path / "w.duckdb"), "--no-progress"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1
    assert "not published: raw directory" in result.stderr


def test_every_number_of_every_table_is_accounted_for(first_run):
    warehouse, result = first_run
    rows = query(warehouse, """
        select source_file, count(*), sum(numeric_cells), sum(facts), sum(not_facts), sum(quarantined),
               sum(unaccounted), sum(derived_ratio), sum(code), sum(column_numbers)
        from audit.table_coverage group by source_file""")
    assert len(rows) == 4
    for source_file, blocks, numbers, facts, not_facts, quarantined, unaccounted, ratios, codes, column_numbers in rows:
        assert unaccounted == 0, source_file
        assert numbers == facts + not_facts + quarantined
        assert facts > 0 and not_facts > 0
    assert sum(r[8] for r in rows) > 0 and sum(r[7] for r in rows) > 0  # codes and ratios are classified
    # every published numeric fact is counted as a fact of its block
    published = query(warehouse, """
        select count(*) from (select document_id, source_line, source_column, value_flag from marts.fct_target
                              union all select document_id, source_line, source_column, value_flag from marts.fct_realisation)
        where value_flag is distinct from 'not_available' and value_flag is distinct from 'non_numeric'""")[0][0]
    assert published == sum(r[3] for r in rows)
    assert result["coverage"]["unaccounted"] == 0 and result["coverage"]["facts"] == sum(r[3] for r in rows)
    without = query(warehouse, "select status, reason from audit.table_coverage where facts = 0")
    assert without and all(reason for _status, reason in without)
    assert query(warehouse, """select document_id, source_table, first_line from audit.table_coverage
                               group by all having count(*) > 1""") == []


def test_one_fact_per_cell_and_per_grain(first_run):
    warehouse, _ = first_run
    cells = query(warehouse, """
        select document_id, source_line, source_column, count(*) from (
            select document_id, source_line, source_column from marts.fct_target
            union all select document_id, source_line, source_column from marts.fct_realisation)
        group by all having count(*) > 1""")
    assert cells == []
    for table in ("fct_target", "fct_realisation"):
        assert query(warehouse, f"""
            select document_id, source_table, row_index, metric, year, month, variant, indicator
            from marts.{table} group by all having count(*) > 1""") == []
    # the cell named by a fact holds its value as written
    for value_raw, raw_text, column in query(warehouse, """
            select f.value_raw, r.raw_text, f.source_column from marts.fct_target f
            join raw.table_rows r using (document_id, source_line) where r.furniture is null
            order by f.fact_id limit 300"""):
        assert raw_text.split("\t")[column - 1].replace("<b>", "").replace("</b>", "").strip() != ""
        assert value_raw.split()[0] in raw_text.split("\t")[column - 1]


def test_the_form_decides_where_a_header_is_typod(first_run):
    """Petir Tabel 2.1 (form T-C.29): the target column before the estimated realisation up to
    2023 says `Tahun 2022`; by its position it is the 2023 target."""
    warehouse, _ = first_run
    rows = query(warehouse, """
        select f.year, f.header_method, count(*) from marts.fct_target f join marts.dim_document d using (document_id)
        where d.document_type = 'renja' and d.period_start_year = 2024 and f.source_table = 'Tabel 2.1'
          and f.variant is null group by all order by 1""")
    assert (2023, "form_position") in {(y, m) for y, m, _n in rows}
    assert {y for y, _m, _n in rows} == {2022, 2023}


def test_each_run_records_its_stage_timings_and_peak_memory(first_run):
    import json

    warehouse, result = first_run
    [(stages, peak)] = query(warehouse, f"select stage_seconds, peak_memory_mb from audit.runs where run_id = '{result['run_id']}'")
    stages = json.loads(stages)
    assert {"ingest", "validate raw", "transform", "validate staging and marts"} <= set(stages)
    assert all(seconds >= 0 for seconds in stages.values()) and stages["transform"] > 0
    assert peak > 50 and result["stages"]["transform"] == stages["transform"]


def test_every_mart_reflects_through_sqlalchemy(first_run):
    """What a BI tool does first: list the marts and their columns (duckdb-engine, SQLAlchemy 2.0)."""
    from sqlalchemy import inspect

    from lumbung.bi import engine

    warehouse, _ = first_run
    bi = engine(warehouse)
    try:
        reflected = inspect(bi)
        tables = reflected.get_table_names(schema="marts")
        assert set(CONTRACT) <= set(tables)
        for table in tables:
            columns = [c["name"] for c in reflected.get_columns(table, schema="marts")]
            assert set(CONTRACT.get(table, [])) <= set(columns) and columns, table
    finally:
        bi.dispose()


def test_docs_site_is_built_offline_with_the_models_descriptions(first_run, tmp_path):
    warehouse, _ = first_run
    result = subprocess.run([sys.executable, "-m", "lumbung.cli", "docs", "--warehouse", str(warehouse),
                             "--out", str(tmp_path / "docs")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    assert "Planned numbers (pagu, anggaran, indicator targets)" in page  # fct_target's description
    assert not re.search(r'<script[^>]+src="https?://', page)  # nothing fetched from the internet


def test_a_plain_sum_of_mart_budget_gives_the_reports_own_totals(first_run):
    """Totals read by hand from the reports (the line where each report states them)."""
    warehouse, _result = first_run
    sums = dict(((k, t, y, m), v) for k, t, y, m, v in query(warehouse, """
        select kecamatan, document_type, year, measure, sum(value) from marts.mart_budget group by all"""))
    assert sums[("Petir", "renja", 2024, "plan")] == Decimal("3582000000")  # Tabel 4.1, Jumlah
    assert sums[("Petir", "renja", 2025, "plan")] == Decimal("4184680896")  # Tabel 4.1, prakiraan maju
    assert sums[("Seririt", "lkjip", 2023, "plan")] == Decimal("8624579558")  # Tabel 3.6, Jumlah
    # Tabel 3.6, Jumlah (and the text, line 77): one kegiatan's sub kegiatan fall 7,200,000 short of
    # the kegiatan's own realisation, so the kegiatan's figure is taken
    assert sums[("Seririt", "lkjip", 2023, "realisation")] == Decimal("8379023881")
    assert sums[("Randuagung", "renstra", 2021, "plan")] == Decimal("3501826114")  # TC-24, Jumlah 2021
    assert sums[("Randuagung", "renstra", 2024, "plan")] == Decimal("1916486189.0000")  # TC-27, urusan 2024
    # the end-of-period target (akhir periode) and restated tables never enter
    assert ("Randuagung", "renstra", 2026, "plan") in sums and sums[("Randuagung", "renstra", 2026, "plan")] < Decimal(
        "6522283747")
    [(rows, facts)] = query(warehouse, "select count(*), count(distinct fact_id) from marts.mart_budget")
    assert rows == facts > 0
    # one plan stage per document, year and measure
    assert query(warehouse, """select count(*) from (select document_id, year, measure from marts.mart_budget
        group by all having count(distinct plan_stage) > 1)""") == [(0,)]


def test_the_semantic_layer_metrics_compute_the_plain_sums(first_run):
    """The metrics of _marts__semantic.yml as dbt parsed them (semantic_manifest.json), evaluated on
    mart_budget the way MetricFlow does (measure expressions summed, derived metrics from them)."""
    warehouse, _ = first_run
    manifest = json.loads((warehouse.parent / "dbt_target" / "semantic_manifest.json").read_text())
    [model] = [m for m in manifest["semantic_models"] if m["name"] == "budget"]
    assert model["node_relation"]["alias"] == "mart_budget"
    for dimension in model["dimensions"]:  # each dimension is an expression the warehouse evaluates
        query(warehouse, f"select {dimension.get('expr') or dimension['name']} from marts.mart_budget limit 1")
    measures = ", ".join(f"sum({m['expr']}) as {m['name']}" for m in model["measures"])
    got = {(k, y): row for k, y, *row in query(warehouse, f"""
        select kecamatan, year, {measures} from marts.mart_budget group by all""")}
    names = [m["name"] for m in model["measures"]]
    expected = {(k, y): (plan, real, plan if real is not None else None) for k, y, plan, real in query(warehouse, """
        select kecamatan, year, sum(value) filter (where measure = 'plan'), sum(value) filter (where measure = 'realisation')
        from marts.mart_budget group by all""")}
    assert {key: dict(zip(names, row)) for key, row in got.items()} == {
        key: {"pagu_amount": plan, "realisasi_amount": real, "pagu_with_realisation_amount": both}
        for key, (plan, real, both) in expected.items()}
    metrics = {m["name"]: m for m in manifest["metrics"]}
    assert metrics["pagu"]["type_params"]["measure"]["name"] == "pagu_amount"
    assert metrics["realisasi"]["type_params"]["measure"]["name"] == "realisasi_amount"
    rate = metrics["capaian_anggaran_persen"]["type_params"]["expr"]
    plan, real, both = expected[("Seririt", 2023)]
    [(value,)] = query(warehouse, f"select {rate} from (select {real} as realisasi, {both} as pagu_with_realisation)")
    assert abs(float(value) - float(real) * 100 / float(plan)) < 1e-9
    # the time spines MetricFlow needs: every day of every year
    assert query(warehouse, """select count(*) from marts.dim_year y
        where (select count(*) from marts.dim_date d where d.year = y.year) not in (365, 366)""") == [(0,)]


def test_target_vs_realisation_and_indicators_hold_each_fact_once(first_run):
    warehouse, _ = first_run
    [(targets, realisations)] = query(warehouse, "select (select count(*) from marts.fct_target), "
                                                 "(select count(*) from marts.fct_realisation)")
    assert query(warehouse, "select count(target_fact_id), count(distinct target_fact_id), count(realisation_fact_id), "
                            "count(distinct realisation_fact_id) from marts.mart_target_vs_realisation") == [
        (targets, targets, realisations, realisations)]
    [(indicator_targets, indicator_realisations)] = query(warehouse, """select
        (select count(*) from marts.fct_target where metric = 'indicator'),
        (select count(*) from marts.fct_realisation where metric = 'indicator')""")
    assert query(warehouse, "select count(distinct target_fact_id), count(target_fact_id), count(distinct realisation_fact_id) "
                            "from marts.mart_indicator") == [(indicator_targets, indicator_targets, indicator_realisations)]
    units = {u for (u,) in query(warehouse, "select distinct unit from marts.mart_indicator where unit is not null")}
    assert {"persen", "tahun", "dokumen"} <= units and units <= {
        u for (u,) in query(warehouse, "select unit from reference.unit_vocabulary")} | {"lainnya"}
    # `%` and `Persen` are one unit; the written spelling is kept
    assert {w for (w,) in query(warehouse, "select distinct unit_written from marts.mart_indicator where unit = 'persen'")} \
        >= {"%", "Persen"}


def test_name_matching_one_document_a_chunk_gives_the_matches_of_one_pass(first_run, tmp_path):
    """int_items__name_matched matches and streams a few hundred documents at a time (bounded
    memory at national scale): rebuilt one document a chunk (four chunks), it holds the same rows."""
    from lumbung.paths import DBT_PROJECT_DIR

    warehouse, _ = first_run
    copy = tmp_path / "lumbung.duckdb"
    shutil.copy(warehouse, copy)
    env = {**os.environ, "LUMBUNG_DB_PATH": str(copy), "LUMBUNG_MATCH_DOCUMENTS_PER_CHUNK": "1",
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    subprocess.run([sys.executable, "-c", "from dbt.cli.main import cli; cli()", "run", "--full-refresh",
                    "--select", "int_items__name_matched", "--project-dir", str(DBT_PROJECT_DIR),
                    "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target"),
                    "--log-path", str(tmp_path / "logs")], env=env, check=True, capture_output=True)
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    assert manifest["nodes"]["model.lumbung.int_items__name_matched"]["config"]["documents_per_chunk"] == "1"
    # and it reaches the model: dbt passes a Python model the config keys of the `dbt.config.get`
    # calls it finds (a call inside another expression is missed)
    ran = next((tmp_path / "target" / "run").rglob("int_items__name_matched.py")).read_text()
    assert "'documents_per_chunk': '1'" in ran
    con = duckdb.connect(str(copy), read_only=True)
    try:
        con.execute(f"attach '{warehouse}' as published (read_only)")
        [(rows, documents, only_chunked, only_published)] = con.execute("""select
            (select count(*) from intermediate.int_items__name_matched),
            (select count(distinct document_id) from intermediate.int_items__name_matched),
            (select count(*) from (select * from intermediate.int_items__name_matched
                                   except all select * from published.intermediate.int_items__name_matched)),
            (select count(*) from (select * from published.intermediate.int_items__name_matched
                                   except all select * from intermediate.int_items__name_matched))""").fetchall()
    finally:
        con.close()
    assert documents == 4 and rows > 100 and (only_chunked, only_published) == (0, 0)


def test_the_models_unit_tests_pass(first_run, tmp_path):
    """dbt's unit tests of the models (fixed input rows, expected output rows) are left out of the
    nightly build; here they run against a built warehouse (dbt reads the parents' columns from
    it), every one defined in the project, and pass."""
    from lumbung.paths import DBT_PROJECT_DIR

    warehouse, _ = first_run
    copy = tmp_path / "lumbung.duckdb"
    shutil.copy(warehouse, copy)
    env = {**os.environ, "LUMBUNG_DB_PATH": str(copy), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run([sys.executable, "-c", "from dbt.cli.main import cli; cli()", "test", "--select",
                             "test_type:unit", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
                             str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target"), "--log-path",
                             str(tmp_path / "logs")], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    defined = [test["name"] for path in (DBT_PROJECT_DIR / "models").rglob("*unit_tests.yml")
               for test in yaml.safe_load(path.read_text(encoding="utf-8"))["unit_tests"]]
    ran = [r for r in json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
           if r["unique_id"].startswith("unit_test.")]
    assert len(defined) >= 9 and sorted(r["unique_id"].rsplit(".", 1)[1] for r in ran) == sorted(defined)
    assert {r["status"] for r in ran} == {"pass"}


def test_the_nightly_build_leaves_the_unit_tests_to_the_test_suite(first_run):
    warehouse, _ = first_run
    results = json.loads((warehouse.parent / "dbt_target" / "run_results.json").read_text())["results"]
    kinds = {r["unique_id"].split(".")[0] for r in results}
    assert {"model", "test", "seed"} <= kinds and "unit_test" not in kinds


def test_gates_in_row_chunks_give_the_outcomes_of_one_pass(first_run, tmp_path, monkeypatch):
    """Row-by-row suites stream a large table in chunks (bounded memory at any size): the merged
    outcomes are those of one pass over the whole table."""
    from lumbung import quality

    warehouse, _ = first_run
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        one_pass = quality.validate_stage(con, "staging", tmp_path / "one")
        monkeypatch.setattr(quality, "CHUNK_ROWS", 500)  # the four reports' facts in about ten chunks
        chunked = quality.validate_stage(con, "staging", tmp_path / "chunked")
        facts = con.execute("select count(*) from staging.stg_lumbung__facts").fetchall()[0][0]
        frames = list(quality._frames(con, "select fact_id from staging.stg_lumbung__facts", True))
    finally:
        con.close()
    key = [(o.expectation, o.column_name, o.success, o.element_count, o.unexpected_count) for o in one_pass]
    assert key == [(o.expectation, o.column_name, o.success, o.element_count, o.unexpected_count) for o in chunked]
    assert max(o.element_count or 0 for o in chunked) > 500  # counts add up over the chunks
    # GX labels a batch with a hash of the whole frame unless told not to (a third of the gates'
    # time at national scale): the results say which run and suite, and no fingerprint
    results = list((tmp_path / "one" / "gx" / "uncommitted" / "validations").rglob("*.json"))
    assert results and not any("pandas_data_fingerprint" in p.read_text() for p in results)
    # chunks of exactly CHUNK_ROWS rows (DuckDB's own batches are larger), the last one flagged
    assert [len(f) for f, _last in frames] == [500] * (facts // 500) + ([facts % 500] if facts % 500 else [])
    assert [last for _f, last in frames] == [False] * (len(frames) - 1) + [True]
    _old_validation_results_are_pruned(tmp_path / "chunked", monkeypatch)


def _old_validation_results_are_pruned(workdir, monkeypatch):
    """GX keeps every validation result and renders the Data Docs index from all of them: the
    next run's project keeps each suite's newest KEEP_RESULTS (here one per chunk above)."""
    from lumbung import quality

    uncommitted = workdir / "gx" / "uncommitted"
    suite_runs = uncommitted / "validations" / "staging__stg_lumbung__facts" / "__none__"
    before = sorted(p.name for p in suite_runs.iterdir())
    pages = uncommitted / "data_docs" / "local_site" / "validations" / "staging__stg_lumbung__facts" / "__none__"
    assert len(before) > 3 and (pages / before[-1]).is_dir()  # one result per chunk; the docs render the last
    monkeypatch.setattr(quality, "KEEP_RESULTS", 3)
    quality.working_project(workdir)
    assert sorted(p.name for p in suite_runs.iterdir()) == before[-3:]
    assert not any((pages / name).exists() for name in before[:-3]) and (pages / before[-1]).is_dir()


def _dbt_seed(project: Path, target: Path, database: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "LUMBUNG_DB_PATH": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(
        [sys.executable, "-c", "from dbt.cli.main import cli; cli()", "seed", "--select", "provinsi",
         "--project-dir", str(project), "--profiles-dir", str(project), "--target-path", str(target),
         "--log-path", str(target.parent / "logs")],
        env=env, capture_output=True, text=True, timeout=300)


def test_a_warehouse_built_by_a_project_that_moved_still_builds(tmp_path):
    """dbt's partial parsing keeps the project's absolute paths beside the warehouse: after the
    checkout moved, the next night read the seeds from where they were ("No files found").  The
    run forgets a parse made for another project path."""
    before, after, target = tmp_path / "checkout-a", tmp_path / "checkout-b", tmp_path / "dbt_target"
    shutil.copytree(pipeline.DBT_PROJECT_DIR, before, ignore=shutil.ignore_patterns("target", "logs"))
    pipeline.forget_parse_of_another_project(target, before)
    assert _dbt_seed(before, target, tmp_path / "w.duckdb").returncode == 0
    assert (target / "partial_parse.msgpack").is_file()
    before.rename(after)
    stale = _dbt_seed(after, target, tmp_path / "w.duckdb")
    assert stale.returncode != 0 and "No files found" in stale.stdout  # what the nights met
    pipeline.forget_parse_of_another_project(target, after)
    done = _dbt_seed(after, target, tmp_path / "w.duckdb")
    assert done.returncode == 0, done.stdout[-2000:]
    assert query(tmp_path / "w.duckdb", "select count(*) > 30 from reference.provinsi") == [(True,)]
