-- Every amount a table states about other rows, checked against those rows:
--   parent_vs_children: a program's (kegiatan's) pagu against the sum of its kegiatan (sub kegiatan);
--   total_vs_items:     a Jumlah / total row against the sum of the top-level items it closes;
--   irregular_number:   a money cell whose digit grouping is broken (`6.5025.000`) or whose
--                       separator differs from the rest of its column (`164,017,533` among
--                       `1.000.000`): its value is kept as the document states it, and listed
--                       here for a person to look at.
-- One row per check and measure (kind, year, variant, month). Amounts are never corrected.
-- Who contains whom: int_items__hierarchy (official codes where known, else the layout).
{{ config(**keyed_on_document()) }}

with documents as (
    {{ current_documents_to_build('document_id, kecamatan_id') }}
),

items as (
    select h.document_id, h.source_table, h.row_index, h.item_index, h.parent_index, h.row_line, h.item_level,
        h.is_extra_indicator
    from {{ ref('int_items__hierarchy') }} as h
    inner join documents as d on d.document_id = h.document_id
),

-- the published budget facts (built tables: the conformed view would be computed again over
-- every fact), only the columns a check reads: at national scale every hash join here spills.
-- `not materialized` (here, on amounts and on parts): read twice, each is computed again rather
-- than held whole by DuckDB, which spilled it (10,000 reports: 35 s -> 22 s, and runs in 384MB)
budget_facts as not materialized (
    select fact_id, document_id, source_table, source_line, source_column, row_index, item_level, item_name,
        'target' as kind, year, variant, month, value, value_raw, value_flag
    from {{ ref('fct_target') }}
    where metric = 'budget' and document_id in (select document_id from documents)
    union all
    select fact_id, document_id, source_table, source_line, source_column, row_index, item_level, item_name,
        'realisation' as kind, year, variant, month, value, value_raw, value_flag
    from {{ ref('fct_realisation') }}
    where metric = 'budget' and document_id in (select document_id from documents)
),

-- one stated amount per item and measure: the leftmost cell when a row states two; amounts on
-- a further line of an item (`1101.02 ... | 0 | | 8.394.000` then `| 165.307.000 |`) are the item's
amounts_all as (
    select f.* replace (i.item_index as row_index)
    from budget_facts as f
    inner join items as i
        on i.document_id = f.document_id and i.source_table = f.source_table and i.row_index = f.row_index
),

not_first as (
    {{ all_but_first('amounts_all', ['document_id', 'source_table', 'row_index', 'kind', 'year', 'variant', 'month'],
                     'f.source_line, f.source_column') }}
),

amounts as not materialized (
    select * from amounts_all where fact_id not in (select fact_id from not_first)
),

children as (
    select document_id, source_table, parent_index, row_index, row_line, item_level
    from items
    where parent_index is not null
),

-- a total closes the items since the previous total; a total at the top of a table
-- (`KECAMATAN SERANG` above everything) covers the items below it instead
totals as (
    select
        document_id,
        source_table,
        row_index,
        coalesce(lag(row_index) over (partition by document_id, source_table order by row_index), 0) as previous_total,
        coalesce(lead(row_index) over (partition by document_id, source_table order by row_index), 2147483647) as next_total
    from items
    where item_level = 'total'
),

top_items as (
    select i.*
    from items as i
    where i.parent_index is null and not i.is_extra_indicator
        and i.item_level in ('urusan', 'program', 'kegiatan', 'sub_kegiatan')
),

total_sections as (
    select
        t.document_id,
        t.source_table,
        t.row_index as total_index,
        case
            when exists (
                select 1 from top_items as i
                where i.document_id = t.document_id and i.source_table = t.source_table
                    and i.row_index > t.previous_total and i.row_index < t.row_index
            ) then 'above'
            else 'below'
        end as covers,
        t.previous_total,
        t.next_total
    from totals as t
),

