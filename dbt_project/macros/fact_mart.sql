{#- The published fact columns (marts contract), for one kind of number: `target` or `realisation`. -#}
{% macro fact_mart(kind) %}
{#- Incremental, keyed on the document: a run inserts the facts of the documents it loaded (env
    LUMBUNG_RUN_ID, set by the pipeline) and of current versions not yet published; the post-hook
    (yml) removes documents no longer current.  The pipeline rebuilds in full when the transform
    code changes. -#}
with facts as (
    -- int_facts__conformed, of the documents to build only when incremental (conformed_facts)
    select * from ({{ conformed_facts(documents_to_build() if is_incremental() else none) }}) as conformed_facts
    where kind = '{{ kind }}'
)

select
    -- identifiers
    fact_id,
    document_id,
    kecamatan_id,
    cast(year as integer) as year,
    nomenclature_code,
    -- item
    item_level,
    item_name,
    indicator,
    -- facts
    metric,
    variant,
    cast(month as integer) as month,
    cast(value as decimal(24, 4)) as value,
    unit,
    -- lineage
    source_table,
    cast(source_line as integer) as source_line,
    cast(source_column as integer) as source_column,
    cast(source_page as integer) as source_page,
    -- metadata
    cast(row_line as integer) as row_line,
    cast(row_index as integer) as row_index,
    cast(column_index as integer) as column_index,
    code_raw,
    code_method,
    code_confidence,
    code_name_disagrees,
    code_parent,
    value_raw,
    value_flag,
    cells_moved,
    header_method
from facts
{% endmacro %}

{#- Rows of both fact tables (built tables, not the conformed view, which is computed again over
    every fact each time it is read): `select <columns>` from fct_target, then fct_realisation. -#}
{% macro from_fact_tables(columns) -%}
    select {{ columns }} from {{ ref('fct_target') }}
    union all
    select {{ columns }} from {{ ref('fct_realisation') }}
{%- endmacro %}
