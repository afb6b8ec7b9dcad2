"""Notebook forms: _repr_html_ of every object is well-formed HTML that holds its numbers, with
text from data escaped; reprs say what an object is."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pytest

import numrep

pd = pytest.importorskip("pandas")


class Checker(HTMLParser):
    """Collects text and checks that every opened element is closed in order."""

    VOID = frozenset({"br", "hr", "img"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        assert self.stack and self.stack.pop() == tag, f"</{tag}> does not close the open element"

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def text_of(markup: str) -> str:
    checker = Checker()
    checker.feed(markup)
    checker.close()
    assert checker.stack == [], f"unclosed: {checker.stack}"
    return " ".join(checker.text)


@pytest.fixture(scope="module")
def db() -> numrep.ReputationDB:
    reports = pd.DataFrame({"number": ["0912345678"] * 3 + ["0861234567", "+1 650 253 0000"],
                            "time": ["2021-03-01"] * 5, "category": ["scam"] * 3 + ["spam", "<b>odd</b>"]})
    return numrep.ReputationDB.from_frame(reports)


def test_phone_number_html() -> None:
    text = text_of(numrep.parse("0912 345 678 ext 12")._repr_html_())
    assert "+84912345678" in text and "Vinaphone" in text and "12" in text and "mobile" in text


def test_verdict_html(db: numrep.ReputationDB) -> None:
    verdict = db.check("0912345678", now="latest")
    text = text_of(verdict._repr_html_())
    for expected in ("+84912345678", "likely_scam", "scam 3", "Vinaphone", "2021-03-01T00:00:00+00:00"):
        assert expected in text, expected
    assert repr(verdict).startswith("Verdict(number='+84912345678', level='likely_scam'")


def test_database_html_has_numbers_reports_levels_sizes_settings(db: numrep.ReputationDB) -> None:
    markup = db._repr_html_()
    text = text_of(markup)
    assert "<b>odd</b>" not in markup  # nothing from data goes in unescaped
    for expected in ("numbers 3", "reports 5", "levels now", "levels at the newest report (2021-03-01)",
                     "likely_scam 1", "records trie", "Bloom filter", "90 days", "VN"):
        assert expected in " ".join(text.split()), expected
    assert repr(db) == "ReputationDB(numbers=3, delta=0, region='VN', half_life_days=90.0, shards=1)"


def test_database_repr_counts_numbers_only_in_the_delta() -> None:
    """repr counted the snapshot only: numbers=2 while len(db) and the HTML table said 3."""
    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678", "0861234567"],
                                                      "time": ["2025-03-01"] * 2, "category": ["scam"] * 2}))
    db.add_reports([{"number": "0987654321", "time": "2025-03-03", "category": "scam"},
                    {"number": "0912345678", "time": "2025-03-03", "category": "scam"}])
    assert len(db) == 3
    assert repr(db).startswith("ReputationDB(numbers=3, delta=2,")
    text = " ".join(text_of(db._repr_html_()).split())
    assert "numbers 3" in text
    # The delta's row counts numbers, and says so: it was "reports added since the build" with
    # the 2 numbers of a batch of any number of reports. Each number once, in however many batches
    # (it was a sum over the batches' numbers: 3 here).
    db.add_reports([{"number": "0987654321", "time": "2025-03-04", "category": "scam"}] * 5)
    text = " ".join(text_of(db._repr_html_()).split())
    assert "numbers in reports added since the build (delta) 2" in text
    assert "delta=2," in repr(db)


def test_database_html_leaves_levels_out_when_large(db: numrep.ReputationDB, monkeypatch) -> None:
    from numrep import _display

    monkeypatch.setattr(_display, "LEVELS_LIMIT", 2)
    text = text_of(db._repr_html_())
    assert "not computed for 3 numbers" in text
    # What docs/python.md says is left out with the levels (the same pass gives them).
    assert "newest report" not in text and "reports" not in text.replace("reports added", "")


@pytest.mark.parametrize("size, shown", [(1023, "1,023 B"), (1024, "1.0 KiB"), (1048524, "1,023.9 KiB"),
                                         (1048575, "1.0 MiB"), (1073741823, "1.0 GiB"), (5 << 30, "5.0 GiB")])
def test_sizes_take_the_unit_their_rounded_value_fits(size: int, shown: str) -> None:
    """1,048,575 bytes showed as "1,024.0 KiB"."""
    from numrep import _display
    from numrep.cli.output import format_size

    assert _display._bytes(size) == shown
    assert format_size(size) == shown.replace(" B", " bytes")  # numrep stats' sizes


def test_store_html() -> None:
    bloom = numrep.BloomFilter(1000)
    bloom.add_many(["0912345678", "0861234567"])
    text = " ".join(text_of(bloom._repr_html_()).split())
    assert "BloomFilter" in text and "capacity 1,000" in text and "numbers (estimate) 2" in text
    trie = numrep.TrieStore.build(np.array([84912345678, 84861234567], dtype=np.uint64), [1, 2])
    text = " ".join(text_of(trie._repr_html_()).split())
    assert "numbers 2" in text and "+84861234567, +84912345678" in text and "yes (uint64)" in text
    empty = numrep.TrieStore.build(np.array([], dtype=np.uint64))
    assert "numbers 0" in " ".join(text_of(empty._repr_html_()).split())


def test_a_score_just_below_a_level_is_not_shown_at_it(tmp_path) -> None:
    """Scores shown shortened are truncated: 69.7 rounded showed as 70 (repr) or 70.0 (the HTML
    table, `numrep check`'s table) beside "suspicious", a wrong level to a reader."""
    import subprocess
    import sys

    frame = pd.DataFrame({"number": ["0912345678"] * 3, "category": ["scam"] * 3,
                          "time": [1_600_000_000 + 3600 * i for i in range(3)]})
    db = numrep.ReputationDB.from_frame(frame)
    low, high = 1_600_000_000 + 3600 * 3, 1_600_000_000 + 300 * 86400  # score above 70, then below (not quiet)
    assert db.check("0912345678", now=low).score >= 70 > db.check("0912345678", now=high).score
    while high - low > 1:  # the score falls as time passes: the last second it is 70 or more
        middle = (low + high) // 2
        low, high = (middle, high) if db.check("0912345678", now=middle).score >= 70 else (low, middle)
    verdict = db.check("0912345678", now=high + 3600)
    assert 69 < verdict.score < 70 and verdict.level == "suspicious", verdict.score
    assert "score=69," in repr(verdict)
    assert "score 69." in text_of(verdict._repr_html_())
    db.save(tmp_path / "db")
    shown = subprocess.run([sys.executable, "-m", "numrep", "check", "--db", str(tmp_path / "db"), "--now",
                            str(high + 3600), "0912345678"], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0 and "suspicious  69." in shown.stdout and "70.0" not in shown.stdout, shown.stdout
