"""The HTML report as a reader meets it: written by the nightly run beside the warehouse, opened
from disk in a real headless browser (Debian's chromium), its charts drawn for each kecamatan
and adding up to the budget mart; `lumbung report` for one kabupaten/kota."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import duckdb
from typer.testing import CliRunner

from lumbung.cli import app
from tests.conftest import query

pytestmark = pytest.mark.pipeline

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def rendered(page: Path, fragment: str = "") -> str:
    """The page's DOM after its scripts ran, from headless chromium."""
    if BROWSER is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it with apt-get)")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    result = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
         "--dump-dom", page.resolve().as_uri() + fragment],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def published(first_run_on_a_terminal):
    _raw, warehouse, _shown = first_run_on_a_terminal
    return warehouse


def plan_totals(warehouse: Path, kecamatan_id: str) -> dict[tuple[str, int], Decimal]:
    return {(d, y): v for d, y, v in query(warehouse, f"""
        select document_id, year, sum(value) from marts.mart_budget
        where kecamatan_id = '{kecamatan_id}' and measure = 'plan' group by all""")}


def test_the_nightly_run_writes_a_page_whose_charts_add_up_to_the_budget_mart(published):
    page = published.parent / "report.html"
    assert page.is_file()
    places = query(published, "select distinct kecamatan_id from marts.mart_budget order by 1")
    assert len(places) == 4
    for (kecamatan_id,) in places:
        dom = rendered(page, f"#kec={kecamatan_id}")
        assert 'data-ready="yes"' in dom, "the page's script did not finish"
        assert f'data-kecamatan="{kecamatan_id}"' in dom
        expected = plan_totals(published, kecamatan_id)
        drawn = {}
        for section in re.split(r'(?=<section class="doc")', dom)[1:]:
            document_id = re.search(r'data-document="([^"]+)"', section).group(1)
            headings = [int(y) for y in re.findall(r"<h4>Anggaran (\d{4}):", section)]
            totals = re.findall(r'<svg class="chart budget"[^>]*data-plan-total="([^"]+)"', section)
            assert len(headings) == len(totals)
            # every budget chart has bars, and each bar a width
            widths = re.findall(r'<rect class="bar (?:plan|realisation)"[^>]*width="([^"]+)"', section)
            assert widths and all(float(w) > 0 for w in widths)
            for year, total in zip(headings, totals):
                if float(total):
                    drawn[(document_id, year)] = Decimal(total)
        assert drawn.keys() == {k for k, v in expected.items() if v}
        for key, value in drawn.items():
            assert abs(value - expected[key]) < 1, key
        # how the report's numbers were accounted for, drawn as a chart too
        assert re.search(r'<svg class="chart coverage"[^>]*>.*?<rect class="bar facts"', dom, re.S)


def test_mismatches_are_listed_with_their_amounts(published):
    (document_id, kecamatan_id, count), = query(published, """
        select r.document_id, d.kecamatan_id, count(*) from audit.reconciliation as r
        inner join marts.dim_document as d using (document_id)
        where r.status = 'mismatch' group by all order by count(*) desc limit 1""")
    dom = rendered(published.parent / "report.html", f"#kec={kecamatan_id}")
    section = dom.split(f'data-document="{document_id}"', 1)[1].split("</section>", 1)[0]
    assert f"Reconciliation mismatches: {count} " in section
    stated, = query(published, f"""
        select stated_value from audit.reconciliation where document_id = '{document_id}' and status = 'mismatch'
        order by abs(difference) desc limit 1""")[0]
    assert f"Rp {int(stated):,}".replace(",", ".") in section


def test_report_command_for_one_kabupaten(published, tmp_path):
    out = tmp_path / "buleleng.html"
    result = CliRunner().invoke(app, ["report", "--warehouse", str(published), "--out", str(out),
                                      "--kabupaten", "buleleng"])
    assert result.exit_code == 0, result.output
    assert "1 kecamatan" in result.output
    dom = rendered(out)
    assert 'data-ready="yes"' in dom and "Seririt" in dom and "Petir" not in dom


