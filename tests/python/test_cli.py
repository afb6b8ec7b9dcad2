"""The `numrep` command line, run as a real subprocess: output, exit codes, error lines."""

from __future__ import annotations

import csv
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


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "numrep", *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


def test_info_table() -> None:
    result = run("info", "0912 345 678", "0162 345 6789")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["input", "e164", "national", "carrier"]
    assert "+84912345678" in lines[1] and "Vinaphone" in lines[1]
    assert "+84323456789" in lines[2] and "Viettel" in lines[2] and lines[2].rstrip().endswith("yes")


def test_info_json_and_stdin() -> None:
    result = run("info", "--json", "-", "113", stdin="0243 826 4321\n\n+1 469 257 6503\n")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["e164"] for r in rows] == ["+842438264321", "+14692576503", "+84113"]
    assert rows[0]["region"] == "Hanoi City" and rows[0]["type"] == "fixed_line" and rows[0]["valid"] is True
    assert rows[2]["type"] == "short_code"


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
    assert result.returncode == 1 and 'unknown region "XX"' in result.stderr and "Traceback" not in result.stderr
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
    for store in ("records.trie", "numbers.bloom"):
        assert re.search(rf"{store}\s+[\d.,]+ (bytes|KiB)\s+[\d.]+ bits/number", out), store
        assert (db / store).is_file()


def test_build_ftc_preset_summary_matches_the_file(tmp_path) -> None:
    sample = Path(__file__).resolve().parent.parent / "data" / "ftc_sample.csv"
    with sample.open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))[1:]
    empty = sum(1 for r in records if not r[0].strip())
    result = run("build", str(sample), "-o", str(tmp_path / "ftc"), "--preset", "ftc", "--half-life", "12w")
    assert result.returncode == 0, result.stderr
    assert re.search(rf"rows\s+{len(records):,}\n", result.stdout)
    assert re.search(rf"missing number\s+{empty}\n", result.stdout)
    stats = json.loads(run("stats", "-d", str(tmp_path / "ftc"), "--json").stdout)
    assert stats["half_life_days"] == 84
    assert re.search(rf"distinct numbers\s+{stats['numbers']:,}\n", result.stdout)


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
    assert "100.0%" in text and "9 rows" in text and "rows/s" in text and "4 bad" in text  # not_spam not mapped here


@pytest.mark.parametrize(("given", "days"), [("90d", 90), ("12w", 84), ("2160h", 90), ("45", 45), ("1.5d", 1.5)])
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
    assert len(lines) == 5


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


def test_check_now_changes_the_level(tmp_path) -> None:
    _, db = build(tmp_path)
    later = json.loads(run("check", "-d", str(db), "--json", "--now", "2027-06-01", "0912000001").stdout)
    assert later[0]["level"] == "clean" and later[0]["delisted"] is True  # a year and more without reports


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
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = run("stats", "-d", str(db), "--now", NOW)
    assert table.returncode == 0 and "numbers by allocated carrier" in table.stdout
    assert re.search(r"Viettel\s+2\s+66.7%", table.stdout) and re.search(r"likely_scam\s+1\b", table.stdout)


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
    one_error_line(run("build", str(tmp_path / "reports.csv"), "-o", str(tmp_path / "db"), "--preset", "xyz"), "unknown preset")


def test_corrupt_database(tmp_path) -> None:
    _, db = build(tmp_path)
    records = db / "records.trie"
    data = bytearray(records.read_bytes())
    data[len(data) // 2] ^= 0xFF
    records.write_bytes(bytes(data))
    one_error_line(run("check", "-d", str(db), "0912000001"), "records.trie")
    one_error_line(run("stats", "-d", str(db)), "records.trie")
    (db / "meta.txt").write_text("hello\n")
    one_error_line(run("check", "-d", str(db), "0912000001"), "meta.txt")
    not_a_db = tmp_path / "file.txt"
    not_a_db.write_text("x")
    one_error_line(run("check", "-d", str(not_a_db), "0912000001"), "not a numrep database")


def test_build_refuses_to_replace_what_is_not_a_database(tmp_path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    result, _ = build(tmp_path)
    assert result.returncode == 0
    one_error_line(run("build", str(tmp_path / "reports.csv"), "-o", str(precious)), "refusing to replace")
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
