{{ config(alias='reconciliation') }}
-- audit.reconciliation: every stated amount checked against the rows it sums, with both amounts
-- (see int_budget__reconciliation). Filter on status <> 'match' for what a person should read.
select * from {{ ref('int_budget__reconciliation') }}
