{{ config(alias='reconciliation', **keyed_on_document()) }}
-- audit.reconciliation: every stated amount checked against the rows it sums, and every stated
-- ratio against the figures it divides, with both sides (see int_budget__reconciliation and
-- int_derived__recomputed). Filter on status <> 'match' for what a person should read.
-- Incremental, keyed on the document like the fact marts: a run checks the documents it loaded
-- (env LUMBUNG_RUN_ID) and current versions not checked yet; the post-hook drops documents no longer
-- current; the pipeline rebuilds it in full when the transform code changes.
with checks as (
    select * from {{ ref('int_budget__reconciliation') }}
    union all by name
    select * from {{ ref('int_derived__recomputed') }}
)

select * from checks
{%- if is_incremental() %}
where document_id in ({{ documents_to_build() }})
{%- endif %}
