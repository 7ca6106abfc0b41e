-- Every item of every table with the item that contains it. The layout gives a parent (the
-- nearest item above of a higher level, raw.table_items); where an item and its official
-- parent both have codes, the parent is the nearest item above with that code instead (a sub
-- kegiatan numbered `2.5` as if it were a kegiatan, a program line repeated in the middle of
-- its kegiatan). `parent_from` says which.
-- A table, incremental keyed on the document (like the fact marts): the budget mart and the
-- reconciliation read it several times, and as a view it was computed again each time (out of
-- memory at 10,000 reports).
{{ config(**keyed_on_document()) }}
with items as (
    select * from {{ ref('stg_lumbung__table_items') }}
    {%- if is_incremental() %}
    where document_id in ({{ documents_to_build() }})
    {%- endif %}
),

-- each item's official code: as decided for its facts, or, for an item without facts (a
-- heading with no amounts), its written or name-matched code
fact_codes as (
    select document_id, source_table, row_index, any_value(nomenclature_code) as nomenclature_code
    -- the fact tables: reading the conformed view here ran out of memory at 10,000 reports (1 GB cap)
    from ({{ from_fact_tables('document_id, source_table, row_index, nomenclature_code') }})
    where nomenclature_code is not null
    {%- if is_incremental() %}
        and document_id in (select document_id from items)
    {%- endif %}
    group by all
),

match_codes as (
    select document_id, source_table, row_index, matched_code as nomenclature_code
    from {{ ref('int_items__name_matched') }}
    where accepted
    {%- if is_incremental() %}
        and document_id in (select document_id from items)
    {%- endif %}
),

item_codes as (
    select
        coalesce(f.document_id, m.document_id) as document_id,
        coalesce(f.source_table, m.source_table) as source_table,
        coalesce(f.row_index, m.row_index) as row_index,
        coalesce(f.nomenclature_code, m.nomenclature_code) as nomenclature_code,
        n.parent_code as official_parent_code
    from fact_codes as f
    full outer join match_codes as m
        on m.document_id = f.document_id and m.source_table = f.source_table and m.row_index = f.row_index
    inner join {{ ref('stg_reference__nomenclature') }} as n
        on n.nomenclature_code = coalesce(f.nomenclature_code, m.nomenclature_code)
),

parents_by_code as (
    select child.document_id, child.source_table, child.row_index, max(parent.row_index) as parent_index
    from item_codes as child
    inner join item_codes as parent
        on parent.document_id = child.document_id and parent.source_table = child.source_table
        and parent.nomenclature_code = child.official_parent_code and parent.row_index < child.row_index
    group by all
)

select
    i.* replace (coalesce(p.parent_index, i.parent_index) as parent_index),
    i.parent_index as layout_parent_index,
    c.nomenclature_code,
    case when p.parent_index is not null then 'code' when i.parent_index is not null then 'layout' end as parent_from
from items as i
left join item_codes as c
    on c.document_id = i.document_id and c.source_table = i.source_table and c.row_index = i.row_index
left join parents_by_code as p
    on p.document_id = i.document_id and p.source_table = i.source_table and p.row_index = i.row_index
