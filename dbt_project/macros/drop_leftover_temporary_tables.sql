{#- dbt-duckdb leaves the temporary relation of an incremental Python model
    (`main.int_items__name_matched__dbt_tmp<timestamp>`) in the database file: one more table
    per run. Run at the end of every dbt invocation (on-run-end, dbt_project.yml). -#}
{% macro drop_leftover_temporary_tables() -%}
    {%- if execute -%}
        {%- set leftovers = run_query(
            "select schema_name, table_name from duckdb_tables() where database_name = current_database() "
            ~ "and table_name like '%\\_\\_dbt\\_tmp%' escape '\\'") -%}
        {%- for row in leftovers.rows -%}
            {%- do run_query('drop table if exists "' ~ row[0] ~ '"."' ~ row[1] ~ '"') -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
