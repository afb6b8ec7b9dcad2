"""The `numrep` command line, run as a real subprocess: output, exit codes, error lines."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import numrep
from conftest import nanp_states_by_abbreviation


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "numrep", *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


FTC_SAMPLE = Path(__file__).resolve().parent.parent / "data" / "ftc_sample.csv"

# --- facts about numbers from the phonenumbers package (libphonenumber), not from numrep -------



def phonenumbers_type(number) -> str:
    """libphonenumber's type of a number as numrep names it ('unknown' for an invalid number)."""
    import phonenumbers

    if not phonenumbers.is_valid_number(number):
        return "unknown"
    names = {getattr(phonenumbers.PhoneNumberType, name): name.lower()
             for name in dir(phonenumbers.PhoneNumberType) if name.isupper()}
    return names[phonenumbers.number_type(number)]


def phonenumbers_state(number) -> str | None:
    """The US state or Canadian province of a valid +1 number by phonenumbers' geocoder, as its
    area-code entries name it ('Texas'; city entries such as 'Dallas, TX' are mapped through the
    area-code entries of the same data); '' for none, None if it cannot tell."""
    import phonenumbers
    from phonenumbers import geocoder

    if phonenumbers.region_code_for_number(number) not in ("US", "CA"):
        return ""
    description = geocoder.description_for_number(number, "en")
    if description == geocoder.country_name_for_number(number, "en"):
        return ""  # non-geographic numbers such as Canada's 600 are described by the country's name
    if ", " in description:
        return nanp_states_by_abbreviation().get(description.rsplit(", ", 1)[1])
    return description


def phonenumbers_facts(e164: str) -> dict[str, object]:
    import phonenumbers
    from phonenumbers import carrier

    number = phonenumbers.parse(e164)
    valid = phonenumbers.is_valid_number(number)
    state = phonenumbers_state(number) if valid else ""
    return {"valid": valid, "type": phonenumbers_type(number),
            "region_code": phonenumbers.region_code_for_number(number) or "",
            "carrier": carrier.name_for_number(number, "en") if valid else "", "state": state}


def test_info_table() -> None:
    result = run("info", "0912 345 678", "0162 345 6789")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["input", "e164", "national", "carrier"]
    assert "+84912345678" in lines[1] and "Vinaphone" in lines[1]
    assert "+84323456789" in lines[2] and "Viettel" in lines[2] and lines[2].rstrip().endswith("yes")


def test_tables_escape_what_would_move_the_cursor() -> None:
    """An input's trailing carriage return (which the parser reads past, as libphonenumber drops
    trailing junk) went into the table as written: on a terminal the rest of the row overwrote it.
    Tables escape text as the messages do."""
    result = run("info", "0912345678\r", "0912 345 678\u202e")
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stdout and "\u202e" not in result.stdout
    assert "0912345678\\x0d" in result.stdout and "0912 345 678\\u202e" in result.stdout


def test_info_json_and_stdin() -> None:
    result = run("info", "--json", "-", "113", stdin="0243 826 4321\n\n+1 469 257 6503\n")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["e164"] for r in rows] == ["+842438264321", "+14692576503", "+84113"]
    assert rows[0]["region"] == "Hanoi City" and rows[0]["type"] == "fixed_line" and rows[0]["valid"] is True
    assert rows[2]["type"] == "short_code"
    assert [r["region_code"] for r in rows] == ["VN", "US", "VN"] and [r["extension"] for r in rows] == ["", "", ""]
    assert rows[1]["region"] == "Texas" and rows[1]["type"] == "fixed_line_or_mobile" and rows[1]["valid"] is True


def test_stdin_lines_are_read_as_the_same_text_given_as_an_argument() -> None:
    """Lines lost every character str.strip() takes, control characters (\x1c..\x1f, \x85)
    included, which the parser refuses in an argument: one text, two answers."""
    for text in ("\x1c0912345678", "0912345678\x1f", "\x850912345678"):
        as_argument = json.loads(run("info", "--json", text).stdout)
        from_stdin = json.loads(run("info", "--json", "-", stdin=text + "\r\n").stdout)
        assert from_stdin == as_argument, text
        # A separator before the number is refused (after it, libphonenumber drops what follows the
        # last digit); U+0085 is white space to the parser too.
        assert ("bad character" in as_argument[0].get("error", "")) == (text[0] == "\x1c"), text
    # Lines that look blank are skipped, whatever spaces they hold (no-break, ideographic, form feed).
    rows = json.loads(run("info", "--json", "-", stdin=" \t0912345678 \r\n \t\n\u00a0\n\u3000\n\f\n").stdout)
    assert [r["e164"] for r in rows] == ["+84912345678"]


# Numbers of many regions, written as people there write them; what numrep info says about each
# must be what libphonenumber says: E.164, validity, type, region code, carrier, state, extension.
WORLD_NUMBERS = [
    ("US", "(469) 257-6503"),
    ("US", "1-800-FLOWERS"),                  # vanity letters, toll free
    ("US", "+1 876 441 6594;ext=7"),          # Jamaica shares +1; an extension
    ("US", "011 44 20 7031 3000"),            # dialled from the US with its international prefix
    ("CA", "(416) 555-0123"),
    ("GB", "020 7031 3000 ext. 12"),
    ("DE", "+49 030 123456"),                 # the '+CC 0...' slip: one key
    ("BY", "8 029 491-19-11"),
    ("KZ", "8 701 123 4567"),                 # +7 is shared by Russia and Kazakhstan
    ("AR", "011 15 2345-6789"),               # Argentina's mobile '15' turned into the 9 prefix
    ("KR", "001 84 912345678"),               # a Vietnamese number dialled from Korea
]


@pytest.mark.parametrize(("region", "text"), WORLD_NUMBERS)
def test_info_any_region_agrees_with_phonenumbers(region: str, text: str) -> None:
    phonenumbers = pytest.importorskip("phonenumbers")
    result = run("info", "--json", "--region", region, text)
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)
    number = phonenumbers.parse(text, region)
    assert row["e164"] == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    facts = phonenumbers_facts(row["e164"])
    assert row["valid"] is facts["valid"] is True
    assert (row["type"], row["region_code"]) == (facts["type"], facts["region_code"])
    if row["region_code"] != "VN":  # Vietnam's carriers and areas are numrep's own (allocation notices)
        assert row["carrier"] == facts["carrier"]
        assert row["region"] == facts["state"]
    assert row["extension"] == (number.extension or "")


def test_info_table_shows_region_code_area_and_extension() -> None:
    result = run("info", "--region", "US", "(469) 257-6503", "+44 20 7031 3000 x 12", "+1 876 441 6594")
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["input", "e164", "national", "carrier", "type", "region", "code", "area", "valid", "legacy",
                              "extension"]
    texas, london, jamaica = lines
    assert "US" in texas.split() and "Texas" in texas and "fixed_line_or_mobile" in texas
    assert london.split()[-5:] == ["fixed_line", "GB", "yes", "no", "12"]
    assert jamaica.split()[-5:] == ["Digicel", "mobile", "JM", "yes", "no"]
    plain = run("info", "--region", "US", "(469) 257-6503")
    assert "extension" not in plain.stdout.splitlines()[0]  # the column only when a number has one


def test_info_bad_number_is_one_line_and_exit_1() -> None:
    result = run("info", "0912345678", "09y2")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == 'numrep: cannot parse "09y2": bad character "y" at offset 2'
    assert "+84912345678" in result.stdout


def test_info_json_reports_errors_inline() -> None:
    result = run("info", "--json", "", "+999 1")
    assert result.returncode == 1
    rows = json.loads(result.stdout)
    assert "empty input" in rows[0]["error"] and "unknown country code" in rows[1]["error"]


