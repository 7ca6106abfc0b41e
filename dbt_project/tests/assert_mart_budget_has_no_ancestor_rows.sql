-- mart_budget is summed as is: within a document, year and measure no row may be an ancestor
-- of another (a program and one of its sub kegiatan both counted) nor repeat an item.
select a.document_id, a.year, a.measure, a.nomenclature_code as ancestor, b.nomenclature_code as descendant
from {{ ref('mart_budget') }} as a
inner join {{ ref('mart_budget') }} as b
    on a.document_id = b.document_id and a.year = b.year and a.measure = b.measure and a.fact_id <> b.fact_id
where starts_with(b.nomenclature_code, a.nomenclature_code || '.')
   or (a.source_table = b.source_table and a.source_line = b.source_line and a.source_column = b.source_column)
