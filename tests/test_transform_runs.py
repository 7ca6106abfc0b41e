"""What a nightly `dbt build` leaves out, and when: seeds are loaded again only when the
transform they belong to changed (a curator's new code override is a changed transform)."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

from lumbung import pipeline


def test_a_changed_seed_changes_the_transform_and_the_seeds_are_loaded_again(tmp_path, monkeypatch):
    project = tmp_path / "dbt_project"
    shutil.copytree(pipeline.DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    monkeypatch.setattr(pipeline, "DBT_PROJECT_DIR", project)
    before = pipeline.transform_fingerprint()
    overrides = project / "seeds" / "curation" / "code_overrides.csv"
    overrides.write_text(overrides.read_text(encoding="utf-8") + "renja,Program Baru,7.01.01,a reviewed override,a curator,2026-11-27\n", encoding="utf-8")
    assert pipeline.transform_fingerprint() != before  # -> rebuild_everything: the next run rebuilds in full


def test_seeds_are_left_out_only_when_the_transform_is_not_rebuilt():
    assert pipeline.skipped_resource_types(SimpleNamespace(rebuild_all=True)) == ["unit_test"]
    assert pipeline.skipped_resource_types(SimpleNamespace(rebuild_all=False)) == ["unit_test", "seed"]
