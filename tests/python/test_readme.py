"""The README is a contract: every code block in README.md (and in the docs written to the same
rules, DOCUMENTS below) runs as written, and the results its comments state are the results.

How blocks are read (the fence's info string is `LANG [FLAGS]`; GitHub highlights by LANG alone):

* ```python blocks run in a fresh temporary directory holding the fixture files (below), each
  block on its own. A block marked `continues` runs after the block before it, in the same
  namespace and directory (so one example may be told in several steps). The code is placed at
  its line in the document, so a traceback names the document's line.
  A top-level expression whose line ends in a comment that states a value is checked:
  `x.e164  # '+84912345678'` (a Python literal, optionally followed by a note after a space,
  ':' or ','), or `parse(t)  # PhoneNumber('+1...')` (the value's repr, where the comment
  starts with the value's type name and '(' ; `, ...)` at the end means "starts with").
  Other comments are notes and are not checked.
* ```cpp blocks are compiled with g++ -std=c++20 -O1 -I include (xxhash is used header-only:
  nothing to link) and run in a fresh temporary directory. A block without `int main` is a
  fragment: its `#include` lines go first, after `#include <numrep/numrep.hpp>`, and the rest
  becomes the body of `int main()`. `#line` directives make compiler errors name the document.
* ```sh blocks run under `bash -euo pipefail` in a fresh temporary directory with HOME set to
  it, with the installed `numrep` command on PATH. `continues` works as for Python. A block
  that says `cd numrep` gets a copy of the CMake part of the source tree (CMakeLists.txt,
  cmake/, include/) as ./numrep, as if cloned there.
* A block directly followed by a ```text output block must print exactly that output.
* Blocks with `file=PATH` (any language, typically csv and cmake) are also written to PATH in
  every temporary directory of the document, so that other blocks can use them.
* A block marked `no-run: REASON` is not run. Such markers must be rare and give a reason.
* Other languages (cmake, csv, text, none) are data: they are not run.

Fixture files in every temporary directory, besides the document's `file=` blocks:
  ftc.csv      tests/data/ftc_sample.csv (1,568 rows of US FTC Do-Not-Call complaints)
  numbers.txt  two numbers, one a line
"""

from __future__ import annotations

import ast
import dataclasses
import io
import os
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ["README.md", "docs/scoring.md", "docs/file-format.md", "docs/getting-started-python.md",
             "docs/getting-started-cpp.md", "docs/cli.md"]
RUN_LANGUAGES = {"python", "cpp", "sh"}
DATA_LANGUAGES = {"cmake", "csv", "text", ""}
FIXTURES = {
    "ftc.csv": (ROOT / "tests" / "data" / "ftc_sample.csv").read_bytes(),
    "numbers.txt": b"0912 345 678\n+1 416 555 0100\n",
}


@dataclasses.dataclass
class Block:
    document: str
    line: int            # line of the first code line (the one after the fence), 1-based
    language: str
    flags: str           # the info string after the language
    code: str
    output: str | None = None    # the ```text output block that follows, if any
    group: list[Block] = dataclasses.field(default_factory=list)  # blocks that continue this one

    @property
    def no_run(self) -> str | None:
        m = re.search(r"\bno-run:?\s*(.*)", self.flags)
        return m.group(1).strip() if m else None

    @property
    def continues(self) -> bool:
        return re.search(r"\bcontinues\b", self.flags) is not None

    @property
    def file(self) -> str | None:
        m = re.search(r"\bfile=(\S+)", self.flags)
        return m.group(1) if m else None

    @property
    def id(self) -> str:
        return f"{self.document}:{self.line}"


def read_blocks(document: str) -> list[Block]:
    """Every fenced block of the document, in order; output blocks attached to the block before."""
    lines = (ROOT / document).read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    previous_end = -2
    while i < len(lines):
        m = re.match(r"^```(\S*)\s*(.*)$", lines[i])
        if not m:
            i += 1
            continue
        start = i + 1
        j = start
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        assert j < len(lines), f"{document}:{i + 1}: unclosed code block"
        block = Block(document, start + 1, m.group(1), m.group(2), "\n".join(lines[start:j]) + "\n")
        adjacent = all(not lines[k].strip() for k in range(previous_end + 1, i))
        if block.language == "text" and block.flags == "output" and blocks and adjacent:
            assert blocks[-1].output is None, f"{block.id}: two output blocks for one block"
            blocks[-1].output = block.code
        else:
            blocks.append(block)
        previous_end = j
        i = j + 1
    return blocks


def runnable_groups(document: str, language: str) -> list[Block]:
    """Blocks of `language` that start a group (continuing blocks are in .group)."""
    groups: list[Block] = []
    for b in read_blocks(document):
        if b.language != language or b.no_run is not None:
            continue
        if b.continues:
            assert groups, f"{b.id}: marked 'continues' but no {language} block comes before it"
            groups[-1].group.append(b)
        else:
            b.group = [b]
            groups.append(b)
    return groups


