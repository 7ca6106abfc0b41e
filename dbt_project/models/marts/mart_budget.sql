-- depends_on: {{ ref('int_documents__to_build') }}
-- The table where a plain SUM is right: one row per document x leaf budget item x year x measure
-- (plan, realisation), the report's own figure for that item taken once.
--
-- The rule, the same for every report type (Renja, Renstra, LKjIP), decided per document, year
-- and measure from the budget facts of the document's current version (yearly figures only;
-- monthly ones stay in the fact tables):
--   1. plan stage: the figure the report gives as its own (no variant) before the result of the
--      needs analysis (hasil_analisa), before the initial draft (rancangan_awal), before a
--      forward estimate (prakiraan_maju, the plan of the year after).  End-of-period targets
--      (akhir_periode, a Renstra's period total), the Renstra's figure quoted in an LKjIP
--      (renstra) and national standards are not a year's plan and never enter;
--   2. table: among the tables giving figures of that stage, the one reaching the deepest level
--      (sub kegiatan before kegiatan before program), then with the most items, then whose items
--      come closest to the total it states, then the first in the report;
--   3. leaf: in that table, an item none of whose sub-items has a figure of the same year and
--      measure; a report giving only program-level figures has programs as leaves.  When these
--      leaves miss the total the table states, but taking an item's own amount instead of its
--      sub-items' (where those do not add up to it) meets the total, that reading is taken.
-- Stated totals stay in the fact tables and are compared with these sums in
-- audit_budget_reconciliation.
{%- set reading = budget_reading() %}
{%- set levels = ['urusan', 'program', 'kegiatan', 'sub_kegiatan'] %}
with documents as (
    select d.document_id, d.document_type, d.kecamatan_id, k.kecamatan, k.kabupaten_kota, k.provinsi
    from {{ ref('dim_document') }} as d
    inner join {{ ref('dim_kecamatan') }} as k on k.kecamatan_id = d.kecamatan_id
    where d.is_current
    {%- if is_incremental() %}
        -- incremental, keyed on the document like the fact marts (every rule below is per document)
        and d.document_id in ({{ documents_to_build() }})
    {%- endif %}
),

-- the rules' first steps are intermediate models (built in one query they ran out of memory at
-- national scale): int_budget__figures (stage 1: the figures of the plan stages, each item once,
-- with its containers), int_budget__leaves and int_budget__consistent_leaves (rule 3)
totals as (
    select {{ reading }}, max(value) as stated_total
    from {{ ref('int_budget__figures') }}
    where item_level = 'total' and document_id in (select document_id from documents)
    group by all
),

leaves as not materialized (  -- read twice: scanned again, not held (10,000 reports: 8 -> 6 s)
    select * from {{ ref('int_budget__leaves') }}
    where document_id in (select document_id from documents)
),

consistent_leaves as (
    select * from {{ ref('int_budget__consistent_leaves') }}
    where document_id in (select document_id from documents)
),

-- each item's containers by level (int_items__ancestors), for the hierarchy columns
containers as (
    select * from {{ ref('int_items__ancestors') }}
    where document_id in (select document_id from documents)
),

-- each candidate table of a document, year, measure and stage, with what the choice looks at
candidates as (
    select
        l.document_id, l.source_table, l.year, l.measure, l.plan_stage, any_value(l.stage_rank) as stage_rank,
        max(l.level_rank) as deepest_level,
        count(*) as leaf_items,
        sum(l.value) as leaf_sum,
        min(l.source_line) as first_line,
        any_value(t.stated_total) as stated_total
    from leaves as l
    left join totals as t
        on t.document_id = l.document_id and t.source_table = l.source_table and t.year = l.year
        and t.measure = l.measure and t.plan_stage = l.plan_stage
    group by all
),

chosen as (
    select *
    from candidates
    qualify row_number() over (
        partition by document_id, year, measure
        order by stage_rank, deepest_level desc, leaf_items desc,
            abs(leaf_sum - stated_total) nulls last, first_line, source_table
    ) = 1
),

-- where the deepest items of the chosen table do not add up to the total the table states, but
-- the consistent leaves (an item's own amount instead of its sub-items' where they do not add up
-- to it, audit.reconciliation: mismatch) do, that is the table's reading: the report's figures at
-- the level where they agree with the report's own total (a sub kegiatan lost in the PDF
-- conversion, or mistyped, does not change the total)
readings as (
    select
        {{ reading }},
        coalesce(
            abs(c.leaf_sum - c.stated_total) > {{ var('reconciliation_tolerance') }}
            and abs(s.consistent_sum - c.stated_total) <= {{ var('reconciliation_tolerance') }},
            false
        ) as at_consistent_level
    from chosen as c
    left join (
        select {{ reading }}, sum(value) as consistent_sum from consistent_leaves group by all
    ) as s using ({{ reading }})
),

budget_leaves as (
    select * from leaves
    semi join (select {{ reading }} from readings where not at_consistent_level) using ({{ reading }})
    union all by name
    select * from consistent_leaves
    semi join (select {{ reading }} from readings where at_consistent_level) using ({{ reading }})
),

-- whether the report gives a realisation for the year (every chosen table gives the mart rows;
-- a window over the mart's rows instead ran out of memory at 10,000 reports, 1 GB cap)
reported as (
    select document_id, year, bool_or(measure = 'realisation') as realisation_reported
    from chosen
    group by all
),

-- the leaves of the chosen tables, with their containers' codes and names
lineage as (
    select
        l.*,
        {%- for level in levels %}
        a.{{ level }}_code as container_{{ level }}_code,
        a.{{ level }}_name as container_{{ level }}_name{{ ',' if not loop.last }}
        {%- endfor %}
    from budget_leaves as l
    inner join chosen as c
        on c.document_id = l.document_id and c.source_table = l.source_table and c.year = l.year
        and c.measure = l.measure and c.plan_stage = l.plan_stage
    left join containers as a
        on a.document_id = l.document_id and a.source_table = l.source_table and a.row_index = l.row_index
)

select
    -- grain: document x leaf item x year x measure
    l.fact_id,
    l.document_id,
    cast(l.year as integer) as year,
    cast(l.year as integer) as fiscal_year,
    l.measure,
    cast(l.value as decimal(24, 4)) as value,
    l.nomenclature_code,
    l.item_level,
    l.item_name,
    -- the hierarchy, one column pair per level (the leaf itself at its own level)
    {%- for level in levels %}
    case when l.item_level = '{{ level }}' then l.nomenclature_code else l.container_{{ level }}_code end as {{ level }}_code,
    case when l.item_level = '{{ level }}' then l.item_name else l.container_{{ level }}_name end as {{ level }}_name,
    {%- endfor %}
    -- the report
    d.document_type,
    d.kecamatan_id,
    d.kecamatan,
    d.kabupaten_kota,
    d.provinsi,
    l.plan_stage,
    r.realisation_reported,
    -- lineage
    l.source_table,
    cast(l.source_line as integer) as source_line,
    cast(l.source_column as integer) as source_column,
    cast(l.source_page as integer) as source_page,
    l.value_flag
from lineage as l
inner join documents as d on d.document_id = l.document_id
inner join reported as r on r.document_id = l.document_id and r.year = l.year