total_parts as (
    select s.document_id, s.source_table, s.total_index, i.row_index, i.row_line, i.item_level
    from total_sections as s
    inner join top_items as i
        on i.document_id = s.document_id and i.source_table = s.source_table
        and (
            (s.covers = 'above' and i.row_index > s.previous_total and i.row_index < s.total_index)
            or (s.covers = 'below' and i.row_index > s.total_index and i.row_index < s.next_total)
        )
    -- only the highest level present: a section's programs, not their kegiatan
    qualify min(case i.item_level when 'urusan' then 1 when 'program' then 2 when 'kegiatan' then 3 else 4 end)
        over (partition by s.document_id, s.source_table, s.total_index)
        = case i.item_level when 'urusan' then 1 when 'program' then 2 when 'kegiatan' then 3 else 4 end
),

-- the rows each stated amount covers: a parent's children, a total's top-level items
parts as not materialized (
    select 'parent_vs_children' as check_type, document_id, source_table, parent_index as container_index,
        row_index, row_line, item_level
    from children
    union all
    select 'total_vs_items', document_id, source_table, total_index, row_index, row_line, item_level
    from total_parts
),

part_counts as (
    select
        check_type,
        document_id,
        source_table,
        container_index,
        count(*) as parts,
        string_agg(distinct item_level, ', ' order by item_level) as part_level,
        string_agg(cast(row_line as varchar), ', ' order by row_index) as part_lines
    from parts
    group by all
),

part_sums as (
    select
        p.check_type,
        p.document_id,
        p.source_table,
        p.container_index,
        a.kind,
        a.year,
        a.variant,
        a.month,
        sum(a.value) as computed_value,
        count(a.value) as parts_with_value,
        -- filtered first: an ordered string_agg over every part's amount cost more than the sums
        string_agg(a.value_raw || ' (line ' || a.source_line || ')', '; ' order by a.source_line)
            filter (where a.value_flag is not null) as flagged_parts
    from parts as p
    inner join amounts as a
        on a.document_id = p.document_id and a.source_table = p.source_table and a.row_index = p.row_index
    group by all
),

sum_checks as (
    select
        pc.check_type,
        t.*,
        pc.parts,
        pc.part_level,
        pc.part_lines,
        ps.computed_value,
        coalesce(ps.parts_with_value, 0) as parts_with_value,
        ps.flagged_parts
    from amounts as t
    inner join part_counts as pc
        on pc.document_id = t.document_id and pc.source_table = t.source_table and pc.container_index = t.row_index
    left join part_sums as ps
        on ps.check_type = pc.check_type and ps.document_id = t.document_id and ps.source_table = t.source_table
        and ps.container_index = t.row_index and ps.kind = t.kind and ps.year = t.year
        and ps.variant is not distinct from t.variant and ps.month is not distinct from t.month
),

irregular as (
    select
        'irregular_number' as check_type,
        f.*,
        null::bigint as parts,
        null::varchar as part_level,
        null::varchar as part_lines,
        null::decimal(24, 4) as computed_value,
        null::bigint as parts_with_value,
        null::varchar as flagged_parts
    from budget_facts as f
    where f.value_flag in ('irregular_grouping', 'mixed_separator')
),

checks as (
    select * from sum_checks
    union all by name
    select * from irregular
)

select
    md5(check_type || ':' || fact_id) as check_id,
    check_type,
    case
        when check_type = 'irregular_number' then 'suspect'
        when value is null then 'unreadable'
        when parts_with_value = 0 then 'parts_without_amounts'
        when abs(value - computed_value) <= {{ var('reconciliation_tolerance') }} then 'match'
        when parts_with_value < parts then 'incomplete'
        else 'mismatch'
    end as status,
    -- where
    c.document_id,
    d.kecamatan_id,
    c.source_table,
    c.source_line,
    c.row_index,
    c.item_level,
    c.item_name,
    -- what is compared
    c.kind,
    c.year,
    c.variant,
    c.month,
    c.value as stated_value,
    c.value_raw as stated_value_raw,
    c.computed_value,
    c.value - c.computed_value as difference,
    c.parts,
    c.parts_with_value,
    c.part_level,
    c.part_lines,
    c.flagged_parts
from checks as c
inner join documents as d on d.document_id = c.document_id
