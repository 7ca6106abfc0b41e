{{ config(alias='table_coverage') }}
-- audit.table_coverage: one row per table block of each current report version, with where
-- every numeric cell went: a fact, a class of non-fact, the quarantine, or unaccounted (must be 0).
with coverage as (
    select * from {{ ref('stg_lumbung__table_coverage') }}
),

documents as (
    select document_id, source_file, kecamatan_id, document_type
    from {{ ref('int_documents__versioned') }}
    where is_current
)

select
    -- ids
    c.document_id,
    d.source_file,
    d.kecamatan_id,
    d.document_type,
    c.source_table,
    -- the block
    cast(c.first_line as integer) as first_line,
    cast(c.last_line as integer) as last_line,
    c.status,
    c.reason,
    -- where its numbers went
    cast(c.numeric_cells as integer) as numeric_cells,
    cast(c.facts as integer) as facts,
    cast(c.not_facts as integer) as not_facts,
    cast(c.quarantined as integer) as quarantined,
    cast(c.unaccounted as integer) as unaccounted,
    -- not facts, by class
    cast(c.header as integer) as header,
    cast(c.column_numbers as integer) as column_numbers,
    cast(c.repeated_header as integer) as repeated_header,
    cast(c.page_furniture as integer) as page_furniture,
    cast(c.derived_ratio as integer) as derived_ratio,
    cast(c.code as integer) as code,
    cast(c.row_number as integer) as row_number,
    cast(c.text_column as integer) as text_column,
    cast(c.no_measure_columns as integer) as no_measure_columns,
    cast(c.table_of_contents as integer) as table_of_contents,
    cast(c.not_a_table as integer) as not_a_table
from coverage as c
inner join documents as d on d.document_id = c.document_id
