"""Where the parse tasks run: Prefect task runners for the cores of this machine or a Dask cluster.

The nightly flow parses inside an `ingest` subflow that carries the task runner, so that the
worker processes end with the ingest instead of idling (and holding memory) through dbt and the
gates.  No home-made distribution: `ProcessPoolTaskRunner` (processes here) or prefect-dask's
`DaskTaskRunner` (a cluster).
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, nullcontext


def share_prefect_api() -> None:
    """Make the run's worker processes report to the run's own Prefect API.

    With no Prefect API configured, the run uses Prefect's temporary server; a worker process
    does not inherit it and would start a temporary server of its own (4-5 s each, before it
    parses anything, and its task runs recorded where the flow never sees them).  The temporary
    server is started here (Prefect's own instance, if already running) and its address
    exported, so that the workers use it too."""
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url:
        os.environ.setdefault("PREFECT_API_URL", settings.api.url)  # e.g. set in a profile or a test harness
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the instance Prefect's client uses in this process
    server.start(timeout=settings.server.ephemeral.startup_timeout_seconds)
    os.environ["PREFECT_API_URL"] = server.api_url


def parse_runner(workers: int, dask_address: str | None = None):
    """(task runner, chunks per batch) for parsing: a Dask cluster, `workers` processes, or None
    (parse in the flow's own process)."""
    if dask_address:
        from prefect_dask import DaskTaskRunner

        share_prefect_api()
        return DaskTaskRunner(address=dask_address), max(workers, 2)
    if workers > 1:
        from prefect.task_runners import ProcessPoolTaskRunner

        share_prefect_api()
        return ProcessPoolTaskRunner(max_workers=workers), workers
    return None, 1


def heartbeats_where_heard() -> AbstractContextManager:
    """Prefect's flow-run heartbeats (every 180 s: they tell a crashed run from a long one) while
    a Prefect API is configured (a server, Prefect Cloud); off when the run uses Prefect's
    temporary server, which ends with the run, so that nothing could act on them, and whose
    flows would otherwise each wait up to a second at their end for the heartbeat thread to
    stop (~1.2 s a run: the nightly flow and its ingest subflow)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings

    if get_current_settings().api.url:
        return nullcontext()
    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
