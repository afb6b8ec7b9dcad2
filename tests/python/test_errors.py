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
