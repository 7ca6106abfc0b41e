"""The same report written another way gives the same facts: each test rewrites a real report
with a small transform (tests/renderings.py) and compares every fact, by its cell."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from lumbung.detect import detect_document
from lumbung.extract.blocks import find_tables
from lumbung.extract.engine import extract_document
from tests.renderings import TRANSFORMS, other_amounts

REPORTS = ("petir", "serang", "seririt", "randuagung")


def _facts(lines, meta, line_map=None):
    ex = extract_document(lines, meta.default_year, meta.period_end_year)
    back = {new: old for old, new in (line_map or {}).items()}
    return Counter(
        (back.get(f.source_line, f.source_line) if line_map else f.source_line, f.source_column, f.value_raw,
         f.value, f.metric, f.kind, f.year, f.variant, f.month, f.item_name, f.indicator, f.code_canonical)
        for f in ex.facts)


@pytest.fixture(scope="module")
def originals(report_lines):
    out = {}
    for name in REPORTS:
        meta = detect_document(report_lines[name])
        out[name] = (meta, _facts(report_lines[name], meta))
    return out


@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
@pytest.mark.parametrize("report", REPORTS)
def test_same_facts_in_another_rendering(report_lines, originals, report, transform):
    meta, expected = originals[report]
    rendering = TRANSFORMS[transform](report_lines[report])
    assert rendering.lines != report_lines[report]  # the transform changed something
    got = _facts(rendering.lines, meta, rendering.line_map)
    lost, extra = expected - got, got - expected
    assert not lost and not extra, (sum(lost.values()), sorted(lost)[:3], sum(extra.values()), sorted(extra)[:3])


@pytest.mark.parametrize("transform", ["roman_labels", "label_spellings", "labels_below"])
@pytest.mark.parametrize("report", REPORTS)
def test_labels_are_read_in_any_spelling_and_place(report_lines, report, transform):
    expected = [t.label for t in find_tables(report_lines[report]) if t.named_by == "label"]
    got = [t.label for t in find_tables(TRANSFORMS[transform](report_lines[report]).lines) if t.named_by == "label"]
    assert got == expected


@pytest.mark.parametrize("report", REPORTS)
def test_other_amounts_give_the_same_facts_with_their_own_values(report_lines, report):
    from decimal import Decimal

    meta = detect_document(report_lines[report])
    rendering = other_amounts(report_lines[report])
    before = extract_document(report_lines[report], meta.default_year, meta.period_end_year).facts
    after = extract_document(rendering.lines, meta.default_year, meta.period_end_year).facts

    def meaning(f):
        return (f.source_line, f.source_column, f.metric, f.kind, f.year, f.variant, f.month, f.item_level)

    assert Counter(map(meaning, before)) == Counter(map(meaning, after))
    changed = [f for f in after if f.metric == "budget" and f.value and f.value_raw not in {
        g.value_raw for g in before if (g.source_line, g.source_column) == (f.source_line, f.source_column)}]
    assert changed  # the amounts did change
    for f in changed:
        digits = "".join(ch for ch in re.sub(r"[.,]00$", "", f.value_raw) if ch.isdigit())
        assert f.value == Decimal(digits)  # read as written
