-- Every year a fact or a document period speaks about (also the semantic layer's yearly time spine).
with years as (
    select distinct year from ({{ from_fact_tables('year') }})
    union
    select distinct unnest(range(period_start_year, period_end_year + 1)) from {{ ref('stg_lumbung__documents') }}
)

select
    cast(year as integer) as year,
    make_date(cast(year as integer), 1, 1) as year_start,
    cast(year >= 2021 as boolean) as is_permendagri_90_era,
    cast((year - 2019) // 5 as integer) as rpjmd_cycle_from_2019
from years
where year is not null
