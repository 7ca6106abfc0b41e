"""Where the project's files live: the repository root holds dbt_project/, expectations/ and raw/.

`LUMBUNG_HOME` overrides the root (for an installed, non-editable package).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("LUMBUNG_HOME", Path(__file__).resolve().parents[1]))
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
REFERENCE_DIR = DBT_PROJECT_DIR / "seeds" / "reference"
DEFAULT_RAW_DIR = PROJECT_ROOT / "raw"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "lumbung.duckdb"