def test_region_option() -> None:
    assert json.loads(run("info", "--json", "--region", "US", "(469) 257-6503").stdout)[0]["e164"] == "+14692576503"
    result = run("info", "--region", "XX", "0912345678")
    # A wrong command line (exit 2), naming the option, as argparse's other usage errors do.
    assert result.returncode == 2 and "argument --region: unknown region 'XX'" in result.stderr
    assert "Traceback" not in result.stderr and "or none" in result.stderr
    for command in (["build", "x.csv", "-o", "y.db"], ["check", "-d", "z.db", "0912345678"]):
        bad = run(*command, "--region", "XX")
        assert bad.returncode == 2 and "argument --region: unknown region 'XX'" in bad.stderr, command
    missing = run("info", "--region", "none", "0912345678")
    assert missing.returncode == 1 and "without a default region" in missing.stderr


def test_usage_errors_exit_2_without_traceback() -> None:
    for args in (["bogus"], ["info"], []):
        result = run(*args)
        assert result.returncode == 2, args
        assert result.stderr.startswith("numrep: ") and "Traceback" not in result.stderr


def test_demo_runs() -> None:
    result = run("demo", "--count", "20000")
    assert result.returncode == 0, result.stderr
    assert "Viettel" in result.stdout and "+84323456789" in result.stdout
    assert "parse_many" in result.stdout and "error: cannot parse" in result.stdout


