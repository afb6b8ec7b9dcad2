"""I/O failures reach Python as OSError subclasses, with numrep's message."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

import numrep


def test_missing_file_is_file_not_found(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "nope.nrp"
    with pytest.raises(FileNotFoundError, match="nope.nrp"):
        numrep.BloomFilter.open(str(missing))
    with pytest.raises(FileNotFoundError):
        numrep.BloomFilter.load(str(missing))


def test_directory_is_an_os_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(OSError) as caught:
        numrep.BloomFilter.open(str(tmp_path))
    assert not isinstance(caught.value, numrep.FormatError)


def test_saving_into_a_missing_directory_fails_cleanly(tmp_path: pathlib.Path) -> None:
    bf = numrep.BloomFilter(100, 0.01)
    with pytest.raises(FileNotFoundError):
        bf.save(str(tmp_path / "no" / "such" / "dir" / "f.nrp"))


def test_install_hints_name_numrep_s_distribution_and_its_extras() -> None:
    """`pip install numrep` installs NumRep, an unrelated project: the messages, docstrings and
    skip reasons that say what to install name the distribution in pyproject.toml (the Dask
    ones said numrep[dask]), with extras it declares."""
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    name = re.search(r'^name = "([^"]+)"', pyproject, re.MULTILINE)
    assert name is not None
    extras = set(re.findall(r"^(\w+) = \[", pyproject.split("[project.optional-dependencies]")[1].split("\n[")[0],
                            re.MULTILINE))
    hints = []
    for path in [*(root / "python" / "numrep").rglob("*.py"), *(root / "tests" / "python").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        hints += [(path.name, m.group(1), m.group(2)) for m in re.finditer(r"pip install '?(numrep[\w-]*)\[(\w+)\]", text)]
    assert len(hints) >= 5  # the pattern still finds them
    assert [hint for hint in hints if hint[1] != name.group(1) or hint[2] not in extras] == []


def test_every_extra_asks_for_the_pyarrow_numrep_reads() -> None:
    """docs/python.md names the oldest pyarrow whose columns numrep reads; the dask extra allowed
    pyarrow 12, on which parse_many failed with pyarrow's "zero_copy_only was True"."""
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    oldest = re.search(r"pyarrow (\d+) or later", (root / "docs" / "python.md").read_text(encoding="utf-8"))
    assert oldest is not None
    extras = (root / "pyproject.toml").read_text(encoding="utf-8").split("[project.optional-dependencies]")[1]
    asked = re.findall(r'"pyarrow(?:\[[^\]]*\])?>=(\d+)', extras.split("\n[")[0])
    assert len(asked) >= 3  # test, dask, pandas
    assert {int(version) for version in asked} == {int(oldest.group(1))}


def test_every_public_member_says_what_it_is() -> None:
    """help() and the API reference (autodoc's :undoc-members:) showed a bare signature for
    Verdict's fields, PhoneNumber.country_code, NumberingPlan's loaders and more, and nothing at
    all for FormatError."""
    import inspect

    import numrep.dask
    from numrep._pandas import NumrepSeriesAccessor

    def bare(doc: str | None, name: str) -> bool:
        """No words beyond pybind11's signature lines ("name(...) -> ...", overload headers)."""
        lines = [line.strip() for line in (doc or "").splitlines() if line.strip()]
        return all(line.startswith(f"{name}(") or line == "Overloaded function." or line[:2] in ("1.", "2.", "3.")
                   for line in lines)

    classes = [numrep.PhoneNumber, numrep.NumberInfo, numrep.NumberingPlan, numrep.BloomFilter, numrep.TrieStore,
               numrep.TrieStoreKeyIterator, numrep.ReputationDB, numrep.Verdict, NumrepSeriesAccessor]
    members = [(f"{owner.__name__}.{name}", name, member) for owner in classes
               for name, member in inspect.getmembers(owner)
               if not name.startswith("_") and (callable(member) or isinstance(member, property))]
    members += [(name, name, getattr(numrep, name)) for name in numrep.__all__ if callable(getattr(numrep, name))]
    members += [(f"numrep.dask.{name}", name, member) for name, member in inspect.getmembers(numrep.dask,
                                                                                              inspect.isfunction)
                if member.__module__ == "numrep.dask" and not name.startswith("_")]
    assert len(members) > 100  # the walk still finds them
    assert [shown for shown, name, member in members if bare(member.__doc__, name)] == []


