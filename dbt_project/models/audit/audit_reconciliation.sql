{{ config(alias='reconciliation') }}
-- audit.reconciliation: every stated amount checked against the rows it sums, and every stated
-- ratio against the figures it divides, with both sides (see int_budget__reconciliation and
-- int_derived__recomputed). Filter on status <> 'match' for what a person should read.
select * from {{ ref('int_budget__reconciliation') }}
union all by name
select * from {{ ref('int_derived__recomputed') }}
