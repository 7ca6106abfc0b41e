with source as (
    select * from {{ source('lumbung_raw', 'table_coverage') }}
),

renamed as (
    select
        -- ids
        document_id,
        source_table,
        -- where the block is
        first_line,
        last_line,
        status,
        reason,
        -- where its numbers went
        numeric_cells,
        facts,
        not_facts,
        quarantined,
        unaccounted,
        -- not facts, by class
        header,
        column_numbers,
        repeated_header,
        page_furniture,
        derived_ratio,
        code,
        row_number,
        text_column,
        no_measure_columns,
        table_of_contents,
        not_a_table
    from source
)

select * from renamed
