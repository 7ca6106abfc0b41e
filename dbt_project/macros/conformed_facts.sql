{#- The facts of current report versions with their kecamatan and nomenclature code decided
    (int_facts__conformed, which says how); `documents`: a query of the document_ids to keep,
    applied to every large input, not after the joins: an incremental mart of 10 documents
    otherwise joins the items and name matches of the whole warehouse (0.4-0.8 s a mart at
    10,000 reports, against ~0.05 s). -#}
{% macro conformed_facts(documents=none) %}
with facts as (
    select * from {{ ref('stg_lumbung__facts') }}
    {%- if documents %} where document_id in ({{ documents }}){% endif %}
),

documents as (
    select * from {{ ref('int_documents__versioned') }} where is_current
    {%- if documents %} and document_id in ({{ documents }}){% endif %}
),

nomenclature as (
    select nomenclature_code, level from {{ ref('stg_reference__nomenclature') }}
),

items as (
    select document_id, source_table, row_index, item_index from {{ ref('stg_lumbung__table_items') }}
    {%- if documents %} where document_id in ({{ documents }}){% endif %}
),

matches as (
    select * from {{ ref('int_items__name_matched') }}
    {%- if documents %} where document_id in ({{ documents }}){% endif %}
),

overrides as (
    select
        document_type,
        trim(lower(regexp_replace(name_as_written, '[^0-9A-Za-z]+', ' ', 'g'))) as name_key,
        nomenclature_code
    from {{ ref('code_overrides') }}
),

facts_with_item as (
    select
        f.*,
        d.kecamatan_id,
        d.document_type,
        coalesce(i.item_index, f.row_index) as item_index,
        trim(lower(regexp_replace(f.item_name, '[^0-9A-Za-z]+', ' ', 'g'))) as name_key
    from facts as f
    inner join documents as d on d.document_id = f.document_id
    left join items as i
        on i.document_id = f.document_id and i.source_table = f.source_table and i.row_index = f.row_index
),

decided as (
    select
        f.*,
        written.nomenclature_code as written_code,
        o.nomenclature_code as override_code,
        m.matched_code,
        m.match_score,
        m.accepted as match_accepted,
        m.runner_up_code,
        m.runner_up_score,
        m.written_code_name_score
    from facts_with_item as f
    left join nomenclature as written on written.nomenclature_code = f.code_canonical
    left join overrides as o on o.document_type = f.document_type and o.name_key = f.name_key
    left join matches as m
        on m.document_id = f.document_id and m.source_table = f.source_table and m.row_index = f.item_index
),

conformed as (
    select
        -- ids
        fact_id,
        document_id,
        kecamatan_id,
        -- item
        year,
        case
            when override_code is not null then override_code
            when written_code is not null then written_code
            -- legacy rows of dim_nomenclature (scheme 'legacy'): `001` under `1101.01` is `1101.01.001`
            when code_method = 'legacy' and item_level = 'kegiatan' and code_parent is not null
                then code_parent || '.' || code_raw
            when code_method = 'legacy' then code_raw
            when match_accepted then matched_code
        end as nomenclature_code,
        case
            when override_code is not null then 'override'
            when written_code is not null then code_method
            when code_method = 'legacy' then 'legacy'
            when match_accepted then 'name_match'
            else 'unresolved'
        end as code_method,
        cast(case
            when written_code is not null or override_code is not null then 1
            when code_method = 'legacy' then null
            when match_accepted then round(match_score / 100, 3)
        end as decimal(4, 3)) as code_confidence,
        override_code is null and written_code is not null and written_code_name_score < 60 as code_name_disagrees,
        matched_code as name_match_code,
        match_score as name_match_score,
        runner_up_code as name_match_runner_up,
        runner_up_score as name_match_runner_up_score,
        code_raw,
        code_parent,
        item_level,
        item_name,
        indicator,
        -- measure
        kind,
        metric,
        variant,
        month,
        value,
        value_raw,
        value_flag,
        unit,
        -- lineage
        source_table,
        source_line,
        source_column,
        source_page,
        row_line,
        row_index,
        column_index,
        header_method,
        cells_moved
    from decided
)

-- where the code is known, its level is the item's level (the engine's level of a name-only row
-- is a guess from the table's layout)
select c.* replace (coalesce(n.level, c.item_level) as item_level)
from conformed as c
left join nomenclature as n on n.nomenclature_code = c.nomenclature_code
{% endmacro %}
