"""Each item of each table against the official nomenclature (Kepmendagri 900.1.15.5-1317/2023):
items with a written official code are checked (how close is their name to the official one);
items without one are matched by name with rapidfuzz (lumbung.nomenclature), within their parent
item's code when that is known, else within the organisation's bidang (config
`organisation_bidang`, 7.01 = Kecamatan).  One row per item; the decision is taken in
int_facts__conformed.

Incremental, keyed on the document: a run matches only the items of documents it has not matched
in the version loaded (a re-read document is matched again; the post-hook drops documents no
longer loaded), documents a few hundred at a time, streamed to the table so that memory stays
bounded, with one prepared matcher for the whole run.  The pipeline rebuilds it in full when the transform code
or the reference changes (`transform_fingerprint`)."""

from operator import itemgetter

import pyarrow as pa

from lumbung.memory import collected_cheaply
from lumbung.nomenclature import Item, ItemMatch, Matcher, official_names, resolve_items

ITEM_COLUMNS = ", ".join(Item._fields)
DOCUMENTS_PER_CHUNK = 250  # config `documents_per_chunk` (env LUMBUNG_MATCH_DOCUMENTS_PER_CHUNK) overrides it
SCHEMA = pa.schema([
    ("document_id", pa.string()), ("source_table", pa.string()), ("row_index", pa.int64()),
    ("item_name", pa.string()), ("candidate_scope", pa.string()), ("matched_code", pa.string()),
    ("matched_name", pa.string()), ("match_score", pa.float64()), ("runner_up_code", pa.string()),
    ("runner_up_score", pa.float64()), ("accepted", pa.bool_()), ("written_code_name_score", pa.float64()),
    ("document_loaded_at", pa.timestamp("us", tz="UTC")),
])
assert SCHEMA.names[:-1] == list(ItemMatch._fields)


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="delete+insert", unique_key="document_id")
    reference = dbt.ref("stg_reference__nomenclature").df()
    # kab/kota rows of the decree; special-status variants (Aceh 7.xx, DKI 6.xx) repeat the same names
    official = reference[reference["in_kepmendagri_1317_2023"].fillna(False)
                         & reference["kegiatan_pemda_digit"].fillna("2").isin(["2"])]
    matcher = Matcher(official_names(official.to_dict("records")))
    bidang = dbt.config.get("organisation_bidang")
    per_chunk = dbt.config.get("documents_per_chunk")  # a call of its own: dbt reads config keys from such calls
    per_chunk = int(per_chunk or DOCUMENTS_PER_CHUNK)

    documents = dbt.ref("stg_lumbung__documents").project("document_id, loaded_at")
    if dbt.is_incremental:
        documents = documents.except_(session.sql(f"select distinct document_id, document_loaded_at from {dbt.this}"))
    todo = sorted(documents.fetchall())
    items = dbt.ref("stg_lumbung__table_items").project(ITEM_COLUMNS)

    def batches():
        # millions of small tuples: Python's collector would walk dbt's whole heap again and again
        # (~10 % of the model's time at 10,000 reports); it looks only at this model's objects
        with collected_cheaply():
            for start in range(0, len(todo), per_chunk):
                chunk = todo[start: start + per_chunk]
                loaded_at = dict(chunk)
                wanted = session.from_arrow(pa.table({"document_id": [d for d, _ in chunk]}))
                # rows as tuples in the matcher's order (a dict an item cost more than the matching)
                rows = items.join(wanted, "document_id").project(ITEM_COLUMNS).order(
                    "document_id, source_table, row_index").fetchall()
                matches = resolve_items(rows, matcher, bidang)
                columns = {name: list(map(itemgetter(i), matches)) for i, name in enumerate(ItemMatch._fields)}
                columns["document_loaded_at"] = [loaded_at[d] for d in columns["document_id"]]
                yield from pa.table(columns, schema=SCHEMA).to_batches()

    # a stream: dbt-duckdb inserts each chunk's matches as they come (through a cursor of its
    # own), so the matches of a whole country are never held in memory at once
    return pa.RecordBatchReader.from_batches(SCHEMA, batches())
