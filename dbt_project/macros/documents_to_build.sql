{#- The documents an incremental model keyed on document_id (re)builds in this run: those the
    run loaded (var `run_id`, passed by the pipeline) and current versions not in the model yet.
    Documents no longer current are removed by the model's post-hook. -#}
{% macro documents_to_build() -%}
    select document_id from {{ ref('int_documents__versioned') }}
    where is_current
      and (run_id = '{{ var("run_id", "") }}' or document_id not in (select document_id from {{ this }}))
{%- endmacro %}

{#- The config of a model incremental on document_id: a run (re)builds the documents of
    documents_to_build() (the model filters its inputs with it when is_incremental()), and the
    post-hook drops documents no longer current. -#}
{% macro keyed_on_document() -%}
    {% do return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': 'document_id',
        'on_schema_change': 'fail',
        'post_hook': "delete from {{ this }} where document_id not in (select document_id from {{ ref('int_documents__versioned') }} where is_current)",
    }) %}
{%- endmacro %}
