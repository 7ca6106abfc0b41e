"""The warehouse as a page people read (`lumbung report`, and after each nightly publish).

One self-contained HTML file, opened from disk with no server and no network: per kecamatan, each
report's budget plan against realisation by program and year (from `marts.mart_budget`, so the
bars add up to the report's own totals), how every number of the report was accounted for
(facts, not facts, quarantined, unaccounted), reconciliation mismatches with their amounts,
names no nomenclature code was found for, and files or rows sent to quarantine.  The data are
aggregated in DuckDB and embedded as JSON; a small script in the page draws the charts (SVG)
for the kecamatan chosen.  A country's detail (budget by program, mismatches, unresolved names,
rows quarantined) does not fit one page: above INLINE_LIMIT it goes to one script file per
kabupaten/kota in `<page>_files/`, which the page loads when one of its kecamatan is chosen
(script elements load from disk where fetch may not).
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from lumbung.warehouse import connect

PAGE = Path(__file__).with_name("report_page.html")
TOP_PER_DOCUMENT = 20  # mismatches and unresolved names listed per report (all are counted)
INLINE_LIMIT = 4_000_000  # bytes of detail embedded in the page; above, a script file per kabupaten/kota
DETAIL = ("budget", "mismatches", "unresolved", "row_quarantine")

DOCUMENTS = """
    select d.document_id, d.kecamatan_id, k.kecamatan, k.kabupaten_kota, k.provinsi, d.document_type,
           d.period_start_year, d.period_end_year, d.source_file, d.format
    from marts.dim_document as d
    inner join marts.dim_kecamatan as k on k.kecamatan_id = d.kecamatan_id
    where d.is_current {where}
    order by k.provinsi, k.kabupaten_kota, k.kecamatan, d.document_type, d.period_start_year, d.document_id
"""

# per report, year and program: the leaves of mart_budget summed (a leaf without a program, in a
# report that gives no program rows, stands for itself).  Amounts leave DuckDB as doubles (what the
# page's JSON holds): Python Decimals cost 2 of 5 s at 10,000 reports.  Orders are total (ties
# broken by the row's key), so that the page does not change when the data does not.
BUDGET = """
    select document_id, year,
           case when program_code is not null or program_name is not null then program_code else nomenclature_code end,
           case when program_code is not null or program_name is not null then program_name else item_name end,
           (sum(value) filter (where measure = 'plan'))::double,
           (sum(value) filter (where measure = 'realisation'))::double
    from marts.mart_budget
    where document_id in (select unnest($ids))
    group by all
    order by document_id, year, 3 nulls last, 4
"""

COVERAGE = """
    select document_id, count(*), count(*) filter (where facts = 0), sum(numeric_cells), sum(facts),
           sum(not_facts), sum(quarantined), sum(unaccounted)
    from audit.table_coverage
    where document_id in (select unnest($ids))
    group by document_id
    order by document_id
"""

MISMATCHES = """
    select document_id, count(*) over (partition by document_id), source_table, source_line, item_name,
           year, stated_value::double, computed_value::double, difference::double
    from audit.reconciliation
    where status = 'mismatch' and document_id in (select unnest($ids))
    qualify row_number() over (partition by document_id
                               order by abs(difference) desc nulls last, source_line, source_table, check_id) <= $top
    order by document_id, abs(difference) desc nulls last, source_line, source_table, check_id
"""

UNRESOLVED = """
    select document_id, count(*) over (partition by document_id), source_table, row_line, item_level, item_name,
           best_match_code, best_match_score::double, facts
    from marts.mart_unresolved_items
    where document_id in (select unnest($ids))
    qualify row_number() over (partition by document_id order by facts desc, row_line, source_table, row_index) <= $top
    order by document_id, facts desc, row_line, source_table, row_index
"""

# rows of the reports shown, and whole files quarantined by their latest run
QUARANTINE = """
    select source_file, document_id, source_table, source_line, step, reason
    from audit.quarantine
    where document_id in (select unnest($ids))
       or (document_id is null and {files_where})
    qualify run_id = max(run_id) over (partition by source_file)
    order by source_file, source_line nulls first
"""

LAST_RUN = """
    select run_id, started_at, ended_at, outcome, files_loaded, files_quarantined, facts_published, message
    from audit.runs order by started_at desc limit 1
