-- Items (program, kegiatan, sub kegiatan, or no level) whose facts have no nomenclature code, with
-- the best name match and the runner-up, for a person to settle (an entry in
-- seeds/curation/code_overrides.csv) or to confirm that the item has no official code.
{{ config(**keyed_on_document()) }}
with facts as (
    -- int_facts__conformed, of the documents to build only when incremental (conformed_facts)
    select * from ({{ conformed_facts(documents_to_build() if is_incremental() else none) }}) as conformed_facts
    where code_method = 'unresolved'
),

documents as (
    select document_id, document_type, source_file from {{ ref('dim_document') }}
)

select
    f.document_id,
    d.document_type,
    d.source_file,
    f.source_table,
    f.row_index,
    min(f.row_line) as row_line,
    any_value(f.item_level) as item_level,
    any_value(f.item_name) as item_name,
    any_value(f.name_match_code) as best_match_code,
    any_value(f.name_match_score) as best_match_score,
    any_value(f.name_match_runner_up) as runner_up_code,
    any_value(f.name_match_runner_up_score) as runner_up_score,
    count(*) as facts
from facts as f
inner join documents as d on d.document_id = f.document_id
group by f.document_id, d.document_type, d.source_file, f.source_table, f.row_index
-- items with a name (every fact of a row has the row's name). A `where item_name is not null`
-- on the facts made DuckDB 2.0 resolve every unresolved fact of the warehouse before keeping
-- the documents to build (12 s instead of 0.3 s for 10 documents of 10,000)
having any_value(f.item_name) is not null
