-- The consistent leaves of each reading of a table (document, table, year, measure, plan stage):
-- the deepest leaves (int_budget__leaves), except that where an item's figure is not the sum of
-- its sub-items' (audit_reconciliation: parent_vs_children mismatch), the item's own figure is
-- taken instead of those of the items under it. mart_budget sums these for a table whose deepest
-- leaves miss the total it states but these meet it (a sub kegiatan lost in the PDF conversion,
-- or mistyped, does not change the total).
{{ config(**keyed_on_document()) }}
{%- set reading = budget_reading() %}
with figures as (
    {{ budget_item_figures() }}
),

leaves as (
    select * from {{ ref('int_budget__leaves') }}
    {%- if is_incremental() %}
    where document_id in ({{ documents_to_build() }})
    {%- endif %}
),

-- items whose figure is not the sum of their sub-items'
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
)

select *
from (
    select * from leaves
    union by name
    select * from figures semi join cut_items using ({{ reading }}, row_index)
)
anti join under_cut using ({{ reading }}, row_index)