def test_signatures_show_defaults_a_reader_understands() -> None:
    """help() and the API reference show each default's repr: the sentinels of region= said
    "<the usual column>" (ReputationDB.check, check_many, ...) and "<object object at 0x7f...>"
    (Series.numrep.check)."""
    import inspect

    import numrep.dask
    from numrep._pandas import NumrepSeriesAccessor

    owners = [numrep, numrep.dask, numrep.ReputationDB, numrep.BloomFilter, numrep.TrieStore, NumrepSeriesAccessor]
    shown = {}
    for owner in owners:
        for name in dir(owner):
            member = getattr(owner, name, None)
            if name.startswith("_") or not callable(member):
                continue
            try:
                shown[f"{getattr(owner, '__name__', owner)}.{name}"] = str(inspect.signature(member))
            except (TypeError, ValueError):  # compiled functions without a signature
                continue
    assert len(shown) > 20  # the Python-defined ones (the compiled ones have none)
    assert {name: text for name, text in shown.items() if " at 0x" in text or "usual column" in text} == {}
    assert "region: 'str | _Unset | None' = <default>" in shown["ReputationDB.check"]
    assert "region: 'Any' = <the database's region>" in shown["NumrepSeriesAccessor.check"]


def test_wrong_kinds_of_arguments_are_refused_by_name(tmp_path) -> None:
    """Values that were taken silently (a truthy "no" for as_frame, 2.5 rows or shards) or failed
    with messages that named neither the argument nor the value (pybind11's "Unable to cast", a
    bare KeyError, an AttributeError) are TypeErrors or ValueErrors naming the argument."""
    pd = pytest.importorskip("pandas")
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    csv_path = tmp_path / "r.csv"
    csv_path.write_text("number,time\n0912345678,2021-03-01\n", encoding="utf-8")
    parquet_path = tmp_path / "r.parquet"
    pq.write_table(pa.table({"number": ["0912345678"], "time": ["2021-03-01"]}), parquet_path)
    db = numrep.ReputationDB.from_csv(csv_path, category=None)
    frame = pd.DataFrame({"number": ["0912345678"], "time": ["2021-03-01"]})
    with pytest.raises(TypeError, match="as_frame must be True or False, got str 'no'"):
        db.check_many(["0912345678"], as_frame="no")
    with pytest.raises(TypeError, match="batch_rows must be a whole number of rows, got float 2.5"):
        numrep.ReputationDB.from_parquet(parquet_path, category=None, batch_rows=2.5)
    with pytest.raises(TypeError, match="number must be a column name \\(str\\) or None, got float 3.7"):
        numrep.ReputationDB.from_csv(csv_path, number=3.7)
    with pytest.raises(ValueError, match="number must name the column of numbers"):
        numrep.ReputationDB.from_frame(frame, number=None, category=None)
    with pytest.raises(TypeError, match="time must be a column name, got list"):
        numrep.ReputationDB.from_frame(frame, time=["time"], category=None)
    for shards, error, message in ((2.5, TypeError, "shards must be a whole number, got float 2.5"),
                                   (True, TypeError, "shards must be a whole number, got bool True"),
                                   (0, ValueError, "shards must be from 1 to 16384, got 0")):
        with pytest.raises(error, match=message):
            numrep.ReputationDB.build(frame, tmp_path / "built", shards=shards, category=None)
    assert not (tmp_path / "built").exists()
    with pytest.raises(TypeError, match="preset must be a preset's name \\(str\\) or None, got int 3"):
        numrep.ReputationDB.from_csv(csv_path, preset=3)
    # A frame's column labels need not be str: 0 is a name, not "no name" ("number" was read instead).
    labelled = pd.DataFrame({0: ["0912345678"], 1: ["2021-03-01"]})
    assert len(numrep.ReputationDB.build(labelled, tmp_path / "labels", number=0, time=1, category=None)) == 1
    with pytest.raises(TypeError, match="db must be a ReputationDB .*, got str"):
        frame["number"].numrep.check(str(tmp_path / "db"))
    # Flags are True or False (numpy.bool_ too), not any truthy value.
    with pytest.raises(TypeError, match="strict must be True or False, got float nan"):
        numrep.ReputationDB.from_csv(csv_path, category=None, strict=float("nan"))
    with pytest.raises(TypeError, match="strict must be True or False, got str 'no'"):
        numrep.ReputationDB.from_parquet(parquet_path, category=None, strict="no")
    with pytest.raises(TypeError, match="concurrent must be True or False, got float nan"):
        numrep.BloomFilter(1000, concurrent=float("nan"))
    with pytest.raises(TypeError, match="concurrent must be True or False, got int 1"):
        numrep.BloomFilter.from_bytes(numrep.BloomFilter(1000).to_bytes(), concurrent=1)
    assert numrep.BloomFilter(1000, concurrent=np.bool_(True)).concurrent
