"""I/O failures reach Python as OSError subclasses, with numrep's message."""

from __future__ import annotations

import pathlib

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
