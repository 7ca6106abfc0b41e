-- Each table's items are numbered 1..n in the order of the table (row_index, the extractor's
-- enumeration), once each: int_items__ancestors finds an item's container by its position.
select document_id, source_table, count(*) as items, count(distinct row_index) as numbers,
    min(row_index) as first_number, max(row_index) as last_number
from {{ ref('int_items__hierarchy') }}
where {{ documents_of_this_run() }}
group by all
having min(row_index) <> 1 or max(row_index) <> count(*) or count(distinct row_index) <> count(*)
