"""prefect.yaml on a real local Prefect server (`prefect server start`): the deployment is
registered from the repository with no extra environment, a run is triggered, a process worker
picks it up and the warehouse is published."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import copy_reports

pytestmark = pytest.mark.pipeline

ROOT = Path(__file__).resolve().parents[1]
PREFECT = [sys.executable, "-m", "prefect"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prefect(args: list[str], env: dict, timeout: int = 180) -> subprocess.CompletedProcess:
    result = subprocess.run(PREFECT + args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result


def test_prefect_yaml_deployment_runs_on_a_worker(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and k != "LUMBUNG_HOME"}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
               PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="true", PREFECT_UI_ENABLED="false")
    server = subprocess.Popen(PREFECT + ["server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2).close()
                break
            except OSError:
                assert time.time() < deadline and server.poll() is None, "the Prefect server did not start"
                time.sleep(1)
        raw = copy_reports(tmp_path / "raw")
        warehouse = tmp_path / "wh" / "lumbung.duckdb"
        _prefect(["work-pool", "create", "lumbung-test", "--type", "process"], env)
        _prefect(["--no-prompt", "deploy", "--name", "lumbung-nightly", "--pool", "lumbung-test"], env)
        params = ["--param", f"raw_dir={json.dumps(str(raw))}", "--param", f"warehouse={json.dumps(str(warehouse))}"]
        _prefect(["deployment", "run", "nightly/lumbung-nightly", *params], env)
        _prefect(["worker", "start", "--pool", "lumbung-test", "--run-once"], env, timeout=600)
        assert warehouse.exists()
        runs = subprocess.run([sys.executable, "-m", "lumbung.cli", "runs", "--warehouse", str(warehouse)],
                              capture_output=True, text=True)
        assert "published" in runs.stdout
    finally:
        os.killpg(server.pid, 9)
        server.wait()
