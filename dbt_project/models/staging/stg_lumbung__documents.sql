with source as (
    select * from {{ source('lumbung_raw', 'documents') }}
),

renamed as (
    select
        -- ids
        document_id,
        source_sha256,
        replace(kecamatan_code, '.', '') as kecamatan_id,
        kecamatan_code as kemendagri_code,
        -- document
        document_type,
        source_file,
        size_bytes,
        encoding,
        line_count,
        -- region as detected
        kecamatan,
        kabupaten_kota,
        provinsi,
        -- period
        period_start_year,
        period_end_year,
        -- metadata
        run_id,
        loaded_at
    from source
)

select * from renamed
