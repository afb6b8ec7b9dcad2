"""What the benchmarks/compare_*.py scripts share: the machine they ran on, repeated timing, the
--smoke / --output arguments, the command line and result file they write, and worker processes.

The scripts run as `python benchmarks/compare_X.py`, which puts this directory on sys.path, so
`import bench_common` works there and in the worker processes they start (`python <script> --worker`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

# The peers run on one thread, so numrep is compared on one thread too: its batch calls would
# otherwise split long columns across every core (numrep.set_threads). Rows that measure threads
# say so and set them with numrep_threads(). numrep reads the environment at import (and at
# set_threads(None)); the workers the scripts start inherit it.
os.environ["NUMREP_THREADS"] = "1"
if "numrep" in sys.modules:  # imported first: it read the environment at import
    sys.modules["numrep"].set_threads(None)


def usable_cpus() -> int:
    """The CPUs this process may run on (numrep's default number of threads)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@contextlib.contextmanager
def numrep_threads(threads: int):
    """numrep's batch calls on `threads` threads within the block, on one after it."""
    import numrep

    numrep.set_threads(threads)
    try:
        yield
    finally:
        numrep.set_threads(1)


# ---- the machine ----

def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> tuple[float, float, float] | None:
    """The 1, 5 and 15 minute load averages, or None where the OS has none."""
    return os.getloadavg() if hasattr(os, "getloadavg") else None


def machine() -> str:
    """One line: CPU, CPU count, OS, Python, and the load average now (a loaded machine inflates times)."""
    line = f"{cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    load = load_average()
    if load is not None:
        line += ", load average " + ", ".join(f"{x:.1f}" for x in load)
    return line


def status_bytes(field: str) -> int | None:
    """A size field of /proc/self/status (VmRSS, VmHWM, ...) in bytes, or None where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


# ---- timing ----

def timed(fn) -> tuple[float, object]:
    """Wall-clock seconds of one call of fn, and its result."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def time_repeats(fn, repeats: int, *, cpu: bool = False,
                 drop_previous: bool = True) -> tuple[list[float], list[float] | None, object]:
    """Calls fn `repeats` times: the wall-clock seconds of each call, the CPU seconds of this process
    of each call (None unless `cpu`), and the last call's result.

    drop_previous: release the previous call's result before starting the clock, so that freeing it
    is not timed; otherwise it is released when the next call's result replaces it, inside that
    call's timing."""
    wall, cpu_times, out = [], ([] if cpu else None), None
    for _ in range(repeats):
        if drop_previous:
            out = None
        start = time.perf_counter()
        if cpu:
            start_cpu = time.process_time()
        out = fn()
        wall.append(time.perf_counter() - start)
        if cpu:
            cpu_times.append(time.process_time() - start_cpu)
    return wall, cpu_times, out


def median_seconds(fn, repeats: int) -> tuple[float, object]:
    """The median wall-clock seconds of `repeats` calls of fn, and the last call's result."""
    times, _, out = time_repeats(fn, repeats)
    return statistics.median(times), out


# ---- command line and results ----

def add_smoke_and_output(parser, *, smoke_help: str, output_help: str, output_default: Path | None = RESULTS) -> None:
    """--smoke (small sizes, for CI) and --output (where the results go; benchmarks/results by default)."""
    parser.add_argument("--smoke", action="store_true", help=smoke_help)
    parser.add_argument("--output", type=Path, default=output_default, help=output_help)


def command_line(script: str, args: list[str] | None = None) -> str:
    """How the run was started, for the results: `python benchmarks/compare_X.py ARGS`."""
    return shlex.join(["python", f"benchmarks/{Path(script).name}", *(sys.argv[1:] if args is None else args)])


def utc_now() -> str:
    """The time now, UTC, to the minute: 2024-06-01 12:34."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M")


def write_result(directory: Path, name: str, text: str) -> Path:
    """Writes `text` to directory/name (making the directory) and says so on stdout."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return path


# ---- worker processes ----

def spawn_worker(script: str, args: list[str], what: str) -> dict | None:
    """Runs `python script ARGS` in a fresh process and returns the JSON it prints; None, after
    reporting `what` and the process's stderr, when it fails (for example, a peer not installed)."""
    result = subprocess.run([sys.executable, script, *args], capture_output=True, text=True)
    if result.returncode != 0:
        print(f"{what} failed or is not installed:\n{result.stderr.strip()[-2000:]}", file=sys.stderr)
        return None
    return json.loads(result.stdout)