@pytest.mark.skipif(shutil.which("numrep") is None, reason="the numrep console script is not on PATH")
def test_console_script_installed() -> None:
    result = subprocess.run(["numrep", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("numrep ")


# --- build, check, stats: a hand-made report file whose every verdict is known -------------

NOW = "2026-03-01T00:00:00Z"
REPORTS = """number,time,category,source,not_spam
0912 000 001,2026-02-28T10:00:00Z,scam,alice,
+84912000001,2026-02-28T11:00:00Z,impersonating police,bob,
0862000002,2026-02-28T12:00:00Z,spam,alice,
01623000003,2026-02-20,scam,carol,
0912-x,2026-02-28,scam,alice,
,2026-02-28,scam,alice,
0933000004,yesterday,scam,alice,
0933000005,2026-02-28,scam,alice,maybe
0933000006,2026-02-28
"""
# Rows 5-9 (lines 6-10) are bad, one of each kind; the good ones: two fresh scam reports of
# +84912000001 (likely scam), one spam report of +84862000002 (clean), one scam report of the
# legacy 0162 number, now +84323000003, nine days old (suspicious).


def build(tmp_path, csv_text: str = REPORTS, *extra: str, name: str = "reports.csv"):
    reports = tmp_path / name
    reports.write_text(csv_text, encoding="utf-8")
    db = tmp_path / "db"
    return run("build", str(reports), "-o", str(db), "--source", "source", "--not-spam", "not_spam", *extra), db


def test_build_summary_counts_every_bad_row_kind(tmp_path) -> None:
    result, db = build(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not a terminal: no progress bar
    out = result.stdout
    assert re.search(r"rows\s+9\n", out) and re.search(r"good\s+4\n", out) and re.search(r"bad\s+5\n", out)
    for reason in ("wrong field count", "missing number", "unparseable number", "bad time", "bad not spam"):
        assert re.search(rf"\n    {reason}\s+1\b", out), reason
    assert re.search(r"distinct numbers\s+3\n", out)
    assert 'line 6: cannot parse "0912-x"' in out and "line 7: missing number" in out
    for store in ("records-00000001-00000.trie", "numbers-00000001-00000.bloom"):
        assert re.search(rf"{store}\s+[\d.,]+ (bytes|KiB)\s+[\d.]+ bits/number", out), store
        assert (db / store).is_file()


def test_build_with_a_preset_keeps_its_region_unless_one_is_given(tmp_path) -> None:
    reports = tmp_path / "ftc.csv"
    reports.write_text("Company_Phone_Number,Violation_Date,Subject,Consumer_Area_Code\n"
                       "2025550123,2021-07-07 00:00:00,Scam,202\n", encoding="utf-8")
    as_us = run("build", str(reports), "-o", str(tmp_path / "us"), "--preset", "ftc")
    assert as_us.returncode == 0, as_us.stderr
    assert numrep.ReputationDB.open(tmp_path / "us").keys().tolist() == [12025550123]
    as_vn = run("build", str(reports), "-o", str(tmp_path / "vn"), "--preset", "ftc", "--region", "VN")
    assert as_vn.returncode == 0, as_vn.stderr
    assert numrep.ReputationDB.open(tmp_path / "vn").keys().tolist() == [842025550123]
    # check reads national forms in the region the database was built with.
    us = json.loads(run("check", "-d", str(tmp_path / "us"), "202-555-0123", "--json", "--now", NOW).stdout)
    assert us[0]["e164"] == "+12025550123" and us[0]["reports"] == 1
    told = json.loads(run("check", "-d", str(tmp_path / "us"), "2025550123", "--region", "VN", "--json").stdout)
    assert told[0]["e164"] == "+842025550123" and told[0]["reports"] == 0


def test_check_json_gives_the_score_unrounded(tmp_path) -> None:
    """check --json rounded the score to 0.1: just under the suspicious threshold it said 30.0
    beside "clean"."""
    reports = tmp_path / "two.csv"
    reports.write_text("number,time,category\n0912345678,2024-01-01T00:00:00Z,spam\n"
                       "0912345678,2024-01-01T00:00:00Z,spam\n", encoding="utf-8")
    db = numrep.ReputationDB.from_csv(reports)
    db.save(tmp_path / "db")
    low, high = 1704067200, 1704067200 + 200 * 86400  # the first second the score is below 30
    assert db.check("0912345678", now=low).score >= 30 > db.check("0912345678", now=high).score
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if db.check("0912345678", now=middle).score >= 30 else (low, middle)
    verdict = db.check("0912345678", now=high)
    [row] = json.loads(run("check", "-d", str(tmp_path / "db"), "--json", "--now", str(high), "0912345678").stdout)
    assert (row["score"], row["level"]) == (verdict.score, verdict.level) == (verdict.score, "clean")
    assert row["score"] < 30
    # And the score's inputs, which the JSON left out.
    assert (row["distinct_sources"], row["recent_reports"]) == (verdict.distinct_sources, verdict.recent_reports)


def test_paths_with_terminal_controls_are_escaped_in_the_output(tmp_path) -> None:
    """A database or plot named with ESC sequences reached the terminal raw: `numrep stats -d`
    printed the name (a clear-screen, a hyperlink), and so did errors naming a file that is no
    database or a --plot that cannot be written."""
    hostile = "db\x1b]8;;https://evil\x07click\x1b]8;;\x07\x1b[2J\u202e"
    reports = tmp_path / "r.csv"
    reports.write_text("number,time,category\n0912345678,2025-01-10T08:00:00Z,scam\n", encoding="utf-8")
    numrep.ReputationDB.from_csv(reports).save(tmp_path / hostile)
    not_a_db = tmp_path / "file\x1b[31mRED"
    not_a_db.write_text("x", encoding="utf-8")
    results = [run("stats", "-d", str(tmp_path / hostile), "--now", NOW),
               run("check", "-d", str(not_a_db), "0912345678"),
               run("stats", "-d", str(tmp_path / hostile), "--plot", str(tmp_path / "no\x1b[31mdir" / "x.png")),
               run("build", str(reports), "-o", str(tmp_path / "out\x1b[2J"),
                   "--rejects", str(tmp_path / "rej\x1b[2J.csv"))]
    assert results[0].returncode == 0, results[0].stderr
    assert "\\x1b[2J" in results[0].stdout  # named, escaped
    assert [r.returncode for r in results[1:]] == [1, 1, 0], [r.stderr for r in results]
    for result in results:
        for control in ("\x1b", "\x07", "\u202e"):
            assert control not in result.stdout + result.stderr, (control, result.stdout, result.stderr)


def to_format_1(db: Path) -> None:
    """Turns a saved database into format 1 as numrep 0.1 wrote it: the same stores, settings in meta.txt."""
    (records,) = db.glob("records-*.trie")
    (bloom,) = db.glob("numbers-*.bloom")
    records.rename(db / "records.trie")
    bloom.rename(db / "numbers.bloom")
    (db / "MANIFEST").unlink()
    (db / "meta.txt").write_text("numrep-reputation 1\nhalf_life_days=90\nquiet_days=365\ndelist_min_votes=3\n"
                                 "suspicious_score=30\nlikely_scam_score=70\n"
                                 "category_weights=3,1,0.5,1,2,0.5,0.5,1\n")


def test_upgrade_rewrites_format_1_in_place_and_sets_the_region(tmp_path) -> None:
    reports = tmp_path / "ftc.csv"
    reports.write_text("Company_Phone_Number,Violation_Date,Subject,Consumer_Area_Code\n"
                       "2025550123,2021-07-07 00:00:00,Scam,202\n", encoding="utf-8")
    assert run("build", str(reports), "-o", str(tmp_path / "db"), "--preset", "ftc").returncode == 0
    db = tmp_path / "db"
    to_format_1(db)
    assert numrep.ReputationDB.open(db).region == "VN"  # format 1 kept no region
    result = run("upgrade", str(db), "--region", "US")
    assert result.returncode == 0, result.stderr
    assert "format 1 -> format 2" in result.stdout and "region US" in result.stdout
    assert sorted(p.name for p in db.iterdir() if p.name != "lock") == [
        "MANIFEST", "numbers-00000001-00000.bloom", "records-00000001-00000.trie"]
    upgraded = numrep.ReputationDB.open(db)
    assert upgraded.region == "US" and upgraded.keys().tolist() == [12025550123]
    again = run("upgrade", str(db))
    assert again.returncode == 0 and "format 2 -> format 2" in again.stdout and "region US" in again.stdout
    international = run("upgrade", str(db), "--region", "none")
    assert international.returncode == 0 and "region none" in international.stdout
    assert numrep.ReputationDB.open(db).region is None
    lower = run("upgrade", str(db), "--region", "us")  # said as saved
    assert lower.returncode == 0 and "region US" in lower.stdout and numrep.ReputationDB.open(db).region == "US"
    one_error_line(run("upgrade", str(tmp_path / "nothing")), "no database")
    # A database numrep 0.1 left at DB.tmp-old when it was killed mid-save is found again.
    to_format_1(db)
    db.rename(tmp_path / "moved.tmp-old")
    found = run("check", "-d", str(tmp_path / "moved"), "+12025550123", "--json", "--now", NOW)
    assert found.returncode == 0, found.stderr


def test_a_damaged_manifest_never_lets_format_1_leftovers_open(tmp_path) -> None:
    """An upgrade whose clean-up did not run (a crash after the MANIFEST's rename) leaves format
    1's files beside the published state. A MANIFEST damaged afterwards let them open in its place:
    an older state, one number and one report where two were published."""
    import pandas as pd

    def reports(numbers: list[str], time: str) -> pd.DataFrame:
        return pd.DataFrame({"number": numbers, "time": [time] * len(numbers), "category": ["scam"] * len(numbers)})

    db = tmp_path / "db"
    numrep.ReputationDB.from_frame(reports(["+84912345678"], "2025-01-10")).save(db)
    to_format_1(db)
    format_1 = {name: (db / name).read_bytes() for name in ("meta.txt", "records.trie", "numbers.bloom")}
    upgraded = numrep.ReputationDB.open(db)
    upgraded.add_reports(reports(["+84912345678", "+84987654321"], "2025-02-10"))
    upgraded.save(db)
    for name, data in format_1.items():  # the upgrade's clean-up never ran
        (db / name).write_bytes(data)
    assert len(numrep.ReputationDB.open(db)) == 2  # the published state
    manifest = (db / "MANIFEST").read_bytes()
    damaged = bytearray(manifest)
    damaged[0] ^= 0x20
    (db / "MANIFEST").write_bytes(bytes(damaged))
    with pytest.raises(numrep.FormatError, match="damaged numrep database: its MANIFEST does not begin"):
        numrep.ReputationDB.open(db)
    # A MANIFEST that is no regular file is named as such, not "nothing was published here".
    for replace in (lambda p: p.mkdir(), lambda p: p.symlink_to(tmp_path / "nowhere"), lambda p: os.mkfifo(p)):
        (db / "MANIFEST").unlink()
        replace(db / "MANIFEST")
        with pytest.raises(numrep.FormatError, match="MANIFEST: not a regular file"):
            numrep.ReputationDB.open(db)
        path = db / "MANIFEST"
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        (db / "MANIFEST").write_bytes(manifest)
    # A MANIFEST of a later format (its checksum right) says so.
    import ctypes

    xxhash = ctypes.CDLL("libxxhash.so.0")
    xxhash.XXH3_64bits.restype = ctypes.c_uint64
    xxhash.XXH3_64bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    body = manifest[:manifest.rindex(b"checksum=")].replace(b"numrep-database 2", b"numrep-database 3", 1)
    (db / "MANIFEST").write_bytes(body + b"checksum=%016x\n" % xxhash.XXH3_64bits(body, len(body)))
    with pytest.raises(numrep.FormatError, match="a database format this numrep does not know.*newer numrep"):
        numrep.ReputationDB.open(db)


def test_format_1_refuses_another_copys_bloom_filter(tmp_path) -> None:
    """Format 1 binds its files by name only: an older copy's filter opened and hid the numbers
    reported since (keys() listed one that check() called unreported)."""
    import pandas as pd

    def reports(numbers: list[str]) -> pd.DataFrame:
        return pd.DataFrame({"number": numbers, "time": ["2025-01-10"] * len(numbers),
                             "category": ["scam"] * len(numbers)})

    old, new = tmp_path / "old", tmp_path / "new"
    numrep.ReputationDB.from_frame(reports(["+84912345678"])).save(old)
    numrep.ReputationDB.from_frame(reports(["+84912345678", "+84987654321"])).save(new)
    to_format_1(old)
    to_format_1(new)
    (new / "numbers.bloom").write_bytes((old / "numbers.bloom").read_bytes())
    with pytest.raises(numrep.FormatError, match=r"numbers.bloom: does not belong to records.trie \(it lacks 1 of"):
        numrep.ReputationDB.open(new)
    # A format 1 database with someone else's MANIFEST beside it: not opened, and the way out said.
    (old / "MANIFEST").write_text("lib/Foo.pm\nMakefile.PL\n")
    with pytest.raises(numrep.FormatError, match="remove or rename the MANIFEST to open the format 1 database"):
        numrep.ReputationDB.open(old)
    (old / "MANIFEST").unlink()
    assert len(numrep.ReputationDB.open(old)) == 1
    # Any meta.txt is not format 1's: the advice is given only for format 1's own.
    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "MANIFEST").write_text("lib/Foo.pm\n")
    (stray / "meta.txt").write_text("title: my notes\n")
    with pytest.raises(numrep.FormatError, match=r"not a numrep database \(its MANIFEST is not numrep's\)"):
        numrep.ReputationDB.open(stray)


def test_build_ftc_preset_summary_matches_the_file(tmp_path) -> None:
    with FTC_SAMPLE.open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))[1:]
    empty = sum(1 for r in records if not r[0].strip())
    result = run("build", str(FTC_SAMPLE), "-o", str(tmp_path / "ftc"), "--preset", "ftc", "--half-life", "12w")
    assert result.returncode == 0, result.stderr
    assert re.search(rf"rows\s+{len(records):,}\n", result.stdout)
    assert re.search(rf"missing number\s+{empty}\n", result.stdout)
    stats = json.loads(run("stats", "-d", str(tmp_path / "ftc"), "--json").stdout)
    assert stats["half_life_days"] == 84
    assert re.search(rf"distinct numbers\s+{stats['numbers']:,}\n", result.stdout)


@pytest.fixture(scope="module")
def ftc_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("ftc") / "db"
    result = run("build", str(FTC_SAMPLE), "-o", str(db), "--preset", "ftc")
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture(scope="module")
def ftc_facts(ftc_db: Path) -> list[dict[str, object]]:
    """phonenumbers' facts about every number of the FTC database (the set of numbers is numrep's)."""
    pytest.importorskip("phonenumbers")
    return [phonenumbers_facts(f"+{key}") for key in numrep.ReputationDB.open(str(ftc_db)).keys().tolist()]


