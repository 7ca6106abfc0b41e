-- The kecamatan that have at least one report, with official Kemendagri names and codes; a
-- kecamatan the reference lacks, added by the user in raw/lumbung-documents.csv, with the names
-- given there (in_reference = false).
with documents as (
    select
        kemendagri_code,
        any_value(kecamatan) as kecamatan,
        any_value(kabupaten_kota) as kabupaten_kota,
        any_value(provinsi) as provinsi,
        bool_and(kecamatan_in_reference) as in_reference
    from {{ ref('stg_lumbung__documents') }}
    group by kemendagri_code
),

reference as (
    select * from {{ ref('stg_reference__kecamatan') }}
),

official as (
    select
        r.kecamatan_id,
        r.kecamatan,
        r.kabupaten_kota,
        r.provinsi,
        r.kemendagri_code,
        r.kabupaten_kota_code,
        r.provinsi_code,
        true as in_reference
    from reference as r
    inner join documents as d on d.kemendagri_code = r.kemendagri_code
),

added as (
    select
        replace(d.kemendagri_code, '.', '') as kecamatan_id,
        d.kecamatan,
        d.kabupaten_kota,
        d.provinsi,
        d.kemendagri_code,
        cast(null as varchar) as kabupaten_kota_code,
        cast(null as varchar) as provinsi_code,
        false as in_reference
    from documents as d
    where not exists (select 1 from reference as r where r.kemendagri_code = d.kemendagri_code)
)

select * from official
union all
select * from added
