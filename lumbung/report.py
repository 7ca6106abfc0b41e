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
(script elements load from disk where fetch may not).  A night that adds a few reports rewrites
only the parts of their kabupaten/kota: each part file is written with the fingerprint of what
it shows (its documents and their loads, the transform and extraction code, the part's format),
and a part whose fingerprint is unchanged is neither queried nor written again.
"""

from __future__ import annotations

import hashlib
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
PART_FORMAT = 2  # the shape of a part's rows (2: documents by their place in the part); part of every fingerprint
MANIFEST = "manifest.json"  # in <page>_files/: the fingerprint and counts of every part file written

DOCUMENTS = """
    select d.document_id, d.kecamatan_id, k.kecamatan, k.kabupaten_kota, k.provinsi, d.document_type,
           d.period_start_year, d.period_end_year, d.source_file, d.format, d.loaded_at::varchar,
           (select max(q.run_id) from audit.quarantine as q where q.source_file = d.source_file)
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

# what the detail of the marts depends on besides its documents: the code that built them
BUILT_BY = """
    select (select max(fingerprint) from raw.extractor),
           (select transform_fingerprint from audit.runs where outcome = 'published' order by started_at desc limit 1)
"""

LAST_RUN = """
    select run_id, started_at, ended_at, outcome, files_loaded, files_quarantined, facts_published, message
    from audit.runs order by started_at desc limit 1
"""


def _number(value):
    return None if value is None else float(value)


def part_id(provinsi: str, kabupaten_kota: str) -> str:
    """A kabupaten/kota's part, named by the place itself (not by its rank: a new kabupaten does
    not rename the others' files)."""
    return hashlib.sha256(f"{provinsi}\x1f{kabupaten_kota}".encode()).hexdigest()[:12]


def _fingerprints(documents: list[tuple], part_of: list[str], built_by: tuple) -> dict[str, str]:
    """Per part, a hash of what its file shows: its documents (id, load, latest quarantine run of
    the file, place and type), the code that built the marts and the part's format."""
    prints = {}
    for d, p in zip(documents, part_of):
        prints.setdefault(p, hashlib.sha256(json.dumps([PART_FORMAT, TOP_PER_DOCUMENT, *built_by]).encode()))
        prints[p].update(json.dumps([d[0], d[10], d[11], *d[1:10]], default=str).encode())
    return {p: h.hexdigest() for p, h in prints.items()}


def gather(con: duckdb.DuckDBPyConnection, kabupaten: str | None = None,
           written: dict[str, str] | None = None) -> dict:
    """What the page shows, from the published warehouse behind `con` (optionally only the
    kabupaten/kota whose name contains `kabupaten`, case-insensitive), each document with its
    part (`part_of`; `part_first`: a part's first document).  `written`: part -> fingerprint of
    the part files already written; a part whose fingerprint is the same is left out of `data`
    (its detail is not queried) and listed in `data["unchanged_parts"]`."""
    where, params = "", []
    if kabupaten:
        where, params = "and k.kabupaten_kota ilike '%' || ? || '%'", [kabupaten]
    documents = con.execute(DOCUMENTS.format(where=where), params).fetchall()
    ids = [d[0] for d in documents]
    index = {document_id: i for i, document_id in enumerate(ids)}
    part_of = [part_id(d[4], d[3]) for d in documents]
    part_first: dict[str, int] = {}
    for i, p in enumerate(part_of):
        part_first.setdefault(p, i)  # documents come ordered by provinsi and kabupaten/kota first
    fingerprints = _fingerprints(documents, part_of, con.execute(BUILT_BY).fetchone())
    written = written or {}
    unchanged = {p for p, f in fingerprints.items() if written.get(p) == f}
    detail = [d for d, p in zip(ids, part_of) if p not in unchanged]
    args = {"ids": ids}
    part_args = {"ids": detail}
    budget = [[index[d], int(y), code, name, _number(plan), _number(real)]
              for d, y, code, name, plan, real in con.execute(BUDGET, part_args).fetchall()]
    coverage = [[index[d], *[int(v or 0) for v in rest]] for d, *rest in con.execute(COVERAGE, args).fetchall()]
    top = {**part_args, "top": TOP_PER_DOCUMENT}
    mismatches = [[index[d], n, t, line, name, y, _number(stated), _number(computed), _number(diff)]
                  for d, n, t, line, name, y, stated, computed, diff in con.execute(MISMATCHES, top).fetchall()]
    unresolved = [[index[d], n, t, line, level, name, code, _number(score), facts]
                  for d, n, t, line, level, name, code, score, facts in con.execute(UNRESOLVED, top).fetchall()]
    files_where = "true" if not kabupaten else "false"  # a quarantined file has no kabupaten yet
    quarantine = [[f, index.get(d), t, line, step, reason]
                  for f, d, t, line, step, reason in con.execute(QUARANTINE.format(files_where=files_where), part_args).fetchall()]
    run = con.execute(LAST_RUN).fetchone()
    columns = ["run_id", "started_at", "ended_at", "outcome", "files_loaded", "files_quarantined",
               "facts_published", "message"]
    return {
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "kabupaten_filter": kabupaten,
        "last_run": None if run is None else {c: (str(v) if v is not None else None) for c, v in zip(columns, run)},
        "documents": [list(d[:10]) for d in documents],
        "part_of": part_of,
        "part_first": part_first,
        "fingerprints": fingerprints,
        "unchanged_parts": sorted(unchanged),
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
    """Take the detail out of `data`, by kabupaten/kota (a part each, but the unchanged parts
    `gather` left out); `data` keeps the overview.  In a part, a row names its document by its
    place in the part (the page adds `part_first`): a document added elsewhere leaves the part
    as it is.  `counts`: each part's mismatches and unresolved names, which the page adds up."""
    part_of, first = data["part_of"], data["part_first"]
    unchanged = set(data["unchanged_parts"])
    parts = {p: {"counts": {"mismatches": {}, "unresolved": {}}, **{key: [] for key in DETAIL}}
             for p in first if p not in unchanged}
    for key in ("budget", "mismatches", "unresolved"):
        for row in data.pop(key):
            p = part_of[row[0]]
            if key != "budget":
                parts[p]["counts"][key][row[0]] = row[1]  # the count of the document's rows, on each
            parts[p][key].append([row[0] - first[p], *row[1:]])
    for row in [q for q in data["quarantine"] if q[1] is not None]:
        p = part_of[row[1]]
        parts[p]["row_quarantine"].append([row[0], row[1] - first[p], *row[2:]])
    data["quarantine"] = [q for q in data["quarantine"] if q[1] is None]  # whole files: no kabupaten
    for part in parts.values():
        part["counts"] = {key: sum(n.values()) for key, n in part["counts"].items()}
    return parts


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def write_report(warehouse: Path, out: Path, kabupaten: str | None = None, inline_limit: int = INLINE_LIMIT) -> dict:
    """Write the page for the published `warehouse` (opened read-only) to `out` (with its
    `<name>_files/` parts when the detail is larger than `inline_limit` bytes: the parts whose
    fingerprint changed since they were written); returns counts."""
    folder = out.with_name(out.stem + "_files")
    manifest = _manifest(folder)
    with connect(warehouse, read_only=True) as con:  # DuckDB's memory capped like the run's
        data = gather(con, kabupaten, {p: m["fingerprint"] for p, m in manifest.items()})
        parts = split_parts(data)
        encoded = {p: _json(part) for p, part in parts.items()}
        kept = {p: manifest[p] for p in data["unchanged_parts"]}
        if kept and sum(map(len, encoded.values())) + sum(m["bytes"] for m in kept.values()) <= inline_limit:
            data = gather(con, kabupaten)  # small enough to embed again: every part is needed
            parts, kept = split_parts(data), {}
            encoded = {p: _json(part) for p, part in parts.items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    counts = {**{p: m["counts"] for p, m in kept.items()}, **{p: part["counts"] for p, part in parts.items()}}
    data["totals"] = {key: sum(c[key] for c in counts.values()) for key in ("mismatches", "unresolved")}
    fingerprints = data.pop("fingerprints")
    del data["unchanged_parts"]
    if not kept and sum(map(len, encoded.values())) <= inline_limit:
        data["parts"] = parts
        shutil.rmtree(folder, ignore_errors=True)
    else:
        data["parts"], data["parts_dir"] = None, folder.name
        folder.mkdir(exist_ok=True)
        for stale in folder.iterdir():
            if stale.name != MANIFEST and stale.name.removeprefix("part-").removesuffix(".js") not in fingerprints:
                stale.unlink()  # a kabupaten/kota with no current report any more
        for p, text in encoded.items():
            (folder / f"part-{p}.js").write_text(
                f"window.LUMBUNG_PARTS = window.LUMBUNG_PARTS || {{}};\nwindow.LUMBUNG_PARTS[{_json(p)}] = {text};\n",
                encoding="utf-8")
        _write_manifest(folder, {**kept, **{p: {"fingerprint": fingerprints[p], "counts": parts[p]["counts"],
                                                 "bytes": len(text)} for p, text in encoded.items()}})
    partial = out.with_name(out.name + ".partial")
    partial.write_text(render(data), encoding="utf-8")
    partial.replace(out)  # readers never see half a page
    return {"documents": len(data["documents"]), "kecamatan": len({d[1] for d in data["documents"]}),
            "parts": 0 if data["parts"] is not None else len(fingerprints),
            "parts_written": 0 if data["parts"] is not None else len(encoded), "bytes": out.stat().st_size}


def _manifest(folder: Path) -> dict[str, dict]:
    """The parts written in `folder` (part -> fingerprint, counts, bytes) whose file is there."""
    try:
        written = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(written, dict):
        return {}
    return {p: m for p, m in written.items() if isinstance(m, dict) and isinstance(m.get("fingerprint"), str)
            and isinstance(m.get("bytes"), int) and isinstance(m.get("counts"), dict)
            and all(isinstance(m["counts"].get(k), int) for k in ("mismatches", "unresolved"))
            and (folder / f"part-{p}.js").is_file()}  # anything else is written again


def _write_manifest(folder: Path, parts: dict[str, dict]) -> None:
    partial = folder / (MANIFEST + ".partial")
    partial.write_text(json.dumps(parts, sort_keys=True), encoding="utf-8")
    partial.replace(folder / MANIFEST)
