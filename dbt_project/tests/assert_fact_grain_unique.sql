-- The business grain of a fact (document, table, item, metric, year, month, plan variant,
-- indicator) names one number in each fact table: two columns read as the same year's target
-- of the same item would double it.
with facts as (
    select 'fct_target' as fact_table, * from {{ ref('fct_target') }} where {{ documents_of_this_run() }}
    union all by name
    select 'fct_realisation' as fact_table, * from {{ ref('fct_realisation') }} where {{ documents_of_this_run() }}
)

select fact_table, document_id, source_table, row_index, metric, year, month, variant, indicator,
       count(*) as facts, string_agg(source_line || ':' || source_column, ', ' order by source_line, source_column) as cells
from facts
group by all
having count(*) > 1
