{#- The documents an incremental model keyed on document_id (re)builds in this run:
    int_documents__to_build (loaded by the run, or current again). Documents no longer current
    are removed by the model's post-hook. -#}
{% macro documents_to_build() -%}
    select document_id from {{ ref('int_documents__to_build') }}
{%- endmacro %}

{#- The current report versions a model keyed on document_id builds from: all of them, or in an
    incremental run those of documents_to_build(); `columns` of int_documents__versioned. -#}
{% macro current_documents_to_build(columns='document_id') -%}
    select {{ columns }} from {{ ref('int_documents__versioned') }} where is_current
    {%- if is_incremental() %}
        and document_id in ({{ documents_to_build() }})
    {%- endif %}
{%- endmacro %}

{#- The config of a model incremental on document_id: a run (re)builds the documents of
    documents_to_build() (the model filters its inputs with it when is_incremental()), and the
    post-hook drops documents no longer current. -#}
{% macro keyed_on_document() -%}
    {%- do ref('int_documents__to_build') -%}  {#- a dependency even when not incremental: dbt sees refs at parse time #}
    {% do return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': 'document_id',
        'on_schema_change': 'fail',
        'post_hook': "delete from {{ this }} where document_id not in (select document_id from {{ ref('int_documents__versioned') }} where is_current)",
    }) %}
{%- endmacro %}
