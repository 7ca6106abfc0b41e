{{ config(severity='warn') }}
-- A report speaks about its period, the years before it (evaluation, baseline) and a forward year
-- or two: a fact year far outside that is a header read wrong.
select f.fact_id, f.source_table, f.source_line, f.year, d.period_start_year, d.period_end_year
-- the built fact tables, not the conformed view (computed again over every fact when read)
from ({{ from_fact_tables('fact_id, document_id, source_table, source_line, year') }}) as f
inner join {{ ref('int_documents__versioned') }} as d on d.document_id = f.document_id
where (f.year < d.period_start_year - 6 or f.year > d.period_end_year + 3)
  and {{ documents_of_this_run('f.document_id') }}
