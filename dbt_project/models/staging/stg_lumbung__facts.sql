with source as (
    select * from {{ source('lumbung_raw', 'extracted_facts') }}
),

renamed as (
    select
        -- ids
        md5(document_id || ':' || source_line || ':' || coalesce(source_column, -column_index)) as fact_id,
        document_id,
        -- lineage
        source_table,
        source_line,
        source_column,
        source_page,
        row_line,
        row_index,
        column_index,
        column_header,
        coalesce(header_method, 'as_written') as header_method,
        -- item
        item_level,
        item_name,
        indicator,
        code_raw,
        code_canonical,
        code_method,
        code_parent,
        -- measure
        metric,
        kind,
        year,
        variant,
        month,
        -- numerics
        value,
        value_raw,
        value_flag,
        unit,
        coalesce(cells_moved, false) as cells_moved
    from source
)

select * from renamed
