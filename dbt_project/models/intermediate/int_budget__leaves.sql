-- The deepest leaves of each reading of a table (document, table, year, measure, plan stage):
-- the items none of whose sub-items (by the layout's parent, or any code under its code) has a
-- figure in the same reading (a report giving only program-level figures has programs as
-- leaves). From int_budget__figures; mart_budget sums these (or int_budget__consistent_leaves).
-- Both tests are anti-joins on equality (a correlated `not exists` with an OR neither hashes
-- nor spills at national scale). A model of its own: with the consistent leaves in the same
-- query it ran out of memory at 10,000 reports (1 GB cap).
{{ config(**keyed_on_document()) }}
{%- set reading = budget_reading() %}
with figures as (
    {{ budget_item_figures() }}
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
)

select * from leaves
