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
        coalesce(format, 'text') as format,
        line_count,
        -- region as identified
        kecamatan,
        kabupaten_kota,
        provinsi,
        coalesce(kecamatan_in_reference, true) as kecamatan_in_reference,
        -- period
        period_start_year,
        period_end_year,
        -- identification
        coalesce(identified_by, 'detected') as identified_by,
        evidence,
        -- metadata
        run_id,
        loaded_at
    from source
)

select * from renamed
