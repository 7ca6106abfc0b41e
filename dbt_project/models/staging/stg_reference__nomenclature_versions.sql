-- The other nomenclature lists, for codes and names that differ between versions:
-- the 2021-22 list (Permendagri 90/2019 as updated then; partial) and the SIPD 2027 update.
with list_2021 as (
    select
        code as nomenclature_code,
        level,
        name,
        'permendagri_90_2019_update_2021' as version,
        cast(null as varchar) as previous_code,
        source
    from {{ ref('nomenclature_legacy_2021_sepeda') }}
),

list_2027 as (
    select
        code as nomenclature_code,
        level,
        name,
        'sipd_pemutakhiran_2027' as version,
        nullif(subkegiatan_sebelumnya, '') as previous_code,
        source
    from {{ ref('nomenclature_sipd_pemutakhiran_2027') }}
    where jenis_pemda = 'KABKOT'
)

select * from list_2021
union all
select * from list_2027
