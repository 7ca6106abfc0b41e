-- Every stated ratio (capaian %, tingkat realisasi %, rasio) recomputed from the two figures of
-- the same row it divides (raw.derived_values says which columns), and compared: a ratio
-- written as a percentage (98,12) or as a fraction (0,98) matches when it is within half a
-- percentage point of realisation / target x 100.
{{ config(**keyed_on_document()) }}
{% set tolerance = 0.5 %}

with documents as (
    select document_id, kecamatan_id from {{ ref('int_documents__versioned') }} where is_current
    {%- if is_incremental() %}
        and document_id in ({{ documents_to_build() }})
    {%- endif %}
),

-- `not materialized`: each is read twice, and DuckDB would otherwise keep a whole copy of it in
-- memory (2 million ratios and their facts at national scale: a full rebuild ran out of dbt's
-- memory); read again, they cost less than held (5 s instead of 8 at 10,000 reports)
derived as not materialized (
    select v.*, d.kecamatan_id
    from {{ ref('stg_lumbung__derived_values') }} as v
    inner join documents as d on d.document_id = v.document_id
),

-- the built fact tables, not the conformed view (computed again over every fact when read)
facts as not materialized (
    select * from (
        {{ from_fact_tables('document_id, source_table, row_index, column_index, value, source_line, item_level,
                             item_name, year, variant, month') }}
    )
    where document_id in (select document_id from documents)
),

joined as (
    select
        d.*,
        n.value as numerator,
        q.value as denominator,
        n.source_line as numerator_line,
        q.source_line as denominator_line,
        coalesce(n.item_level, q.item_level) as item_level,
        coalesce(n.item_name, q.item_name) as item_name,
        coalesce(n.year, q.year) as year,
        n.variant,
        coalesce(n.month, q.month) as month,
        case when q.value <> 0 then n.value / q.value * 100 end as computed_value
    from derived as d
    left join facts as n
        on n.document_id = d.document_id and n.source_table = d.source_table
        and n.row_index = d.row_index and n.column_index = d.numerator_column
    left join facts as q
        on q.document_id = d.document_id and q.source_table = d.source_table
        and q.row_index = d.row_index and q.column_index = d.denominator_column
)

select
    md5('derived_ratio:' || document_id || ':' || source_table || ':' || row_index || ':' || column_index) as check_id,
    'derived_ratio' as check_type,
    case
        when numerator_column is null then 'not_checked'
        when value is null then 'unreadable'
        when numerator is null or denominator is null then 'parts_without_amounts'
        when denominator = 0 then 'not_computable'
        when abs(value - computed_value) <= {{ tolerance }} or abs(value * 100 - computed_value) <= {{ tolerance }}
            then 'match'
        else 'mismatch'
    end as status,
    document_id,
    kecamatan_id,
    source_table,
    source_line,
    row_index,
    item_level,
    item_name,
    cast(null as varchar) as kind,
    year,
    variant,
    month,
    value as stated_value,
    value_raw as stated_value_raw,
    cast(computed_value as decimal(38, 4)) as computed_value,
    cast(value - computed_value as decimal(38, 4)) as difference,
    cast(2 as bigint) as parts,
    cast((numerator is not null)::int + (denominator is not null)::int as bigint) as parts_with_value,
    'realisation / target' as part_level,
    concat_ws(', ', cast(numerator_line as varchar), cast(denominator_line as varchar)) as part_lines,
    cast(null as varchar) as flagged_parts
from joined