def test_stats_of_ftc_reports_has_us_types_regions_and_states(ftc_db: Path, ftc_facts: list[dict[str, object]]) -> None:
    result = run("stats", "-d", str(ftc_db), "--json", "--now", "2021-07-08")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["numbers"] == len(ftc_facts) > 1000
    valid = sum(1 for f in ftc_facts if f["valid"])
    assert stats["by_validity"] == {"valid": valid, "not valid": len(ftc_facts) - valid}
    assert valid > 1200  # the US numbers are valid US numbers
    assert stats["by_type"] == dict(collections.Counter(str(f["type"]) for f in ftc_facts))
    assert stats["by_type"]["fixed_line_or_mobile"] > 1000 and stats["by_type"]["toll_free"] > 50
    assert stats["by_region_code"] == dict(collections.Counter(str(f["region_code"]) or "(none)" for f in ftc_facts))
    assert stats["by_region_code"]["US"] > 1200 and stats["by_region_code"]["CA"] >= 1
    states = collections.Counter(str(f["state"]) or "(none)" for f in ftc_facts)
    assert stats["by_area"] == dict(states), "states differ from phonenumbers'"
    assert len(states) > 40 and states["California"] > 100
    assert list(stats["by_area"].values()) == sorted(stats["by_area"].values(), reverse=True)
    assert stats["by_carrier"] == dict(collections.Counter(str(f["carrier"]) or "(none)" for f in ftc_facts))


def test_stats_table_of_ftc_reports(ftc_db: Path, ftc_facts: list[dict[str, object]]) -> None:
    result = run("stats", "-d", str(ftc_db), "--now", "2021-07-08")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    n = len(ftc_facts)

    def row(label: str, count: int) -> str:
        return rf"\n    {re.escape(label)}\s+{count:,}\s+{100 * count / n:.1f}%\n"

    region_codes = collections.Counter(str(f["region_code"]) for f in ftc_facts)
    types = collections.Counter(str(f["type"]) for f in ftc_facts)
    states = collections.Counter(str(f["state"]) for f in ftc_facts if f["state"])
    valid = sum(1 for f in ftc_facts if f["valid"])
    assert "numbers by region code" in out and re.search(row("US", region_codes["US"]), out)
    assert re.search(row("CA", region_codes["CA"]), out)
    assert re.search(row("fixed_line_or_mobile", types["fixed_line_or_mobile"]), out)
    assert re.search(row("valid", valid), out) and re.search(row("not valid", n - valid), out)
    areas = out.split("numbers by area (state, province)", 1)[1].split("\n\n", 1)[0]
    for state, count in states.most_common(5):
        assert re.search(row(state, count), areas), state
    # Fifteen rows at most; the rest summed up in the last one.
    lines = areas.strip().splitlines()
    assert len(lines) == 15
    assert re.fullmatch(rf"\s*\({len(states) + 1 - 14} more\)\s+[\d,]+\s+[\d.]+%", lines[-1])


