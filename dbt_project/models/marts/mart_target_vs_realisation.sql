-- Targets next to the realisations reported for the same item (same document, table and item),
-- year, metric and month, with the achievement percentage; NULL where either side is missing or
-- the target is zero.  Grain: one row per fact pair; every fact is on exactly one row (no
-- fan-out, a SUM of either side counts each fact once).  Where an item has several targets
-- (the report's own, the Renstra's, a national standard) or several realisations, the first of
-- each (the report's own figure, no variant, first; then by variant and column) are paired and
-- the others stand on rows of their own with the other side NULL.
{{ config(**keyed_on_document()) }}
{%- set pair_key = 'document_id, source_table, row_index, year, metric, month' %}
with
{%- for side, model in [('targets', 'fct_target'), ('realisations', 'fct_realisation')] %}
{{ side }}_all as not materialized (  -- read three times: scanned again, not held (10,000 reports: 24 -> 17 s)
    select
        document_id, kecamatan_id, year, nomenclature_code, item_level, item_name, indicator, metric, month,
        variant, value, unit, fact_id, source_table, row_line, row_index, source_column
    from {{ ref(model) }}
    where true
    {%- if is_incremental() %}
        and document_id in ({{ documents_to_build() }})
    {%- endif %}
),

-- the facts of an item after its first of the year, metric and month (no variant first, then by
-- variant and column): they stand on rows of their own
{{ side }}_not_first as (
    {{ all_but_first(side ~ '_all', pair_key.split(', '), 'f.variant nulls first, f.source_column') }}
),

{{ side }} as (
    select *, fact_id not in (select fact_id from {{ side }}_not_first) as is_first
    from {{ side }}_all
),
{% endfor %}
joined as (
    select
        coalesce(t.document_id, r.document_id) as document_id,
        coalesce(t.kecamatan_id, r.kecamatan_id) as kecamatan_id,
        coalesce(t.year, r.year) as year,
        coalesce(t.nomenclature_code, r.nomenclature_code) as nomenclature_code,
        coalesce(t.item_level, r.item_level) as item_level,
        coalesce(t.item_name, r.item_name) as item_name,
        coalesce(t.indicator, r.indicator) as indicator,
        coalesce(t.metric, r.metric) as metric,
        coalesce(t.month, r.month) as month,
        t.variant as target_variant,
        r.variant as realisation_variant,
        t.value as target_value,
        r.value as realisation_value,
        coalesce(t.unit, r.unit) as unit,
        t.fact_id as target_fact_id,
        r.fact_id as realisation_fact_id,
        coalesce(t.source_table, r.source_table) as source_table,
        coalesce(t.row_line, r.row_line) as row_line,
        coalesce(t.row_index, r.row_index) as row_index
    from targets as t
    full outer join realisations as r
        on t.document_id = r.document_id
        and t.source_table = r.source_table
        and t.row_index = r.row_index
        and t.year = r.year
        and t.metric = r.metric
        and t.month is not distinct from r.month
        and t.is_first
        and r.is_first
)

select
    *,
    cast(case when target_value <> 0 then round(realisation_value / target_value * 100, 2) end as decimal(12, 2))
        as achievement_pct
from joined
