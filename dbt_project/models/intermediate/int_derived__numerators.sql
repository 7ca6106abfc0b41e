-- Every stated ratio (raw.derived_values) of a current report version with the first of the two
-- figures it divides: the fact in its numerator column of the same row (NULL where the row has
-- none).  int_derived__recomputed adds the denominator and compares.  The two figures are joined
-- in two models: in one query DuckDB held two hash tables of every ratio of the country at once
-- and ran out of dbt's memory at 10,000 reports; each step alone runs in 384MB.
{{ config(**keyed_on_document()) }}

with documents as (
    {{ current_documents_to_build('document_id, kecamatan_id') }}
),

derived as (
    select v.*, d.kecamatan_id
    from {{ ref('stg_lumbung__derived_values') }} as v
    inner join documents as d on d.document_id = v.document_id
),

-- the built fact tables, not the conformed view (computed again over every fact when read)
facts as (
    select * from (
        {{ from_fact_tables('document_id, source_table, row_index, column_index, value, source_line, item_level,
                             item_name, year, variant, month') }}
    )
    where document_id in (select document_id from documents)
)

select
    d.*,
    n.value as numerator,
    n.source_line as numerator_line,
    n.item_level,
    n.item_name,
    n.year,
    n.variant,
    n.month
from derived as d
left join facts as n
    on n.document_id = d.document_id and n.source_table = d.source_table
    and n.row_index = d.row_index and n.column_index = d.numerator_column