def params(language: str) -> list:
    return [pytest.param(g, id=g.id) for d in DOCUMENTS if (ROOT / d).exists() for g in runnable_groups(d, language)]


def padded(blocks: list[Block]) -> str:
    """The blocks' code with each line at its line number in the document."""
    out: list[str] = []
    for b in blocks:
        out.extend([""] * (b.line - 1 - len(out)))
        out.extend(b.code.splitlines())
    return "\n".join(out) + "\n"


def prepare(directory: Path, document: str, *, clone: bool = False) -> None:
    for name, data in FIXTURES.items():
        (directory / name).write_bytes(data)
    for b in read_blocks(document):
        if b.file:
            path = directory / b.file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(b.code, encoding="utf-8")
    if clone:
        source = directory / "numrep"
        source.mkdir()
        for name in ("CMakeLists.txt", "LICENSE"):
            shutil.copy2(ROOT / name, source / name)
        for name in ("cmake", "include"):
            shutil.copytree(ROOT / name, source / name)


# ---- stated values -------------------------------------------------------------------------------

def stated_value(comment: str):
    """('literal', value), ('repr', text, prefix_only) or None for a note."""
    text = comment.lstrip("#").strip()
    m = re.match(r"([A-Z][A-Za-z_]*)\(", text)
    if m:
        prefix_only = text.endswith(", ...)")
        return ("repr", text[: -len(", ...)")] if prefix_only else text, prefix_only, m.group(1))
    for end in range(len(text), 0, -1):
        if end < len(text) and text[end] not in " :,;":
            continue
        try:
            return ("literal", ast.literal_eval(text[:end]))
        except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
            continue
    return None


def same(value, expected) -> bool:
    if isinstance(value, np.ndarray) or isinstance(expected, np.ndarray):
        return np.array_equal(np.asarray(value), np.asarray(expected))
    if isinstance(expected, float) and isinstance(value, (float, np.floating)):
        decimals = len(repr(expected).partition(".")[2])
        return round(float(value), decimals) == expected
    if isinstance(expected, tuple) and isinstance(value, tuple) and len(value) == len(expected):
        return all(same(v, e) for v, e in zip(value, expected))
    return value == expected


def check_stated(value, stated, line: int, document: str) -> None:
    where = f"{document}:{line}"
    if stated[0] == "literal":
        assert same(value, stated[1]), f"{where}: the comment says {stated[1]!r}, the code gives {value!r}"
        return
    _, text, prefix_only, type_name = stated
    assert type(value).__name__ == type_name, f"{where}: the comment shows a {type_name}, the code gives {value!r}"
    shown = repr(value)
    ok = shown.startswith(text) if prefix_only else shown == text
    assert ok, f"{where}: the comment shows {text}{', ...)' if prefix_only else ''}, the code gives {shown}"


def with_checks(source: str, document: str) -> ast.Module:
    """The module with each top-level expression whose line states a value wrapped in a check."""
    comments = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string
    tree = ast.parse(source, filename=document)
    last_on_line = {}
    for stmt in tree.body:
        last_on_line[stmt.end_lineno] = stmt
    body = []
    for stmt in tree.body:
        stated = stated_value(comments[stmt.end_lineno]) if stmt.end_lineno in comments else None
        if isinstance(stmt, ast.Expr) and last_on_line.get(stmt.end_lineno) is stmt and stated is not None:
            call = ast.Call(func=ast.Name("__readme_check__", ast.Load()),
                            args=[stmt.value, ast.Constant(stmt.end_lineno)], keywords=[])
            stmt = ast.copy_location(ast.Expr(call), stmt)
            ast.fix_missing_locations(stmt)
            body.append(stmt)
            body[-1]._stated = stated  # type: ignore[attr-defined]
        else:
            body.append(stmt)
    tree.body = body
    return tree


# ---- the tests -----------------------------------------------------------------------------------

