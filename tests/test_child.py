"""lumbung.child: a step run in a spawned process (real processes, no mocks)."""

from __future__ import annotations

import os
import sys

import pytest

from lumbung.child import ChildFailed, run_in_child


def count_to(n: int, progress) -> dict:
    for i in range(1, n + 1):
        progress(f"step {i}", n)
    import colorsys  # noqa: F401 - imported there, not here

    return {"pid": os.getpid(), "colorsys": "colorsys" in sys.modules}


def refuse(reason: str, progress) -> None:
    progress("about to fail", 1)
    raise ValueError(reason)


def vanish(code: int, progress) -> None:
    os._exit(code)


def die_validating(*_args) -> None:
    os._exit(9)  # as the OOM killer would leave it: no result, no error


def test_the_result_and_every_progress_message_come_back_in_order():
    seen = []
    sys.modules.pop("colorsys", None)
    result = run_in_child(count_to, 3, on_progress=lambda label, total: seen.append((label, total)))
    assert seen == [("step 1", 3), ("step 2", 3), ("step 3", 3)]
    assert result["pid"] != os.getpid() and result["colorsys"]
    assert "colorsys" not in sys.modules  # what the child imported stayed there


def test_an_error_in_the_child_is_raised_here_with_its_type_and_message():
    with pytest.raises(ValueError, match="no raw tables"):
        run_in_child(refuse, "no raw tables")


def test_a_child_that_dies_without_a_result_is_a_clear_failure():
    with pytest.raises(ChildFailed, match="exit code 3"):
        run_in_child(vanish, 3)


def test_a_gate_whose_process_dies_fails_the_run_with_the_reason(tmp_path, monkeypatch):
    from lumbung import pipeline

    monkeypatch.setattr(pipeline, "validate_file", die_validating)  # what the child is asked to run
    ctx = pipeline.RunContext("run-1", tmp_path / "lumbung.duckdb", tmp_path / "lumbung.build.duckdb")
    with pytest.raises(pipeline.PipelineFailed, match=r"^validate raw: .*ended without a result \(exit code 9\)"):
        pipeline.run_quality(ctx, "raw")
