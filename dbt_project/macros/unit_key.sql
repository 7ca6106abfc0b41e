{#- A written unit as the key of seeds/curation/unit_vocabulary.csv: lower case, dots dropped,
    spaces around slashes and doubled spaces removed (`Keg.` -> `keg`, `Orang / Bulan` -> `orang/bulan`). -#}
{% macro unit_key(column) -%}
    nullif(trim(regexp_replace(regexp_replace(replace(lower({{ column }}), '.', ''), '\s*/\s*', '/', 'g'), '\s+', ' ', 'g')), '')
{%- endmacro %}