def draw_stats(db: Path, now: str, plot: Path, monkeypatch, capsys) -> dict[str, dict]:
    """`numrep stats --plot` in process, to see what is drawn: each panel's y tick labels, texts
    and x range (dates), by title, as the figure is saved."""
    pytest.importorskip("matplotlib")
    import matplotlib.dates
    from matplotlib.figure import Figure

    from numrep import cli

    drawn: dict[str, dict] = {}
    save = Figure.savefig

    def record(figure, *args, **kwargs):
        for axis in figure.axes:
            legend = axis.get_legend()
            drawn[axis.get_title()] = {"labels": [label.get_text() for label in axis.get_yticklabels()],
                                       "texts": [text.get_text() for text in axis.texts],
                                       "x": axis.get_xlim(), "dates": matplotlib.dates,
                                       "legend": [t.get_text() for t in legend.get_texts()] if legend else [],
                                       "bar_total": sum(patch.get_height() for patch in axis.patches)}
        return save(figure, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", record)
    assert cli.main(["stats", "-d", str(db), "--now", now, "--plot", str(plot)]) == 0
    assert f"Plot written to {plot}" in capsys.readouterr().out
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return drawn


def test_stats_plot_draws_region_codes_and_states(ftc_db: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    drawn = {title: panel["labels"] for title, panel in
             draw_stats(ftc_db, "2021-07-08", tmp_path / "ftc.png", monkeypatch, capsys).items()}
    titles = list(drawn)
    assert len(titles) == 6
    assert "reported numbers by level over time" in titles
    [weekly] = [t for t in titles if t.startswith("numbers first reported per ")]
    assert re.fullmatch(r"numbers first reported per week, by main category\n\([\d,]+ first reported before "
                        r"2021-\d\d-\d\d not shown\)", weekly), weekly  # FTC violation dates back to 2007
    [areas] = [title for title in titles if title.startswith("top areas (state, province)\n(top 15 of ")]
    assert "California" in drawn[areas] and "Texas" in drawn[areas] and len(drawn[areas]) == 15
    assert "(none)" not in drawn[areas]  # said in the title, not drawn
    [carriers] = [title for title in titles if title.startswith("top carriers (allocation)")]
    assert "with none)" in carriers and "(none)" not in drawn[carriers]
    assert "numbers by level as of 2021-07-08" in titles
    [categories] = [title for title in titles if title.startswith("reports by category")]
    assert "scam" in drawn[categories]


def test_stats_plot_draws_every_number_once_and_reports_from_1970(tmp_path: Path, monkeypatch, capsys) -> None:
    """The weekly panel drew the six biggest main categories only (silent and other were in neither
    the bars nor the legend) and added the numbers first reported before its first week to that
    week's bar, saying nothing; and a report from 1970 (a "0" placeholder) made the levels over
    time ask check_many about an 8-digit second, which now= reads as a date: the plot failed."""
    from numrep import cli

    week, start = 7 * 86400, 1_609_459_200  # 2021-01-01
    rows = ["number,time,category"]
    for n in range(8 * 15):  # each category the main one of 15 numbers, over ten weeks
        rows.append(f"0912{n:06d},{start + (n % 10) * week + n},{numrep.CATEGORY_NAMES[n // 15]}")
    rows.append("0913000000,0,scam")  # 1970-01-01: before the panel's first week
    reports = tmp_path / "reports.csv"
    reports.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert cli.main(["build", str(reports), "-o", str(tmp_path / "db")]) == 0
    drawn = draw_stats(tmp_path / "db", "latest", tmp_path / "weeks.png", monkeypatch, capsys)
    [weekly] = [title for title in drawn if title.startswith("numbers first reported per week")]
    assert weekly.endswith("\n(1 first reported before 2021-01-01 not shown)"), weekly
    assert sorted(drawn[weekly]["legend"]) == sorted(numrep.CATEGORY_NAMES)
    assert drawn[weekly]["bar_total"] == 120
    # Most reports in 1970-1973 (8-digit unix seconds) put the levels' sample times there.
    few = tmp_path / "few.csv"
    few.write_text("number,time,category\n0912000001,0,scam\n0912000002,1970-01-01,spam\n"
                   "0912000003,2021-07-01,scam\n", encoding="utf-8")
    assert cli.main(["build", str(few), "-o", str(tmp_path / "few")]) == 0
    drawn = draw_stats(tmp_path / "few", "latest", tmp_path / "few.png", monkeypatch, capsys)
    assert "reported numbers by level over time" in drawn


def test_stats_plot_as_of_far_ahead_keeps_the_data_in_view(ftc_db: Path, tmp_path: Path, monkeypatch,
                                                            capsys) -> None:
    """--now 9999-12-31 stretched the time axis past the dates matplotlib draws (an error, no
    plot); the levels are flat a year after the newest report, so the axis stops there and the
    title says where "as of" is. A panel with nothing to draw says so."""
    drawn = draw_stats(ftc_db, "9999-12-31", tmp_path / "far.png", monkeypatch, capsys)
    [over_time] = [title for title in drawn if title.startswith("reported numbers by level over time")]
    assert over_time.endswith("(as of 9999-12-31: further right)")
    # Before the first report: said too (the line was left out and the title said nothing).
    before = draw_stats(ftc_db, "2001-01-01", tmp_path / "before.png", monkeypatch, capsys)
    assert any(t.endswith("(as of 2001-01-01: further left)") for t in before), list(before)
    panel = drawn[over_time]
    right = panel["dates"].num2date(panel["x"][1])
    # The FTC cut's reports are from 2021: the axis runs a little past quiet_days (365) after them.
    assert numrep.ReputationDB.open(str(ftc_db)).quiet_days == 365
    assert 2022 <= right.year <= 2023
    # At a time the panel shows, it does not say so.
    drawn = draw_stats(ftc_db, "2021-07-08", tmp_path / "near.png", monkeypatch, capsys)
    assert "reported numbers by level over time" in drawn
    # Vietnamese mobile numbers have no area: the panel says it rather than drawing empty axes.
    from numrep import cli

    numbers = tmp_path / "vn.csv"
    numbers.write_text("number,time\n0912345678,2024-05-01\n0988777666,2024-05-02\n", encoding="utf-8")
    assert cli.main(["build", str(numbers), "-o", str(tmp_path / "vn"), "--category", ""]) == 0
    drawn = draw_stats(tmp_path / "vn", "latest", tmp_path / "vn.png", monkeypatch, capsys)
    [areas] = [title for title in drawn if title.startswith("top areas")]
    assert drawn[areas]["texts"] == ["no area for any number"] and drawn[areas]["labels"] == []


def test_check_verdicts_carry_region_code_and_state(ftc_db: Path) -> None:
    phonenumbers = pytest.importorskip("phonenumbers")
    numbers = ["3152328257", "4702973160", "(800) 356-9377"]
    result = run("check", "-d", str(ftc_db), "--json", "--region", "US", "--now", "2021-07-08", *numbers)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    for text, row in zip(numbers, rows):
        facts = phonenumbers_facts(phonenumbers.format_number(phonenumbers.parse(text, "US"),
                                                              phonenumbers.PhoneNumberFormat.E164))
        assert (row["region_code"], row["region"], row["type"], row["valid"]) == (
            facts["region_code"], facts["state"], facts["type"], facts["valid"]), text
    assert rows[0]["region"] == "New York" and rows[0]["reports"] == 7  # the most reported number of the cut
    table = run("check", "-d", str(ftc_db), "--region", "US", "--now", "2021-07-08", "3152328257")
    header, line, footer = table.stdout.splitlines()
    assert footer == "(verdicts as of 2021-07-08T00:00:00+00:00)"
    assert "region code" in header and "area" in header
    assert re.search(r"fixed_line_or_mobile\s+US\s+New York\s+yes$", line), line


def test_build_progress_bar_only_on_a_terminal(tmp_path) -> None:
    reports = tmp_path / "reports.csv"
    reports.write_text(REPORTS, encoding="utf-8")
    controller, terminal = pty.openpty()
    try:
        result = subprocess.run([sys.executable, "-m", "numrep", "build", str(reports), "-o", str(tmp_path / "db")],
                                stdout=subprocess.PIPE, stderr=terminal, text=True, timeout=120)
        os.close(terminal)
        terminal = -1
        drawn = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # EIO once the other side is closed
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(controller)
        if terminal != -1:
            os.close(terminal)
    assert result.returncode == 0
    text = drawn.decode()
    # 5 bad: the not_spam column is read by default, and its "perhaps" is a bad row
    assert "100.0%" in text and "9 rows" in text and "rows/s" in text and "5 bad" in text


@pytest.mark.parametrize(("given", "days"), [("90d", 90), ("12w", 84), ("2160h", 90), ("45", 45), ("1.5d", 1.5), ("1h", 1 / 24),
                                           ("36500", 36500)])
def test_half_life_forms(tmp_path, given: str, days: float) -> None:
    result, db = build(tmp_path, REPORTS, "--half-life", given)
    assert result.returncode == 0, result.stderr
    assert json.loads(run("stats", "-d", str(db), "--json").stdout)["half_life_days"] == pytest.approx(days)


def test_build_column_mapping_delimiter_and_default_time(tmp_path) -> None:
    text = "Phone;When;Kind\n0912000001;2026-02-28T10:00:00Z;scam\n0912000001;;scam\n0862000002;2026-02-28;spam\n"
    reports = tmp_path / "semi.txt"
    reports.write_text(text, encoding="utf-8")
    db = tmp_path / "db"
    args = ["build", str(reports), "-o", str(db), "--number", "Phone", "--time", "When", "--category", "Kind",
            "--delimiter", ";"]
    without = run(*args)
    assert without.returncode == 0, without.stderr
    assert re.search(r"missing time\s+1\n", without.stdout)
    with_default = run(*args, "--default-time", "2026-02-28T09:00:00")
    assert with_default.returncode == 0 and re.search(r"good\s+3\n", with_default.stdout)
    rows = json.loads(run("check", "-d", str(db), "--json", "--now", NOW, "0912000001").stdout)
    assert rows[0]["reports"] == 2 and rows[0]["first_seen"] == "2026-02-28T09:00:00+00:00"


def test_build_says_it_waits_for_another_writers_lock(tmp_path) -> None:
    """A build to a database another process is writing waits for it, as long as that takes (a
    Dask build: hours): it said nothing meanwhile. It says so once on stderr, then builds."""
    import fcntl
    import threading

    result, db = build(tmp_path)
    assert result.returncode == 0, result.stderr
    reports = tmp_path / "reports.csv"
    with open(db / "lock", "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as another writer holds it
        # Let go after 30 s whatever happens: a build that says nothing then ends, and fails the test.
        release = threading.Timer(30, fcntl.flock, (held, fcntl.LOCK_UN))
        release.start()
        process = subprocess.Popen([sys.executable, "-m", "numrep", "build", str(reports), "-o", str(db), "--source",
                                    "source", "--not-spam", "not_spam"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert process.stderr is not None
            line = process.stderr.readline()  # the build blocks until the lock is free: this comes first
            still_waiting = process.poll() is None
        finally:
            release.cancel()
            fcntl.flock(held, fcntl.LOCK_UN)
        out, err = process.communicate(timeout=120)
    assert line == (f"numrep: waiting for another process writing the database at {db} to finish "
                    f"(it holds {db / 'lock'}); Ctrl-C gives up\n")
    assert still_waiting
    assert process.returncode == 0 and err == "" and "good" in out
    # Free: nothing is said.
    again = run("build", str(reports), "-o", str(db), "--source", "source", "--not-spam", "not_spam")
    assert again.returncode == 0 and again.stderr == ""


def test_build_rejects_file_and_strict(tmp_path) -> None:
    rejects = tmp_path / "rejects.csv"
    result, _ = build(tmp_path, REPORTS, "--rejects", str(rejects))
    assert result.returncode == 0, result.stderr
    with rejects.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["line"]) for r in rows] == [6, 7, 8, 9, 10]
    strict, _ = build(tmp_path, REPORTS, "--strict")
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    assert strict.stderr.count("\n") == 1 and "line 6" in strict.stderr and "0912-x" in strict.stderr


def test_build_from_several_files_names_the_file_of_each_bad_row(tmp_path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("number,time,category\n09y2,2021-07-07,scam\n", encoding="utf-8")
    second.write_text("number,time,category\n0912345678,2021-07-07,scam\n09x3,2021-07-07,scam\n", encoding="utf-8")
    result = run("build", str(first), str(second), "-o", str(tmp_path / "db"))
    assert result.returncode == 0, result.stderr
    assert f"{first} line 2: " in result.stdout and f"{second} line 3: " in result.stdout
    twice = run("build", str(first), str(tmp_path / "." / "a.csv"), "-o", str(tmp_path / "db2"))
    assert twice.returncode == 1 and "given twice" in twice.stderr and "Traceback" not in twice.stderr


def test_check_table_levels_and_stdin(tmp_path) -> None:
    _, db = build(tmp_path)
    result = run("check", "-d", str(db), "--now", NOW, "0912000001", "-", stdin="0862 000 002\n\n0162 300 0003\n0977000000\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:5] == ["number", "e164", "level", "score", "reports"]
    assert "top categories" in lines[0] and "first seen" in lines[0] and "carrier" in lines[0]
    expected = [("+84912000001", "likely_scam", "2", "Vinaphone"), ("+84862000002", "clean", "1", "Viettel"),
                ("+84323000003", "suspicious", "1", "Viettel"), ("+84977000000", "clean", "0", "Viettel")]
    for line, (e164, level, reports, carrier) in zip(lines[1:], expected):
        cells = line.split()
        assert cells[cells.index(e164) + 1] == level and cells[cells.index(e164) + 3] == reports, line
        assert carrier in cells
    assert "scam 2" in lines[1] and "2026-02-28" in lines[1]
    assert len(lines) == 6 and lines[5].startswith("(verdicts as of ")


def test_check_json_and_bad_numbers(tmp_path) -> None:
    _, db = build(tmp_path)
    result = run("check", "-d", str(db), "--json", "--now", NOW, "0912000001", "09y2", "0862000002")
    assert result.returncode == 1
    assert result.stderr.strip() == 'numrep: cannot parse "09y2": bad character "y" at offset 2'
    rows = json.loads(result.stdout)
    assert [r.get("level") for r in rows] == ["likely_scam", None, "clean"]
    assert rows[0]["counts"] == {"scam": 2} and rows[0]["valid"] is True and rows[0]["type"] == "mobile"
    assert rows[1]["error"].startswith("cannot parse") and rows[2]["counts"] == {"spam": 1}
    table = run("check", "-d", str(db), "09y2", "0862000002")
    assert table.returncode == 1 and "+84862000002" in table.stdout and "Traceback" not in table.stderr


def test_check_json_says_whether_the_database_holds_the_number(tmp_path) -> None:
    """`reported`, as Verdict and check_many have it: a number with "not spam" votes alone is in
    the database with 0 reports, which the JSON gave no way to tell from an unknown number."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"number": ["0912345678", "0912345679"], "time": ["2024-01-01"] * 2,
                          "category": ["scam", "scam"], "not_spam": [False, True]})
    numrep.ReputationDB.from_frame(frame, not_spam="not_spam").save(tmp_path / "db")
    rows = json.loads(run("check", "-d", str(tmp_path / "db"), "--json", "--now", "latest", "0912345678",
                          "0912345679", "0912345670").stdout)
    assert [(r["reported"], r["reports"], r["not_spam"]) for r in rows] == [(True, 1, 0), (True, 0, 1), (False, 0, 0)]


def read_lines_while_open(args: list[str], lines: list[str], wanted: int) -> list[str]:
    """Runs numrep with `lines` written to its standard input, which is then left open, and
    returns the first `wanted` lines of its output, read before the input ends (or fails if they
    do not come within a minute)."""
    import threading

    process = subprocess.Popen([sys.executable, "-m", "numrep", *args], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdin is not None and process.stdout is not None
    got: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        while len(got) < wanted and (line := process.stdout.readline()):
            got.append(line)

    reader = threading.Thread(target=read, daemon=True)
    try:
        process.stdin.write("".join(f"{line}\n" for line in lines))
        process.stdin.flush()
        reader.start()
        reader.join(60)
        return list(got)
    finally:
        process.kill()
        process.wait()
        if reader.is_alive():
            reader.join()  # it reads the end of the output the kill made
        process.stdin.close()
        process.stdout.close()


def test_check_and_info_write_rows_before_standard_input_ends(tmp_path) -> None:
    """Rows from standard input are written as they are read, after the first 1,000 (held to size
    the columns): all of them were held to the end (a million numbers took 1.2 GB, and 10 s
    before the first line)."""
    _, db = build(tmp_path)
    numbers = [f"0912{k:06d}" for k in range(1500)]
    for args, header in ((["check", "-d", str(db), "--now", NOW, "-"], "number"), (["info", "-"], "input")):
        for as_json in (False, True):
            got = read_lines_while_open(args + (["--json"] if as_json else []), numbers, 1001)
            assert len(got) == 1001, (args, as_json, got[-3:])
            assert got[0].split()[0] == ("[" if as_json else header)
            if not as_json:
                assert got[1000].split()[0] == numbers[999]


def test_rows_past_the_first_thousand_keep_their_columns(tmp_path) -> None:
    """Past the rows held to size the table, the columns stay: an extension first seen after them
    has its column (a table of the first rows alone would have left it out), and --json is the one
    list json.dumps makes of every row."""
    numbers = [f"0912{k:06d}" for k in range(1100)] + ["0912 345 678 ext. 42", "0912x"]
    table = run("info", "-", stdin="\n".join(numbers) + "\n")
    assert table.returncode == 1 and table.stderr.count("\n") == 1 and "0912x" in table.stderr
    lines = table.stdout.splitlines()
    assert len(lines) == 1 + 1101 and lines[0].split()[-1] == "extension" and lines[-1].split()[-1] == "42"
    as_json = run("info", "--json", "-", stdin="\n".join(numbers) + "\n")
    rows = json.loads(as_json.stdout)
    assert len(rows) == 1102 and rows[1100]["extension"] == "42" and "error" in rows[1101]
    assert as_json.stdout == json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    few = run("info", "0912345678")  # all rows known before the table: no extension column
    assert few.stdout.splitlines()[0].split()[-1] == "legacy"
    thousand = run("info", "-", stdin="\n".join(numbers[:1000]) + "\n")  # all of them held: the same
    assert thousand.stdout.splitlines()[0].split()[-1] == "legacy"


def test_check_now_changes_the_level(tmp_path) -> None:
    _, db = build(tmp_path)
    later = json.loads(run("check", "-d", str(db), "--json", "--now", "2027-06-01", "0912000001").stdout)
    assert later[0]["level"] == "clean" and later[0]["delisted"] is True  # a year and more without reports


def test_check_and_stats_say_when_numbers_were_reported_after_now(tmp_path) -> None:
    """A --now before some numbers' last reports: the verdicts count those reports, and both
    commands say so in one line of their own (not Python's warning); JSON carries it per row."""
    reports = tmp_path / "later.csv"
    reports.write_text("number,time,category\n0912345678,2021-01-01,scam\n0912345678,2021-06-01,scam\n"
                       "0912345679,2021-06-01,scam\n0861234567,2020-12-01,scam\n", encoding="utf-8")
    db = tmp_path / "later.db"
    assert run("build", str(reports), "-o", str(db)).returncode == 0
    table = run("check", "-d", str(db), "--now", "2021-03-01", "0912345678", "0912345679", "0861234567")
    assert table.returncode == 0 and "Warning" not in table.stderr, table.stderr
    assert "numrep: 2 numbers were reported after 2021-03-01T00:00:00+00:00" in table.stdout
    rows = json.loads(run("check", "-d", str(db), "--json", "--now", "2021-03-01", "0912345678", "0861234567").stdout)
    assert [r["includes_later_reports"] for r in rows] == [True, False]
    stats = run("stats", "-d", str(db), "--now", "2021-03-01")
    assert stats.returncode == 0 and "Warning" not in stats.stderr, stats.stderr
    assert "numrep: 2 numbers were reported after 2021-03-01T00:00:00+00:00" in stats.stdout
    assert json.loads(run("stats", "-d", str(db), "--json", "--now", "2021-03-01").stdout)["numbers_reported_later"] == 2
    exact = run("check", "-d", str(db), "--now", "latest", "0912345678")
    assert "reported after" not in exact.stdout + exact.stderr
    table = run("check", "-d", str(db), "--now", "2021-03-01", "0912345678", "+84 912 345 678")
    assert "numrep: 1 number was reported after" in table.stdout  # one number, written two ways
    # A report stamped ahead of the clock (ingestion takes a day ahead): without --now, no line.
    ahead = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    fresh_reports = tmp_path / "fresh.csv"
    fresh_reports.write_text(f"number,time,category\n0912345678,{ahead},scam\n", encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    assert run("build", str(fresh_reports), "-o", str(fresh)).returncode == 0
    today = run("check", "-d", str(fresh), "0912345678")
    assert today.returncode == 0 and "reported after" not in today.stdout + today.stderr
    assert json.loads(run("check", "-d", str(fresh), "--json", "0912345678").stdout)[0]["includes_later_reports"]
    stats_today = run("stats", "-d", str(fresh))
    assert stats_today.returncode == 0 and "reported after" not in stats_today.stdout + stats_today.stderr
    assert json.loads(run("stats", "-d", str(fresh), "--json").stdout)["numbers_reported_later"] == 1


def test_now_latest_judges_historical_data_as_of_its_newest_report(ftc_db: Path) -> None:
    """Old reports judged today have all decayed: stats says so and names --now latest, which
    judges as of the newest report; check states the time of its verdicts."""
    today = run("stats", "-d", str(ftc_db))
    assert today.returncode == 0, today.stderr
    assert "every number has decayed to clean by" in today.stdout and "use --now latest" in today.stdout
    newest = numrep.ReputationDB.open(str(ftc_db)).latest_report
    assert newest is not None and newest.year == 2021
    latest = json.loads(run("stats", "-d", str(ftc_db), "--json", "--now", "latest").stdout)
    assert latest["as_of"] == newest.isoformat() == latest["latest_report"]
    assert latest["all_decayed"] is False and latest["by_level"]["suspicious"] > 0
    assert json.loads(run("stats", "-d", str(ftc_db), "--json").stdout)["all_decayed"] is True
    key = numrep.ReputationDB.open(str(ftc_db)).keys()[0]
    checked = json.loads(run("check", "-d", str(ftc_db), "--json", "--now", "latest", f"+{key}").stdout)
    assert checked[0]["as_of"] == newest.isoformat()
    table = run("check", "-d", str(ftc_db), "--now", "2021-07-08", f"+{key}")
    assert "(verdicts as of 2021-07-08T00:00:00+00:00)" in table.stdout
    bad = run("check", "-d", str(ftc_db), "--now", "yesterday", f"+{key}")
    assert bad.returncode != 0 and "latest" not in bad.stdout and "bad time 'yesterday'" in bad.stderr
    # The library's list of Python types is not said on a command line; its specific reasons are.
    assert "must be a datetime" not in bad.stderr and "numpy" not in bad.stderr
    far = run("check", "-d", str(ftc_db), "--now", "1625616075000", f"+{key}")
    assert far.returncode == 2 and "in the year 53483" in far.stderr and "milliseconds" in far.stderr


def test_stats_json_is_as_of_the_second_its_verdicts_were_judged(tmp_path) -> None:
    """Without --now, stats --json gave "as_of" with microseconds while its verdicts (and check's
    as_of) are judged at the whole second."""
    result, db = build(tmp_path)
    assert result.returncode == 0, result.stderr
    stats = json.loads(run("stats", "-d", str(db), "--json").stdout)
    as_of = dt.datetime.fromisoformat(stats["as_of"])
    assert as_of.microsecond == 0 and stats["now"] == stats["as_of"], stats["as_of"]


def test_default_time_latest_is_a_usage_error(tmp_path) -> None:
    """--default-time took "latest" (its parser is --now's) and the build failed later, exit 1,
    with the library's message naming default_time and Python types; a Dask build failed on a
    worker and left the output's directory behind."""
    (tmp_path / "nt.csv").write_text("number,time,category\n0912345678,,scam\n", encoding="utf-8")
    for extra in ([], ["--workers", "1"]):
        done = run("build", str(tmp_path / "nt.csv"), "-o", str(tmp_path / "x.db"), "--default-time", "latest",
                   *extra)
        assert done.returncode == 2, done.stderr
        assert "argument --default-time: bad time 'latest' (\"latest\" is for --now)" in done.stderr
        assert not (tmp_path / "x.db").exists()
    # Before 1970: a usage error naming the option and the time as given (the library's said
    # "default_time -86400").
    done = run("build", str(tmp_path / "nt.csv"), "-o", str(tmp_path / "x.db"), "--default-time", "1969-12-31")
    assert done.returncode == 2 and "--default-time 1969-12-31T00:00:00Z is before 1970-01-01" in done.stderr, (
        done.stderr)
    # The year as given, its leading zeros kept (strftime's %Y wrote "99-01-01").
    done = run("build", str(tmp_path / "nt.csv"), "-o", str(tmp_path / "x.db"), "--default-time", "0099-01-01")
    assert done.returncode == 2 and "--default-time 0099-01-01T00:00:00Z is before" in done.stderr, done.stderr
    assert not (tmp_path / "x.db").exists()


def test_build_on_local_workers_beside_another_cluster_says_nothing_of_its_port(tmp_path) -> None:
    """`build --workers` started its cluster's HTTP server on Dask's default port, 8787: beside any
    other cluster (a notebook's) distributed printed "Port 8787 is already in use"."""
    import socket

    pytest.importorskip("distributed")
    (tmp_path / "r.csv").write_text("number,time,category\n0912345678,2024-01-01,scam\n", encoding="utf-8")
    with socket.socket() as held:
        try:
            held.bind(("", 8787))
        except OSError:  # already taken, by another cluster: the case itself
            pass
        else:
            held.listen()
        done = run("build", str(tmp_path / "r.csv"), "-o", str(tmp_path / "db"), "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert "8787" not in done.stderr and "already in use" not in done.stderr, done.stderr
    assert numrep.ReputationDB.open(tmp_path / "db").check("0912345678", now="latest").reports == 1


def test_stats_says_decayed_only_of_numbers_that_were_above_clean(tmp_path) -> None:
    """Numbers that were clean at their newest report too (mild categories, a single report) have
    not decayed: stats said "every number has decayed to clean" and all_decayed true, and its
    advice, --now latest, showed the same all-clean picture."""
    mild = "number,time,category\n0912345678,2025-03-01T08:00:00Z,telemarketing\n" \
           "0861234567,2025-03-02T08:00:00Z,silent\n"
    (tmp_path / "mild.csv").write_text(mild, encoding="utf-8")
    assert run("build", str(tmp_path / "mild.csv"), "-o", str(tmp_path / "mild.db")).returncode == 0
    at_latest = json.loads(run("stats", "-d", str(tmp_path / "mild.db"), "--json", "--now", "latest").stdout)
    assert {k for k, n in at_latest["by_level"].items() if n} == {"clean"}
    today = run("stats", "-d", str(tmp_path / "mild.db"))
    assert today.returncode == 0 and "has decayed" not in today.stdout, today.stdout
    assert json.loads(run("stats", "-d", str(tmp_path / "mild.db"), "--json").stdout)["all_decayed"] is False


def test_now_is_read_as_the_library_reads_times() -> None:
    """--now took datetime.fromisoformat's forms: week dates and "T01" were good, a lower-case
    "z" and unix seconds bad, the other way round from now= and a CSV file's times."""
    import argparse

    from numrep.cli.common import iso_time

    pd = pytest.importorskip("pandas")
    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": ["2021-07-07"]}),
                                        category=None)
    for text in ("2021-07-08", "2021-07-08T00:00:00z", "2021-07-08T07:00:00+07:00", "1625702400", "1625702400.5",
                 "20210708", " 2021-07-08 00:00 "):
        when = iso_time(text)
        assert isinstance(when, dt.datetime) and when == dt.datetime(2021, 7, 8, tzinfo=dt.timezone.utc), text
        assert db.check("0912345678", now=text).as_of_seconds == int(when.timestamp())
    for text in ("2021-W27-4", "2021-07-08T01", "07/08/2021", "0001-01-01T00:00:00+01:00"):
        with pytest.raises(argparse.ArgumentTypeError, match="bad time"):
            iso_time(text)
        with pytest.raises(ValueError):
            db.check("0912345678", now=text)
    assert iso_time("0001-01-01") == dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)
    with pytest.raises(argparse.ArgumentTypeError, match="milliseconds"):  # the library's reason is kept
        iso_time("1625616075000")
    assert iso_time(" Latest ") == "latest"
    # 8 or 14 digits that are no date: the reason, given for an int, is given for text too (it was
    # "expected ... or unix seconds", which they look like), and without the list of Python types.
    for text in ("12345678", " 99999999999999 "):
        with pytest.raises(argparse.ArgumentTypeError, match=r"a number of 8 or 14 digits is a date") as caught:
            iso_time(text)
        assert "datetime64" not in str(caught.value)
        with pytest.raises(ValueError, match=r"a number of 8 or 14 digits is a date"):
            db.check("0912345678", now=text)


def test_stats_json_and_plot(tmp_path) -> None:
    _, db = build(tmp_path)
    plot = tmp_path / "stats.png"
    result = run("stats", "-d", str(db), "--json", "--now", NOW, "--plot", str(plot))
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["numbers"] == 3
    assert stats["by_carrier"] == {"Viettel": 2, "Vinaphone": 1}
    assert stats["by_type"] == {"mobile": 3}
    assert stats["by_category"] == {"scam": 3, "spam": 1}
    assert stats["by_level"] == {"clean": 1, "suspicious": 1, "likely_scam": 1}
    # The sizes build printed: the files on disk.
    assert stats["store_bytes"] == {p.name: p.stat().st_size for p in db.iterdir() if p.suffix in (".trie", ".bloom")}
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = run("stats", "-d", str(db), "--now", NOW)
    assert table.returncode == 0 and "numbers by allocated carrier" in table.stdout
    assert re.search(r"Viettel\s+2\s+66.7%", table.stdout) and re.search(r"likely_scam\s+1\b", table.stdout)


def test_stats_plot_of_a_database_whose_name_is_not_utf8(tmp_path) -> None:
    """The plot's title took the directory's name, bytes that are no UTF-8 (lone surrogates to
    Python), which matplotlib refused after the report was printed: status 70, "internal error"."""
    _, db = build(tmp_path)
    odd = os.fsdecode(bytes(tmp_path) + b"/db\xff")
    os.rename(db, odd)
    plot = tmp_path / "stats.png"
    result = subprocess.run([sys.executable, "-m", "numrep", "stats", "-d", odd, "--now", NOW, "--plot", str(plot)],
                            capture_output=True, timeout=120)  # bytes: the report names the directory
    assert result.returncode == 0, result.stderr
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_stats_of_a_database_saved_from_python(tmp_path) -> None:
    """stats lists the numbers through the database itself, whoever saved it."""
    _, db = build(tmp_path)
    copy = tmp_path / "resaved"
    numrep.ReputationDB.open(str(db)).save(str(copy))
    result = run("stats", "-d", str(copy), "--json", "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["numbers"] == 3


@pytest.mark.parametrize("args", [
    ["build", "r.csv"],                                   # no -o
    ["build", "r.csv", "-o", "db", "--half-life", "ten days"],
    ["build", "r.csv", "-o", "db", "--delimiter", "ab"],
    ["build", "r.csv", "-o", "db", "--default-time", "soon"],
    ["check", "0912000001"],                              # no -d
    ["check", "-d", "db", "0912000001", "--now", "tomorrow"],
    ["stats"],
    ["demo", "--count", "0"],
])
def test_wrong_arguments_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("numrep: ") and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def one_error_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert result.stderr.startswith("numrep: ")
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def test_missing_files(tmp_path) -> None:
    one_error_line(run("build", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "db")), "no such report file", "nope.csv")
    one_error_line(run("check", "-d", str(tmp_path / "nodb"), "0912000001"), "no database", "nodb")
    one_error_line(run("stats", "-d", str(tmp_path / "nodb")), "no database")
    one_error_line(run("build", str(tmp_path), "-o", str(tmp_path / "db")), "is a directory")


def test_bad_report_files(tmp_path) -> None:
    result, _ = build(tmp_path, "phone,time\n0912000001,2026-01-01\n")
    one_error_line(result, 'no column "number"', "phone")
    bad_preset = run("build", str(tmp_path / "reports.csv"), "-o", str(tmp_path / "db"), "--preset", "xyz")
    assert bad_preset.returncode == 2 and "unknown preset" in bad_preset.stderr  # a usage error


def test_corrupt_database(tmp_path) -> None:
    _, db = build(tmp_path)
    (records,) = db.glob("records-*.trie")
    data = bytearray(records.read_bytes())
    data[len(data) // 2] ^= 0xFF
    records.write_bytes(bytes(data))
    one_error_line(run("check", "-d", str(db), "0912000001"), records.name)
    one_error_line(run("stats", "-d", str(db)), records.name)
    (db / "MANIFEST").write_text("hello\n")
    one_error_line(run("check", "-d", str(db), "0912000001"), "MANIFEST")
    not_a_db = tmp_path / "file.txt"
    not_a_db.write_text("x")
    one_error_line(run("check", "-d", str(not_a_db), "0912000001"), "not a numrep database")


def test_build_refuses_to_replace_what_is_not_a_database(tmp_path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    result, _ = build(tmp_path)
    assert result.returncode == 0
    one_error_line(run("build", str(tmp_path / "reports.csv"), "-o", str(precious)), "will not replace")
    assert (precious / "thesis.tex").read_text() == "years of work"
    again = run("build", str(tmp_path / "reports.csv"), "-o", str(tmp_path / "db"))  # a database: replaced
    assert again.returncode == 0, again.stderr


def test_demo_builds_and_checks_a_database() -> None:
    result = run("demo", "--count", "20000")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Read 1 report file" in out and "distinct numbers" in out and "impersonation_reports.csv" in out
    assert re.search(r"missing number\s+1\n", out) and re.search(r"bad time\s+1\n", out)
    assert "likely_scam" in out and "clean (delisted)" in out and "never reported" in out
    assert "error: cannot parse \"0912-345-67x\"" in out
    assert "numbers by allocated carrier" in out and "Reddi" in out and "Gmobile" in out
    assert re.search(r"\+8432\s+\d+ reported numbers", out)
    assert "check_many" in out and "ns/number end to end" in out


def test_demo_legacy_forms_come_from_the_librarys_conversion_table() -> None:
    """The demo writes legacy 11-digit forms from numrep's own table, which must agree with the
    reference conversion file (a hand copy once said 076 <- 0121; the conversion says 0126)."""
    from conftest import read_legacy_conversion
    from numrep.cli import demo

    rows, _ = read_legacy_conversion()
    assert {row.new: row.old for row in rows} == demo.DEMO_LEGACY
    assert demo.DEMO_LEGACY["76"] == "126"
    for new, old in demo.DEMO_LEGACY.items():
        assert numrep.parse(f"0{old}1234567").key == int(f"84{new}1234567")


def test_every_command_is_a_module_of_the_cli_package() -> None:
    """One module per command (add_parser + run), the parser built from them."""
    import importlib

    from numrep import cli

    names = ["info", "build", "check", "stats", "upgrade", "demo"]
    for name in names:
        module = importlib.import_module(f"numrep.cli.{name}")
        assert callable(module.run) and callable(module.add_parser)
    subcommands = next(a for a in cli.build_parser()._actions if a.dest == "command")
    assert list(subcommands.choices) == names


def test_build_from_numbers_alone_and_a_plot_written_where_asked(tmp_path) -> None:
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("number\n0912345678\n0988777666\n", encoding="utf-8")
    db = tmp_path / "db"
    result = run("build", str(numbers), "-o", str(db), "--time", "", "--category", "", "--default-time", "2021-07-01")
    assert result.returncode == 0, result.stderr
    assert re.search(r"good\s+2\n", result.stdout)
    plot = tmp_path / "breakdown"  # no extension: written there, as the summary says
    stats = run("stats", "-d", str(db), "--plot", str(plot), "--now", "latest")
    assert stats.returncode == 0, stats.stderr
    assert f"Plot written to {plot}" in stats.stdout and plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (tmp_path / "breakdown.png").exists()
