-- Every official code at every level (Kepmendagri 900.1.15.5-1317/2023, kab/kota, scheme
-- permendagri_90_2019), with its name in the 2021 and SIPD 2027 lists where those differ; plus
-- the pre-2021 (Permendagri 13/2006 style) codes found in the reports as their own rows, scheme
-- 'legacy', named as the report writes them. The two schemes never share a row.
with official as (
    select * from {{ ref('stg_reference__nomenclature') }}
),

versions as (
    select * from {{ ref('stg_reference__nomenclature_versions') }}
),

legacy_found as (
    select
        nomenclature_code,
        any_value(item_level order by source_line) as level,
        any_value(item_name order by source_line) as name,
        any_value(case when item_level = 'kegiatan' then code_parent end) as parent_code
    from ({{ from_fact_tables('nomenclature_code, item_level, item_name, code_parent, source_line, code_method') }})
    where code_method = 'legacy' and nomenclature_code is not null
    group by nomenclature_code
),

official_rows as (
    select
        o.nomenclature_code,
        o.level,
        o.name,
        o.parent_code,
        o.scheme,
        o.in_kepmendagri_1317_2023,
        case when o.in_kepmendagri_1317_2023 then 'kepmendagri_900.1.15.5-1317_2023'
             else 'sipd_pemutakhiran_2027' end as version,
        v21.name as name_2021,
        v27.name as name_sipd_2027,
        o.source
    from official as o
    left join versions as v21 on v21.nomenclature_code = o.nomenclature_code and v21.version = 'permendagri_90_2019_update_2021'
    left join versions as v27 on v27.nomenclature_code = o.nomenclature_code and v27.version = 'sipd_pemutakhiran_2027'
),

legacy_rows as (
    select
        nomenclature_code,
        level,
        name,
        parent_code,
        'legacy' as scheme,
        false as in_kepmendagri_1317_2023,
        'permendagri_13_2006_as_written' as version,
        cast(null as varchar) as name_2021,
        cast(null as varchar) as name_sipd_2027,
        'found in the reports (item name as written)' as source
    from legacy_found
    where nomenclature_code not in (select nomenclature_code from official)
)

select
    -- identifiers
    nomenclature_code,
    -- dimensions
    level,
    name,
    parent_code,
    scheme,
    version,
    in_kepmendagri_1317_2023,
    name_2021,
    name_sipd_2027,
    -- metadata
    source
from official_rows
union all
select
    nomenclature_code, level, name, parent_code, scheme, version, in_kepmendagri_1317_2023,
    name_2021, name_sipd_2027, source
from legacy_rows
