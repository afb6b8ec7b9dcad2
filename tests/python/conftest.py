"""Shared helpers for numrep's Python tests: where the reference data lives and how to read it.

The reference files (libphonenumber's Vietnamese carrier and geocoding data, the 2018
mobile prefix conversion table) are checked in under tests/data/. When a file is missing
there, the shared reference directory of the development machines is tried; when it is
missing there too, the tests that need it are skipped with a message saying which file.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# No deadline and no too-slow health check, whatever Hypothesis' own profile: on a loaded 2-core
# machine a single example can take seconds, and timing is not what these tests check.
settings.register_profile("default", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=20_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

TESTS_DATA = Path(__file__).resolve().parent.parent / "data"
SHARED_REFERENCE = Path("/work/shared/reference")


class MissingReference(Exception):
    """A reference file is in neither tests/data nor the shared reference directory."""


def reference_path(name: str) -> Path:
    """Path of reference file `name`; MissingReference saying where it was looked for."""
    for directory in (TESTS_DATA, SHARED_REFERENCE):
        candidate = directory / name
        if candidate.is_file():
            return candidate
    raise MissingReference(f"reference file {name!r} is in neither {TESTS_DATA} nor {SHARED_REFERENCE}")


def or_skip(load, *args):
    """load(*args), or skip the calling test (or module) when its reference file is missing."""
    try:
        return load(*args)
    except MissingReference as missing:
        pytest.skip(str(missing), allow_module_level=True)


def params(load, ids=None) -> list:
    """Parametrize values from reference data; a single skipped case when the file is missing."""
    try:
        values = load()
    except MissingReference as missing:
        return [pytest.param(None, marks=pytest.mark.skip(reason=str(missing)), id="reference-missing")]
    return [pytest.param(v, id=ids(v) if ids else None) for v in values]


def read_prefix_file(name: str) -> list[tuple[str, str]]:
    """libphonenumber's 'prefix|name' lines (comments and blank lines dropped), in file order."""
    rows = []
    for line in reference_path(name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        prefix, _, label = line.partition("|")
        rows.append((prefix, label))
    return rows


@dataclasses.dataclass(frozen=True)
class LegacyPrefix:
    old: str  # national significant digits of the old prefix, trunk 0 removed: "162"
    new: str  # "32"
    carrier: str


def read_legacy_conversion() -> tuple[list[LegacyPrefix], LegacyPrefix]:
    """The 2018 conversion table: (the 11-digit mobile rows, the VSAT 0992 -> 0672 row)."""
    mobile = []
    vsat = None
    with reference_path("vn_2018_mobile_prefix_conversion.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            old = row["old_prefix_national"].split()[0].removeprefix("0")
            new = row["new_prefix_national"].split()[0].removeprefix("0")
            entry = LegacyPrefix(old, new, row["carrier"])
            if row["carrier"] == "VSAT":
                vsat = entry
            else:
                mobile.append(entry)
    assert mobile and vsat is not None, "conversion table without mobile or VSAT rows"
    return mobile, vsat


# Digits used to fill a prefix up to a full number; not all equal, so digit-order bugs show.
FILLER = "2345678901234567"


def pad(prefix: str, length: int) -> str:
    """`prefix` followed by filler digits, `length` digits in all."""
    assert len(prefix) <= length
    return prefix + FILLER[: length - len(prefix)]


def build_cpp_tool(source_name: str, out_dir: Path) -> Path:
    """Compiles tests/python/<source_name>.cpp against the headers (for C++ <-> Python round
    trips); skips the test, saying why, where there is no g++."""
    import shutil
    import subprocess

    compiler = shutil.which("g++")
    if compiler is None:
        pytest.skip(f"g++ not found: cannot build tests/python/{source_name}.cpp for the C++ round trip")
    root = Path(__file__).resolve().parents[2]
    out = out_dir / source_name
    result = subprocess.run([compiler, "-std=c++20", "-O1", f"-I{root / 'include'}",
                             str(root / "tests" / "python" / f"{source_name}.cpp"), "-o", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


@functools.cache
def nanp_states_by_abbreviation() -> dict[str, str]:
    """'TX' -> 'Texas', read off phonenumbers' geocoding data: the state named by the area-code
    entries ("1214": "Texas") of the area codes whose cities carry the abbreviation ("Dallas, TX").
    A fact from the reference, for checking numrep's areas (which tools/gen_world_plan.py derives)."""
    import collections

    from phonenumbers.geodata import GEOCODE_DATA

    votes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for prefix, names in GEOCODE_DATA.items():
        city = names.get("en", "")
        state = (GEOCODE_DATA.get(prefix[:4]) or {}).get("en") if prefix.startswith("1") and len(prefix) > 4 else None
        if state and ", " in city:
            votes[city.rsplit(", ", 1)[1]][state] += 1
    return {code: counts.most_common(1)[0][0] for code, counts in votes.items()}
