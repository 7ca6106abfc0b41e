-- One cell of a report gives at most one published fact, whether target or realisation.
with cells as (
    select document_id, source_line, source_column from {{ ref('fct_target') }} where {{ documents_of_this_run() }}
    union all
    select document_id, source_line, source_column from {{ ref('fct_realisation') }} where {{ documents_of_this_run() }}
)

select document_id, source_line, source_column, count(*) as facts
from cells
group by all
having count(*) > 1
