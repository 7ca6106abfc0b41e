-- The kecamatan that have at least one report, with official Kemendagri names and codes.
with documents as (
    select distinct kemendagri_code from {{ ref('stg_lumbung__documents') }}
),

reference as (
    select * from {{ ref('stg_reference__kecamatan') }}
)

select
    -- identifiers
    r.kecamatan_id,
    -- dimensions
    r.kecamatan,
    r.kabupaten_kota,
    r.provinsi,
    r.kemendagri_code,
    r.kabupaten_kota_code,
    r.provinsi_code
from reference as r
inner join documents as d on d.kemendagri_code = r.kemendagri_code
