{{ config(severity='warn') }}
-- Every amount or ratio that does not add up is either in the reviewed list
-- (seeds/curation/accepted_reconciliation_mismatches.csv) or reported here for a person.
with mismatches as (
    select r.*, d.document_type, d.period_start_year
    from {{ ref('audit_reconciliation') }} as r
    inner join {{ ref('int_documents__versioned') }} as d on d.document_id = r.document_id
    where r.status = 'mismatch' and {{ documents_of_this_run('r.document_id') }}
),

accepted as (
    select * from {{ ref('accepted_reconciliation_mismatches') }}
)

select m.document_id, m.source_table, m.source_line, m.check_type, m.kind, m.stated_value, m.computed_value
from mismatches as m
left join accepted as a
    on a.kecamatan_id = m.kecamatan_id and a.document_type = m.document_type
    and a.period_start_year = m.period_start_year and a.source_table = m.source_table
    and a.source_line = m.source_line and a.check_type = m.check_type
    and coalesce(a.kind, '') = coalesce(m.kind, '')
where a.reason is null
