{#- The documents an incremental model keyed on document_id (re)builds in this run: those the
    run loaded (var `run_id`, passed by the pipeline) and current versions not in the model yet.
    Documents no longer current are removed by the model's post-hook. -#}
{% macro documents_to_build() -%}
    select document_id from {{ ref('int_documents__versioned') }}
    where is_current
      and (run_id = '{{ var("run_id", "") }}' or document_id not in (select document_id from {{ this }}))
{%- endmacro %}