def test_a_country_s_detail_is_loaded_per_kabupaten_from_files_beside_the_page(published, tmp_path):
    from lumbung.report import write_report

    out = tmp_path / "nasional.html"
    counts = write_report(published, out, inline_limit=0)  # as if the detail were too large to embed
    assert counts["parts"] == 4 and len(list((tmp_path / "nasional_files").glob("part-*.js"))) == 4
    (kecamatan_id,) = query(published, "select kecamatan_id from marts.dim_kecamatan where kecamatan = 'Seririt'")[0]
    dom = rendered(out, f"#kec={kecamatan_id}")
    assert 'data-ready="yes"' in dom and '<svg class="chart budget"' in dom
    expected = plan_totals(published, kecamatan_id)
    drawn = {Decimal(t) for t in re.findall(r'data-plan-total="([^"]+)"', dom) if float(t)}
    assert drawn == {v for v in expected.values() if v}
    shutil.rmtree(tmp_path / "nasional_files")  # the page alone says what is missing
    assert "nasional_files" in rendered(out, f"#kec={kecamatan_id}").split('id="detail"', 1)[1]


def test_a_night_rewrites_only_the_parts_whose_reports_changed(published, tmp_path):
    """A part file is written again only when what it shows changed: the same warehouse writes
    none; a report gone from one kabupaten/kota removes its part, a report loaded again rewrites
    its own; the parts kept still draw their kecamatan right, though the documents before them
    in the page's list changed."""
    from lumbung.report import MANIFEST, write_report

    out, files = tmp_path / "nasional.html", tmp_path / "nasional_files"
    first = write_report(published, out, inline_limit=0)
    assert first["parts"] == first["parts_written"] == 4 and (files / MANIFEST).is_file()
    stamps = {p.name: p.stat().st_mtime_ns for p in files.glob("part-*.js")}
    again = write_report(published, out, inline_limit=0)
    assert again["parts"] == 4 and again["parts_written"] == 0
    assert {p.name: p.stat().st_mtime_ns for p in files.glob("part-*.js")} == stamps
    changed = tmp_path / "changed.duckdb"
    shutil.copy(published, changed)
    ordered = query(changed, """
        select d.document_id, k.kecamatan from marts.dim_document as d
        inner join marts.dim_kecamatan as k using (kecamatan_id)
        where d.is_current  -- a report's earlier versions (other tests add some) are not on the page
        order by k.provinsi, k.kabupaten_kota""")
    (gone, _), (reloaded, _), *_ = ordered
    con = duckdb.connect(str(changed))
    con.execute("delete from marts.dim_document where document_id = ?", [gone])
    con.execute("update marts.dim_document set loaded_at = loaded_at + interval 1 day where document_id = ?", [reloaded])
    con.close()
    third = write_report(changed, out, inline_limit=0)
    assert third["parts"] == 3 and third["parts_written"] == 1
    assert len(list(files.glob("part-*.js"))) == 3
    kept = [p for p in files.glob("part-*.js") if p.name in stamps and p.stat().st_mtime_ns == stamps[p.name]]
    assert len(kept) == 2
    for kecamatan in [k for _, k in ordered[2:]]:  # drawn from the parts kept
        (kecamatan_id,) = query(changed, f"select kecamatan_id from marts.dim_kecamatan where kecamatan = '{kecamatan}'")[0]
        dom = rendered(out, f"#kec={kecamatan_id}")
        drawn = {Decimal(t) for t in re.findall(r'data-plan-total="([^"]+)"', dom) if float(t)}
        assert drawn and drawn == {v for v in plan_totals(changed, kecamatan_id).values() if v}
    manifest = json.loads((files / MANIFEST).read_text())
    damaged = next(iter(manifest))
    manifest[damaged] = {"fingerprint": manifest[damaged]["fingerprint"]}  # its counts and size lost
    (files / MANIFEST).write_text(json.dumps({**manifest, "x": [1]}))
    again = write_report(changed, out, inline_limit=0)  # an entry it cannot read: that part again
    assert again["parts"] == 3 and again["parts_written"] == 1


def test_report_without_a_warehouse_fails_in_one_line(tmp_path):
    result = CliRunner().invoke(app, ["report", "--warehouse", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "no warehouse at" in result.output
