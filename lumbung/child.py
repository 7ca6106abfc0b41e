"""Running a step in a fresh process, so that what it imports and allocates is gone when it
returns.

The raw gate imports Great Expectations (about 110 MB that a process never gives back) just
before dbt builds the warehouse beside the run's process: run there, it would sit in memory
through the largest stage of a national load.  `run_in_child` runs it in a new interpreter
instead, forwards its progress messages as they come, and returns its result or raises its
error.  The child is one of the run's processes (stopped with it, see lumbung.hygiene).

The child runs in a session of its own: Ctrl-C reaches every process of the terminal's
foreground group, and the run's process answers it (one line, its children killed); a child in
that group would print a KeyboardInterrupt traceback of its own, from any moment of its start-up
(multiprocessing cannot start a process in another session, so the child is a plain
subprocess; messages travel over a pipe of its own as multiprocessing `Connection` objects).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any, Callable

CHILD_MAIN = "import sys; from lumbung.child import _main; _main(int(sys.argv[1]))"


class ChildFailed(RuntimeError):
    """The child process died without a result (killed, out of memory) or its error could not
    be sent back as it was."""


def run_in_child(target: Callable[..., Any], *args: Any, on_progress: Callable[..., None] | None = None) -> Any:
    """`target(*args, progress)` in a new process; `progress(*values)` there calls
    `on_progress(*values)` here.  `target` must be importable (a module-level function) and its
    arguments, result and errors picklable."""
    name = f"lumbung-{getattr(target, '__name__', 'child')}"
    read_fd, write_fd = os.pipe()
    try:
        process = subprocess.Popen([sys.executable, "-c", CHILD_MAIN, str(write_fd)], pass_fds=(write_fd,),
                                   stdin=subprocess.PIPE, start_new_session=True)
    except BaseException:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)  # only the child writes: its end closing tells us it is gone
    receive = Connection(read_fd, writable=False)
    try:
        assert process.stdin is not None
        with process.stdin:  # what the child imports from and what it runs
            pickle.dump(sys.path, process.stdin)
            pickle.dump((target, args), process.stdin)
        while True:
            try:
                kind, payload = receive.recv()
            except EOFError:
                process.wait()
                raise ChildFailed(f"{name} ended without a result (exit code {process.returncode})") from None
            if kind == "progress":
                if on_progress:
                    on_progress(*payload)
            elif kind == "result":
                return payload
            else:
                raise payload
    finally:
        receive.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _main(fd: int) -> None:
    """The child's side: read what to run from stdin, send progress, the result or the error."""
    send = Connection(fd, readable=False)
    try:
        sys.path[:] = pickle.load(sys.stdin.buffer)
        target, args = pickle.load(sys.stdin.buffer)
        result = target(*args, lambda *values: send.send(("progress", values)))
        send.send(("result", result))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        try:
            send.send(("error", exc))
        except Exception:  # noqa: BLE001 - an error that does not pickle goes back as its text
            send.send(("error", ChildFailed("".join(traceback.format_exception(exc)).strip())))
    finally:
        send.close()
