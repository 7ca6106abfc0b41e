{#- Data tests check the rows of the documents this run loaded, not again every row of the
    warehouse: a row already tested when it was published is unchanged (the pipeline rebuilds and
    tests everything with --full-refresh when the transform code changes), and at 10,000 reports
    re-testing 11 million facts for ten new reports cost more than building them.

    documents_of_this_run(column): a SQL condition on `column` (a document_id) that keeps the
    documents loaded by this run (env LUMBUNG_RUN_ID, set by the pipeline); `true` on a full refresh
    or when dbt is run by hand without a run_id. Singular tests use it in their SQL; generic tests
    get it through the project-wide `where: __documents_of_this_run__` (dbt_project.yml), which
    get_where_subquery below applies to the tested relations that have a document_id column. -#}
{% macro documents_of_this_run(column='document_id') -%}
    {%- if flags.FULL_REFRESH or not env_var('LUMBUNG_RUN_ID', '') -%}
        true
    {%- else -%}
        {{ column }} in (
            select document_id from {{ api.Relation.create(database=target.database, schema='raw', identifier='documents') }}
            where run_id = '{{ env_var("LUMBUNG_RUN_ID", "") }}'
        )
    {%- endif -%}
{%- endmacro %}

{#- dbt's documented hook for custom `where` logic (the rendering context of `where` in yml has
    no macros): the placeholder __documents_of_this_run__ becomes documents_of_this_run() where
    the tested relation has a document_id column, `true` elsewhere (dimensions, seeds). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where and '__documents_of_this_run__' in where -%}
        {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- set condition = documents_of_this_run() if 'document_id' in columns else 'true' -%}
        {%- set where = where | replace('__documents_of_this_run__', condition) -%}
    {%- endif -%}
    {%- if where and where | trim != 'true' -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
