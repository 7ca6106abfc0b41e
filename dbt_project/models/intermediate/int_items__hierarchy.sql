-- Every item of every table with the item that contains it. The layout gives a parent (the
-- nearest item above of a higher level, raw.table_items); where an item and its official
-- parent both have codes, the parent is the nearest item above with that code instead (a sub
-- kegiatan numbered `2.5` as if it were a kegiatan, a program line repeated in the middle of
-- its kegiatan). `parent_from` says which.
with items as (
    select * from {{ ref('stg_lumbung__table_items') }}
),

-- each item's official code (as decided for its facts) and the code's official parent
item_codes as (
    select
        f.document_id,
        f.source_table,
        f.row_index,
        any_value(f.nomenclature_code) as nomenclature_code,
        any_value(n.parent_code) as official_parent_code
    from {{ ref('int_facts__conformed') }} as f
    inner join {{ ref('stg_reference__nomenclature') }} as n on n.nomenclature_code = f.nomenclature_code
    group by all
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
