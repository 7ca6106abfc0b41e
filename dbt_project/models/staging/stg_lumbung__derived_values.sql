with source as (
    select * from {{ source('lumbung_raw', 'derived_values') }}
),

renamed as (
    select
        -- ids
        document_id,
        source_table,
        row_index,
        column_index,
        -- the stated ratio
        column_header,
        value_raw,
        value,
        -- what it divides
        numerator_column,
        denominator_column,
        -- lineage
        source_line
    from source
)

select * from renamed
