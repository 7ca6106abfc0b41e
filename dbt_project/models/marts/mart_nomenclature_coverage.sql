-- Per report version: how its facts got their nomenclature code.
with facts as (
    select document_id, fact_id, code_method, item_level from {{ ref('fct_target') }}
    union all
    select document_id, fact_id, code_method, item_level from {{ ref('fct_realisation') }}
),

documents as (
    select document_id, document_type, kecamatan_id, period_start_year, period_end_year, source_file
    from {{ ref('dim_document') }}
)

select
    d.document_id,
    d.document_type,
    d.kecamatan_id,
    d.period_start_year,
    d.period_end_year,
    d.source_file,
    count(*) as facts,
    count(*) filter (where f.code_method = 'as_written') as as_written,
    count(*) filter (where f.code_method = 'inherited') as inherited,
    count(*) filter (where f.code_method = 'name_match') as name_match,
    count(*) filter (where f.code_method = 'override') as override,
    count(*) filter (where f.code_method = 'legacy') as legacy,
    count(*) filter (where f.code_method = 'unresolved') as unresolved,
    count(*) filter (where f.code_method = 'unresolved' and f.item_level in ('program', 'kegiatan', 'sub_kegiatan'))
        as unresolved_items_facts
from facts as f
inner join documents as d on d.document_id = f.document_id
group by all
