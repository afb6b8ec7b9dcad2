#!/usr/bin/env python3
"""Compile time of numrep's headers: what including each one costs a translation unit.

numrep is header-only, so every file that includes it pays to compile it. This measures, at -O2,
the compile time of one-line translation units: a baseline that includes <vector>, <string> and
<map> (what almost any C++ file includes anyway), each public top-level header of
include/numrep alone, and the umbrella numrep.hpp. Each header is also compiled with only the
standard and system headers it reaches (its "system-only" twin), which splits its cost into the
standard library's part and numrep's own. Runs are interleaved (every TU once per round, rounds
repeated) so that a change in machine load hits all of them alike; the tables give medians of
the rounds. CPU time (user + sys of the compiler) is the figure compared, since it varies less
than wall time on a shared machine; both are given.

It also explains the cost: preprocessed lines and included files per TU, the cost of each
standard header numrep includes, alone, and GCC's -ftime-report phases for the umbrella.

A measured budget, not a test (timings never fail a test on a shared machine): BUDGET below
states the most each TU may cost as a multiple of the baseline's CPU time, the results table
says which meet it, and a --smoke run in CI prints a warning when the umbrella is over.

    python benchmarks/compare_compile_times.py                # writes benchmarks/results/compile_times.md
    python benchmarks/compare_compile_times.py --smoke        # baseline and umbrella once, a few seconds
    python benchmarks/compare_compile_times.py --output DIR   # write the results elsewhere
    CXX=clang++ python benchmarks/compare_compile_times.py    # another compiler (default: $CXX or c++)
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_common

ROOT = Path(__file__).resolve().parent.parent
INCLUDE = ROOT / "include"
UMBRELLA = "numrep/numrep.hpp"
BASELINE_HEADERS = ("vector", "string", "map")
FLAGS = ["-std=c++20", "-O2"]
# Most CPU time a one-line TU may take, as a multiple of the baseline's. The database header
# reaches nearly everything, so it and the umbrella share the larger allowance.
BUDGET_WHOLE = 10.0
BUDGET_COMPONENT = 5.0
WHOLE = {UMBRELLA, "numrep/reputation_db.hpp"}


def budget(header: str) -> float:
    return BUDGET_WHOLE if header in WHOLE else BUDGET_COMPONENT


INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


# ---- what each header reaches ----

def closure(header: str) -> tuple[list[str], list[str]]:
    """The numrep headers `header` (a path under include/) reaches, itself included, and the
    system headers (<...> not under numrep/) they include, both sorted."""
    seen, system, todo = set(), set(), [INCLUDE / header]
    while todo:
        path = todo.pop().resolve()
        if path in seen:
            continue
        seen.add(path)
        for kind, name in INCLUDE_RE.findall(path.read_text(encoding="utf-8")):
            if kind == '"':
                todo.append(path.parent / name)
            elif name.startswith("numrep/"):
                todo.append(INCLUDE / name)
            else:
                system.add(name)
    return sorted(str(p.relative_to(INCLUDE)) for p in seen), sorted(system)


def public_headers() -> list[str]:
    """include/numrep/*.hpp but the umbrella, sorted."""
    return sorted(f"numrep/{p.name}" for p in (INCLUDE / "numrep").glob("*.hpp") if f"numrep/{p.name}" != UMBRELLA)


# ---- compiling ----

class Compiler:
    def __init__(self, cxx: str, workdir: Path):
        self.cxx = cxx
        self.workdir = workdir
        self.base = [cxx, *FLAGS, f"-I{INCLUDE}"]

    def version(self) -> str:
        out = subprocess.run([self.cxx, "--version"], capture_output=True, text=True, check=True).stdout
        return out.splitlines()[0].strip()

    def is_gcc(self) -> bool:
        """GCC itself, not Clang (which defines __GNUC__ too): -ftime-report differs."""
        macros = subprocess.run([self.cxx, "-dM", "-E", "-x", "c++", os.devnull], capture_output=True, text=True).stdout
        return "__GNUC__" in macros and "__clang__" not in macros

    def write_tu(self, name: str, includes: list[str]) -> Path:
        path = self.workdir / f"{name}.cpp"
        path.write_text("".join(f"#include <{h}>\n" for h in includes), encoding="utf-8")
        return path

    def command(self, tu: Path, *extra: str) -> list[str]:
        return [*self.base, *extra, "-c", str(tu), "-o", str(self.workdir / "out.o")]

    def compile(self, tu: Path) -> tuple[float, float]:
        """Wall and CPU (user + sys) seconds of one compile of tu."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(self.command(tu), capture_output=True, text=True, env=c_locale())
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode != 0:
            raise SystemExit(f"compiling {tu.name} failed:\n{shlex.join(self.command(tu))}\n{result.stderr[-3000:]}")
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    def preprocessed(self, tu: Path) -> tuple[int, int, int]:
        """Non-blank preprocessed lines, files included (all), and numrep files included."""
        result = subprocess.run([*self.base, "-H", "-E", str(tu)], capture_output=True, text=True, env=c_locale(), check=True)
        lines = sum(1 for line in result.stdout.splitlines() if line.strip() and not line.startswith("#"))
        included = [line.lstrip(". ").strip() for line in result.stderr.splitlines() if line.startswith(".")]
        ours = sum(1 for f in included if str(INCLUDE) in f)
        return lines, len(set(included)), ours

    def time_report(self, tu: Path) -> list[tuple[str, float, float]]:
        """GCC's -ftime-report: (item, user seconds, share of user time), largest first."""
        result = subprocess.run(self.command(tu, "-ftime-report"), capture_output=True, text=True, env=c_locale())
        rows = []
        for line in result.stderr.splitlines():
            m = re.match(r"^\s*(\|?[^:]+?)\s*:\s*([\d.]+)\s*\(\s*(\d+)%\)", line)
            if m:
                rows.append((m.group(1).strip(), float(m.group(2)), float(m.group(3)) / 100))
        return sorted(rows, key=lambda r: -r[1])


def c_locale() -> dict:
    return {**os.environ, "LC_ALL": "C"}


# ---- measuring ----

def measure(compiler: Compiler, tus: dict[str, Path], rounds: int, warm_up: bool) -> dict[str, tuple[float, float]]:
    """Median (wall, cpu) seconds of each TU over `rounds` interleaved rounds, after a warm-up
    round (if `warm_up`) that loads the compiler and the headers into the page cache."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in tus}
    for tu in tus.values() if warm_up else []:
        compiler.compile(tu)
    for r in range(rounds):
        order = list(tus.items())
        if r % 2:
            order.reverse()  # no TU always runs right after the same other one
        for name, tu in order:
            times[name].append(compiler.compile(tu))
        print(f"  round {r + 1}/{rounds} done", file=sys.stderr)
    return {name: (statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts)) for name, ts in times.items()}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; medians are taken (default 5)")
    bench_common.add_smoke_and_output(parser, smoke_help="baseline and umbrella, one round, no warm-up: a few seconds, for CI",
                                      output_help="directory for compile_times.md")
    args = parser.parse_args()

    cxx = os.environ.get("CXX") or "c++"
    if shutil.which(cxx) is None:
        raise SystemExit(f"no C++ compiler {cxx!r} (set CXX)")
    headers = [] if args.smoke else public_headers()
    rounds = 1 if args.smoke else args.rounds

    with tempfile.TemporaryDirectory(prefix="numrep_compile_times_") as tmp:
        compiler = Compiler(cxx, Path(tmp))
        version = compiler.version()
        print(f"{version}; {rounds} round(s); {len(headers) + 2} TUs (+ system-only twins)", file=sys.stderr)

        tus: dict[str, Path] = {"baseline": compiler.write_tu("baseline", [f"{h}" for h in BASELINE_HEADERS])}
        reach: dict[str, tuple[list[str], list[str]]] = {}
        for header in [*headers, UMBRELLA]:
            reach[header] = closure(header)
            tus[header] = compiler.write_tu(header.replace("/", "__"), [header])
            if not args.smoke:
                tus[header + " (system only)"] = compiler.write_tu(header.replace("/", "__") + "__system", reach[header][1])
        medians = measure(compiler, tus, rounds, warm_up=not args.smoke)

        base_wall, base_cpu = medians["baseline"]
        pre = {name: compiler.preprocessed(tu) for name, tu in tus.items() if "(system only)" not in name}

        out = [
            "# Compile time of numrep's headers",
            "",
            f"What a translation unit that includes one header pays, at `{' '.join(FLAGS)}`: the median of {rounds} "
            "interleaved round(s) of one-line TUs (`#include <header>` and nothing else). Baseline: a TU including "
            f"{', '.join(f'<{h}>' for h in BASELINE_HEADERS)}. **x baseline** compares CPU time (user + sys of the "
            "compiler), which a loaded machine disturbs less than wall time. *system only*: the same TU with just the "
            "standard and system headers the numrep header reaches, so **numrep's own** = total - system only "
            "(parsing numrep's code and the templates its inline functions instantiate; 0 where noise made it negative). Lines: non-blank "
            "preprocessed lines; files: distinct files included (numrep's in brackets).",
            "",
            f"Compiler: {version}",
            "",
            f"Machine: {bench_common.machine()}, {bench_common.utc_now()} UTC",
            "",
            f"Budget: the umbrella and reputation_db.hpp at most {BUDGET_WHOLE:g}x the baseline, every other header at "
            f"most {BUDGET_COMPONENT:g}x.",
            "",
            "| TU | CPU ms | x baseline | budget | wall ms | system only, CPU ms | numrep's own, CPU ms | lines | files |",
            "|---|---:|---:|---|---:|---:|---:|---:|---:|",
        ]
        ordered = ["baseline", UMBRELLA] + sorted(headers, key=lambda h: -medians[h][1])
        for name in ordered:
            wall, cpu = medians[name]
            system = medians.get(name + " (system only)")
            lines, files, ours = pre[name]
            label = f"`<{name}>`" if name != "baseline" else "baseline (" + ", ".join(f"<{h}>" for h in BASELINE_HEADERS) + ")"
            ratio = cpu / base_cpu
            verdict = "" if name == "baseline" else (f"met (<= {budget(name):g}x)" if ratio <= budget(name)
                                                     else f"**over** {budget(name):g}x")
            if name != "baseline" and ratio > budget(name):
                print(f"warning: <{name}> compiles in {ratio:.1f}x the baseline, over its budget of "
                      f"{budget(name):g}x", file=sys.stderr)
            out.append(f"| {label} | {ms(cpu)} | {ratio:.2f} | {verdict} | {ms(wall)} | "
                       f"{ms(system[1]) if system else 'n/a'} | {ms(max(0.0, cpu - system[1])) if system else 'n/a'} | "
                       f"{lines:,} | {files} ({ours}) |")

        if not args.smoke:
            out += explain(compiler, reach, medians)

        out += ["", "Command: `" + bench_common.command_line(__file__) + "`; each TU is compiled as `"
                + shlex.join([Path(cxx).name, *FLAGS, "-Iinclude", "-c", "tu.cpp", "-o", "tu.o"]) + "`"]
        bench_common.write_result(args.output, "compile_times.md", "\n".join(out) + "\n")
    return 0


def explain(compiler: Compiler, reach: dict, medians: dict) -> list[str]:
    """Where the umbrella's time goes: the standard headers numrep includes, each alone, and
    -ftime-report's phases (GCC only)."""
    out = []
    base_cpu = medians["baseline"][1]
    system = reach[UMBRELLA][1]
    std_times = []
    for h in system:
        tu = compiler.write_tu("std_" + re.sub(r"\W", "_", h), [h])
        cpu = statistics.median(compiler.compile(tu)[1] for _ in range(3))
        users = [p for p, (_, sys_h) in reach.items() if h in sys_h and p != UMBRELLA]
        std_times.append((cpu, h, users))
    std_times.sort(reverse=True)
    out += ["", "## The standard and system headers numrep includes, each alone (CPU ms, median of 3)", "",
            "| header | CPU ms | x baseline | reached from |", "|---|---:|---:|---|"]
    for cpu, h, users in std_times[:12]:
        out.append(f"| `<{h}>` | {ms(cpu)} | {cpu / base_cpu:.2f} | {', '.join(u.removeprefix('numrep/') for u in users)} |")
    out.append(f"\n({len(std_times) - 12} more, each under {ms(std_times[12][0])} ms.)" if len(std_times) > 12 else "")

    if compiler.is_gcc():
        report = compiler.time_report(compiler.workdir / (UMBRELLA.replace("/", "__") + ".cpp"))
        out += ["", f"## `-ftime-report` of `<{UMBRELLA}>` (one run; user seconds)", "",
                "| item | user s | share |", "|---|---:|---:|"]
        for item, user, share in [r for r in report if r[0] != "TOTAL"][:10]:
            item = item.removeprefix("|") + " (part of a phase)" if item.startswith("|") else item
            out.append(f"| {item} | {user:.2f} | {share:.0%} |")
    return out


if __name__ == "__main__":
    sys.exit(main())
