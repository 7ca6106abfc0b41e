"""What a nightly run does not repeat, and when: dbt loads the seeds again only when the transform
they belong to changed (a curator's new code override is a changed transform); flows send
Prefect heartbeats only where a Prefect API outlives the run."""

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


def test_heartbeats_go_only_where_a_prefect_api_would_hear_them():
    """On Prefect's temporary server (it ends with the run) the flows send no heartbeats, and so
    do not wait at their end for the heartbeat thread; with a configured API they do."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from lumbung.runners import heartbeats_where_heard

    with temporary_settings(updates={PREFECT_API_URL: None}), heartbeats_where_heard():
        assert get_current_settings().flows.heartbeat_frequency is None
    with temporary_settings(updates={PREFECT_API_URL: "http://prefect.example:4200/api"}), heartbeats_where_heard():
        assert get_current_settings().flows.heartbeat_frequency is not None
