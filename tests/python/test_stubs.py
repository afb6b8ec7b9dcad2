"""The type stubs are generated from the module and must match it; they must also type-check."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_checked_in_stub_matches_the_module() -> None:
    pytest.importorskip("pybind11_stubgen")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_stubs.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + result.stdout


def test_package_ships_stub_and_py_typed() -> None:
    import numrep

    package = pathlib.Path(numrep.__file__).parent
    assert (package / "py.typed").exists()
    assert (package / "_core.pyi").exists()


def test_stub_names_every_type() -> None:
    """No typing.Any where the bindings know the type (they name py::object arguments, see
    python/src/typed.hpp), and no bare generics such as `dict` or `tuple`."""
    import re

    import numrep

    text = (pathlib.Path(numrep.__file__).parent / "_core.pyi").read_text()
    assert "Any" not in text
    assert not re.search(r"(->|:) (dict|tuple|list)\b(?!\[)", text)


def test_stubs_type_check_user_code(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("mypy")
    good = tmp_path / "good.py"
    good.write_text(textwrap.dedent("""
        import numrep
        n = numrep.parse("0912 345 678")
        key: int = n.key
        text: str = n.e164
        legacy: bool = n.is_legacy
        info = numrep.lookup(n)
        carrier: str = info.carrier
        import numpy as np
        import numpy.typing as npt
        bf = numrep.BloomFilter(100)
        bf.add("(202) 555-0100", region="US")
        found: npt.NDArray[np.bool] = bf.contains_many(["0912345678"], region=["VN"])
        ts = numrep.TrieStore.build(np.array([84912345678], dtype=np.uint64), [1])
        value: int | None = ts.get("0912345678")
        keys: npt.NDArray[np.uint64] = ts.keys("+8491")
        db = numrep.ReputationDB.from_frame([{"number": "0912345678", "time": "2026-01-01", "category": "scam"}])
        again: numrep.ReputationDB = numrep.ReputationDB.open("reports.db")
        score: float = db.check(n, now="2026-03-01").score
        first: str = numrep.TYPE_NAMES[0]
        # check_many: a region per number, bytes, and as_frame from a bool variable (all three
        # were refused by mypy, and run).
        per_number = db.check_many(["0912345678", "2025550143"], now="latest", region=["VN", "US"])
        from_bytes = db.check_many([b"0912345678"], now="latest")
        as_frame_or_not = bool(len(per_number["key"]))
        either = db.check_many(["0912345678"], now="latest", as_frame=as_frame_or_not)
        columns: dict[str, npt.NDArray[np.bool]] = {"reported": from_bytes["reported"]}
        # parse_many of a list or NumPy array is a NumPy array (it was a union with Arrow and polars).
        texts: list[str] = ["0912345678"]
        parsed: npt.NDArray[np.uint64] = numrep.parse_many(texts)
        text_array: npt.NDArray[np.str_] = np.array(texts)
        from_array: npt.NDArray[np.uint64] = numrep.parse_many(text_array)
        # Regions per number as a NumPy array too.
        regions: npt.NDArray[np.str_] = np.array(["VN"])
        by_region: npt.NDArray[np.uint64] = numrep.parse_many(texts, region=regions)
        checked = db.check_many(texts, now="latest", region=regions)
    """))
    bad = tmp_path / "bad.py"
    bad.write_text("import numrep\nx: int = numrep.parse('0912345678').e164\n")
    ok = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", str(good)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout
    wrong = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", str(bad)], capture_output=True, text=True)
    assert wrong.returncode != 0 and "Incompatible types" in wrong.stdout, wrong.stdout
