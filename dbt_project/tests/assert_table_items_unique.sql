-- An item is identified by document, table label and position; two tables with one label in
-- one document would mix their items (and their reconciliation).
select document_id, source_table, row_index, count(*) as copies
from {{ ref('stg_lumbung__table_items') }}
where {{ documents_of_this_run() }}
group by all
having count(*) > 1
