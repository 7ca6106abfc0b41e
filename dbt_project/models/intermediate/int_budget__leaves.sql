-- The items of each table whose figures mart_budget may sum, two ways (`leaf_set`), for each
-- reading of a table (document, table, year, measure, plan stage):
--   deepest:    an item none of whose sub-items (by the layout's parent, or any code under its
--               code) has a figure in the same reading (a report giving only program-level
--               figures has programs as leaves);
--   consistent: the same, except that where an item's figure is not the sum of its sub-items'
--               (audit_reconciliation: parent_vs_children mismatch), the item's own figure is
--               taken instead of its sub-items' (mart_budget takes this set for a table whose
--               deepest items miss the total it states but these meet it).
-- An item in both sets has a row for each. Both tests are anti-joins on equality (a correlated
-- `not exists` with an OR neither hashes nor spills at national scale).
{{ config(**keyed_on_document()) }}
{#- one reading of a table: a document's table, for one year, measure and plan stage -#}
{%- set reading = 'document_id, source_table, year, measure, plan_stage' %}
with figures as (
    select * from {{ ref('int_budget__figures') }}
    where item_level <> 'total'
    {%- if is_incremental() %}
        and document_id in ({{ documents_to_build() }})
    {%- endif %}
),

layout_parents as (
    select distinct {{ reading }}, parent_index as row_index
    from figures
    where parent_index is not null
),

-- every proper code prefix of an item with a figure: '1.01.02' gives '1' and '1.01'
code_ancestors as (
    select distinct {{ reading }}, array_to_string(parts[1:depth], '.') as nomenclature_code
    from (
        select {{ reading }}, parts, unnest(range(1, len(parts))) as depth
        from (
            select {{ reading }}, string_split(nomenclature_code, '.') as parts
            from figures
            where nomenclature_code is not null
        )
    )
),

leaves as (
    select *
    from figures
    anti join layout_parents using ({{ reading }}, row_index)
    anti join code_ancestors using ({{ reading }}, nomenclature_code)
),

-- items whose figure is not the sum of their sub-items' (the sub-items' figures may miss one
-- lost in the PDF conversion, or mistyped)
cut_items as (
    select distinct p.document_id, p.source_table, p.year, p.measure, p.plan_stage, p.row_index
    from figures as p
    inner join {{ ref('audit_reconciliation') }} as r
        on r.check_type = 'parent_vs_children' and r.status = 'mismatch'
        and r.document_id = p.document_id and r.source_table = p.source_table and r.row_index = p.item_index
        and r.kind = case p.measure when 'plan' then 'target' else 'realisation' end
        and r.year = p.year and r.variant is not distinct from p.variant and r.month is null
),

-- items under such an item, by the hierarchy (where codes are known it follows them: a kegiatan
-- repeated in another part of the table keeps its own sub kegiatan)
under_cut as (
    select distinct {{ reading }}, row_index
    from (select {{ reading }}, row_index, unnest(ancestors) as ancestor from figures)
    semi join (select {{ reading }}, row_index as ancestor from cut_items) using ({{ reading }}, ancestor)
),

consistent_leaves as (
    select *
    from (
        select * from leaves
        union by name
        select * from figures semi join cut_items using ({{ reading }}, row_index)
    )
    anti join under_cut using ({{ reading }}, row_index)
)

select *, 'deepest' as leaf_set from leaves
union all by name
select *, 'consistent' as leaf_set from consistent_leaves
