"""Process hygiene: a run's children (Prefect's temporary server, dbt, parse workers) die with it,
however it dies.

- `kill -9` of the run (the OOM killer, a scheduler's timeout) cannot be caught, so a small
  watcher process is started beside the run (its own session, so a terminal's Ctrl-C does not
  reach it).  It learns the run's process tree every half second and, as soon as the run is gone
  (Linux parent-death signal, or polling elsewhere), kills what is left of that tree.  Processes
  are recognised by pid and start time, so a reused pid is never killed.
- Ctrl-C and SIGTERM are caught: `on_interrupt` kills the children at once, records the run as
  cancelled, prints one line and exits with 128 + the signal number.  The published warehouse is
  never touched before the atomic publish, so it is unchanged; the build copy is removed.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable

WATCHER = r"""
import ctypes, os, signal, sys, time

parent = int(sys.argv[1])
record = sys.argv[2:]  # failed-runs log, run id, start: where to record a run that died unfinished
signal.signal(signal.SIGINT, signal.SIG_IGN)
gone = []
signal.signal(signal.SIGTERM, lambda *_: gone.append(True))
try:  # Linux: SIGTERM as soon as the run dies
    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass

def stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return fields[0], int(fields[1]), fields[19]  # state, ppid, start time
    except (OSError, IndexError, ValueError):
        return None

def tree(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            s = stat(int(entry))
            if s:
                children.setdefault(s[1], []).append((int(entry), s[2]))
    found, stack = {}, [root]
    while stack:
        for pid, start in children.get(stack.pop(), []):
            found[pid] = start
            stack.append(pid)
    return found

known = {}
while not gone:
    s = stat(parent)
    if s is None or s[0] in "ZX" or os.getppid() != parent:
        break
    known.update(tree(parent))
    time.sleep(0.5)
for root in list(known):  # grandchildren of a child still alive were not reparented yet
    known.update(tree(root))
for pid, start in known.items():
    s = stat(pid)
    if s and s[2] == start:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
finished = sys.stdin.read() == "finished"  # the run says so as it exits; a killed run cannot
if record and not finished:
    import json
    from datetime import datetime, timezone
    log, run_id, started = record
    row = {"run_id": run_id, "started_at": started, "ended_at": datetime.now(timezone.utc).isoformat(),
           "outcome": "failed", "message": "killed: the run ended without finishing (SIGKILL, the OOM killer or a "
           "crash); its children were stopped and the published warehouse is unchanged"}
    try:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
    except OSError:
        pass
"""


_watcher: dict[str, subprocess.Popen] = {}


def start_watcher(record: tuple[Path, str, str] | None = None) -> subprocess.Popen | None:
    """Start the watcher that kills this process's children when it dies (see module doc).
    `record` = (failed-runs log, run id, start time): a run that dies without calling
    `finished()` (at exit, or on Ctrl-C) is recorded there as failed, killed."""
    if not Path("/proc").is_dir():
        return None  # not Linux: children are only stopped on Ctrl-C/SIGTERM
    args = [sys.executable, "-c", WATCHER, str(os.getpid())] + ([str(v) for v in record] if record else [])
    watcher = subprocess.Popen(args, start_new_session=True, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, text=True)
    _watcher["process"] = watcher
    atexit.register(finished)
    return watcher


def finished() -> None:
    """Tell the watcher the run ends on its own terms (nothing to record)."""
    watcher = _watcher.pop("process", None)
    if watcher and watcher.stdin:
        try:
            watcher.stdin.write("finished")
            watcher.stdin.close()
        except OSError:
            pass


def children(root: int | None = None) -> list[int]:
    """Every descendant of `root` (this process), deepest last."""
    root = root or os.getpid()
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if Path("/proc").is_dir() else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        for pid in parents.get(stack.pop(), []):
            found.append(pid)
            stack.append(pid)
    return found


def kill_children(spare: set[int] = frozenset()) -> None:
    for pid in children():
        if pid not in spare:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def on_interrupt(cleanup: Callable[[int], None]) -> None:
    """On Ctrl-C or SIGTERM: kill the children, run `cleanup(signal number)` (record, remove the
    build copy, print one line) and exit with 128 + the signal number, without waiting for
    Prefect or dbt to wind down."""
    def handler(signum, _frame):
        finished()  # recorded as cancelled by `cleanup`, not as killed
        kill_children()
        try:
            cleanup(signum)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(128 + signum)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
