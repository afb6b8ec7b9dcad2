"""Verdicts and NumberInfo records go to other processes (multiprocessing, concurrent.futures,
Dask send results by pickle) and through copy.copy / copy.deepcopy, every field as it was; a
pickle whose state is not one numrep wrote is refused with a ValueError naming the field."""

from __future__ import annotations

import concurrent.futures
import copy
import datetime as dt
import multiprocessing
import pickle
import subprocess
import sys

import pytest

import numrep

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 1, tzinfo=UTC)

# Histories with every field of a verdict in use: several categories and sources, not-spam
# votes, a number reported after NOW (includes_later_reports), a US number, a legacy one.
REPORTS = [
    {"number": "0912 345 678", "time": "2026-02-20T08:00:00Z", "category": "scam", "source": "a"},
    {"number": "0912 345 678", "time": "2026-02-25T09:30:00Z", "category": "robocall", "source": "b"},
    {"number": "0912 345 678", "time": "2026-02-27T10:00:00Z", "category": "scam", "source": "c"},
    {"number": "0123 456 7890", "time": "2025-06-01T00:00:00Z", "category": "spam", "source": "a"},
    {"number": "024 3825 1234", "time": "2026-01-10T00:00:00Z", "category": "telemarketing", "source": "a",
     "not_spam": 1},
    {"number": "024 3825 1234", "time": "2026-01-11T00:00:00Z", "category": "telemarketing", "source": "b",
     "not_spam": 0},
    {"number": "+1 212 555 0100", "time": "2026-02-28T23:00:00Z", "category": "debt collection", "source": "d"},
    {"number": "0987 654 321", "time": "2026-05-01T00:00:00Z", "category": "harassment", "source": "e"},
]
CHECKED = ["0912 345 678", "0123 456 7890", "024 3825 1234", "+1 212 555 0100", "0987 654 321", "0911 111 111",
           "+44 20 7946 0000"]

VERDICT_FIELDS = sorted(name for name, value in vars(numrep.Verdict).items() if isinstance(value, property))
INFO_FIELDS = ["number", "carrier", "type", "region", "region_code", "valid"]


def fields(obj, names):
    return {name: getattr(obj, name) for name in names}


@pytest.fixture(scope="module")
def db():
    return numrep.ReputationDB.from_frame(REPORTS)


@pytest.fixture(scope="module")
def verdicts(db):
    with pytest.warns(numrep.LaterReportsWarning):
        return [db.check(text, now=NOW) for text in CHECKED]


def test_the_verdicts_use_every_kind_of_field(verdicts):
    # Otherwise the round trips below would compare defaults.
    assert len(VERDICT_FIELDS) >= 20
    assert {v.level for v in verdicts} >= {"clean", "suspicious"}
    assert any(v.not_spam for v in verdicts) and any(v.includes_later_reports for v in verdicts)
    assert any(v.carrier for v in verdicts) and any(v.region for v in verdicts)
    assert {v.region_code for v in verdicts} >= {"VN", "US", "GB"}
    assert any(v.distinct_sources >= 3 for v in verdicts) and any(not v.reported for v in verdicts)
    assert any(0 < v.recent_reports < v.reports for v in verdicts)


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_verdict_pickle_round_trip_keeps_every_field(verdicts, protocol):
    for verdict in verdicts:
        restored = pickle.loads(pickle.dumps(verdict, protocol=protocol))
        assert type(restored) is numrep.Verdict
        assert fields(restored, VERDICT_FIELDS) == fields(verdict, VERDICT_FIELDS)
        assert repr(restored) == repr(verdict)
        assert restored._repr_html_() == verdict._repr_html_()


def test_verdict_copy_and_deepcopy(verdicts):
    for verdict in verdicts:
        for duplicate in (copy.copy(verdict), copy.deepcopy(verdict)):
            assert fields(duplicate, VERDICT_FIELDS) == fields(verdict, VERDICT_FIELDS)


def test_an_unpickled_verdict_outlives_its_pickle_and_database():
    # Its carrier and region are its own (no view into a buffer or plan freed since).
    local = numrep.ReputationDB.from_frame(REPORTS)
    blob = pickle.dumps(local.check("0912 345 678", now=NOW))
    expected = fields(local.check("0912 345 678", now=NOW), VERDICT_FIELDS)
    del local
    restored = [pickle.loads(blob) for _ in range(3)]
    del blob
    for verdict in restored:
        assert fields(verdict, VERDICT_FIELDS) == expected
        assert verdict.carrier == "Vinaphone"


