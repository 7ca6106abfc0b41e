"""Progress display (rich) for the stages of a run: ingest (per file), dbt (per node), validation
(per suite) and publish (per step)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

console = Console(stderr=True)


class _DoneOfTotal(MofNCompleteColumn):
    """Done of total, as "3/120"; only "3" while the total is not known yet (never "3/?")."""

    def render(self, task) -> Text:
        if task.total is None:
            return Text(str(int(task.completed)), style="progress.download")
        return super().render(task)


@contextmanager
def _progress(description: str, total: int | None, enabled: bool) -> Iterator[Callable[..., None]]:
    """`advance(label, total=None)`: one more unit done (`total` when it becomes known)."""
    if not enabled:
        yield lambda _label, total=None: None
        return
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), _DoneOfTotal(),
        TextColumn("{task.fields[label]}", style="dim"), TimeElapsedColumn(), console=console, transient=False,
    ) as progress:
        task = progress.add_task(description, total=total, label="")

        def advance(label: str, total: int | None = None) -> None:
            progress.update(task, advance=1, label=label, **({"total": total} if total else {}))

        yield advance


@contextmanager
def ingest_progress(total: int, enabled: bool) -> Iterator[Callable[[Path, str], None]]:
    with _progress("ingest", total, enabled) as advance:
        yield lambda path, status: advance(f"{path.name}: {status}")


@contextmanager
def dbt_progress(enabled: bool, total: int | None = None) -> Iterator[Callable[[str, str, int | None], None]]:
    """Per dbt node; the total from the last manifest, then from dbt's own count ("3 of 120")."""
    with _progress("dbt build", total, enabled) as advance:
        # model.lumbung.fct_target -> fct_target; test.lumbung.unique_fct_target_fact_id.aee69dcf49 -> its name
        yield lambda unique_id, status, of=None: advance(
            f"{unique_id.split('.')[2] if unique_id.count('.') >= 2 else unique_id}: {status}", of)


@contextmanager
def validate_progress(stage: str, enabled: bool) -> Iterator[Callable[[str, int], None]]:
    """Per Great Expectations suite of `stage` (the total is known once the suites are read)."""
    with _progress(f"validate {stage}", None, enabled) as advance:
        yield lambda suite, total: advance(suite, total)


@contextmanager
def publish_progress(enabled: bool) -> Iterator[Callable[[str, int], None]]:
    """Per publish step (checkpoint, compact when needed, replace)."""
    with _progress("publish", None, enabled) as advance:
        yield lambda step, total: advance(step, total)
