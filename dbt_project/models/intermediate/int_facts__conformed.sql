-- Facts of current report versions, with the kecamatan and a nomenclature code settled:
-- a canonical code read from the row (as written or inherited from the rows above) that
-- exists in the reference is kept; anything else stays NULL with code_method 'unresolved'
-- (name matching and overrides come with the conformed-dimensions work).
with facts as (
    select * from {{ ref('stg_lumbung__facts') }}
),

documents as (
    select * from {{ ref('int_documents__versioned') }} where is_current
),

nomenclature as (
    select nomenclature_code from {{ ref('stg_reference__nomenclature') }}
),

conformed as (
    select
        -- ids
        f.fact_id,
        f.document_id,
        d.kecamatan_id,
        -- item
        f.year,
        n.nomenclature_code,
        case
            when n.nomenclature_code is not null then f.code_method
            when f.code_method = 'legacy' then 'legacy'
            else 'unresolved'
        end as code_method,
        f.code_raw,
        f.code_parent,
        f.item_level,
        f.item_name,
        f.indicator,
        -- measure
        f.kind,
        f.metric,
        f.variant,
        f.month,
        f.value,
        f.value_raw,
        f.value_flag,
        f.unit,
        -- lineage
        f.source_table,
        f.source_line,
        f.row_line,
        f.row_index,
        f.column_index,
        f.cells_moved
    from facts as f
    inner join documents as d on d.document_id = f.document_id
    left join nomenclature as n on n.nomenclature_code = f.code_canonical
)

select * from conformed
