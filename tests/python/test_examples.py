"""The Python examples run as a user runs them: a subprocess on the shipped FTC cut. Their printed
figures are checked against counts made here from the CSV with the csv module, not numrep, and
what they say about the numbers (valid, type, region code, state) against the phonenumbers
package (libphonenumber)."""

from __future__ import annotations

import collections
import csv
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import nanp_states_by_abbreviation

ROOT = Path(__file__).resolve().parents[2]
FTC_ANALYSIS = ROOT / "examples" / "python" / "ftc_analysis.py"
SAMPLE = ROOT / "tests" / "data" / "ftc_sample.csv"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

pytest.importorskip("matplotlib", reason="the FTC analysis example draws with matplotlib (pip install numrep-phone[bench])")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(FTC_ANALYSIS), *args], capture_output=True, text=True, timeout=300)


# Inputs of the cut that phonenumbers reads as valid numbers and numrep refuses (bad rows, reason
# 'bad character'): libphonenumber reads "x1" as an extension and drops the stray "e" before it;
# numrep refuses one or two stray letters rather than guess (docs/world-plan.md).
NUMREP_REFUSES = {"18883722468ex1"}



def value(out: str, label: str) -> int:
    found = re.findall(rf"^\s*{re.escape(label)}: (\d+)$", out, re.MULTILINE)
    assert len(found) == 1, f"expected one line '{label}: N' in the output:\n{out}"
    return int(found[0])


