-- Money is never negative in these reports; a negative budget means a parsing error.
select fact_id, value, source_line
from {{ ref('fct_target') }}
where metric = 'budget' and value < 0 and {{ documents_of_this_run() }}
union all
select fact_id, value, source_line
from {{ ref('fct_realisation') }}
where metric = 'budget' and value < 0 and {{ documents_of_this_run() }}
