with source as (
    select * from {{ ref('nomenclature') }}
),

renamed as (
    select
        code as nomenclature_code,
        level,
        name,
        nullif(parent_code, '') as parent_code,
        'permendagri_90_2019' as scheme,
        source,
        kinerja,
        indikator,
        satuan,
        nullif(kegiatan_pemda_digit, '') as kegiatan_pemda_digit,
        in_kepmendagri_1317_2023 = 'Y' as in_kepmendagri_1317_2023
    from source
)

select * from renamed
