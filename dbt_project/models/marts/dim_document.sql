-- depends_on: {{ ref('int_documents__to_build') }}  (built first: it reads the dim_document last published)
with documents as (
    select * from {{ ref('int_documents__versioned') }}
)

select
    -- identifiers
    document_id,
    -- dimensions
    document_type,
    kecamatan_id,
    cast(period_start_year as integer) as period_start_year,
    cast(period_end_year as integer) as period_end_year,
    report_key,
    cast(version_number as integer) as version_number,
    is_current,
    -- metadata
    source_file,
    source_sha256,
    format,
    cast(loaded_at as timestamp with time zone) as loaded_at,
    identified_by,
    evidence as identification_evidence
from documents
