"""`lumbung inspect FILE` lists the table blocks found, each with its label as written and where
its numbers went (no warehouse involved)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPORTS
from tests.renderings import roman_labels


def inspect(path) -> str:
    done = subprocess.run([sys.executable, "-m", "lumbung.cli", "inspect", str(path), "--no-facts"],
                          capture_output=True, text=True, check=True)
    return done.stdout


def coverage_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("  numbers ")]


def test_inspect_lists_blocks_with_their_coverage(report_lines, tmp_path):
    out = inspect(REPORTS["petir"])
    summary = re.search(r"(\d+) table blocks, (\d+) numbers: (\d+) facts, (\d+) not facts, (\d+) quarantined, "
                        r"(\d+) unaccounted", out)
    blocks, numbers, facts, not_facts, quarantined, unaccounted = map(int, summary.groups())
    assert numbers == facts + not_facts + quarantined + unaccounted and unaccounted == 0
    assert len(coverage_lines(out)) == blocks
    assert "Tabel 2.1 written 'Tabel 2. 1'" in out  # the label as the report writes it
    rendered = tmp_path / "petir-roman.txt"
    rendered.write_text("\n".join(roman_labels(report_lines["petir"]).lines), encoding="utf-8")
    roman = inspect(rendered)
    assert re.search(r"Tabel 2\.1 written 'Tabel II\.\s?1'", roman)
    assert coverage_lines(roman) == coverage_lines(out)  # same blocks, same numbers, same classes
