"""The dbt documentation site of the warehouse, built offline (`lumbung docs`).

`dbt docs generate --static` writes one self-contained HTML page (models, columns and their
descriptions, lineage graph, the catalog of the warehouse's tables); it is built against a copy
of the published warehouse, so that readers of the published file are never disturbed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lumbung.paths import DBT_PROJECT_DIR


class DocsFailed(RuntimeError):
    """dbt could not build the documentation; the message says why in one line."""


def build_docs(warehouse: Path, out_dir: Path) -> Path:
    """Write `out_dir/index.html` (self-contained) for the published `warehouse`; returns its path."""
    with tempfile.TemporaryDirectory(prefix="lumbung-docs-") as work:
        copy = Path(work) / "lumbung.duckdb"
        shutil.copy2(warehouse, copy)
        target = Path(work) / "target"
        env = {**os.environ, "LUMBUNG_DB_PATH": str(copy), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        result = subprocess.run(
            [sys.executable, "-c", "from dbt.cli.main import cli; cli()", "docs", "generate", "--static",
             "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
             "--target-path", str(target), "--log-path", str(Path(work) / "logs"), "--quiet"],
            env=env, capture_output=True, text=True)
        page = target / "static_index.html"
        if result.returncode != 0 or not page.exists():
            detail = (result.stdout + result.stderr).strip().splitlines()
            raise DocsFailed("dbt docs generate failed: " + (detail[-1] if detail else f"exit {result.returncode}"))
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(page, out_dir / "index.html")
    return out_dir / "index.html"
