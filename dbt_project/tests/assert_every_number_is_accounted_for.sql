-- Every numeric cell of every table block is a fact, a classified non-fact or a quarantine row:
-- a block with unaccounted cells means the engine dropped numbers silently.
select document_id, source_file, source_table, first_line, last_line, numeric_cells, unaccounted
from {{ ref('audit_table_coverage') }}
where (unaccounted > 0 or numeric_cells <> facts + not_facts + quarantined + unaccounted)
  and {{ documents_of_this_run() }}
