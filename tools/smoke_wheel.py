"""Smoke test of an installed numrep wheel (distribution numrep-phone, import package numrep).

Run by tools/check_package.sh in a fresh virtual environment holding only the wheel and what it
pulls in (NumPy), and by cibuildwheel after each wheel it builds (pyproject.toml). It uses the
standard library and what the wheel installs, from a temporary directory, and first makes sure
that the numrep it imports is the installed one, not the source tree's python/numrep.

    python tools/smoke_wheel.py

It checks: the metadata (version, licence files, the console script), parsing and carrier
lookup, a Bloom filter, a TrieStore and a ReputationDB built from a few reports, saved, reopened
and asked again, and the `numrep` command on that database. Prints one line per check.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from types import ModuleType

DISTRIBUTION = "numrep-phone"
SOURCE_TREE = Path(__file__).resolve().parents[1]

REPORTS = """number,time,category,source
0912345678,2025-01-10T08:00:00Z,scam,alice
0912 345 678,2025-01-12T09:30:00Z,Calls pretending to be the police,bob
+84 86 123 4567,2025-01-11T10:00:00Z,spam,alice
not a number,2025-01-11T11:00:00Z,scam,carol
"""
NOW = dt.datetime(2025, 1, 12, 9, 30)


def ok(what: str) -> None:
    print(f"  smoke: {what}", flush=True)


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"smoke_wheel: FAILED: {what}")


def installed_package() -> ModuleType:
    import numrep

    where = Path(numrep.__file__).resolve()
    check(SOURCE_TREE / "python" not in where.parents, f"numrep is imported from the source tree ({where})")
    ok(f"numrep {numrep.__version__} imported from {where.parent}")
    return numrep


def check_metadata(numrep: ModuleType) -> None:
    version = metadata.version(DISTRIBUTION)
    check(version == numrep.__version__, f"{DISTRIBUTION} {version} but numrep.__version__ {numrep.__version__}")
    files = [str(f) for f in metadata.files(DISTRIBUTION) or []]
    licences = sorted(Path(f).name for f in files if "/licenses/" in f.replace(os.sep, "/"))
    check(licences == ["LICENSE", "xxHash-LICENSE.txt"], f"licence files in the .dist-info: {licences}")
    scripts = [e for e in metadata.distribution(DISTRIBUTION).entry_points if e.group == "console_scripts"]
    check([(e.name, e.value) for e in scripts] == [("numrep", "numrep.cli:main")], f"console scripts: {scripts}")
    ok(f"metadata: {DISTRIBUTION} {version}, licences {', '.join(licences)}, console script numrep")


def check_parse(numrep: ModuleType) -> None:
    n = numrep.parse("0912 345 678")
    check((n.e164, n.key) == ("+84912345678", 84912345678), f"parse: {n!r}")
    check(numrep.parse("(469) 257-6503", region="US").e164 == "+14692576503", "parse with region US")
    info = numrep.lookup("+84 86 123 4567")
    check((info.carrier, info.type, info.valid) == ("Viettel", "mobile", True), f"lookup: {info!r}")
    keys = numrep.parse_many(["0912345678", "(+84) 93-456-7890", "not a number"])
    check(keys.tolist() == [84912345678, 84934567890, 0], f"parse_many: {keys!r}")
    ok("parse, lookup (Viettel), parse_many")


def check_stores(numrep: ModuleType, tmp: Path) -> None:
    import numpy as np

    keys = numrep.parse_many(["0912345678", "0934567890", "+84 86 123 4567"])
    bf = numrep.BloomFilter(capacity=1000, fpr=0.01)
    bf.add_many(keys)
    bf.save(tmp / "reported.bloom")
    reopened = numrep.BloomFilter.open(tmp / "reported.bloom")
    check(bool(reopened.contains_many(keys).all()), "the reopened Bloom filter lost a key")
    check("0861234567" in reopened, "the reopened Bloom filter lost 0861234567")

    ts = numrep.TrieStore.build(keys, values=np.array([3, 1, 2], dtype=np.uint64))
    ts.save(tmp / "reported.trie")
    reopened_ts = numrep.TrieStore.open(tmp / "reported.trie")
    check(len(reopened_ts) == 3, f"the reopened TrieStore holds {len(reopened_ts)} keys")
    check(reopened_ts.get("0912345678") == 3, "TrieStore value of 0912345678")
    check(reopened_ts.get("0987654321") is None, "TrieStore found a key never added")
    ok("BloomFilter and TrieStore: built, saved, reopened")


def check_reputation(numrep: ModuleType, tmp: Path) -> Path:
    (tmp / "reports.csv").write_text(REPORTS, encoding="utf-8")
    db = numrep.ReputationDB.from_csv(tmp / "reports.csv")
    check(db.ingest_stats["bad"] == 1, f"ingest stats: {db.ingest_stats}")
    before = db.check("0912345678", now=NOW)
    check((before.level, before.reports) == ("likely_scam", 2), f"verdict before saving: {before!r}")
    db.compact()
    db.save(tmp / "reports.db")
    reopened = numrep.ReputationDB.open(tmp / "reports.db")
    after = reopened.check("0912345678", now=NOW)
    check((after.level, after.score, after.reports) == (before.level, before.score, before.reports),
          f"verdict after reopening: {after!r}, before: {before!r}")
    check(reopened.check("0987654321", now=NOW).level == "clean", "a number never reported")
    ok(f"ReputationDB: 3 reports, saved, reopened, 0912345678 {after.level} ({after.score:.1f})")
    return tmp / "reports.db"


def numrep_command() -> str:
    here = Path(sys.executable).parent / ("numrep.exe" if os.name == "nt" else "numrep")
    command = str(here) if here.exists() else shutil.which("numrep")
    check(command is not None, "no numrep command next to this Python or on PATH")
    return str(command)


def check_cli(numrep: ModuleType, db: Path) -> None:
    command = numrep_command()

    def run(*args: str) -> str:
        done = subprocess.run([command, *args], capture_output=True, text=True, cwd=db.parent, check=False)
        check(done.returncode == 0, f"numrep {' '.join(args)}: status {done.returncode}: {done.stderr.strip()}")
        return done.stdout

    check(run("--version").split() == ["numrep", numrep.__version__], "numrep --version")
    check("usage: numrep" in run("--help"), "numrep --help")
    (info,) = json.loads(run("info", "--json", "0912 345 678"))
    check((info["e164"], info["carrier"]) == ("+84912345678", "Vinaphone"), f"numrep info: {info}")
    (verdict,) = json.loads(run("check", "--json", "-d", db.name, "--now", "2025-01-12T09:30:00Z", "0912345678"))
    check(verdict["level"] == "likely_scam", f"numrep check: {verdict}")
    ok(f"the numrep command ({command}): --version, --help, info, check -d")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="numrep-smoke-") as name:
        tmp = Path(name)
        os.chdir(tmp)  # nothing of the source tree on the way of imports or relative paths
        numrep = installed_package()
        check_metadata(numrep)
        check_parse(numrep)
        check_stores(numrep, tmp)
        db = check_reputation(numrep, tmp)
        check_cli(numrep, db)
        os.chdir(Path.home())
    print("smoke_wheel: the installed wheel works", flush=True)


if __name__ == "__main__":
    main()
