-- Every table item with its containers: `ancestors`, the row_index of the item that contains it,
-- of that item's container, and so on up to four levels (urusan > program > kegiatan > sub
-- kegiatan), nearest first; and, for each level, the code and name of the nearest container at
-- that level (`program_code`, `program_name`, ...). From int_items__hierarchy.
-- A model of its own, computed without joining the hierarchy with itself: mart_budget joined its
-- figures with four copies of the hierarchy at once and ran out of memory at 10,000 reports (1 GB
-- cap); a chain of self-joins here did too. An item's position in its table is its row_index
-- (1..n: assert_items_numbered_in_order), so each table's containers and levels are gathered into
-- two short lists that one join gives every item, and a container's code and name are read by
-- position in the table's window (nth_value): nothing but integers and levels is hashed.
{{ config(**keyed_on_document()) }}
{%- set levels = ['urusan', 'program', 'kegiatan', 'sub_kegiatan'] %}
with items as (
    select document_id, source_table, row_index, item_index, parent_index, item_level, nomenclature_code, item_name
    from {{ ref('int_items__hierarchy') }}
    {%- if is_incremental() %}
    where document_id in ({{ documents_to_build() }})
    {%- endif %}
),

-- one row per table: its items' containers and levels, in row_index order
tables_ as (
    select
        document_id,
        source_table,
        list(parent_index order by row_index) as parents,
        list(item_level order by row_index) as levels
    from items
    group by all
),

chains as (
    select
        i.*,
        list_filter(
            [i.parent_index, t.parents[i.parent_index], t.parents[t.parents[i.parent_index]],
             t.parents[t.parents[t.parents[i.parent_index]]]],
            lambda x: x is not null
        ) as ancestors,
        t.levels
    from items as i
    inner join tables_ as t using (document_id, source_table)
),

-- the position of the nearest container of each level (its code may be unknown: then the code is
-- null, and a farther container of the same level is not taken instead)
nearest as (
    select
        * exclude (levels),
        {%- for level in levels %}
        list_filter(ancestors, lambda a: levels[a] = '{{ level }}')[1] as {{ level }}_row{{ ',' if not loop.last }}
        {%- endfor %}
    from chains
)

select
    document_id,
    source_table,
    row_index,
    item_index,
    parent_index,
    ancestors,
    {%- for level in levels %}
    nth_value(nomenclature_code, {{ level }}_row) over table_rows as {{ level }}_code,
    nth_value(item_name, {{ level }}_row) over table_rows as {{ level }}_name{{ ',' if not loop.last }}
    {%- endfor %}
from nearest
window table_rows as (
    partition by document_id, source_table order by row_index rows between unbounded preceding and unbounded following
)
