-- Indicator targets and realisations, one row per indicator x year (x month) pair of a report
-- item, every indicator fact on exactly one row (pairs from mart_target_vs_realisation), with:
--   indicator_key: the same indicator across tables and years of a report and across reports
--     where the text matches (md5 of the indicator text, lower case, punctuation and spacing
--     removed; the item's name when the row has no separate indicator text);
--   unit: the written unit normalised to the vocabulary of seeds/curation/unit_vocabulary.csv
--     (`lainnya` for a spelling not listed), or, where the cell gave none, the unit the same
--     indicator has elsewhere in the report (unit_source says which); unit_written as written.
{{ config(**keyed_on_document()) }}
with pairs as (
    select * from {{ ref('mart_target_vs_realisation') }} where metric = 'indicator'
    {%- if is_incremental() %}
        and document_id in ({{ documents_to_build() }})
    {%- endif %}
),

vocabulary as (
    select written_key, unit from {{ ref('unit_vocabulary') }}
),

keyed as (
    select
        p.*,
        coalesce(p.indicator, p.item_name) as indicator_text,
        md5(trim(regexp_replace(lower(coalesce(p.indicator, p.item_name)), '[^0-9a-z%]+', ' ', 'g'))) as indicator_key,
        case when p.unit is not null then coalesce(v.unit, 'lainnya') end as written_unit
    from pairs as p
    left join vocabulary as v on v.written_key = {{ unit_key('p.unit') }}
),

report_units as (
    select document_id, indicator_key, mode(written_unit) as unit
    from keyed
    where written_unit is not null
    group by all
)

select
    k.indicator_key,
    k.indicator_text as indicator,
    k.document_id,
    k.kecamatan_id,
    k.year,
    k.month,
    k.nomenclature_code,
    k.item_level,
    k.item_name,
    k.target_value,
    k.realisation_value,
    k.achievement_pct,
    coalesce(k.written_unit, r.unit) as unit,
    case when k.written_unit is not null then 'written' when r.unit is not null then 'same_indicator' end as unit_source,
    k.unit as unit_written,
    k.target_variant,
    k.realisation_variant,
    k.target_fact_id,
    k.realisation_fact_id,
    k.source_table,
    k.row_line
from keyed as k
left join report_units as r on r.document_id = k.document_id and r.indicator_key = k.indicator_key
