-- One row per day of every year in dim_year: the semantic layer's daily time spine (MetricFlow
-- requires one at day grain; the metrics themselves are yearly, see _marts__semantic.yml).
select cast(day as date) as date_day, cast(year(day) as integer) as year
from (
    select unnest(generate_series(
        make_date(min(year), 1, 1), make_date(max(year), 12, 31), interval 1 day
    )) as day
    from {{ ref('dim_year') }}
)
