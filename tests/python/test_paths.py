"""Every call that takes a file or directory takes it as str, bytes or os.PathLike (of str or of
bytes), and says which argument is wrong when given anything else."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import pytest

import numrep

REPORTS = "number,time,category\n0912000001,2026-02-28T10:00:00Z,scam\n0912000002,yesterday,scam\n"


class BytesPath:
    """An os.PathLike whose __fspath__ gives bytes (os.DirEntry of a bytes scan does)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __fspath__(self) -> bytes:
        return os.fsencode(self.path)


KINDS: dict[str, Callable[[Path], Any]] = {
    "str": str,
    "bytes": os.fsencode,
    "pathlib": lambda p: p,
    "bytes-pathlike": BytesPath,
}


@pytest.fixture(params=list(KINDS))
def as_path(request: pytest.FixtureRequest) -> Callable[[Path], Any]:
    return KINDS[request.param]


def reports(tmp_path: Path) -> Path:
    path = tmp_path / "reports.csv"
    path.write_text(REPORTS, encoding="utf-8")
    return path


def test_reputation_db_from_csv_save_open(tmp_path: Path, as_path: Callable[[Path], Any]) -> None:
    rejects = tmp_path / "rejects.csv"
    db = numrep.ReputationDB.from_csv(as_path(reports(tmp_path)), rejects=as_path(rejects))
    assert db.ingest_stats["good"] == 1 and "yesterday" in rejects.read_text()
    db.save(as_path(tmp_path / "db"))
    assert (tmp_path / "db" / "MANIFEST").is_file()  # not a directory named "b'...'"
    assert numrep.ReputationDB.open(as_path(tmp_path / "db")).check("0912000001").reports == 1


def test_reputation_db_from_csv_takes_a_list_of_any_kinds(tmp_path: Path) -> None:
    files = [reports(tmp_path)]
    for name in ("b.csv", "c.csv", "d.csv"):  # four files: one file named twice is refused (counted twice)
        files.append(tmp_path / name)
        files[-1].write_text(REPORTS, encoding="utf-8")
    db = numrep.ReputationDB.from_csv([str(files[0]), os.fsencode(files[1]), files[2], BytesPath(files[3])])
    assert db.ingest_stats["rows"] == 8 and db.check("0912000001").reports == 4
    with pytest.raises(ValueError, match="given twice"):
        numrep.ReputationDB.from_csv([str(files[0]), os.fsencode(files[0])])


def test_reputation_db_from_csv_takes_a_generator_of_paths(tmp_path: Path) -> None:
    reports(tmp_path)
    (tmp_path / "more.csv").write_text(REPORTS, encoding="utf-8")
    assert numrep.ReputationDB.from_csv(tmp_path.glob("*.csv")).check("0912000001").reports == 2


def test_bloom_filter_save_open_load(tmp_path: Path, as_path: Callable[[Path], Any]) -> None:
    bf = numrep.BloomFilter(100)
    bf.add(84912000001)
    bf.save(as_path(tmp_path / "f.bloom"))
    assert (tmp_path / "f.bloom").is_file()
    assert 84912000001 in numrep.BloomFilter.open(as_path(tmp_path / "f.bloom"))
    assert 84912000001 in numrep.BloomFilter.load(as_path(tmp_path / "f.bloom"))


def test_trie_store_save_open_load(tmp_path: Path, as_path: Callable[[Path], Any]) -> None:
    store = numrep.TrieStore.build([84912000001, 84912000002])
    store.save(as_path(tmp_path / "s.trie"))
    assert (tmp_path / "s.trie").is_file()
    assert 84912000002 in numrep.TrieStore.open(as_path(tmp_path / "s.trie"))
    assert 84912000002 in numrep.TrieStore.load(as_path(tmp_path / "s.trie"))


def test_undecodable_bytes_paths_reach_the_file_system_unchanged(tmp_path: Path) -> None:
    """b'\\xff' is no UTF-8: os.fsdecode's surrogateescape carries it through to the OS."""
    directory = os.fsencode(tmp_path)
    name = directory + b"/r\xff.csv"
    with open(name, "wb") as f:
        f.write(REPORTS.encode())
    db = numrep.ReputationDB.from_csv(name, rejects=directory + b"/rej\xff.csv")
    db.save(directory + b"/db\xff")
    assert b"db\xff" in os.listdir(directory) and b"rej\xff.csv" in os.listdir(directory)
    assert numrep.ReputationDB.open(os.fsdecode(directory + b"/db\xff")).check("0912000001").reports == 1


def test_a_missing_report_file_is_file_not_found_naming_it(tmp_path: Path, as_path: Callable[[Path], Any]) -> None:
    with pytest.raises(FileNotFoundError, match="no such report file .*nope.csv"):
        numrep.ReputationDB.from_csv(as_path(tmp_path / "nope.csv"))


