"""Each item of each table against the official nomenclature (Kepmendagri 900.1.15.5-1317/2023):
items with a written official code are checked (how close is their name to the official one);
items without one are matched by name with rapidfuzz (lumbung.nomenclature), within their parent
item's code when that is known, else within the organisation's bidang (config
`organisation_bidang`, 7.01 = Kecamatan).  One row per item; the decision is taken in
int_facts__conformed."""

from dataclasses import fields
from operator import attrgetter

import pandas as pd

from lumbung.nomenclature import ItemMatch, resolve_items


def model(dbt, session):
    dbt.config(materialized="table")
    items = dbt.ref("stg_lumbung__table_items").project(
        "document_id, source_table, row_index, parent_index, item_name, code_canonical, is_extra_indicator").df()
    reference = dbt.ref("stg_reference__nomenclature").df()
    # kab/kota rows of the decree; special-status variants (Aceh 7.xx, DKI 6.xx) repeat the same names
    official = reference[reference["in_kepmendagri_1317_2023"].fillna(False)
                         & reference["kegiatan_pemda_digit"].fillna("2").isin(["2"])]
    matches = resolve_items(items.to_dict("records"), official.to_dict("records"),
                            dbt.config.get("organisation_bidang"))
    columns = [f.name for f in fields(ItemMatch)]
    return pd.DataFrame(list(map(attrgetter(*columns), matches)), columns=columns)
