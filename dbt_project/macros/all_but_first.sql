{#- The ids of the rows of `relation` (a CTE or a model) that are not the first of their group:
    rows sharing the `keys` (NULLs equal), ranked by `order_by`. Most groups hold one row, so the
    window runs over the groups of more than one only (a hash aggregate finds them): at national
    scale a window over every row spills and is the slowest step of the model. Keep the first rows
    with `where <id> not in (all_but_first(...))`. -#}
{% macro all_but_first(relation, keys, order_by, id='fact_id') -%}
    select f.{{ id }}
    from {{ relation }} as f
    semi join (
        select {{ keys | join(', ') }} from {{ relation }} group by all having count(*) > 1
    ) as repeated
        on {% for key in keys %}repeated.{{ key }} is not distinct from f.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
    qualify row_number() over (
        partition by {% for key in keys %}f.{{ key }}{{ ', ' if not loop.last }}{% endfor %} order by {{ order_by }}
    ) > 1
{%- endmacro %}
