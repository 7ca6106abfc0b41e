-- depends_on: {{ ref('int_documents__to_build') }}
-- One row per achieved number (realisasi, capaian) of a current report version,
-- with its lineage: document and 1-based line of the raw file.
{{ fact_mart('realisation') }}
