"""Running a step in a fresh process, so that what it imports and allocates is gone when it
returns.

The raw gate imports Great Expectations (about 110 MB that a process never gives back) just
before dbt builds the warehouse beside the run's process: run there, it would sit in memory
through the largest stage of a national load.  `run_in_child` runs it in a spawned interpreter
instead, forwards its progress messages as they come, and returns its result or raises its
error.  The child is one of the run's processes (stopped with it, see lumbung.hygiene).
"""

from __future__ import annotations

import multiprocessing
import traceback
from typing import Any, Callable


class ChildFailed(RuntimeError):
    """The child process died without a result (killed, out of memory) or its error could not
    be sent back as it was."""


def run_in_child(target: Callable[..., Any], *args: Any, on_progress: Callable[..., None] | None = None) -> Any:
    """`target(*args, progress)` in a spawned process; `progress(*values)` there calls
    `on_progress(*values)` here.  `target` must be importable (a module-level function) and its
    arguments, result and errors picklable."""
    context = multiprocessing.get_context("spawn")  # not fork: this process runs threads (Prefect)
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, target, args), daemon=True,
                              name=f"lumbung-{getattr(target, '__name__', 'child')}")
    process.start()
    send.close()  # only the child writes: its end closing tells us it is gone
    try:
        while True:
            try:
                kind, payload = receive.recv()
            except EOFError:
                process.join()
                raise ChildFailed(f"{process.name} ended without a result (exit code {process.exitcode})") from None
            if kind == "progress":
                if on_progress:
                    on_progress(*payload)
            elif kind == "result":
                return payload
            else:
                raise payload
    finally:
        receive.close()
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
            process.join()


def _child(send, target: Callable[..., Any], args: tuple) -> None:
    try:
        result = target(*args, lambda *values: send.send(("progress", values)))
        send.send(("result", result))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        try:
            send.send(("error", exc))
        except Exception:  # noqa: BLE001 - an error that does not pickle goes back as its text
            send.send(("error", ChildFailed("".join(traceback.format_exception(exc)).strip())))
    finally:
        send.close()
