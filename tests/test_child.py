"""lumbung.child: a step run in a spawned process (real processes, no mocks)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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


def nap(seconds: float, progress) -> None:
    progress("running", 1)
    time.sleep(seconds)


INTERRUPTED_RUN = """
import sys
from lumbung import hygiene
from lumbung.child import run_in_child
from tests.test_child import nap

hygiene.on_interrupt(lambda signum: print("interrupted", file=sys.stderr, flush=True))
print("starting", flush=True)
run_in_child(nap, 60, on_progress=lambda *values: print(*values, flush=True))
"""


@pytest.mark.parametrize("after", [0.0, 0.01, 0.02, 0.04, 0.08, "running"])
def test_ctrl_c_is_answered_by_the_run_alone_not_by_a_traceback_of_the_child(after):
    """Ctrl-C reaches the terminal's whole process group; the run answers it with one line and
    stops the child, which must print nothing of its own (a KeyboardInterrupt traceback), whether
    the signal comes while its interpreter starts (a few moments after the run says it starts the
    child) or while it works."""
    run = subprocess.Popen([sys.executable, "-c", INTERRUPTED_RUN], cwd=Path(__file__).parents[1],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert run.stdout.readline().strip() == "starting"
        if after == "running":
            assert run.stdout.readline().strip() == "running 1"
        else:
            time.sleep(after)
        os.killpg(run.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
        assert run.wait(timeout=30) == 128 + signal.SIGINT
        time.sleep(0.5)  # anything the child would still print
        assert run.stderr.read().strip().splitlines() == ["interrupted"]
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)


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