def saved(tmp_path: Path) -> dict[str, Path]:
    bf = numrep.BloomFilter(10)
    bf.save(tmp_path / "f.bloom")
    numrep.TrieStore.build([84912000001]).save(tmp_path / "s.trie")
    numrep.ReputationDB.from_csv(reports(tmp_path)).save(tmp_path / "db")
    return {"bloom": tmp_path / "f.bloom", "trie": tmp_path / "s.trie", "db": tmp_path / "db",
            "csv": tmp_path / "reports.csv"}


# Each call with a bad path in one argument: (call, the argument's name in the error).
BAD_PATH_CALLS: dict[str, tuple[Callable[[dict[str, Path], Any], object], str]] = {
    "ReputationDB.open": (lambda f, bad: numrep.ReputationDB.open(bad), "path"),
    "ReputationDB.save": (lambda f, bad: numrep.ReputationDB.open(f["db"]).save(bad), "path"),
    "ReputationDB.from_csv": (lambda f, bad: numrep.ReputationDB.from_csv(bad), "path"),
    "ReputationDB.from_csv list": (lambda f, bad: numrep.ReputationDB.from_csv([f["csv"], bad]), r"path\[1\]"),
    "ReputationDB.from_csv rejects": (lambda f, bad: numrep.ReputationDB.from_csv(f["csv"], rejects=bad), "rejects"),
    "BloomFilter.open": (lambda f, bad: numrep.BloomFilter.open(bad), "path"),
    "BloomFilter.load": (lambda f, bad: numrep.BloomFilter.load(bad), "path"),
    "BloomFilter.save": (lambda f, bad: numrep.BloomFilter(10).save(bad), "path"),
    "TrieStore.open": (lambda f, bad: numrep.TrieStore.open(bad), "path"),
    "TrieStore.load": (lambda f, bad: numrep.TrieStore.load(bad), "path"),
    "TrieStore.save": (lambda f, bad: numrep.TrieStore.build([84912000001]).save(bad), "path"),
}


@pytest.mark.parametrize("call", list(BAD_PATH_CALLS))
@pytest.mark.parametrize("bad", [42, 1.5, None, [["nested"]], {"a.csv": 1}], ids=["int", "float", "None", "list", "dict"])
def test_anything_else_is_a_type_error_naming_the_argument(tmp_path: Path, call: str, bad: object) -> None:
    function, argument = BAD_PATH_CALLS[call]
    files = saved(tmp_path)
    if call == "ReputationDB.from_csv" and isinstance(bad, list):
        argument = r"path\[0\]"  # a list of paths is fine; its first item is not a path
    if call == "ReputationDB.from_csv rejects" and bad is None:
        pytest.skip("rejects=None means no rejects file")
    with pytest.raises(TypeError, match=rf"^numrep: {argument} must be a str, bytes or os.PathLike.*got "):
        function(files, bad)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db", "f.bloom", "reports.csv", "s.trie"]


def test_errors_name_paths_that_are_not_utf8(tmp_path: Path) -> None:
    """A message naming a bytes path keeps its bytes as os.fsdecode writes them (lone surrogates),
    instead of failing to decode (UnicodeDecodeError hid the error and the file)."""
    missing = os.fsencode(tmp_path) + b"/no\xff"
    name = os.fsdecode(missing)
    with pytest.raises(FileNotFoundError) as not_a_db:
        numrep.ReputationDB.open(missing)
    assert name in str(not_a_db.value)
    with pytest.raises(FileNotFoundError) as no_store:
        numrep.TrieStore.open(missing)
    assert name in str(no_store.value)
    with pytest.raises(FileNotFoundError) as no_reports:
        numrep.ReputationDB.from_csv(missing)
    assert name in str(no_reports.value)
    bad_header = os.fsencode(tmp_path) + b"/bad\xff.csv"
    with open(bad_header, "wb") as f:
        f.write(b"phone,time\n0912000001,2026-01-01\n")
    with pytest.raises(ValueError, match='no column "number"') as no_column:
        numrep.ReputationDB.from_csv(bad_header)
    assert os.fsdecode(bad_header) in str(no_column.value)


def test_a_path_with_a_null_byte_is_named() -> None:
    """No file name holds a NUL; the path caster's own refusal read "Unable to cast Python instance
    of type <class 'str'> to C++ type '?'"."""
    import pathlib

    calls = (numrep.TrieStore.open, numrep.TrieStore.load, numrep.BloomFilter.open, numrep.BloomFilter.load,
             numrep.ReputationDB.open, numrep.BloomFilter(10).save, numrep.TrieStore.build([84912345678]).save)
    for path in ("a\0b", b"a\0b", pathlib.Path("a\0b")):
        for call in calls:
            with pytest.raises(ValueError, match=r"'a\\x00b' has a null byte in it"):
                call(path)
