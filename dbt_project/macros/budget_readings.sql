{#- mart_budget's rules work per reading of a table: a document's table, for one year, measure
    and plan stage (int_budget__leaves, int_budget__consistent_leaves, mart_budget). -#}
{% macro budget_reading() -%}
    document_id, source_table, year, measure, plan_stage
{%- endmacro %}

{#- The item figures (not the stated totals) of int_budget__figures that a model keyed on the
    document builds in this run. -#}
{% macro budget_item_figures() -%}
    select * from {{ ref('int_budget__figures') }}
    where item_level <> 'total'
    {%- if is_incremental() %}
        and document_id in ({{ documents_to_build() }})
    {%- endif %}
{%- endmacro %}
