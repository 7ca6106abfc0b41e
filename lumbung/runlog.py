"""A run's log: timestamped lines in `<warehouse dir>/logs/<run_id>.log`, and on stderr when
stderr is not a terminal (a scheduler or cron captures them; on a terminal the progress bars
show the same)."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path


class RunLog:
    def __init__(self, path: Path | None, echo: bool):
        self.path = path
        self.echo = echo
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                self.path = None

    def __call__(self, message: str) -> None:
        line = f"{datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')} {message}"
        if self.path is not None:
            try:
                with open(self.path, "a", encoding="utf-8") as fh:
                    fh.write(line + "\n")
            except OSError:
                pass
        if self.echo:
            print(line, file=sys.stderr, flush=True)


def for_run(warehouse: Path, run_id: str) -> RunLog:
    return RunLog(warehouse.parent / "logs" / f"{run_id}.log", echo=not sys.stderr.isatty())