@pytest.mark.parametrize("group", params("python"))
def test_python_block(group: Block, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    prepare(tmp_path, group.document)
    source = padded(group.group)
    stated = {}
    tree = with_checks(source, group.document)
    for stmt in tree.body:
        if hasattr(stmt, "_stated"):
            stated[stmt.end_lineno] = stmt._stated

    def readme_check(value, line):
        check_stated(value, stated[line], line, group.document)

    namespace = {"__name__": "__readme__", "__readme_check__": readme_check}
    exec(compile(tree, group.document, "exec"), namespace)  # tracebacks name the document's lines
    printed = capsys.readouterr().out
    last = group.group[-1]
    if last.output is not None:
        assert printed == last.output, f"{last.id}: the block printed\n{printed}\nnot the output shown after it"


def compiler() -> str:
    found = shutil.which("g++")
    if found is None:
        pytest.skip("g++ not found: cannot compile the C++ blocks")
    return found


def cpp_source(block: Block) -> str:
    if re.search(r"\bint\s+main\s*\(", block.code):
        return f'#line {block.line} "{block.document}"\n{block.code}'
    includes = [(n, line) for n, line in enumerate(block.code.splitlines()) if line.startswith("#include")]
    body = [(n, line) for n, line in enumerate(block.code.splitlines()) if not line.startswith("#include")]
    out = ["#include <numrep/numrep.hpp>"]
    out += [f'#line {block.line + n} "{block.document}"\n{text}' for n, text in includes]
    out += ["int main() {", f'#line {block.line + body[0][0]} "{block.document}"' if body else ""]
    out += [text for _, text in body] + ["}"]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("block", params("cpp"))
def test_cpp_block(block: Block, tmp_path):
    gxx = compiler()
    source = tmp_path / "block.cpp"
    source.write_text(cpp_source(block), encoding="utf-8")
    exe = tmp_path / "block"
    built = subprocess.run([gxx, "-std=c++20", "-O1", f"-I{ROOT / 'include'}", str(source), "-o", str(exe)],
                           capture_output=True, text=True)
    assert built.returncode == 0, f"{block.id}: does not compile:\n{built.stderr[-6000:]}"
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    prepare(run_dir, block.document)
    ran = subprocess.run([str(exe)], cwd=run_dir, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, f"{block.id}: exited with {ran.returncode}:\n{ran.stdout}\n{ran.stderr}"
    if block.output is not None:
        assert ran.stdout == block.output, f"{block.id}: printed\n{ran.stdout}\nnot the output shown after it"


def numrep_command_dir() -> Path:
    here = Path(sys.executable).parent
    if (here / "numrep").exists():
        return here
    found = shutil.which("numrep")
    if found is None:
        pytest.skip("the numrep command is not installed")
    return Path(found).parent


@pytest.mark.parametrize("group", params("sh"))
def test_sh_block(group: Block, tmp_path):
    script = padded(group.group)
    commands = set(re.findall(r"(?m)^\s*(?:cd \S+ && )?([\w.+-]+)", script))
    for tool in ("cmake", "g++", "hexdump"):
        if tool in commands and shutil.which(tool) is None:
            pytest.skip(f"{tool} not found: cannot run {group.id}")
    prepare(tmp_path, group.document, clone=re.search(r"(?m)^cd numrep\b", script) is not None)
    env = dict(os.environ, HOME=str(tmp_path), MPLBACKEND="Agg",
               PATH=f"{numrep_command_dir()}{os.pathsep}{os.environ.get('PATH', '')}")
    trap = f"trap 'echo \"{group.document}:$LINENO: command failed\" >&2' ERR\n"
    # The trap line takes line 1: the code lines keep their document line numbers.
    ran = subprocess.run(["bash", "-euo", "pipefail", "-c", trap + script.split("\n", 1)[1]], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert ran.returncode == 0, f"{group.id}: exited with {ran.returncode}:\n{ran.stdout[-4000:]}\n{ran.stderr[-4000:]}"
    last = group.group[-1]
    if last.output is not None:
        assert ran.stdout == last.output, f"{last.id}: printed\n{ran.stdout}\nnot the output shown after it"


@pytest.mark.parametrize("document", [d for d in DOCUMENTS if (ROOT / d).exists()])
def test_blocks_are_known_and_no_run_markers_rare(document: str):
    blocks = read_blocks(document)
    assert blocks, f"{document}: no code blocks"
    for b in blocks:
        assert b.language in RUN_LANGUAGES | DATA_LANGUAGES, (
            f"{b.id}: a ```{b.language} block: run it as python, cpp or sh, or make it data (cmake, csv, text)")
        if b.no_run is not None:
            assert len(b.no_run) >= 10, f"{b.id}: 'no-run' needs a reason"
            assert b.language in RUN_LANGUAGES, f"{b.id}: 'no-run' on a block that is never run"
    runnable = [b for b in blocks if b.language in RUN_LANGUAGES]
    skipped = [b for b in runnable if b.no_run is not None]
    assert sum(b.language == "python" for b in skipped) <= 1, f"{document}: more than one Python block not run"
    assert len(skipped) * 3 <= len(runnable), (
        f"{document}: {len(skipped)} of {len(runnable)} runnable blocks are marked no-run: "
        + ", ".join(f"{b.id} ({b.no_run})" for b in skipped))


def test_stated_values_are_read():
    """The comment forms the checks rely on (so that a README edit cannot silently stop checking)."""
    assert stated_value("# '+84912345678'") == ("literal", "+84912345678")
    assert stated_value("# '+84912345678': dialled from Russia") == ("literal", "+84912345678")
    assert stated_value("# ('Viettel', 'mobile', True)") == ("literal", ("Viettel", "mobile", True))
    assert stated_value("# True (legacy form)") == ("literal", True)
    assert stated_value("# NumPy bool array, GIL released") is None
    assert stated_value("# Verdict(number='+8491', ...)") == ("repr", "Verdict(number='+8491'", True, "Verdict")
    assert same(np.array([1, 2], dtype=np.uint64), [1, 2])
    assert same(86.2515, 86.25) and not same(86.2515, 86.4)
    with pytest.raises(AssertionError):
        check_stated(2, ("literal", 3), 1, "README.md")
