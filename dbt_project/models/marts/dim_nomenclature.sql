with nomenclature as (
    select * from {{ ref('stg_reference__nomenclature') }}
)

select
    -- identifiers
    nomenclature_code,
    -- dimensions
    level,
    name,
    parent_code,
    scheme,
    in_kepmendagri_1317_2023,
    -- metadata
    source
from nomenclature
