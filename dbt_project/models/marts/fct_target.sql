-- One row per target number of a current report version (planned: pagu, anggaran, targets;
-- achieved: realisasi), with its lineage: document and 1-based line of the raw file.
with facts as (
    select * from {{ ref('int_facts__conformed') }} where kind = 'target'
)

select
    -- identifiers
    fact_id,
    document_id,
    kecamatan_id,
    cast(year as integer) as year,
    nomenclature_code,
    -- item
    item_level,
    item_name,
    indicator,
    -- facts
    metric,
    variant,
    cast(value as decimal(24, 4)) as value,
    unit,
    -- lineage
    source_table,
    cast(source_line as integer) as source_line,
    -- metadata
    cast(row_line as integer) as row_line,
    code_raw,
    code_method,
    code_parent,
    value_raw,
    value_flag
from facts
