-- A report is identified by kecamatan, type and period; a changed file is a new version of it.
-- The latest loaded version is current; only current versions publish facts.
with documents as (
    select * from {{ ref('stg_lumbung__documents') }}
),

versioned as (
    select
        *,
        kecamatan_id || ':' || document_type || ':' || period_start_year || '-' || period_end_year as report_key,
        row_number() over (
            partition by kecamatan_id, document_type, period_start_year, period_end_year
            order by loaded_at, document_id
        ) as version_number,
        row_number() over (
            partition by kecamatan_id, document_type, period_start_year, period_end_year
            order by loaded_at desc, document_id desc
        ) = 1 as is_current
    from documents
)

select * from versioned
