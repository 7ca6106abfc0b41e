-- mart_budget is summed as is: within a document, year and measure no row may be an ancestor
-- of another (a program and one of its sub kegiatan both counted) nor repeat an item.
-- Ancestor: by the report's hierarchy (int_items__ancestors, four levels up), or by code where
-- the code names one item of the table (a table may repeat a kegiatan under two programs: then
-- each occurrence is a separate item and only the hierarchy tells whose sub kegiatan is whose).
with rows_ as (
    select b.*, f.row_index
    from {{ ref('mart_budget') }} as b
    inner join (
        select fact_id, row_index from {{ ref('fct_target') }}
        union all
        select fact_id, row_index from {{ ref('fct_realisation') }}
    ) as f using (fact_id)
    where {{ documents_of_this_run('b.document_id') }}
),

chains as (
    select r.fact_id, a.ancestors
    from rows_ as r
    left join {{ ref('int_items__ancestors') }} as a
        on a.document_id = r.document_id and a.source_table = r.source_table and a.row_index = r.row_index
),

code_items as (
    select document_id, source_table, nomenclature_code, count(*) as items
    from {{ ref('int_items__hierarchy') }}
    where nomenclature_code is not null and {{ documents_of_this_run() }}
    group by all
)

select a.document_id, a.year, a.measure, a.nomenclature_code as ancestor, b.nomenclature_code as descendant
from rows_ as a
inner join rows_ as b
    on a.document_id = b.document_id and a.year = b.year and a.measure = b.measure and a.fact_id <> b.fact_id
inner join chains as c on c.fact_id = b.fact_id
left join code_items as n
    on n.document_id = a.document_id and n.source_table = a.source_table and n.nomenclature_code = a.nomenclature_code
where (a.source_table = b.source_table and list_contains(c.ancestors, a.row_index))
   or (starts_with(b.nomenclature_code, a.nomenclature_code || '.') and coalesce(n.items, 1) = 1)
   or (a.source_table = b.source_table and a.source_line = b.source_line and a.source_column = b.source_column)
