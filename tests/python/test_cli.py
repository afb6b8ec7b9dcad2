"""The `numrep` command line, run as a real subprocess: output, exit codes, error lines."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest


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
    result = run("info", "0912345678", "09x2")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == 'numrep: cannot parse "09x2": bad character "x" at offset 2'
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
