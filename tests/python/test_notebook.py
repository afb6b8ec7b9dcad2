"""The FTC notebook (examples/python/ftc_analysis.ipynb) runs from top to bottom on the shipped cut,
executed with nbclient in a kernel of this very interpreter, as Jupyter runs it: any cell that
raises fails the test. Its outputs are checked for what the notebook is there to show: the
database's HTML table, the verdicts' as-of time, the plots, and the files it writes (into a
temporary directory, never the repository)."""

from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "python" / "ftc_analysis.ipynb"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KERNEL_NAME = "numrep-notebook-test"

nbformat = pytest.importorskip("nbformat", reason="running the notebook needs nbformat (pip install numrep-phone[test])")
nbclient = pytest.importorskip("nbclient", reason="running the notebook needs nbclient (pip install numrep-phone[test])")
pytest.importorskip("ipykernel", reason="running the notebook needs ipykernel (pip install numrep-phone[test])")
pytest.importorskip("matplotlib", reason="the FTC notebook draws with matplotlib (pip install numrep-phone[bench])")


def write_kernelspec(jupyter_path: Path) -> None:
    """A kernelspec starting this interpreter's ipykernel, in `jupyter_path` (put on JUPYTER_PATH):
    whatever kernelspecs the machine has (none in a fresh venv, or a "python3" of another Python),
    the kernel is the Python running the tests, with numrep as installed here."""
    spec = jupyter_path / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"Python {sys.version_info.major}.{sys.version_info.minor} (numrep tests)",
        "language": "python",
    }), encoding="utf-8")


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The notebook after running every cell, and the directory it wrote its files to."""
    tmp = tmp_path_factory.mktemp("notebook")
    out = tmp / "out"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NUMREP_FTC", "sample")  # the cut shipped in tests/data, whatever the caller's setting
        env.setenv("NUMREP_NOTEBOOK_OUT", str(out))
        env.setenv("IPYTHONDIR", str(tmp / "ipython"))  # no profile or history of the user's
        env.setenv("JUPYTER_PLATFORM_DIRS", "1")  # jupyter_core's future default, without its warning
        write_kernelspec(tmp / "jupyter")
        env.setenv("JUPYTER_PATH", str(tmp / "jupyter"))
        nb = nbformat.read(NOTEBOOK, as_version=4)
        before = sorted(p.name for p in NOTEBOOK.parent.iterdir())
        client = nbclient.NotebookClient(
            nb, kernel_name=KERNEL_NAME, timeout=120,
            # The kernel starts where Jupyter starts it: in the notebook's directory.
            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
        client.execute()  # CellExecutionError, naming the cell, if any cell raises
    assert sorted(p.name for p in NOTEBOOK.parent.iterdir()) == before, "the notebook wrote into the repository"
    return nb, out


def outputs(nb: Any) -> list[Any]:
    return [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]


def html(nb: Any) -> list[str]:
    return [o["data"]["text/html"] for o in outputs(nb) if "text/html" in o.get("data", {})]


def stdout(nb: Any) -> str:
    return "".join(o["text"] for o in outputs(nb) if o["output_type"] == "stream" and o["name"] == "stdout")


def test_notebook_is_committed_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert NOTEBOOK.stat().st_size < 40_000


def test_every_cell_runs_without_errors_or_warnings(executed: tuple[Any, Path]) -> None:
    nb, _ = executed
    assert all(o["output_type"] != "error" for o in outputs(nb))
    stderr = [o["text"] for o in outputs(nb) if o["output_type"] == "stream" and o["name"] == "stderr"]
    assert stderr == [], "a cell wrote to stderr (a warning?):\n" + "".join(stderr)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))


def test_objects_show_as_html_tables(executed: tuple[Any, Path]) -> None:
    tables = html(executed[0])
    database = [t for t in tables if "<strong>ReputationDB</strong>" in t]
    assert len(database) == 1
    # Today every 2021 number has decayed to clean; as of the newest report some are flagged.
    assert "levels at the newest report (2021-07-07)" in database[0]
    assert any("<strong>Verdict on +1" in t and "as of" in t and "2021-07-07T22:19:00" in t for t in tables)
    assert any("<strong>PhoneNumber +1" in t for t in tables)
    assert any("<strong>BloomFilter</strong>" in t for t in tables)
    assert any("<strong>TrieStore</strong>" in t for t in tables)


def test_verdicts_say_the_time_they_are_as_of(executed: tuple[Any, Path]) -> None:
    out = stdout(executed[0])
    # The newest report of the cut is a call on 2021-07-07 at 22:19 (its Violation_Date).
    assert "newest report: 2021-07-07 22:19 UTC" in out
    assert len(re.findall(r"^verdicts as of 2021-07-07 22:19 UTC$", out, re.MULTILINE)) == 2
    assert re.search(r"^\+1\d{10}: likely_scam, score \d+\.\d, as of 2021-07-07 22:19 UTC$", out, re.MULTILINE)
    assert "same as the pandas accessor: True" in out
    assert re.search(r"^from_frame: 1,445 numbers; from_csv: 1,445; same keys: True$", out, re.MULTILINE)


def test_plots_are_drawn(executed: tuple[Any, Path]) -> None:
    images = [base64.b64decode(o["data"]["image/png"]) for o in outputs(executed[0]) if "image/png" in o.get("data", {})]
    assert len(images) == 4  # by time and category, levels over time, areas and types, scores
    for png in images:
        assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
        assert len(png) > 10_000  # axes with data, not an empty canvas


def test_files_go_to_the_output_directory(executed: tuple[Any, Path]) -> None:
    import numrep

    nb, out = executed
    assert sorted(p.name for p in out.iterdir()) == ["flagged.bloom", "flagged.nrt"]
    trie = numrep.TrieStore.load(out / "flagged.nrt")
    bloom = numrep.BloomFilter.load(out / "flagged.bloom")
    db = numrep.ReputationDB.from_csv(ROOT / "tests" / "data" / "ftc_sample.csv", preset="ftc")
    verdicts = db.check_many(db.keys(), now="latest", as_frame=True)
    flagged = numrep.parse_many(verdicts.loc[verdicts["level"] != "clean", "e164"], region=None)
    assert len(trie) == len(flagged) > 0
    assert trie.contains_many(flagged).all() and bloom.contains_many(flagged).all()
    assert "flagged numbers found: Bloom filter 100%, trie 100%" in stdout(nb)