"""


def _number(value):
    return None if value is None else float(value)


def gather(con: duckdb.DuckDBPyConnection, kabupaten: str | None = None) -> dict:
    """What the page shows, from the published warehouse behind `con` (optionally only the
    kabupaten/kota whose name contains `kabupaten`, case-insensitive)."""
    where, params = "", []
    if kabupaten:
        where, params = "and k.kabupaten_kota ilike '%' || ? || '%'", [kabupaten]
    documents = con.execute(DOCUMENTS.format(where=where), params).fetchall()
    ids = [d[0] for d in documents]
    index = {document_id: i for i, document_id in enumerate(ids)}
    args = {"ids": ids}
    budget = [[index[d], int(y), code, name, _number(plan), _number(real)]
              for d, y, code, name, plan, real in con.execute(BUDGET, args).fetchall()]
    coverage = [[index[d], *[int(v or 0) for v in rest]] for d, *rest in con.execute(COVERAGE, args).fetchall()]
    top = {**args, "top": TOP_PER_DOCUMENT}
    mismatches = [[index[d], n, t, line, name, y, _number(stated), _number(computed), _number(diff)]
                  for d, n, t, line, name, y, stated, computed, diff in con.execute(MISMATCHES, top).fetchall()]
    unresolved = [[index[d], n, t, line, level, name, code, _number(score), facts]
                  for d, n, t, line, level, name, code, score, facts in con.execute(UNRESOLVED, top).fetchall()]
    files_where = "true" if not kabupaten else "false"  # a quarantined file has no kabupaten yet
    quarantine = [[f, index.get(d), t, line, step, reason]
                  for f, d, t, line, step, reason in con.execute(QUARANTINE.format(files_where=files_where), args).fetchall()]
    run = con.execute(LAST_RUN).fetchone()
    columns = ["run_id", "started_at", "ended_at", "outcome", "files_loaded", "files_quarantined",
               "facts_published", "message"]
    return {
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "kabupaten_filter": kabupaten,
        "last_run": None if run is None else {c: (str(v) if v is not None else None) for c, v in zip(columns, run)},
        "documents": [[d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9]] for d in documents],
        "budget": budget,
        "coverage": coverage,
        "mismatches": mismatches,
        "unresolved": unresolved,
        "quarantine": quarantine,
        "top_per_document": TOP_PER_DOCUMENT,
    }


def render(data: dict) -> str:
    """The page with `data` embedded (as JSON a script element cannot be closed by)."""
    return PAGE.read_text(encoding="utf-8").replace("/*LUMBUNG_DATA*/null", _json(data))


def split_parts(data: dict) -> dict[str, dict]:
    """Take the detail out of `data`, by kabupaten/kota (a part each); `data` keeps the overview,
    each document's part (`part_of`) and the counts the page shows before any part is loaded."""
    part_ids: dict[tuple[str, str], str] = {}
    part_of = [part_ids.setdefault((d[4], d[3]), str(len(part_ids))) for d in data["documents"]]
    parts = {p: {key: [] for key in DETAIL} for p in part_ids.values()}
    data["totals"] = {"mismatches": sum({r[0]: r[1] for r in data["mismatches"]}.values()),
                      "unresolved": sum({r[0]: r[1] for r in data["unresolved"]}.values())}
    for key in ("budget", "mismatches", "unresolved"):
        for row in data.pop(key):
            parts[part_of[row[0]]][key].append(row)
    for row in [q for q in data["quarantine"] if q[1] is not None]:
        parts[part_of[row[1]]]["row_quarantine"].append(row)
    data["quarantine"] = [q for q in data["quarantine"] if q[1] is None]  # whole files: no kabupaten
    data["part_of"] = part_of
    return parts


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def write_report(warehouse: Path, out: Path, kabupaten: str | None = None, inline_limit: int = INLINE_LIMIT) -> dict:
    """Write the page for the published `warehouse` (opened read-only) to `out` (with its
    `<name>_files/` parts when the detail is larger than `inline_limit` bytes); returns counts."""
    with connect(warehouse, read_only=True) as con:  # DuckDB's memory capped like the run's
        data = gather(con, kabupaten)
    out.parent.mkdir(parents=True, exist_ok=True)
    parts = split_parts(data)
    folder = out.with_name(out.stem + "_files")
    shutil.rmtree(folder, ignore_errors=True)
    encoded = {p: _json(part) for p, part in parts.items()}
    if sum(len(e) for e in encoded.values()) <= inline_limit:
        data["parts"] = parts
    else:
        data["parts"], data["parts_dir"] = None, folder.name
        folder.mkdir()
        for p, text in encoded.items():
            (folder / f"part-{p}.js").write_text(
                f"window.LUMBUNG_PARTS = window.LUMBUNG_PARTS || {{}};\nwindow.LUMBUNG_PARTS[{_json(p)}] = {text};\n",
                encoding="utf-8")
    partial = out.with_name(out.name + ".partial")
    partial.write_text(render(data), encoding="utf-8")
    partial.replace(out)  # readers never see half a page
    return {"documents": len(data["documents"]), "kecamatan": len({d[1] for d in data["documents"]}),
            "parts": 0 if data["parts"] is not None else len(parts), "bytes": out.stat().st_size}
