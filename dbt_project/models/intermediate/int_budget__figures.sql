-- The budget figures mart_budget chooses from, one row per figure: every yearly budget figure of
-- a current report version that may be a year's plan or realisation (plan stage: the report's own
-- figure, hasil_analisa, rancangan_awal or prakiraan_maju; end-of-period targets, the Renstra's
-- figure quoted in an LKjIP and national standards never are), with
--   - for an item (urusan ... sub kegiatan) with a readable figure: the first column where its
--     row gives two of the same year, measure and stage, with its container and its containers'
--     containers (int_items__ancestors);
--   - for a stated total (item_level = total): every column.
-- The first step of mart_budget, a table of its own: built in one query, mart_budget held these
-- rows in several hash tables at once and ran out of memory at 10,000 reports (1 GB cap).
{{ config(**keyed_on_document()) }}
with documents as (
    {{ current_documents_to_build() }}
),

{#- the fact columns the rules and the mart use (narrow rows: a full build holds every budget
    fact of the country) -#}
{%- set fact_columns = 'fact_id, document_id, year, value, variant, nomenclature_code, item_level, item_name, '
    ~ 'source_table, source_line, source_column, source_page, row_index, value_flag' %}
budget_facts as (
    select {{ fact_columns }}, 'plan' as measure from {{ ref('fct_target') }}
    where metric = 'budget' and month is null and document_id in (select document_id from documents)
    union all
    select {{ fact_columns }}, 'realisation' as measure from {{ ref('fct_realisation') }}
    where metric = 'budget' and month is null and document_id in (select document_id from documents)
),

staged as (
    select
        *,
        coalesce(variant, 'as_reported') as plan_stage,
        case coalesce(variant, '')
            when '' then 1 when 'hasil_analisa' then 2 when 'rancangan_awal' then 3 when 'prakiraan_maju' then 4
        end as stage_rank,
        case item_level
            when 'urusan' then 1 when 'bidang' then 2 when 'program' then 3 when 'kegiatan' then 4
            when 'sub_kegiatan' then 5
        end as level_rank
    from budget_facts
    where variant is null or variant in ('hasil_analisa', 'rancangan_awal', 'prakiraan_maju')
),

items as (
    select * from staged where level_rank is not null and value is not null
),

ancestors as (
    select document_id, source_table, row_index, parent_index, item_index, ancestors
    from {{ ref('int_items__ancestors') }}
    where document_id in (select document_id from documents)
),

-- an item's figure: the first column where its row gives two of the same year, measure and stage
not_first as (
    {{ all_but_first('items', ['document_id', 'source_table', 'year', 'measure', 'plan_stage', 'row_index'],
                     'f.source_column') }}
),

item_figures as (
    select i.*, a.parent_index, a.item_index, coalesce(a.ancestors, []) as ancestors
    from items as i
    left join ancestors as a
        on a.document_id = i.document_id and a.source_table = i.source_table and a.row_index = i.row_index
    where i.fact_id not in (select fact_id from not_first)
)

select * from item_figures
union all by name
select * from staged where item_level = 'total'
