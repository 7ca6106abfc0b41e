-- Every stated ratio (capaian %, tingkat realisasi %, rasio) recomputed from the two figures of
-- the same row it divides (raw.derived_values says which columns), and compared: a ratio
-- written as a percentage (98,12) or as a fraction (0,98) matches when it is within half a
-- percentage point of realisation / target x 100.
{{ config(**keyed_on_document()) }}
{% set tolerance = 0.5 %}

with documents as (
    {{ current_documents_to_build() }}
),

-- each ratio with its numerator (int_derived__numerators: the two figures joined in two steps)
with_numerator as (
    select * from {{ ref('int_derived__numerators') }}
    where document_id in (select document_id from documents)
),

-- the built fact tables, not the conformed view (computed again over every fact when read)
facts as (
    select * from (
        {{ from_fact_tables('document_id, source_table, row_index, column_index, value, source_line, item_level,
                             item_name, year, month') }}
    )
    where document_id in (select document_id from documents)
),

joined as (
    select
        d.* exclude (item_level, item_name, year, month),
        q.value as denominator,
        q.source_line as denominator_line,
        coalesce(d.item_level, q.item_level) as item_level,
        coalesce(d.item_name, q.item_name) as item_name,
        coalesce(d.year, q.year) as year,
        coalesce(d.month, q.month) as month,
        case when q.value <> 0 then d.numerator / q.value * 100 end as computed_value
    from with_numerator as d
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
