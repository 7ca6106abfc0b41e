-- Every table item with its containers: `ancestors`, the row_index of the item that contains it,
-- of that item's container, and so on up to four levels (urusan > program > kegiatan > sub
-- kegiatan), nearest first; and, for each level, the code and name of the nearest container at
-- that level (`program_code`, `program_name`, ...). From int_items__hierarchy.
-- A model of its own, computed on narrow rows: mart_budget joined its figures with four copies of
-- the hierarchy at once and ran out of memory at 10,000 reports (1 GB cap).
{{ config(**keyed_on_document()) }}
{%- set levels = ['urusan', 'program', 'kegiatan', 'sub_kegiatan'] %}
{%- set item = 'document_id, source_table, row_index' %}
with hierarchy as (
    select document_id, source_table, row_index, item_index, parent_index
    from {{ ref('int_items__hierarchy') }}
    {%- if is_incremental() %}
    where document_id in ({{ documents_to_build() }})
    {%- endif %}
),

named as (
    select document_id, source_table, row_index, item_level, nomenclature_code, item_name
    from {{ ref('int_items__hierarchy') }}
    {%- if is_incremental() %}
    where document_id in ({{ documents_to_build() }})
    {%- endif %}
),

chains as (
    select
        h1.document_id,
        h1.source_table,
        h1.row_index,
        h1.item_index,
        h1.parent_index,
        list_filter([h1.parent_index, h2.parent_index, h3.parent_index, h4.parent_index], lambda x: x is not null) as ancestors
    from hierarchy as h1
    left join hierarchy as h2
        on h2.document_id = h1.document_id and h2.source_table = h1.source_table and h2.row_index = h1.parent_index
    left join hierarchy as h3
        on h3.document_id = h1.document_id and h3.source_table = h1.source_table and h3.row_index = h2.parent_index
    left join hierarchy as h4
        on h4.document_id = h1.document_id and h4.source_table = h1.source_table and h4.row_index = h3.parent_index
),

-- one row per item and container, with the container's distance (1: the item that contains it)
containers as (
    select c.document_id, c.source_table, c.row_index, c.distance, a.item_level, a.nomenclature_code, a.item_name
    from (
        select {{ item }}, unnest(ancestors) as ancestor, generate_subscripts(ancestors, 1) as distance
        from chains
    ) as c
    inner join named as a
        on a.document_id = c.document_id and a.source_table = c.source_table and a.row_index = c.ancestor
),

-- the nearest container of each level (its code may be unknown: then the code is null, and a
-- farther container of the same level is not taken instead)
by_level as (
    select
        {{ item }},
        {%- for level in levels %}
        arg_min({code: nomenclature_code, name: item_name}, distance) filter (where item_level = '{{ level }}') as {{ level }}{{ ',' if not loop.last }}
        {%- endfor %}
    from containers
    group by all
)

select
    c.*,
    {%- for level in levels %}
    b.{{ level }}.code as {{ level }}_code,
    b.{{ level }}.name as {{ level }}_name{{ ',' if not loop.last }}
    {%- endfor %}
from chains as c
left join by_level as b using ({{ item }})
