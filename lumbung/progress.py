"""Progress display (rich) for the long stages: ingest (per file) and dbt (per node)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

console = Console(stderr=True)


@contextmanager
def _progress(description: str, total: int | None, enabled: bool) -> Iterator[Callable[[str], None]]:
    if not enabled:
        yield lambda _label: None
        return
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[label]}", style="dim"), TimeElapsedColumn(), console=console, transient=False,
    ) as progress:
        task = progress.add_task(description, total=total, label="")
        yield lambda label: progress.update(task, advance=1, label=label)


@contextmanager
def ingest_progress(total: int, enabled: bool) -> Iterator[Callable[[Path, str], None]]:
    with _progress("ingest", total, enabled) as advance:
        yield lambda path, status: advance(f"{path.name}: {status}")


@contextmanager
def dbt_progress(enabled: bool, total: int | None = None) -> Iterator[Callable[[str, str], None]]:
    with _progress("dbt build", total, enabled) as advance:
        # model.lumbung.fct_target -> fct_target; test.lumbung.unique_fct_target_fact_id.aee69dcf49 -> its name
        yield lambda unique_id, status: advance(f"{unique_id.split('.')[2] if unique_id.count('.') >= 2 else unique_id}: {status}")
