"""The checked-in world data is what tools/gen_world_plan.py makes from the pinned phonenumbers,
and the generator's prefix-path matcher agrees with Python's re on every pattern it expands."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
GENERATOR = ROOT / "tools" / "gen_world_plan.py"
HEADERS = ["country_codes.hpp", "world_data.hpp", "world_names.hpp"]


def test_checked_in_world_data_is_regenerated_exactly(tmp_path) -> None:
    phonenumbers = pytest.importorskip("phonenumbers")
    if phonenumbers.__version__ != "9.0.43":
        pytest.skip(f"the world data pins phonenumbers 9.0.43; {phonenumbers.__version__} is installed")
    subprocess.run([sys.executable, str(GENERATOR), "--output", str(tmp_path)], check=True, capture_output=True)
    for name in HEADERS:
        made = (tmp_path / name).read_text(encoding="utf-8")
        kept = (ROOT / "include" / "numrep" / "detail" / name).read_text(encoding="utf-8")
        assert made == kept, f"{name} differs from what tools/gen_world_plan.py makes: regenerate it"


def test_prefix_paths_match_like_python_re() -> None:
    pytest.importorskip("phonenumbers")
    result = subprocess.run([sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "path matcher agrees with re on" in result.stderr
