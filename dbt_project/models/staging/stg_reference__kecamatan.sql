with source as (
    select * from {{ ref('kecamatan') }}
),

renamed as (
    select
        code_nodot as kecamatan_id,
        code as kemendagri_code,
        kecamatan,
        kabupaten_kota,
        provinsi,
        kabupaten_kota_code,
        provinsi_code,
        source
    from source
)

select * from renamed