@pytest.mark.parametrize("protocol", [0, 1])
def test_verdict_and_number_info_pickle_under_old_protocols(protocol):
    # In a child process: an abort there must not take pytest with it.
    code = (
        "import pickle, numrep\n"
        "db = numrep.ReputationDB.from_frame([{'number': '0912345678', 'time': '2024-01-01', 'category': 'scam'}])\n"
        "v = db.check('0912345678', now='2024-01-02')\n"
        f"w = pickle.loads(pickle.dumps(v, protocol={protocol}))\n"
        "assert (w.key, w.reports, w.carrier, w.as_of_seconds) == (v.key, 1, 'Vinaphone', v.as_of_seconds), repr(w)\n"
        "i = numrep.lookup('0912345678')\n"
        f"assert pickle.loads(pickle.dumps(i, protocol={protocol})) == i\n"
    )
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr[-2000:]


def check_in_worker(path, texts):
    """In a worker process: open the saved database and return its verdicts (pickled back)."""
    db = numrep.ReputationDB.open(path)
    return [db.check(text, now=NOW) for text in texts]


def test_verdicts_come_back_from_worker_processes(db, verdicts, tmp_path):
    path = tmp_path / "reports.numrep"
    db.save(path)
    context = multiprocessing.get_context("spawn")  # no fork: a fresh interpreter, as Dask's workers
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        results = list(pool.map(check_in_worker, [path, path], [CHECKED[:3], CHECKED[3:]]))
    got = results[0] + results[1]
    assert [fields(v, VERDICT_FIELDS) for v in got] == [fields(v, VERDICT_FIELDS) for v in verdicts]


def test_number_info_pickle_and_copy_keep_every_field():
    infos = [numrep.lookup(text) for text in ["0912 345 678", "024 3825 1234", "+1 212 555 0100", "+800 1234 5678"]]
    infos.append(numrep.lookup(numrep.parse("0123 456 7890")))
    assert any(i.carrier for i in infos) and any(i.region for i in infos) and any(i.number.is_legacy for i in infos)
    for info in infos:
        for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
            restored = pickle.loads(pickle.dumps(info, protocol=protocol))
            assert restored == info
            assert fields(restored, INFO_FIELDS) == fields(info, INFO_FIELDS)
            assert restored.number.is_legacy == info.number.is_legacy
        assert copy.copy(info) == info and copy.deepcopy(info) == info


def verdict_state(verdict):
    restore, state = verdict.__reduce__()
    assert restore is numrep._core._verdict_from_state
    return list(state)


@pytest.mark.parametrize(
    "index, value, message",
    [
        (0, 0, "0 is not an E.164 key"),
        (0, 10**16, "is not an E.164 key"),
        (2, 101.0, "score 101"),
        (2, float("nan"), "score nan"),
        (3, 3, "level 3 is not 0 to 2"),
        (3, -1, "level -1"),
        (5, -1.0, "recent_reports -1"),
        (5, float("inf"), "recent_reports inf"),
        (6, -2, "distinct_sources -2"),
        (7, b"\0" * 51, "record of 51 bytes, not 52"),
        (7, b"", "record of 0 bytes"),
        (9, 13, "type 13 is not 0 to 12"),
        (15, 253402300800, "as_of 253402300800 is out of the years 1 to 9999"),
        (15, -62135596801, "as_of -62135596801 is out"),
    ],
)
def test_a_verdict_state_numrep_did_not_write_is_refused(verdicts, index, value, message):
    state = verdict_state(verdicts[0])
    numrep._core._verdict_from_state(*state)  # the state as written restores
    state[index] = value
    with pytest.raises(ValueError, match="numrep: bad Verdict pickle state: .*" + message.replace("(", r"\(")):
        numrep._core._verdict_from_state(*state)


def test_a_verdict_state_of_the_wrong_types_is_a_type_error(verdicts):
    state = verdict_state(verdicts[0])
    state[8] = 17  # the carrier must be a str
    with pytest.raises(TypeError):
        numrep._core._verdict_from_state(*state)
    with pytest.raises(TypeError):
        numrep._core._verdict_from_state(*state[:-1])


def test_a_number_info_state_with_an_unknown_type_is_refused():
    restore, state = numrep.lookup("0912 345 678").__reduce__()
    state = list(state)
    state[2] = "satellite"
    with pytest.raises(ValueError, match="bad NumberInfo pickle state: type \"satellite\" is not one of TYPE_NAMES"):
        restore(*state)
