-- depends_on: {{ ref('int_documents__to_build') }}
-- One row per planned number (pagu, anggaran, indicator targets) of a current report version,
-- with its lineage: document and 1-based line of the raw file.
{{ fact_mart('target') }}
