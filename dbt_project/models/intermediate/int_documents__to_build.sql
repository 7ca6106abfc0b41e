-- The current report versions an incremental model keyed on document (re)builds in this run:
-- those the run loaded (env LUMBUNG_RUN_ID, set by the pipeline) and those that were not current
-- in the warehouse as published (marts.dim_document as the last run left it: a version that is
-- current again because a newer one was re-read under another identity). Built before
-- dim_document (which names it as a dependency) and read by documents_to_build().
-- It depends on what was published, not on each model's own rows: a document that gives a
-- model no rows (a report without indicators, without unresolved names) is not rebuilt again
-- on every run.
{{ config(materialized='table') }}
{%- set published = adapter.get_relation(database=target.database, schema='marts', identifier='dim_document') %}
select document_id
from {{ ref('int_documents__versioned') }} as d
where is_current
    and (
        run_id = '{{ env_var("LUMBUNG_RUN_ID", "") }}'
        {%- if published is not none %}
        or not exists (
            select 1 from {{ published }} as p where p.document_id = d.document_id and p.is_current
        )
        {%- else %}
        or true
        {%- endif %}
    )