@pytest.fixture(scope="module")
def sample_rows() -> list[dict[str, str]]:
    with open(SAMPLE, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def section(out: str, title: str) -> list[str]:
    """The lines of the section of the output whose title starts with `title`."""
    return out.split(f"\n== {title}", 1)[1].split("\n== ", 1)[0].strip().splitlines()[1:]


class Facts:
    """What phonenumbers says about the numbers of the cut (each parsed as a US number)."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        phonenumbers = pytest.importorskip("phonenumbers")
        from phonenumbers import geocoder

        type_names = {getattr(phonenumbers.PhoneNumberType, name): name.lower()
                      for name in dir(phonenumbers.PhoneNumberType) if name.isupper()}
        states = nanp_states_by_abbreviation()

        self.valid: dict[str, dict[str, str]] = {}   # E.164 -> type, region_code, state of each valid number
        self.reports: collections.Counter[str] = collections.Counter()  # rows per valid E.164
        for row in rows:
            text = row["Company_Phone_Number"]
            if not text.strip() or text in NUMREP_REFUSES:
                continue
            try:
                number = phonenumbers.parse(text, "US")
            except phonenumbers.NumberParseException:
                continue
            if not phonenumbers.is_valid_number(number):
                continue
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            self.reports[e164] += 1
            if e164 in self.valid:
                continue
            region = phonenumbers.region_code_for_number(number) or ""
            state = ""
            if region in ("US", "CA"):
                description = geocoder.description_for_number(number, "en")
                if description == geocoder.country_name_for_number(number, "en"):
                    description = ""
                state = states[description.rsplit(", ", 1)[1]] if ", " in description else description
            self.valid[e164] = {"type": type_names[phonenumbers.number_type(number)], "region_code": region,
                                "state": state}

    def count(self, field: str) -> collections.Counter[str]:
        return collections.Counter(facts[field] for facts in self.valid.values())


@pytest.fixture(scope="module")
def phonenumbers_facts(sample_rows: list[dict[str, str]]) -> Facts:
    return Facts(sample_rows)


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    output = tmp_path_factory.mktemp("ftc")
    result = run("--output", str(output))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout, output


def test_png_is_written(analysis: tuple[str, Path]) -> None:
    out, output = analysis
    png = output / "ftc_analysis.png"
    assert f"plot: {png}" in out
    data = png.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 600 and height >= 400
    assert len(data) > 10_000  # four panels, not an empty canvas


def test_ingest_counts_match_the_csv(analysis: tuple[str, Path], sample_rows: list[dict[str, str]]) -> None:
    out, _ = analysis
    rows = len(sample_rows)
    empty = sum(1 for r in sample_rows if not r["Company_Phone_Number"].strip())
    ten_digit = [r["Company_Phone_Number"] for r in sample_rows if re.fullmatch(r"\d{10}", r["Company_Phone_Number"])]
    nonempty_distinct = {r["Company_Phone_Number"].strip() for r in sample_rows} - {""}
    assert value(out, "rows") == rows == 1568
    assert value(out, "bad, missing_number") == empty
    good, bad = value(out, "good"), value(out, "bad")
    assert good + bad == rows
    # Every 10-digit number is a good US number; the other non-empty ones may or may not parse.
    assert len(ten_digit) <= good <= rows - empty
    numbers = value(out, "numbers")
    assert len(set(ten_digit)) <= numbers <= len(nonempty_distinct)
    # Each good row is one report in exactly one category.
    assert value(out, "reports") == good


def test_categories_levels_and_histogram_are_consistent(analysis: tuple[str, Path],
                                                        sample_rows: list[dict[str, str]]) -> None:
    out, _ = analysis
    numbers = value(out, "numbers")
    levels = [value(out, f"level {name}") for name in ("clean", "suspicious", "likely_scam")]
    assert sum(levels) == numbers
    assert levels[2] > 0 and levels[1] > 0  # the scores were taken the day after: fresh reports count
    histogram = [int(m) for m in re.findall(r"^\s*\d+-\d+\s+(\d+)\s", out, re.MULTILINE)]
    assert len(histogram) == 10 and sum(histogram) == numbers
    categories = {name: value(out, f"category {name}") for name in
                  ("scam", "spam", "telemarketing", "robocall", "harassment", "debt_collection", "silent", "other")}
    assert sum(categories.values()) == value(out, "reports")
    # Impersonation complaints are scam reports; their count lies between the 10-digit rows
    # (surely good) and all rows with a number.
    pretending = [r for r in sample_rows if r["Subject"].startswith("Calls pretending")]
    sure = sum(1 for r in pretending if re.fullmatch(r"\d{10}", r["Company_Phone_Number"]))
    assert sure <= categories["scam"] <= sum(1 for r in pretending if r["Company_Phone_Number"].strip())


def test_top_number_is_the_most_reported(analysis: tuple[str, Path], sample_rows: list[dict[str, str]]) -> None:
    out, _ = analysis
    counts = collections.Counter(r["Company_Phone_Number"] for r in sample_rows
                                 if re.fullmatch(r"\d{10}", r["Company_Phone_Number"]))
    number, reports = counts.most_common(1)[0]
    table = out.split("== top 10 numbers", 1)[1].splitlines()
    rows = [line for line in table if line.startswith("+")]
    assert len(rows) == 10
    first = rows[0].split()
    assert first[0] == "+1" + number and int(first[1]) == reports
    assert first[3] == "likely_scam"


def test_validity_region_codes_and_types_match_phonenumbers(analysis: tuple[str, Path], phonenumbers_facts: Facts) -> None:
    out, _ = analysis
    valid, not_valid = value(out, "valid"), value(out, "not valid")
    assert valid == len(phonenumbers_facts.valid) > 1200  # the US numbers of the FTC file are valid US numbers
    assert valid + not_valid == value(out, "numbers")
    lines = section(out, "numbers by the numbering plan")
    regions = {m[1]: int(m[2]) for m in (re.fullmatch(r"region (\S+): (\d+)", line) for line in lines) if m}
    assert regions == dict(phonenumbers_facts.count("region_code"))
    assert regions["US"] > 1200 and regions["CA"] >= 1
    types = {m[1]: int(m[2]) for m in (re.fullmatch(r"type (\S+): (\d+)", line) for line in lines) if m}
    assert types.pop("unknown") == not_valid
    assert types == dict(phonenumbers_facts.count("type"))
    assert types["fixed_line_or_mobile"] > 1000 and types["toll_free"] > 50


def test_top_states_match_phonenumbers(analysis: tuple[str, Path], phonenumbers_facts: Facts) -> None:
    out, _ = analysis
    numbers: collections.Counter[str] = collections.Counter()
    reports: collections.Counter[str] = collections.Counter()
    for e164, facts in phonenumbers_facts.valid.items():
        if facts["state"]:
            numbers[facts["state"]] += 1
            reports[facts["state"]] += phonenumbers_facts.reports[e164]
    expected = sorted(numbers, key=lambda state: (-numbers[state], -reports[state], state))[:10]
    header, *lines = section(out, "top 10 states and provinces")
    assert header.split() == ["numbers", "reports", "state"]
    table = [re.fullmatch(r"\s*(\d+)\s+(\d+)  (\S.*)", line) for line in lines[:10]]
    assert all(table), lines
    assert [(m[3], int(m[1]), int(m[2])) for m in table if m] == [(s, numbers[s], reports[s]) for s in expected]
    assert expected[0] == "California"
    without = re.fullmatch(r"valid numbers without a state or province: (\d+) .*", lines[10])
    assert without and int(without[1]) == len(phonenumbers_facts.valid) - sum(numbers.values())


def test_top_numbers_show_type_region_and_state(analysis: tuple[str, Path], phonenumbers_facts: Facts) -> None:
    out, _ = analysis
    table = out.split("== top 10 numbers", 1)[1].splitlines()
    assert table[1].split()[-3:] == ["type", "region", "state"]
    rows = [line for line in table if line.startswith("+")]
    checked = 0
    for line in rows:
        e164 = line.split()[0].rstrip("*")
        facts = phonenumbers_facts.valid.get(e164)
        if facts is None:  # not valid: marked, no type, region or state
            assert "*" in line[:16] and line.split()[-3] == "unknown" and line.split()[-1] == "-", line
            continue
        after = line.split(f"{e164} ", 1)[1]
        assert re.search(rf"  {facts['type']}\s+{facts['region_code']}\s+{re.escape(facts['state'] or '-')}$", after), line
        checked += 1
    assert checked >= 5


def test_now_moves_the_scores(tmp_path: Path) -> None:
    # Ten years on, every number is past the quiet period: delisted, clean.
    result = run("--output", str(tmp_path), "--now", "2031-07-08")
    assert result.returncode == 0, result.stderr
    numbers = value(result.stdout, "numbers")
    assert value(result.stdout, "level clean") == numbers
    assert value(result.stdout, "level likely_scam") == 0


@pytest.mark.parametrize("args, message", [
    (["--data", "/no/such/ftc.csv"], "no such file: /no/such/ftc.csv"),
    (["--now", "yesterday-ish"], "--now: 'yesterday-ish' is not an ISO date or unix seconds"),
    (["--now", "-5"], "--now: '-5' is before 1970"),  # pandas' year -5: a NotImplementedError traceback
])
def test_bad_arguments_give_one_clear_error(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content, message", [
    ("", "empty input, expected a header line"),
    ("Company_Phone_Number,Created_Date,Violation_Date,Consumer_City,Consumer_State,Consumer_Area_Code,Subject,"
     "Recorded_Message_Or_Robocall\n", "holds no complaint with a number"),  # was an AttributeError on NaT
    ("number,when\n0912345678,2021-07-07\n", "no column"),
])
def test_files_it_cannot_analyse_give_one_clear_error(content: str, message: str, tmp_path: Path) -> None:
    """A file numrep cannot read, or one without a complaint, is one line on stderr and status 1:
    the example showed numrep's clear message under a traceback."""
    data = tmp_path / "ftc.csv"
    data.write_text(content, encoding="utf-8")
    result = run("--data", str(data), "--output", str(tmp_path))
    assert result.returncode == 1
    assert message in result.stderr and result.stderr.startswith("ftc_analysis: ")
    assert "Traceback" not in result.stderr
