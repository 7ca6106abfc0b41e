with source as (
    select * from {{ source('lumbung_raw', 'table_items') }}
),

renamed as (
    select
        -- ids
        document_id,
        source_table,
        row_index,
        parent_index,
        -- item
        item_level,
        item_name,
        code_canonical,
        coalesce(is_extra_indicator, false) as is_extra_indicator,
        continues_index,
        coalesce(continues_index, row_index) as item_index,
        -- lineage
        row_line,
        last_line
    from source
)

select * from renamed
