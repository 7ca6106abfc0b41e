"""How the nightly run scales: N distinct synthetic reports through the real pipeline (figures,
not a test).

    .venv/bin/python benchmarks/scale.py 100 [--workdir DIR] [--seed 1]

The reports are the four shared ones renamed to N other real kecamatan (with their kabupaten/kota
and provinsi, from the reference data; names held by one kecamatan only) and with other amounts
(`tests/renames.py`, `tests/renderings.py`; needs the test extras).  Three runs of `lumbung run`,
each a separate process as a scheduler starts it:

1. full run over the N reports into a new warehouse;
2. no-op re-run (nothing changed);
3. 10 new reports added to the loaded warehouse.

For each: wall time, the run's stage timings (from `audit.runs`), CPU cores used (CPU time of
the process tree / wall time), peak memory of the whole process tree (sampled from /proc), and
the warehouse file's size.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lumbung.documents import read_document  # noqa: E402
from lumbung.paths import DEFAULT_RAW_DIR, REFERENCE_DIR  # noqa: E402
from lumbung.pipeline import RunInProgress, warehouse_lock  # noqa: E402
from tests.renames import SHARED, Place, rename  # noqa: E402
from tests.renderings import other_amounts  # noqa: E402

TEMPLATES = {
    "petir": "renja-2024-kecamatan-petir-kabupaten-serang.txt",
    "serang": "renja-2022-kecamatan-serang-kota-serang.txt",
    "seririt": "lkjip-2023-kecamatan-seririt-kabupaten-buleleng.txt",
    "randuagung": "renstra-2024-2026-kecamatan-randuagung-kabupaten-lumajang.txt",
}


def places(seed: int) -> list[tuple[str, Place]]:
    """Kecamatan whose name no other kecamatan holds, in a seeded random order."""
    with open(REFERENCE_DIR / "kecamatan.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = Counter(r["kecamatan"].lower() for r in rows)
    unique = [(r["code"], Place(r["kecamatan"], r["kabupaten_kota"], r["provinsi"])) for r in rows
              if names[r["kecamatan"].lower()] == 1 and r["kecamatan"].replace(" ", "").isalpha()]
    random.Random(seed).shuffle(unique)
    return unique


def make_reports(raw: Path, places_: list[tuple[str, Place]], start: int, count: int) -> None:
    """Reports `start` .. `start + count - 1`.  Report i goes to place i mod P with template
    (i mod P + i // P) mod 4: past the P places whose name no other kecamatan holds (about 6,500), a
    place gets a report of another type (a kecamatan writes a Renja, an LKjIP and a Renstra), so
    every report is a distinct report (kecamatan x type x period), not a new version of one."""
    templates = {name: read_document(DEFAULT_RAW_DIR / file).lines for name, file in TEMPLATES.items()}
    assert start + count <= 4 * len(places_), "more reports than places x templates"
    for i in range(start, start + count):
        code, place = places_[i % len(places_)]
        template = list(TEMPLATES)[(i % len(places_) + i // len(places_)) % len(TEMPLATES)]
        lines = other_amounts(rename(templates[template], SHARED[template], place), seed=i).lines
        (raw / f"{template}-{code.replace('.', '')}.txt").write_text("\n".join(lines), encoding="utf-8")


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run(raw: Path, warehouse: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "lumbung"), "run", "--raw-dir", str(raw),
                                "--warehouse", str(warehouse), "--no-progress"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    stage = "start"  # the stage the run last said it started ("<run id> ingest: started")
    stage_peaks: dict[str, int] = {}

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            rss = _tree_rss_kb(process.pid)
            peak = max(peak, rss)
            stage_peaks[stage] = max(stage_peaks.get(stage, 0), rss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.rstrip().endswith(": started"):
            stage = line.rstrip()[: -len(": started")].split(" ", 2)[-1]
    process.wait()
    output = "".join(lines)
    sampler.join()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stages = {}
    if process.returncode == 0:
        import duckdb

        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            row = con.execute("select stage_seconds, files_loaded, files_quarantined, facts_published "
                              "from audit.runs order by started_at desc limit 1").fetchone()
            stages = {"stages": json.loads(row[0] or "{}"), "loaded": row[1], "quarantined": row[2], "facts": row[3]}
        finally:
            con.close()
    return {"rc": process.returncode, "wall": wall, "cores": cpu / wall, "peak_mb": peak / 1024,
            "stage_peaks_mb": {k: v / 1024 for k, v in stage_peaks.items()},
            "size_mb": warehouse.stat().st_size / 2**20 if warehouse.exists() else 0, **stages,
            "tail": output.strip().splitlines()[-3:]}


def show(title: str, result: dict, full: float | None = None) -> None:
    share = f" ({result['wall'] / full:.0%} of the full run)" if full else ""
    print(f"\n{title}: exit {result['rc']}, {result['wall']:.1f} s wall{share}, {result['cores']:.2f} cores, "
          f"peak {result['peak_mb']:.0f} MiB (process tree), warehouse {result['size_mb']:.1f} MiB")
    if "stages" in result:
        print(f"  loaded {result['loaded']}, quarantined {result['quarantined']}, facts published {result['facts']}")
        print("  " + ", ".join(f"{k} {v:.1f}s" for k, v in result["stages"].items()))
    print("  peak by stage: " + ", ".join(f"{k} {v:.0f} MiB" for k, v in result["stage_peaks_mb"].items()))
    if result["rc"]:
        print("  " + "\n  ".join(result["tail"]))
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="lumbung-scale-"))
    raw, warehouse = work / "raw", work / "warehouse" / "lumbung.duckdb"
    raw.mkdir(parents=True, exist_ok=True)
    chosen = places(args.seed)
    started = time.perf_counter()
    made = work / "reports.json"  # the reports a previous call made here (they are deterministic)
    wanted = {"n": args.n, "seed": args.seed}
    known = json.loads(made.read_text()) if made.exists() else {}
    if {k: known.get(k) for k in wanted} == wanted and all((raw / f).exists() for f in known["files"]):
        for extra in set(p.name for p in raw.iterdir()) - set(known["files"]):  # the 10 added last time
            (raw / extra).unlink()
        print(f"reusing the {args.n} reports made before in {raw}")
    else:
        for old in raw.iterdir():
            old.unlink()
        make_reports(raw, chosen, 0, args.n)
        made.write_text(json.dumps({**wanted, "files": sorted(p.name for p in raw.iterdir())}))
    try:  # a run (another benchmark) still writing here would lose its files and skew both
        with warehouse_lock(warehouse):
            pass
    except RunInProgress as exc:
        sys.exit(f"{exc}: stop it before benchmarking in {work}")
    shutil.rmtree(warehouse.parent, ignore_errors=True)  # the full run starts from no warehouse
    print(f"{args.n} synthetic reports in {raw} ({time.perf_counter() - started:.1f} s to make); "
          f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}", flush=True)
    full = run(raw, warehouse)
    show("full run", full)
    if full["rc"]:  # nothing published: a "no-op" run would be a second full run
        sys.exit("the full run failed: the no-op and +10 runs are not measured")
    show("no-op re-run", run(raw, warehouse), full["wall"])
    make_reports(raw, chosen, args.n, 10)
    show("10 new reports added", run(raw, warehouse), full["wall"])


if __name__ == "__main__":
    main()
